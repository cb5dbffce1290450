from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openveiligheid.api"
    verbose_name = "API"
