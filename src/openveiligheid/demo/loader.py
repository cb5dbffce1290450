"""The demo municipality: Groningen (GM0014) on real public data shipped in ``demo/data``."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openveiligheid.accounts.models import Organisation
from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.insight.models import AnalysisRun
from openveiligheid.insight.services import deferred, refresh
from openveiligheid.policy.models import Plan
from openveiligheid.policy.services import gemeenten_with_plans, load_plan

DATA = Path(__file__).resolve().parent / "data"
PLAN_FILE = DATA / "voorbeeldplan.yaml"
DEMO_USER = "demo"
DEMO_ROLE = "beleidsadviseur"


#: The demo's imports in order: (label, import function, file in ``DATA``, division).
DEMO_IMPORTS: list[tuple[str, Callable[..., ImportRun], str, int]] = [
    ("gebieden 2024", import_area_list, "gebieden_2024_47018NED.csv", 2024),
    ("wijkgrenzen 2017", import_boundaries, "wijken_2017_groningen.geojson", 2017),
    ("buurtgrenzen 2017", import_boundaries, "buurten_2017_groningen.geojson", 2017),
    ("inwoners 2017", import_figures, "inwoners_2017_groningen.csv", 2017),
    ("fietsdiefstallen", import_incidents, "fietsdiefstallen_groningen_2013_2017.csv", 2017),
    ("misdrijven 2023", import_figures, "misdrijven_buurt_2023_groningen.csv", 2024),
    ("inwoners 2024", import_figures, "inwoners_buurt_2024_groningen.csv", 2024),
    ("diefstallen 2018-2021", import_figures, "diefstallen_83651NED_selectie.csv", 2024),
    ("landelijke cijfers", import_figures, "landelijk_2012_2023.csv", 2024),
]


def demo_steps() -> list[tuple[str, Callable[[], ImportRun]]]:
    """Every import of the demo, in order. Each is idempotent: a second run skips."""
    return [
        (label, functools.partial(function, DATA / file, division=division))
        for label, function, file, division in DEMO_IMPORTS
    ]


def load_demo(log: Callable[[str], None] = print) -> Plan:
    """Import the demo data, then run the analyses once (not after every single import)."""
    changed: set[int] = set()
    with deferred():
        for label, step in demo_steps():
            run = step()
            log(f"  {label}: {run.message}")
            if run.status == ImportRun.SUCCEEDED and run.division:
                changed.add(run.division)
    if not AnalysisRun.objects.exists():
        changed.update(Area.objects.values_list("division", flat=True).distinct())
    for division in sorted(changed):
        for analysis in refresh(division):
            log(
                f"  analyse {analysis.get_kind_display()} (indeling {division}): "
                f"{analysis.message} ({analysis.seconds:.1f} s)"
            )
    plan = load_plan(PLAN_FILE)
    log(f"  plan: {plan.name} ({plan.indicators.count()} indicatoren)")
    return plan


def reset_demo_user() -> tuple[str, str]:
    """Create (or reset) the demo account with a fresh random password; return the credentials.

    The account is a beleidsadviseur and a member of the organisations of the demo's gemeenten.
    """
    password = secrets.token_urlsafe(9)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USER)
    user.first_name = "Demo"
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=DEMO_ROLE))
    for organisation in Organisation.objects.filter(gemeenten__code__in=gemeenten_with_plans()):
        organisation.members.add(user)
    return DEMO_USER, password
