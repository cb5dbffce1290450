"""The register pages (``/registers/…``) and the FG's audit log (``/auditlog/``)."""

from django.urls import path

from openveiligheid.cases import views
from openveiligheid.cases.views_report import urlpatterns_report

app_name = "cases"
urlpatterns = [
    path("registers/", views.registers, name="registers"),
    path("registers/casus/<int:pk>/", views.case_detail, name="casus"),
    path("registers/casus/<int:pk>/journaal/", views.add_journal, name="journaal"),
    path("registers/casus/<int:pk>/status/", views.change_status, name="status"),
    path("registers/casus/<int:pk>/persoon/", views.add_person, name="persoon-toevoegen"),
    path("registers/casus/<int:pk>/koppelen/", views.link_case, name="koppelen"),
    path("registers/persoon/<int:pk>/", views.person_detail, name="persoon"),
    path("registers/<slug:register>/", views.case_list, name="lijst"),
    path("registers/<slug:register>/nieuw/", views.case_new, name="nieuw"),
    path("registers/<slug:register>/export/", views.export, name="export"),
    path("auditlog/", views.audit_log, name="auditlog"),
    path("auditlog/export.<str:fmt>", views.audit_export, name="auditlog-export"),
    *urlpatterns_report,
]
