from django.urls import path

from openveiligheid.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("gemeente/", views.choose_gemeente, name="gemeente"),
    path("inloggen/sso/", oidc.start, name="sso"),
    path("inloggen/sso/terug/", oidc.callback, name="sso-terug"),
    path("inloggen/code/", views.second_factor_code, name="code"),
    path("account/tweestaps/", views.second_factor_set_up, name="tweestaps"),
]
