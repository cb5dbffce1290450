from django.urls import path

from openveiligheid.uploads import views

app_name = "uploads"
urlpatterns = [
    path("inlezen/", views.inlezen, name="inlezen"),
    path("inlezen/geschiedenis/", views.geschiedenis, name="geschiedenis"),
    path("inlezen/<int:pk>/", views.resultaat, name="resultaat"),
    path("inlezen/taak/<int:pk>/", views.taak, name="taak"),
    path("inlezen/taak/<int:pk>/stand/", views.taak_stand, name="taak_stand"),
    path("inlezen/taak/<int:pk>/afbreken/", views.afbreken, name="afbreken"),
]
