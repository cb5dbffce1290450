from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "openveiligheid.insight"
    verbose_name = "Inzicht: hotspots en signalering"

    def ready(self) -> None:
        from openveiligheid.imports.services import import_succeeded
        from openveiligheid.insight.services import on_import

        import_succeeded.connect(on_import, dispatch_uid="insight-after-import")
