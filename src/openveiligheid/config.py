"""Deploy-time settings, read from the environment through one typed helper.

Every setting is registered in :data:`SETTINGS` with its default and help text;
``docs/configuration.md`` is generated from that registry (``openveiligheid
document_settings``) and a test fails when the two disagree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {}


def _register(name: str, default: str, help: str) -> str:
    SETTINGS[name] = Setting(name, default, help)
    return os.environ.get(name, default)


def env_str(name: str, default: str, help: str) -> str:
    return _register(name, default, help)


def env_bool(name: str, default: bool, help: str) -> bool:
    raw = _register(name, "true" if default else "false", help).strip().lower()
    if raw in {"1", "true", "yes", "ja", "on"}:
        return True
    if raw in {"0", "false", "no", "nee", "off", ""}:
        return False
    raise ImproperlyConfigured(f"Omgevingsvariabele {name} moet true of false zijn, niet {raw!r}.")


def env_int(name: str, default: int, help: str) -> int:
    raw = _register(name, str(default), help)
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Omgevingsvariabele {name} moet een geheel getal zijn, niet {raw!r}."
        ) from exc


def env_list(name: str, default: list[str], help: str) -> list[str]:
    raw = _register(name, ",".join(default), help)
    return [item.strip() for item in raw.split(",") if item.strip()]


def render_configuration_markdown() -> str:
    lines = [
        "# Configuration",
        "",
        "Deploy-time settings are environment variables. Every one has a default that runs the",
        "SQLite demo. This page is generated from `src/openveiligheid/config.py` by",
        "`openveiligheid document_settings`; a test fails when it is out of date.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for setting in sorted(SETTINGS.values(), key=lambda s: s.name):
        default = f"`{setting.default}`" if setting.default else "(empty)"
        lines.append(f"| `{setting.name}` | {default} | {setting.help} |")
    return "\n".join(lines) + "\n"
