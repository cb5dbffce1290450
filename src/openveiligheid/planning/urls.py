"""The plan pages (namespace ``planning``): the plan, its goals, targets, activities, texts and
"doel gehaald", and the change history. The money pages are in ``urls_finance.py``."""

from django.urls import path

from openveiligheid.planning import views

app_name = "planning"
urlpatterns = [
    path("plan/", views.plan_page, name="plan"),
    path("plan/export.yaml", views.export, name="export"),
    path("plan/activiteiten.csv", views.activities_export, name="activiteiten-export"),
    path("plan/wijzigingen/", views.changes_page, name="wijzigingen"),
    path("plan/doel/<slug:key>/", views.goal_page, name="doel"),
    path("plan/doel/<slug:key>/bewerken/", views.goal_edit, name="doel-bewerken"),
    path("plan/doel/<slug:key>/verwijderen/", views.goal_remove, name="doel-verwijderen"),
    path("plan/doel/<slug:key>/terugzetten/", views.goal_restore, name="doel-terugzetten"),
    path(
        "plan/indicator/<slug:key>/streefwaarden/",
        views.targets_edit,
        name="streefwaarden",
    ),
    path(
        "plan/doel/<slug:key>/<int:year>/activiteit/",
        views.activity_new,
        name="activiteit-nieuw",
    ),
    path(
        "plan/doel/<slug:key>/<int:year>/activiteit/<str:code>/",
        views.activity_page,
        name="activiteit",
    ),
    path("plan/doel/<slug:key>/<int:year>/oordeel/", views.judgement_edit, name="oordeel"),
]
