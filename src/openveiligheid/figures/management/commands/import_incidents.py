from django.core.management.base import CommandParser

from openveiligheid.figures.incidents import import_incidents
from openveiligheid.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Lees politie-incidenten met coördinaten in; ze worden per buurt en maand geteld "
        "(maten incidenten:<code> en incidenten:<code>:opgehelderd)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--indeling", type=int, help="indeling met buurtgrenzen; standaard de nieuwste"
        )

    def handle(self, *args, **options) -> None:
        self.report(lambda: import_incidents(options["file"], division=options["indeling"]))
