from django.urls import path

from openveiligheid.uploads import views

app_name = "uploads"
urlpatterns = [
    path("inlezen/", views.inlezen, name="inlezen"),
    path("inlezen/geschiedenis/", views.geschiedenis, name="geschiedenis"),
    path("inlezen/<int:pk>/", views.resultaat, name="resultaat"),
]
