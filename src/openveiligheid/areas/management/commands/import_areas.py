from django.core.management.base import CommandParser

from openveiligheid.areas.services import import_area_list
from openveiligheid.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = "Lees een CBS-gebiedenlijst in (bijvoorbeeld WijkenEnBuurten.csv van tabel 47018NED)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--indeling", type=int, required=True, help="jaar van de CBS-gebiedsindeling"
        )

    def handle(self, *args, **options) -> None:
        self.report(lambda: import_area_list(options["file"], division=options["indeling"]))
