from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from openveiligheid.core.health import gezondheid

urlpatterns = [
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("beheer/", admin.site.urls),
    path("gezondheid/", gezondheid, name="gezondheid"),
    path("api/v1/", include("openveiligheid.api.urls")),
    path("", include("openveiligheid.accounts.urls")),
    path("", include("openveiligheid.insight.urls")),
    path("", include("openveiligheid.dashboard.urls")),
    path("", include("openveiligheid.cases.urls")),
    path("", include("openveiligheid.planning.urls")),
    path("", include("openveiligheid.planning.urls_finance")),
    path("", include("openveiligheid.reports.urls")),
    path("", include("openveiligheid.reports.urls_public")),
    path("", include("openveiligheid.uploads.urls")),
]
