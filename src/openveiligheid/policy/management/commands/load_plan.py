from django.core.management.base import CommandParser

from openveiligheid.imports.management.commands._base import ImportCommand
from openveiligheid.policy.planimport import import_plan


class Command(ImportCommand):
    help = (
        "Lees een veiligheidsplan (YAML) in; een plan met dezelfde naam wordt bijgewerkt "
        "(doelen die uit het bestand zijn verdwenen, worden gemarkeerd als verwijderd). "
        "Het inlezen staat in het importlogboek, zoals elke import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args, **options) -> None:
        self.report(lambda: import_plan(options["file"]))
