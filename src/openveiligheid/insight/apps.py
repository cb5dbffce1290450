from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "openveiligheid.insight"
    verbose_name = "Inzicht: hotspots en signalering"

    def ready(self) -> None:
        from openveiligheid.core.signals import server_starting
        from openveiligheid.imports.services import import_skipped, import_succeeded
        from openveiligheid.insight.services import on_import, on_import_skipped, refresh_stale

        import_succeeded.connect(on_import, dispatch_uid="insight-after-import")
        import_skipped.connect(on_import_skipped, dispatch_uid="insight-after-skip")
        server_starting.connect(refresh_stale, dispatch_uid="insight-at-start")
