from django.apps import AppConfig


class UiConfig(AppConfig):
    """What every page may use: maps, charts, area links and the number filters (``{% load ui
    %}``). A Django app without models, so that it can hold template tags. It imports nothing
    from ``dashboard`` or ``insight``; both use it, never the other way round (the layers
    contract in ``pyproject.toml`` checks this)."""

    name = "openveiligheid.ui"
