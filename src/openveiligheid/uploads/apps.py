from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "openveiligheid.uploads"
    verbose_name = "Inlezen via de website"

    def ready(self) -> None:
        from openveiligheid.jobs.tasks import register
        from openveiligheid.uploads.services import UPLOAD_TASK, run_upload_task

        register(UPLOAD_TASK, run_upload_task)
