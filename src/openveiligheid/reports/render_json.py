"""The jaarverslag object as JSON text (the shape is in ``docs/cli.md``, section jaarverslag)."""

from __future__ import annotations

import json


def render(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
