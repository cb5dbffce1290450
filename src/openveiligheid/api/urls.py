from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from django.urls import include, path, re_path

from openveiligheid.api import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("gemeenten", views.GemeenteViewSet, basename="gemeente")
router.register("gebieden", views.AreaViewSet, basename="gebied")
router.register("maten", views.MeasureViewSet, basename="maat")
router.register("cijfers", views.FigureViewSet, basename="cijfer")
router.register("plannen", views.PlanViewSet, basename="plan")
router.register("hotspots", views.HotspotViewSet, basename="hotspot")
router.register("signalen", views.SignalViewSet, basename="signaal")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", views.not_found),  # any other path, newlines included
]
