"""The demo: a regional installation of three gemeenten on real public data shipped in
``demo/data``, each with a fictitious example plan. Groningen (GM0014) has the most: bike-theft
incidents for the Monitor and the grid, and fictitious case registers (``demo/data/registers``:
invented cases, no real persons). Breda (GM0758) and Nijmegen (GM0268) have recent crime figures
per buurt (``demo/data/regio``, built by ``scripts/make_regional_demo.py``)."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openveiligheid.accounts.models import Organisation
from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.cases.counts import publish_counts
from openveiligheid.cases.importing import import_register
from openveiligheid.cases.registers import FG_ROLE, REGISTERS, WOONOVERLAST
from openveiligheid.demo.example_year import load_example_year
from openveiligheid.figures.incidents import import_incidents
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.insight.models import AnalysisRun
from openveiligheid.insight.services import deferred, refresh
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planimport import load_plan
from openveiligheid.policy.services import gemeenten_with_plans

DATA = Path(__file__).resolve().parent / "data"
PLAN_FILE = DATA / "voorbeeldplan.yaml"
REGIO = DATA / "regio"
#: The plans of the other gemeenten of the demo, loaded after Groningen's.
REGIONAL_PLAN_FILES = [REGIO / "voorbeeldplan_breda.yaml", REGIO / "voorbeeldplan_nijmegen.yaml"]
#: Every plan of the demo, in the order it loads them (each an import run of kind ``plan``).
PLAN_FILES = [PLAN_FILE, *REGIONAL_PLAN_FILES]
DEMO_USER = "demo"
DEMO_ROLE = "beleidsadviseur"
#: The controller of the demo (money per goal); no second factor needed.
CONTROLLER_USER = ("demo-controller", "controller")
DEMO_GEMEENTE = "GM0014"
#: Extra demo accounts for the registers: (username, role). Their roles need a second factor
#: (``OV_2FA_ROLLEN``): the first log-in asks to set up an authenticator app.
REGISTER_USERS = [
    ("demo-regisseur", REGISTERS[WOONOVERLAST].role),
    ("demo-fg", FG_ROLE),
]

#: The fictitious registers (``demo/data/registers/SOURCE.md``): (register, file there).
REGISTERS_DIR = DATA / "registers"
DEMO_REGISTERS = [
    ("woonoverlast", "woonoverlast_fictief.csv"),
    ("maatregelen", "maatregelen_fictief.csv"),
    ("ondermijning", "ondermijning_fictief.csv"),
    ("pga", "pga_fictief.csv"),
]
#: The day the fictitious registers were "extracted" (scripts/make_demo_registers.py): their
#: counts are published as of this day, so the plan's years end in 2023 like its other figures.
REGISTERS_DATE = dt.date(2023, 12, 31)


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
    ("diefstallen andere gemeenten", import_figures, "diefstallen_83651NED_gemeenten.csv", 2024),
    ("inwoners andere gemeenten 2024", import_figures, "inwoners_gemeente_2024.csv", 2024),
    ("landelijke cijfers", import_figures, "landelijk_2012_2023.csv", 2024),
]

#: Breda and Nijmegen, after Groningen (``regio/SOURCE.md``): (label, function, file in
#: ``REGIO``, division). Their areas are in the area list of 2024 above.
REGIONAL_IMPORTS: list[tuple[str, Callable[..., ImportRun], str, int]] = [
    ("Breda: wijkgrenzen 2024", import_boundaries, "wijken_2024_breda.geojson", 2024),
    ("Breda: buurtgrenzen 2024", import_boundaries, "buurten_2024_breda.geojson", 2024),
    ("Breda: misdrijven 2012-2023", import_figures, "misdrijven_breda_2012_2023.csv", 2024),
    ("Breda: overlast 2022", import_figures, "overlast_breda_2022.csv", 2024),
    ("Breda: inwoners 2012-2022", import_figures, "inwoners_breda_2012_2022.csv", 2024),
    ("Breda: inwoners 2024", import_figures, "inwoners_buurt_2024_breda.csv", 2024),
    ("Nijmegen: misdrijven 2023-2025", import_figures, "misdrijven_nijmegen_2023_2025.csv", 2024),
    ("Nijmegen: inwoners 2024", import_figures, "inwoners_buurt_2024_nijmegen.csv", 2024),
]


def demo_steps() -> list[tuple[str, Callable[[], ImportRun]]]:
    """Every import of the demo, in order: Groningen's (its registers after the area list),
    then Breda's and Nijmegen's. Each is idempotent: a second run skips."""
    return [
        *(
            (label, functools.partial(function, DATA / file, division=division))
            for label, function, file, division in DEMO_IMPORTS
        ),
        *(
            (
                f"register {register} (fictief)",
                functools.partial(
                    import_register, REGISTERS_DIR / file, register, gemeente=DEMO_GEMEENTE
                ),
            )
            for register, file in DEMO_REGISTERS
        ),
        *(
            (label, functools.partial(function, REGIO / file, division=division))
            for label, function, file, division in REGIONAL_IMPORTS
        ),
    ]


def load_demo(log: Callable[[str], None] = print) -> Plan:
    """Import the demo data, then run the analyses once (not after every single import), then
    load the plans through the import log, like the command ``load_plan`` and an upload; returns
    Groningen's plan (the one with the example year)."""
    changed: set[int] = set()
    registers_changed = False
    with deferred():
        for label, step in demo_steps():
            run = step()
            log(f"  {label}: {run.message}")
            if run.status == ImportRun.SUCCEEDED and run.division:
                changed.add(run.division)
            registers_changed |= run.status == ImportRun.SUCCEEDED and run.kind == "registers"
    if registers_changed:
        # Each register import has published the counts up to today; the fictitious registers
        # end on REGISTERS_DATE, so publish them as of that day (years after it would be 0).
        log(f"  registertellingen: {publish_counts({DEMO_GEMEENTE}, today=REGISTERS_DATE)}")
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
    load_example_year(plan, log)
    for path in REGIONAL_PLAN_FILES:
        other = load_plan(path)
        log(f"  plan: {other.name} ({other.indicators.count()} indicatoren)")
    return plan


def reset_demo_user() -> tuple[str, str]:
    """Create (or reset) the demo account with a fresh random password; return the credentials.

    The account is a beleidsadviseur and a member of the organisations of the demo's gemeenten
    (every gemeente with a plan: Breda, Groningen and Nijmegen after :func:`load_demo`), so the
    header offers the choice.
    """
    return DEMO_USER, _reset_account(DEMO_USER, DEMO_ROLE)


def reset_controller_user() -> tuple[str, str]:
    """Create (or reset) the demo's controller account (money per goal) with a fresh password."""
    name, role = CONTROLLER_USER
    return name, _reset_account(name, role)


def reset_register_users() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts of the registers (:data:`REGISTER_USERS`), each with
    a fresh random password; return (username, role, password) of each. An authenticator app
    a user set up earlier is kept."""
    return [(name, role, _reset_account(name, role)) for name, role in REGISTER_USERS]


def _reset_account(username: str, role: str) -> str:
    """The account ``username`` with ``role``, a member of the organisations of the demo's
    gemeenten, with a fresh random password (returned)."""
    password = secrets.token_urlsafe(9)
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name = "Demo"
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    for organisation in Organisation.objects.filter(gemeenten__code__in=gemeenten_with_plans()):
        organisation.members.add(user)
    return password
