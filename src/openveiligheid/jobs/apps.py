from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "openveiligheid.jobs"
    verbose_name = "Taken: de werker en zijn geplande taken"

    def ready(self) -> None:
        from openveiligheid.core.health import CHECKS
        from openveiligheid.jobs.services import worker_health

        if worker_health not in CHECKS:
            CHECKS.append(worker_health)
