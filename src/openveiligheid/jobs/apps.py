from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "openveiligheid.jobs"
    verbose_name = "Taken: de werker, zijn geplande taken en de achtergrondtaken"

    def ready(self) -> None:
        from openveiligheid.core.health import CHECKS
        from openveiligheid.insight.services import set_scheduler
        from openveiligheid.jobs.services import worker_health
        from openveiligheid.jobs.tasks import enqueue_analyses

        if worker_health not in CHECKS:
            CHECKS.append(worker_health)
        # the analyses after an import run as tasks, one per gemeente (ADR 0020)
        set_scheduler(enqueue_analyses)
