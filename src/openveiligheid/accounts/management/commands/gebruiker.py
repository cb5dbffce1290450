"""``openveiligheid gebruiker NAAM --rol ROL``: create or update a user, print a new password."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openveiligheid.accounts.services import OrganisationError, provision_user


class Command(BaseCommand):
    help = (
        "Maak een gebruiker aan of werk hem bij, met precies deze rollen, zonder vragen. "
        "Drukt één keer een nieuw wachtwoord af."
    )

    def add_arguments(self, parser):
        parser.add_argument("naam", help="gebruikersnaam")
        parser.add_argument(
            "--rol",
            action="append",
            required=True,
            metavar="ROL",
            help="beleidsadviseur, analist, bestuurder of partner (herhaalbaar)",
        )
        parser.add_argument(
            "--organisatie",
            action="append",
            default=[],
            metavar="NAAM",
            help="maak de gebruiker lid van deze organisatie (herhaalbaar)",
        )

    def handle(self, *args, **options):
        try:
            done = provision_user(options["naam"], options["rol"], options["organisatie"])
        except OrganisationError as exc:
            raise CommandError(str(exc)) from exc
        user = done.user
        verb = "aangemaakt" if done.created else "bijgewerkt"
        roles = ", ".join(sorted(user.groups.values_list("name", flat=True)))
        organisations = ", ".join(
            user.organisations.order_by("name").values_list("name", flat=True)
        )
        self.stdout.write(f"Gebruiker {user.get_username()} {verb}; rollen: {roles}.")
        self.stdout.write(f"Organisaties: {organisations or 'geen (nog niets te zien)'}.")
        self.stdout.write(f"Nieuw wachtwoord (wordt niet nog eens getoond): {done.password}")
