"""The public pages of adopted jaarverslagen: no log-in (``/openbaar/`` is let through by the
log-in middleware), so the views themselves show nothing of a plan that is not switched on."""

from django.urls import path

from openveiligheid.reports import views_public

app_name = "openbaar"
urlpatterns = [
    path("openbaar/<str:gemeente>/", views_public.plan, name="plan"),
    path("openbaar/<str:gemeente>/<int:year>/", views_public.jaarverslag, name="jaarverslag"),
]
