from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "openveiligheid.cases"
    verbose_name = "Registers: casussen met persoonsgegevens"

    def ready(self) -> None:
        """After a successful import of a register, publish its gemeente's counts as the
        ``register:*`` figures (``cases.counts``)."""
        from openveiligheid.cases.counts import on_register_import
        from openveiligheid.imports.services import import_succeeded

        import_succeeded.connect(on_register_import, dispatch_uid="cases-publish-after-import")
