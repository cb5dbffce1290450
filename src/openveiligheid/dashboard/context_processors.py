"""What every page's frame needs: the main menu, with the current section marked."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

#: (label, url name, url names that count as "in this section")
MAIN_MENU = [
    ("Overzicht", "dashboard:overzicht", {"overzicht", "indicator"}),
    ("Kaart", "dashboard:kaart", {"kaart", "gebied"}),
    ("Vergelijken", "dashboard:vergelijken", {"vergelijken"}),
    ("Monitor", "insight:monitor", {"monitor"}),
    ("Methoden", "insight:methoden", {"methoden", "methode"}),
]


def main_menu(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"main_menu": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    items = [
        {"label": label, "url": reverse(name), "current": current in section}
        for label, name, section in MAIN_MENU
    ]
    return {"main_menu": items}
