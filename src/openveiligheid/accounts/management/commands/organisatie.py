"""``openveiligheid organisatie NAAM --gemeente GM0014 --lid GEBRUIKER``: who sees what."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openveiligheid.accounts.services import (
    GemeenteSpec,
    OrganisationError,
    describe,
    save_organisation,
)


class Command(BaseCommand):
    help = (
        "Maak of wijzig een organisatie: de gemeenten waarvoor zij werkt en haar leden. "
        "Leden zien de plannen en cijfers van die gemeenten (met de rechten van hun rol)."
    )

    def add_arguments(self, parser):
        parser.add_argument("naam", help="naam van de organisatie, bijv. 'Gemeente Groningen'")
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            metavar="CODE[=NAAM]",
            help="gemeente waarvoor zij werkt, bijv. GM0014 of GM0758=Breda (herhaalbaar)",
        )
        parser.add_argument(
            "--lid", action="append", default=[], metavar="GEBRUIKER", help="lid toevoegen"
        )
        parser.add_argument(
            "--geen-lid",
            action="append",
            default=[],
            metavar="GEBRUIKER",
            help="lid verwijderen",
        )

    def handle(self, *args, **options):
        try:
            gemeenten = [GemeenteSpec.parse(text) for text in options["gemeente"]]
            organisation = save_organisation(
                options["naam"],
                gemeenten,
                options["lid"],
                remove_members=options["geen_lid"],
            )
        except OrganisationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(describe(organisation)))
