from django.urls import path

from openveiligheid.insight import views

app_name = "insight"
urlpatterns = [
    path("monitor/", views.monitor_page, name="monitor"),
    path("monitor/afspraken/<str:periode>/", views.notes_save, name="afspraken"),
    path("methoden/", views.methods, name="methoden"),
    path("methoden/<slug:slug>/", views.method, name="methode"),
]
