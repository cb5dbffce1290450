"""Shared behaviour of the import commands: Dutch errors, the run's summary, exit codes."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openveiligheid.core.errors import InputError
from openveiligheid.imports.models import ImportRun


class ImportCommand(BaseCommand):
    def report(self, call) -> ImportRun:
        try:
            run = call()
        except InputError as exc:
            raise CommandError("Niets ingelezen. Fouten:\n" + exc.summary()) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"Bestand niet gevonden: {exc.filename}") from exc
        style = self.style.WARNING if run.status == ImportRun.SKIPPED else self.style.SUCCESS
        self.stdout.write(style(f"{run.file_name}: {run.message}"))
        return run
