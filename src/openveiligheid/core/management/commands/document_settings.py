from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from openveiligheid.config import render_configuration_markdown


class Command(BaseCommand):
    help = "Schrijf docs/configuration.md opnieuw uit de lijst met instellingen."

    def handle(self, *args, **options) -> None:
        target = Path(settings.BASE_DIR) / "docs" / "configuration.md"
        target.write_text(render_configuration_markdown(), encoding="utf-8")
        self.stdout.write(f"{target} bijgewerkt.")
