"""The ``openveiligheid`` command: Django's management commands under one name.

``openveiligheid evaluate ...`` computes an indicator table from files without a database;
every other sub-command (``demo``, ``import_figures``, ``migrate`` …) is a Django management
command. See ``docs/cli.md``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
    if len(argv) > 1 and argv[1] in {"evaluate", "demo"}:
        # Stateless and demo use need no secret key of their own.
        os.environ.setdefault("OV_DEMO", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openveiligheid", *argv[1:]])


if __name__ == "__main__":
    main()
