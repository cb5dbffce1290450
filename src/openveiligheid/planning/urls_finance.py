"""The money pages of a goal (namespace ``financien``); included at the root."""

from django.urls import path

from openveiligheid.planning import views_finance

app_name = "financien"
urlpatterns = [
    path("plan/doel/<slug:key>/financien/", views_finance.goal_finance, name="doel"),
    path(
        "plan/doel/<slug:key>/financien/<int:year>/bewerken/",
        views_finance.edit_amounts,
        name="bewerken",
    ),
    path(
        "plan/doel/<slug:key>/financien/<int:year>/kredieten/",
        views_finance.edit_credits,
        name="kredieten",
    ),
]
