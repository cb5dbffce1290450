"""``openveiligheid demo``: set up the demo municipality and serve it on localhost."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from openveiligheid.core.signals import server_starting
from openveiligheid.demo.loader import (
    load_demo,
    reset_controller_user,
    reset_demo_user,
    reset_register_users,
)


class Command(BaseCommand):
    help = (
        "Zet de demo klaar (Groningen, Breda en Nijmegen op echte open data, met verzonnen "
        "voorbeeldplannen) en start de webserver."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="alleen klaarzetten, niet serveren"
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        settings.DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        server_starting.send(sender=self.__class__)  # repairs what a crash left behind
        self.stdout.write("Demogegevens inlezen (een tweede keer slaat ze over):")
        load_demo(self.stdout.write)
        username, password = reset_demo_user()
        self.stdout.write(
            self.style.SUCCESS(
                f"Klaar in {time.perf_counter() - started:.1f} s. "
                f"Inloggen als '{username}' met wachtwoord "
                f"'{password}' (nieuw bij elke start)."
            )
        )
        controller, secret = reset_controller_user()
        self.stdout.write(
            f"Financiën per doel (controller): '{controller}' met wachtwoord '{secret}'"
        )
        self.stdout.write(
            "Registers (verzonnen casussen) met tweestapsverificatie (authenticator-app instellen "
            "bij de eerste keer inloggen):"
        )
        for name, role, secret in reset_register_users():
            self.stdout.write(f"  '{name}' ({role}) met wachtwoord '{secret}'")
        if options["no_serve"]:
            return
        self.stdout.write(f"Open http://{options['addrport']}/ in de browser. Stoppen: Ctrl+C.")
        call_command("runserver", options["addrport"], use_reloader=False)
