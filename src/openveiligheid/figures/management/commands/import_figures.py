from django.core.management.base import CommandParser

from openveiligheid.figures.services import import_figures
from openveiligheid.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Lees cijfers in: cijfers-CSV (measure,area,period,value) of een CBS-opendatabestand "
        "(47018NED, 47022NED, 83648NED, 85984NED …). Het formaat blijkt uit de kop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="een of meer bestanden")
        parser.add_argument(
            "--indeling", type=int, help="gebiedsindeling (jaar); standaard de nieuwste"
        )
        parser.add_argument("--dataset", help="naam van de dataset; standaard uit het formaat")
        parser.add_argument(
            "--periode",
            help="periode (2024) voor CBS-tabellen zonder kolom Perioden, zoals 85984NED",
        )
        parser.add_argument(
            "--vervang-alles",
            action="store_true",
            help="sta toe dat het bestand meer eerder ingelezen cijfers verwijdert dan het brengt "
            "(zonder deze optie wordt zo'n bestand geweigerd)",
        )

        parser.add_argument(
            "--nullen-weggelaten",
            action="store_true",
            help="het bestand laat nullen weg (zoals landelijke exports): tel bij de optellingen "
            "(jaar uit maanden, wijk uit buurten, gemeente uit wijken) een ontbrekende waarde als "
            "0 voor de perioden die het bestand dekt. Ook als eerste regel: # nullen-weggelaten",
        )

    def handle(self, *args, **options) -> None:
        for path in options["files"]:
            self.report(
                lambda p=path: import_figures(
                    p,
                    division=options["indeling"],
                    dataset=options["dataset"],
                    period=options["periode"],
                    replace_all=options["vervang_alles"],
                    zeros_omitted=options["nullen_weggelaten"],
                )
            )
