from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "openveiligheid.imports"

    def ready(self) -> None:
        from openveiligheid.core.signals import server_starting
        from openveiligheid.imports.services import close_abandoned_runs

        def on_server_starting(sender, **kwargs) -> None:
            close_abandoned_runs()

        server_starting.connect(on_server_starting, weak=False, dispatch_uid="imports-abandoned")
