"""Shared behaviour of the import commands: Dutch errors, the run's summary, exit codes, and
how far the reading of a file is on stderr (a bar on a terminal, plain lines in a log;
``--stil`` or ``--verbosity 0`` for none)."""

from __future__ import annotations

from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openveiligheid.core import progress
from openveiligheid.core.errors import InputError
from openveiligheid.imports.models import ImportRun


class ImportCommand(BaseCommand):
    #: Whether to show the reading's progress (``--stil`` and ``--verbosity 0`` turn it off).
    show_progress = True

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--stil",
            action="store_true",
            help="toon geen voortgang van het lezen op stderr (ook met --verbosity 0)",
        )
        return parser

    def execute(self, *args, **options):
        self.show_progress = not options.get("stil") and options.get("verbosity", 1) > 0
        return super().execute(*args, **options)

    def report(self, call) -> ImportRun:
        writer = self._progress_writer()
        try:
            with progress.listening(writer) if writer else nullcontext():
                run = call()
        except InputError as exc:
            raise CommandError("Niets ingelezen. Fouten:\n" + exc.summary()) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"Bestand niet gevonden: {exc.filename}") from exc
        finally:
            if writer is not None:
                writer.close()
        style = self.style.WARNING if run.status == ImportRun.SKIPPED else self.style.SUCCESS
        self.stdout.write(style(f"{run.file_name}: {run.message}"))
        return run

    def _progress_writer(self) -> progress.ProgressWriter | None:
        if not self.show_progress:
            return None

        def write(text: str) -> None:
            self.stderr.write(text, style_func=str, ending="")
            self.stderr.flush()

        return progress.ProgressWriter(write, terminal=self.stderr.isatty())
