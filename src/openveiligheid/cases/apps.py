from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "openveiligheid.cases"
    verbose_name = "Registers: casussen met persoonsgegevens"
