"""The ``openveiligheid`` command: Django's management commands under one name.

``openveiligheid evaluate ...`` computes an indicator table from files without a database;
every other sub-command (``demo``, ``import_figures``, ``migrate`` …) is a Django management
command. See ``docs/cli.md``.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata

#: Commands that work on files (or the demo) and need no configuration of their own.
STATELESS = {"evaluate", "jaarverslag", "demo", "hotspots", "signalering"}


def version() -> str:
    """The installed version (from the package metadata), or "onbekend" when not installed."""
    try:
        return metadata.version("openveiligheid")
    except metadata.PackageNotFoundError:
        return "onbekend"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if argv[1:] in (["--version"], ["version"]):
        print(f"openveiligheid {version()}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
    command = argv[2] if len(argv) > 2 and argv[1] == "help" else (argv[1] if len(argv) > 1 else "")
    if command in STATELESS:
        # Stateless and demo use need no secret key of their own.
        os.environ.setdefault("OV_DEMO", "true")
        if command == "demo":  # a regional demo: Groningen first (incidents, Monitor, grid)
            os.environ.setdefault("OV_STANDAARDGEMEENTE", "GM0014")
    else:
        _make_data_dir()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openveiligheid", *argv[1:]])


def _make_data_dir() -> None:
    """The embedded database's folder, made on first use and readable by its owner only.

    Not for the stateless commands: they must leave no trace on disk."""
    from pathlib import Path

    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        database = settings.DATABASES["default"]
    except ImproperlyConfigured:
        return  # Django itself says what is missing
    if database["ENGINE"] == "django.db.backends.sqlite3" and database["NAME"] != ":memory:":
        Path(database["NAME"]).parent.mkdir(mode=0o700, parents=True, exist_ok=True)


if __name__ == "__main__":
    main()
