"""The jaarverslag pages (log-in and the dashboard permission; vaststellen: its own)."""

from django.urls import path

from openveiligheid.reports import views

app_name = "reports"
urlpatterns = [
    path("jaarverslag/", views.jaarverslag, name="jaarverslag"),
    path("jaarverslag/download.<str:fmt>", views.download, name="download"),
    path("jaarverslag/<int:year>/vaststellen/", views.vaststellen, name="vaststellen"),
]
