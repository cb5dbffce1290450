"""Links to an area's profile page, shared by the dashboard and the insight pages."""

from __future__ import annotations

import functools
from typing import Protocol

from django.urls import reverse


class LinkedArea(Protocol):
    code: str
    division: int


def area_href(area: LinkedArea) -> str:
    """The profile of an area (anything with ``code`` and ``division``)."""
    return profile_href(area.code, area.division)


@functools.cache
def _profile_pattern() -> str:
    return reverse("dashboard:gebied", args=["CODE"])


def profile_href(code: str, division: int) -> str:
    """The area profile's URL; reversed once, as a national map links 14,000 areas. Profiles
    are of wijken and buurten; a gemeente (or the Netherlands) links to the Overzicht."""
    if not code.startswith(("WK", "BU")):
        return reverse("dashboard:overzicht")
    return _profile_pattern().replace("CODE", code, 1) + f"?indeling={division}"
