from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openveiligheid.audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from openveiligheid.audit import receivers

        receivers.connect()
