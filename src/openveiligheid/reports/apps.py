from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openveiligheid.reports"
    verbose_name = "Verantwoording: het jaarverslag per doel"
