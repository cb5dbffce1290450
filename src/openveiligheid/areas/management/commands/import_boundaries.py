from django.core.management.base import CommandParser

from openveiligheid.areas.services import import_boundaries
from openveiligheid.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Lees gebiedsgrenzen in uit GeoJSON (EPSG:4326) met de gebiedscode in "
        "statcode, BU_CODE, WK_CODE of code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--indeling", type=int, help="jaar van de indeling, als het bestand het niet zegt"
        )

    def handle(self, *args, **options) -> None:
        self.report(lambda: import_boundaries(options["file"], division=options["indeling"]))
