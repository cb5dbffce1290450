from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "openveiligheid.accounts"

    def ready(self) -> None:
        from openveiligheid.accounts.audit import connect
        from openveiligheid.accounts.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
        connect()
