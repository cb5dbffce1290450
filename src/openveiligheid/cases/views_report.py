"""The yearly report of a register (``/registers/<register>/rapport/?jaar=2022``), as in the
Zoetermeer annual report: registered, closed, open on 31 December, open by woningtype and by
wijk, and the change against the year before.

Aggregates only: no person data and so no ``visible_to`` (``cases.counts``). Who may open it:
everyone with ``dashboard.bekijken`` for the chosen gemeente (``ui.pages.dashboard_view``).
The register's own role holders (``access.may_see_register``) see the exact figures; everyone
else sees them suppressed (``core.suppression``): counts of 1 to 4 as "< 5", no breakdown from
which a suppressed count can be computed back, and not last year's *afgerond* and *open* (with
this year's they would give each other by subtraction).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from openveiligheid.accounts.access import request_scope
from openveiligheid.areas.models import Area
from openveiligheid.cases.access import may_see_register
from openveiligheid.cases.counts import (
    COUNT_KEYS,
    DEFINITIONS,
    UNKNOWN_WIJK,
    register_report,
)
from openveiligheid.cases.registers import (
    HUISVERBOD,
    MAATREGELEN,
    ONDERMIJNING,
    REGISTERS,
    WOONOVERLAST,
)
from openveiligheid.core.areacodes import GEMEENTE, WIJK
from openveiligheid.core.suppression import (
    NOTE,
    SECONDARY_NOTE,
    SECONDARY_TEXT,
    breakdown,
    is_small,
    shown_text,
)
from openveiligheid.ui.pages import current_plan, dashboard_view

#: What a register counts, in the sentences of the report.
NOUNS = {
    WOONOVERLAST: "casussen",
    ONDERMIJNING: "signalen",
    "pga": "casussen",
    MAATREGELEN: "maatregelen",
}
FIRST_YEAR = 1990


@dataclass
class ShownReport:
    """The report as a page shows it: every count as text ("170", "< 5" or "x")."""

    year: int
    exact: bool
    counts: dict[str, str]
    previous: dict[str, str]
    change: int | None
    sentences: list[str] = field(default_factory=list)
    #: (title, caption, [(label, code, value text)]) or a reason why it is not shown
    tables: list[dict] = field(default_factory=list)
    secondary: bool = False  #: some count is shown as "x"

    @property
    def rows(self) -> list[tuple[str, str, str, str]]:
        """(key, label, this year, last year) of the three counts; "–" where not shown."""
        return [
            (key, label, self.counts[key], self.previous.get(key, "–"))
            for key, label, _ in DEFINITIONS
        ]


def _text(count: int, shown: int | None) -> str:
    return shown_text(count, shown)


def _top(report: dict, exact: bool) -> tuple[dict[str, str], dict[str, str], int | None]:
    """The three counts of the year and of the year before, and the change of *geregistreerd*."""
    now = {key: report[key] for key in COUNT_KEYS}
    before = report["vorig_jaar"]
    if exact:
        return (
            {k: str(v) for k, v in now.items()},
            {k: str(v) for k, v in before.items()},
            report["verandering_pct"],
        )
    # open = open last year + registered - closed, and registered <= open + closed: if one of
    # the three is small, hide all three (zeros excepted), and never show last year's open/closed
    any_small = any(is_small(v) for v in now.values())
    counts = {k: (SECONDARY_TEXT if any_small and v >= 5 else _text(v, None if is_small(v) else v))
              for k, v in now.items()}  # fmt: skip
    registered_before = before["geregistreerd"]
    previous = {"geregistreerd": _text(registered_before, None if is_small(registered_before)
                                       else registered_before)}  # fmt: skip
    both_shown = counts["geregistreerd"].isdigit() and previous["geregistreerd"].isdigit()
    return counts, previous, report["verandering_pct"] if both_shown else None


def _cells(cells: dict[str, int], exact: bool) -> dict[str, str] | None:
    """A breakdown as texts, or ``None`` when it cannot be shown (suppressed version)."""
    if exact:
        return {key: str(value) for key, value in cells.items()}
    shown = breakdown(cells, sum(cells.values()))
    if shown is None:
        return None
    return {key: _text(cells[key], shown[key]) for key in cells}


def gemeente_wijken(code: str) -> dict[str, str]:
    """The wijken of gemeente ``code`` in the newest division that has it: code -> name."""
    gemeente = Area.objects.filter(code=code, level=GEMEENTE).order_by("-division").first()
    if gemeente is None:
        return {}
    rows = Area.objects.filter(division=gemeente.division, level=WIJK, gemeente_code=code)
    return dict(rows.order_by("code").values_list("code", "name"))


def shown_report(report: dict, exact: bool, wijken: dict[str, str]) -> ShownReport:
    """What the page shows of ``report``: exact, or suppressed for users without the role."""
    year, register = report["jaar"], report["register"]
    counts, previous, change = _top(report, exact)
    shown = ShownReport(year, exact, counts, previous, change)
    noun = NOUNS[register]
    shown.sentences += [
        f"In totaal zijn er in {year} {counts['geregistreerd']} {noun} geregistreerd.",
        f"In {year} zijn er {counts['afgerond']} {noun} afgerond.",
        f"Het aantal openstaande {noun} op 31 december {year} is {counts['open_einde_jaar']}.",
    ]
    if change is not None:
        shown.sentences.append(_change_sentence(change, year, previous["geregistreerd"], noun))
    if register == WOONOVERLAST:
        _woningtype(shown, report)
    if exact:
        _wijken(shown, report, wijken)
    else:
        # open per wijk in two years, next to the published registrations and closures per
        # wijk, would give a suppressed one back (open = open before + registered - closed)
        shown.sentences.append(
            "De openstaande casussen per wijk zijn alleen zichtbaar voor wie met het register "
            "werkt: naast de gepubliceerde cijfers per wijk zouden kleine aantallen terug te "
            "rekenen zijn."
        )
    if register == MAATREGELEN:
        _kinds(shown, report)
    if register == ONDERMIJNING:
        for key, title in (("naar_fenomeen", "fenomeen"), ("naar_vervolg", "vervolg")):
            cells = _cells(report[key], exact)
            _table(shown, f"Signalen ontvangen in {year} naar {title}", title.capitalize(), cells,
                   {k: k for k in report[key]})  # fmt: skip
    shown.secondary = (
        any(
            value == SECONDARY_TEXT
            for table in shown.tables
            for _, _, value in table.get("rows", [])
        )
        or SECONDARY_TEXT in counts.values()
    )
    return shown


def _change_sentence(change: int, year: int, before: str, noun: str) -> str:
    if change == 0:
        return f"Dat zijn evenveel {noun} als in {year - 1}."
    word = "stijging" if change > 0 else "daling"
    return f"Dat is een {word} van {abs(change)}% ten opzichte van {year - 1} ({before})."


def _woningtype(shown: ShownReport, report: dict) -> None:
    cells = _cells(report["open_naar_woningtype"], shown.exact)
    _table(
        shown,
        f"Openstaande casussen op 31 december {shown.year} naar woningtype",
        "Woningtype",
        cells,
        {key: key for key in report["open_naar_woningtype"]},
    )
    if cells is not None:
        shown.sentences.append(
            f"Van de openstaande casussen gaat het in {cells['corporatie']} om "
            f"corporatiewoningen, in {cells['koop']} om koopwoningen en in "
            f"{cells['particuliere huur']} om particuliere huurwoningen."
        )


def _wijken(shown: ShownReport, report: dict, wijken: dict[str, str]) -> None:
    names = {**report.get("wijknamen", {}), **wijken}
    counts = dict.fromkeys(sorted(wijken), 0)
    counts.update(report["open_naar_wijk"])
    unknown = counts.pop(UNKNOWN_WIJK, 0)
    if unknown:
        counts[UNKNOWN_WIJK] = unknown
    names[UNKNOWN_WIJK] = "Onbekend (geen wijk)"
    cells = _cells(counts, shown.exact)
    _table(
        shown,
        f"Openstaande {NOUNS[report['register']]} op 31 december {shown.year} naar wijk",
        "Wijk",
        cells,
        names,
        codes=True,
    )
    if shown.exact and any(report["open_naar_wijk"].get(c) for c in wijken):
        most = max(report["open_naar_wijk"].get(code, 0) for code in wijken)
        top = [names[code] for code in wijken if report["open_naar_wijk"].get(code) == most]
        verb = "heeft" if len(top) == 1 else "hebben"
        shown.sentences.append(
            f"{' en '.join(top)} {verb} van alle wijken de meeste openstaande "
            f"{NOUNS[report['register']]}: {most}."
        )


def _kinds(shown: ShownReport, report: dict) -> None:
    now = _cells(report["naar_soort"], shown.exact)
    before = _cells(report["naar_soort_vorig_jaar"], shown.exact)
    title = f"Maatregelen naar soort (besluitdatum in {shown.year} en {shown.year - 1})"
    if now is None or before is None:
        shown.tables.append({"title": title, "hidden": True})
        return
    rows = []
    for kind in report["naar_soort"]:
        pct = report["naar_soort_verandering_pct"][kind]
        known = now[kind].isdigit() and before[kind].isdigit()
        rows.append((kind, now[kind], before[kind], f"{pct:+d}%" if known and pct is not None
                     else "–"))  # fmt: skip
    shown.tables.append({"title": title, "kinds": rows, "year": shown.year})
    huisverboden, earlier = now[HUISVERBOD], before[HUISVERBOD]
    pct = report["naar_soort_verandering_pct"][HUISVERBOD]
    if huisverboden.isdigit() and earlier.isdigit() and pct is not None:
        word = "stijging" if pct > 0 else "daling" if pct < 0 else "verandering"
        shown.sentences.append(
            f"In {shown.year} zijn {huisverboden} tijdelijke huisverboden opgelegd; in "
            f"{shown.year - 1} waren dat er {earlier}: een {word} van {abs(pct)}%."
        )


def _table(
    shown: ShownReport,
    title: str,
    header: str,
    cells: dict[str, str] | None,
    labels: dict[str, str],
    codes: bool = False,
) -> None:
    if cells is None:
        shown.tables.append({"title": title, "hidden": True})
        return
    rows = [(labels.get(key, key), key if codes and key != UNKNOWN_WIJK else "", value)
            for key, value in cells.items()]  # fmt: skip
    shown.tables.append({"title": title, "header": header, "rows": rows, "codes": codes})


def _year(text: str | None, today: dt.date) -> int:
    try:
        year = int(text or "")
    except ValueError:
        return today.year - 1
    return year if FIRST_YEAR <= year <= today.year else today.year - 1


@dashboard_view
def report_page(request: HttpRequest, register: str) -> HttpResponse:
    """The yearly report of ``register`` for the chosen gemeente."""
    if register not in REGISTERS:
        raise Http404("Dit register bestaat niet.")
    gemeente = request_scope(request).gemeente
    today = dt.date.today()
    year = _year(request.GET.get("jaar"), today)
    exact = may_see_register(request.user, register, gemeente.code)
    report = register_report(register, year, gemeente.code)
    context = {
        "plan": current_plan(request),
        "register": REGISTERS[register],
        "gemeente": gemeente,
        "report": shown_report(report, exact, gemeente_wijken(gemeente.code)),
        "definitions": DEFINITIONS,
        "note": NOTE,
        "secondary_note": SECONDARY_NOTE,
        "years": list(range(today.year, max(FIRST_YEAR, today.year - 15) - 1, -1)),
        "other_registers": [r for r in REGISTERS.values() if r.key != register],
    }
    return render(request, "cases/rapport.html", context)


#: Part of ``cases.urls`` (namespace ``cases``): ``/registers/<register>/rapport/``.
urlpatterns_report = [path("registers/<slug:register>/rapport/", report_page, name="rapport")]
