from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "openveiligheid.uploads"
    verbose_name = "Inlezen via de website"
