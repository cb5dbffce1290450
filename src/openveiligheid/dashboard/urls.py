from django.urls import path

from openveiligheid.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overzicht, name="overzicht"),
    path("indicator/<slug:key>/", views.indicator_detail, name="indicator"),
    path("indicator/<slug:key>/download.<str:fmt>", views.indicator_download, name="download"),
    path("kaart/", views.kaart, name="kaart"),
    path("gebied/<str:code>/", views.gebied, name="gebied"),
    path("vergelijken/", views.vergelijken, name="vergelijken"),
]
