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
        parser.add_argument(
            "--vervang-alles",
            action="store_true",
            help="sta toe dat het bestand meer eerder ingelezen incidenten (of maandcijfers) "
            "verwijdert dan het brengt (zonder deze optie wordt zo'n bestand geweigerd)",
        )

    def handle(self, *args, **options) -> None:
        self.report(
            lambda: import_incidents(
                options["file"],
                division=options["indeling"],
                replace_all=options["vervang_alles"],
            )
        )
