from django.core.management.base import BaseCommand, CommandError, CommandParser

from openveiligheid.core.errors import InputError
from openveiligheid.policy.services import load_plan


class Command(BaseCommand):
    help = (
        "Lees een veiligheidsplan (YAML) in; een plan met dezelfde naam wordt bijgewerkt "
        "(doelen die uit het bestand zijn verdwenen, worden gemarkeerd als verwijderd)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args, **options) -> None:
        try:
            plan = load_plan(options["file"])
        except InputError as exc:
            raise CommandError("Plan niet ingelezen. Fouten:\n" + exc.summary()) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"Bestand niet gevonden: {exc.filename}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Plan '{plan.name}' ingelezen: {plan.themes.count()} thema's, "
                f"{plan.indicators.count()} indicatoren."
            )
        )
