from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "openveiligheid.planning"
    verbose_name = "Werken in het plan"
