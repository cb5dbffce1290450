"""The ``openveiligheid`` command: Django's management commands under one name.

``openveiligheid evaluate ...`` computes an indicator table from files without a database;
every other sub-command (``demo``, ``import_figures``, ``migrate`` …) is a Django management
command. See ``docs/cli.md``.
"""

from __future__ import annotations

import os
import sys

#: Commands that work on files (or the demo) and need no configuration of their own.
STATELESS = {"evaluate", "demo", "hotspots", "signalering"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
    command = argv[2] if len(argv) > 2 and argv[1] == "help" else (argv[1] if len(argv) > 1 else "")
    if command in STATELESS:
        # Stateless and demo use need no secret key of their own.
        os.environ.setdefault("OV_DEMO", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openveiligheid", *argv[1:]])


if __name__ == "__main__":
    main()
