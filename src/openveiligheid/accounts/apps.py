from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "openveiligheid.accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from openveiligheid.accounts.audit import connect
        from openveiligheid.accounts.middleware import end_session_on_time
        from openveiligheid.accounts.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
        connect()
        user_logged_in.connect(end_session_on_time, dispatch_uid="accounts-session-end")
