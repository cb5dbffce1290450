"""``openveiligheid token GEBRUIKER [--vervang]``: the API key of a user, for Power BI or Excel."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import PURPOSE_RIGHTS, record

AUDIT_ACTION = AuditEvent.USER


class Command(BaseCommand):
    help = (
        "Toon (of maak) de API-sleutel van een gebruiker. De API geeft dezelfde gegevens en "
        "rechten als de pagina's van die gebruiker."
    )

    def add_arguments(self, parser):
        parser.add_argument("gebruiker", help="gebruikersnaam")
        parser.add_argument(
            "--vervang",
            action="store_true",
            help="maak een nieuwe sleutel; de oude werkt niet meer",
        )
        parser.add_argument(
            "--intrekken", action="store_true", help="trek de sleutel in; er komt geen nieuwe"
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["gebruiker"]).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker: {options['gebruiker']}.")
        if options["vervang"] or options["intrekken"]:
            Token.objects.filter(user=user).delete()
        if options["intrekken"]:
            record(AUDIT_ACTION, f"gebruiker {user.get_username()}", purpose=PURPOSE_RIGHTS,
                   wijziging="API-sleutel ingetrokken")  # fmt: skip
            self.stdout.write(f"API-sleutel van {user.get_username()} ingetrokken.")
            return
        token, created = Token.objects.get_or_create(user=user)
        if created:
            record(AUDIT_ACTION, f"gebruiker {user.get_username()}", purpose=PURPOSE_RIGHTS,
                   wijziging="API-sleutel gemaakt")  # fmt: skip
        self.stdout.write(f"API-sleutel van {user.get_username()}: {token.key}")
        self.stdout.write("Gebruik: Authorization: Token <sleutel>. Bewaar hem als een wachtwoord.")
