from django.urls import path

from openveiligheid.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overzicht, name="overzicht"),
    path("indicator/<slug:key>/", views.indicator_detail, name="indicator"),
]
