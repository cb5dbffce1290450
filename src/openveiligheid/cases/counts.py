"""Counts of the registers: the yearly report per register, and the ``register:*`` figures that
a plan indicator can use (issue #10, part 5).

Definitions (the same in the docs, on the report page and in the CLI table):

- *geregistreerd*: opened in the year (1 January up to and including 31 December);
- *afgerond*: closed in the year;
- *open einde jaar*: opened on or before 31 December and not closed by then (not closed at
  all, or closed after 31 December).

So ``open einde jaar`` of a year is that of the year before plus *geregistreerd* minus
*afgerond*. A bestuurlijke maatregel is counted by its *decision date* in the counts per kind of
measure (huisverboden, Damocles, Bibob-adviezen); a signaal ondermijning is *received* on the
date it was opened.

These are aggregates over ALL cases of a register, anonymised ones (tombstones) included, so
the yearly counts stay right after the retention job; they read no person data and so never
go through ``visible_to``. :func:`register_report` is exact (for the register's administrators
and its role holders); what everyone else sees is suppressed (``core.suppression``): the
published figures (:func:`publish_counts`) and the report page for users without the role.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import Count, Q, QuerySet

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import area_names
from openveiligheid.cases.models import CASE_MODELS, Case
from openveiligheid.cases.registers import (
    DAMOCLES,
    FOLLOW_UPS,
    HUISVERBOD,
    MAATREGELEN,
    MEASURE_TYPES,
    ONDERMIJNING,
    PHENOMENA,
    REGISTERS,
    WONINGTYPES,
    WOONOVERLAST,
    register_of,
)
from openveiligheid.core.areacodes import GEMEENTE, WIJK
from openveiligheid.core.db import refresh_statistics
from openveiligheid.core.statuses import DEFINITIEF, VOORLOPIG
from openveiligheid.core.suppression import is_small, suppress_table
from openveiligheid.figures import catalogue
from openveiligheid.figures.models import Figure
from openveiligheid.figures.periods import refresh_periods
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.services import execute, start_run

log = logging.getLogger(__name__)

#: (key, Dutch label, definition): the three counts of every register.
DEFINITIONS = [
    ("geregistreerd", "Geregistreerd", "geopend in het jaar"),
    ("afgerond", "Afgerond", "gesloten in het jaar"),
    (
        "open_einde_jaar",
        "Open op 31 december",
        "geopend op of vóór 31 december en op die dag nog niet gesloten",
    ),
]
COUNT_KEYS = [key for key, _, _ in DEFINITIONS]
UNKNOWN_WIJK = "onbekend"  #: cases without a (known) wijk
NO_FOLLOW_UP = "nog niet bepaald"  #: signals without a follow-up yet
BIBOB = "Bibob-advies"

#: Import kind and dataset prefix of a publication of the counts as figures.
PUBLICATION_KIND = "registerstanden"
PUBLICATION_SOURCE = "eigen register van de gemeente (kleine aantallen onderdrukt)"


# --- the yearly report ---------------------------------------------------------------------------


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def opened_in(year: int) -> Q:
    start, end = year_range(year)
    return Q(opened__gte=start, opened__lte=end)


def closed_in(year: int) -> Q:
    start, end = year_range(year)
    return Q(closed__gte=start, closed__lte=end)


def open_at_end_of(year: int) -> Q:
    """Opened on or before 31 December of ``year`` and not closed by then."""
    end = year_range(year)[1]
    return Q(opened__lte=end) & (Q(closed__isnull=True) | Q(closed__gt=end))


def decided_in(year: int) -> Q:
    start, end = year_range(year)
    return Q(decided__gte=start, decided__lte=end)


def all_cases(register: str, gemeente: str | None = None) -> QuerySet:
    """Every case of ``register`` (of ``gemeente``), tombstones included: for counting only."""
    cases = CASE_MODELS[register].objects.filter(register=register)
    return cases if gemeente is None else cases.filter(gemeente_code=gemeente)


def year_counts(cases: QuerySet, year: int) -> dict[str, int]:
    """``geregistreerd``, ``afgerond`` and ``open_einde_jaar`` of ``year``, in one query."""
    return cases.aggregate(
        geregistreerd=Count("pk", filter=opened_in(year)),
        afgerond=Count("pk", filter=closed_in(year)),
        open_einde_jaar=Count("pk", filter=open_at_end_of(year)),
    )


def change_pct(before: int, now: int) -> int | None:
    """Year-on-year change in whole percent (halves away from zero); ``None`` from zero."""
    if not before:
        return None
    exact = Decimal(100 * (now - before)) / Decimal(before)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _grouped(cases: QuerySet, field: str, keys: list[str], blank: str | None = None) -> dict:
    """Count per value of ``field``: every one of ``keys`` present (0 where none)."""
    counts = dict.fromkeys(keys, 0)
    for value, n in cases.values_list(field).annotate(n=Count("pk")).order_by():
        key = value or blank
        if key is not None:
            counts[key] = counts.get(key, 0) + n
    return counts


def by_wijk(cases: QuerySet) -> dict[str, int]:
    """Count per wijk code (cases without a wijk under ``onbekend``, last), wijken with cases."""
    counts = {
        code or UNKNOWN_WIJK: n
        for code, n in cases.values_list("wijk_code").annotate(n=Count("pk")).order_by()
    }
    unknown = counts.pop(UNKNOWN_WIJK, 0)
    ordered = dict(sorted(counts.items()))
    if unknown:
        ordered[UNKNOWN_WIJK] = unknown
    return ordered


def register_report(register: str, year: int, gemeente: str | None = None) -> dict:
    """The exact yearly figures of ``register`` (all gemeenten when ``gemeente`` is None).

    Aggregates only (no person data). See the module text for the definitions."""
    register_of(register)
    cases = all_cases(register, gemeente)
    counts = year_counts(cases, year)
    previous = year_counts(cases, year - 1)
    open_cases = cases.filter(open_at_end_of(year))
    report: dict = {
        "register": register,
        "jaar": year,
        "gemeente": gemeente,
        **counts,
        "vorig_jaar": previous,
        "verandering_pct": change_pct(previous["geregistreerd"], counts["geregistreerd"]),
    }
    if register == WOONOVERLAST:
        report["open_naar_woningtype"] = _grouped(open_cases, "woningtype", WONINGTYPES)
    report["open_naar_wijk"] = by_wijk(open_cases)
    report["wijknamen"] = area_names(report["open_naar_wijk"])
    if register == MAATREGELEN:
        report.update(_measure_kinds(cases, year))
    if register == ONDERMIJNING:
        received = cases.filter(opened_in(year))
        report["naar_fenomeen"] = _grouped(received, "phenomenon", PHENOMENA)
        report["naar_vervolg"] = _grouped(received, "follow_up", FOLLOW_UPS, NO_FOLLOW_UP)
    return report


def _measure_kinds(cases: QuerySet, year: int) -> dict:
    """Measures per kind by decision date, this year and last, and the change per kind."""
    now = _grouped(cases.filter(decided_in(year)), "measure_type", MEASURE_TYPES)
    before = _grouped(cases.filter(decided_in(year - 1)), "measure_type", MEASURE_TYPES)
    return {
        "naar_soort": now,
        "naar_soort_vorig_jaar": before,
        "naar_soort_verandering_pct": {kind: change_pct(before[kind], now[kind]) for kind in now},
    }


def render_report(report: dict) -> str:
    """The report as a readable Dutch table (``--format tabel``)."""
    year = report["jaar"]
    label = REGISTERS[report["register"]].label
    where = report["gemeente"] or "alle gemeenten"
    lines = [f"{label} {year} ({where})", ""]
    lines.append(f"{'':<28}{year:>8}{year - 1:>8}")
    for key, name, _ in DEFINITIONS:
        lines.append(f"{name:<28}{report[key]:>8}{report['vorig_jaar'][key]:>8}")
    change = report["verandering_pct"]
    lines.append(f"Verandering geregistreerd: {_signed(change)}")
    if "open_naar_woningtype" in report:
        lines += _table("Open op 31 december naar woningtype", report["open_naar_woningtype"])
    names = report.get("wijknamen", {})
    wijken = {
        f"{code} {names.get(code, '')}".strip(): n for code, n in report["open_naar_wijk"].items()
    }
    lines += _table("Open op 31 december naar wijk", wijken)
    if "naar_soort" in report:
        kinds = {
            kind: f"{n:>5}  ({year - 1}: {report['naar_soort_vorig_jaar'][kind]}, "
            f"{_signed(report['naar_soort_verandering_pct'][kind])})"
            for kind, n in report["naar_soort"].items()
        }
        lines += _table("Maatregelen naar soort (besluitdatum in het jaar)", kinds)
    for key, title in (("naar_fenomeen", "naar fenomeen"), ("naar_vervolg", "naar vervolg")):
        if key in report:
            lines += _table(f"Signalen ontvangen in het jaar {title}", report[key])
    lines += ["", "Definities:"]
    lines += [f"  {name.lower()}: {definition}" for _, name, definition in DEFINITIONS]
    return "\n".join(lines) + "\n"


def _table(title: str, rows: dict) -> list[str]:
    body = [f"  {key:<40}{value:>8}" if isinstance(value, int) else f"  {key:<40}{value}"
            for key, value in rows.items()]  # fmt: skip
    return ["", title, *(body or ["  (geen)"])]


def _signed(pct: int | None) -> str:
    return "n.v.t. (vorig jaar 0)" if pct is None else f"{pct:+d}%"


# --- publication as figures ----------------------------------------------------------------------


def measure_names(register: str) -> list[str]:
    """The ``register:*`` measures published for a gemeente that keeps ``register``.

    Not the totals of the maatregelen register: with its kinds published as well, a total minus
    the kinds would give a suppressed kind back whenever the unpublished kinds are zero."""
    totals = [f"register:{register}:{key}" for key in COUNT_KEYS]
    names = [] if register == MAATREGELEN else totals
    if register == ONDERMIJNING:
        names.append("register:ondermijning:signalen")
    if register == MAATREGELEN:
        names += [
            "register:huisverbod:opgelegd",
            "register:damocles:waarschuwing_sluiting",
            "register:bibob:adviezen",
        ]
    return names


#: Measures counted by decision date, and the kinds of measure they count.
DECIDED_MEASURES = {
    "register:huisverbod:opgelegd": {HUISVERBOD},
    "register:damocles:waarschuwing_sluiting": set(DAMOCLES),
    "register:bibob:adviezen": {BIBOB},
}

Cells = dict[tuple[str, int], dict[str, int]]  # (measure, year) -> wijk code -> count


def gemeente_counts(code: str, wijken: set[str], last_year: int) -> Cells:
    """Per measure and year, the exact count per wijk of gemeente ``code`` (cases outside
    ``wijken`` under ``onbekend``), from the first year of each register to ``last_year``."""
    cells: Cells = {}
    for register in sorted(REGISTERS):
        cases = all_cases(register, code)
        rows = list(_case_rows(cases, register))
        if not rows:
            continue
        first = min(min(opened, decided or opened).year for _, opened, _, decided, _ in rows)
        years = range(first, last_year + 1)
        keys = [*sorted(wijken), UNKNOWN_WIJK]
        for name in measure_names(register):
            for year in years:
                cells[(name, year)] = dict.fromkeys(keys, 0)
        for wijk, opened, closed, decided, kind in rows:
            where = wijk if wijk in wijken else UNKNOWN_WIJK
            _count_case(cells, register, where, opened, closed, years)
            if decided is not None:
                for name, kinds in DECIDED_MEASURES.items():
                    if kind in kinds and (name, decided.year) in cells:
                        cells[(name, decided.year)][where] += 1
    return cells


def _case_rows(cases: QuerySet, register: str):
    """(wijk, opened, closed, decided, kind of measure) of every case."""
    if register == MAATREGELEN:
        return cases.values_list("wijk_code", "opened", "closed", "decided", "measure_type")
    return ((w, o, c, None, None) for w, o, c in cases.values_list("wijk_code", "opened", "closed"))


def _count_case(cells: Cells, register: str, where: str, opened, closed, years: range) -> None:
    prefix = f"register:{register}:"

    def add(measure: str, year: int) -> None:
        if (measure, year) in cells:  # only the published measures
            cells[(measure, year)][where] += 1

    if opened.year in years:
        add(prefix + "geregistreerd", opened.year)
        if register == ONDERMIJNING:
            add("register:ondermijning:signalen", opened.year)
    if closed is not None and closed.year in years:
        add(prefix + "afgerond", closed.year)
    open_until = (closed.year - 1) if closed is not None else years[-1]
    for year in range(max(opened.year, years[0]), min(open_until, years[-1]) + 1):
        add(prefix + "open_einde_jaar", year)


STOCK = ":open_einde_jaar"


def _unsafe_stock(cells: Cells) -> set[str]:
    """The stock measures (``…:open_einde_jaar``) of registers with a small gemeente total of
    any of their three counts in any year."""
    unsafe = set()
    for (measure, _), counts in cells.items():
        prefix, _, key = measure.rpartition(":")
        if key in COUNT_KEYS and is_small(sum(counts.values())):
            unsafe.add(prefix + STOCK)
    return unsafe


def suppressed_figures(cells: Cells, gemeente: str) -> tuple[list[tuple[str, str, int, int]], int]:
    """(measure, area code, year, value) to store, and how many counts were held back.

    Per measure and year the gemeente total is stored (unless it is 1 to 4), and the wijk
    counts with primary and secondary suppression against it; ``onbekend`` is a cell of the
    suppression (it counts in the total) but is never stored."""
    rows: list[tuple[str, str, int, int]] = []
    held_back = 0
    unsafe_stock = _unsafe_stock(cells)
    for (measure, year), counts in sorted(cells.items()):
        total = sum(counts.values())
        if measure.endswith(STOCK):
            # open = open a year before + registered - closed: a stock next to its flows would
            # give a suppressed flow back. So no stock per wijk, and none for the gemeente when
            # any of its counts of that register is small in any year.
            held_back += len(counts) - (UNKNOWN_WIJK in counts)
            if measure in unsafe_stock or is_small(total):
                held_back += 1
            else:
                rows.append((measure, gemeente, year, total))
            continue
        shown, shown_total = suppress_table(counts, total)
        if shown_total is None:
            held_back += 1
        else:
            rows.append((measure, gemeente, year, shown_total))
        for wijk, value in shown.items():
            if wijk == UNKNOWN_WIJK:
                continue
            if value is None:
                held_back += 1
            else:
                rows.append((measure, wijk, year, value))
    return rows, held_back


def publish_counts(
    gemeente_codes: set[str] | None = None, *, today: dt.date | None = None, user=None
) -> str:
    """Publish the ``register:*`` figures of these gemeenten (default: every gemeente with
    cases), suppressed, replacing their earlier ones; returns a Dutch one-line summary."""
    today = today or dt.date.today()
    if gemeente_codes is None:
        gemeente_codes = set(Case.objects.values_list("gemeente_code", flat=True).distinct())
    if not gemeente_codes:
        return "Geen registers om te publiceren."
    done, skipped = [], []
    for code in sorted(gemeente_codes):
        published = _publish_gemeente(code, today, user)
        if published is None:
            skipped.append(code)
        else:
            run, held_back = published
            done.append(f"{code} {run.created} cijfers ({held_back} niet getoond)")
    text = "Registerstanden gepubliceerd: " + ("; ".join(done) if done else "geen") + "."
    if skipped:
        text += f" Overgeslagen (gemeente niet in het gebiedenregister): {', '.join(skipped)}."
    return text


def _publish_gemeente(code: str, today: dt.date, user) -> tuple[ImportRun, int] | None:
    """Publish one gemeente's figures through an import run; ``None`` when the area register
    does not have the gemeente. Returns the run and how many counts were held back."""
    gemeente = Area.objects.filter(code=code, level=GEMEENTE).order_by("-division").first()
    if gemeente is None:
        return None
    division = gemeente.division
    area_ids = dict(
        Area.objects.filter(division=division, gemeente_code=code)
        .filter(level__in=[GEMEENTE, WIJK])
        .values_list("code", "pk")
    )
    wijken = {area for area in area_ids if area != code}
    rows, held_back = suppressed_figures(gemeente_counts(code, wijken, today.year), code)
    data = json.dumps(rows, separators=(",", ":")).encode()
    run = start_run(PUBLICATION_KIND, Path(f"{PUBLICATION_KIND}-{code}"), data, user)

    def work(run: ImportRun) -> str:
        run.dataset, run.format, run.division = f"{PUBLICATION_KIND}-{code}", "tellingen", division
        old = Figure.objects.filter(measure__name__startswith="register:", area__gemeente_code=code)
        earlier_measures = set(old.values_list("measure_id", flat=True).distinct())
        run.deleted = old.delete()[1].get(Figure._meta.label, 0)
        measure_ids = catalogue.measure_ids({measure for measure, *_ in rows})
        Figure.objects.bulk_create(
            Figure(
                measure_id=measure_ids[measure],
                area_id=area_ids[area],
                period=str(year),
                year=year,
                value=value,
                status=VOORLOPIG if year == today.year else DEFINITIEF,
                source=PUBLICATION_SOURCE,
                import_run=run,
            )
            for measure, area, year, value in rows
        )
        refresh_statistics(Figure)
        refresh_periods(earlier_measures | set(measure_ids.values()))
        run.read = run.created = len(rows)
        return (
            f"Registerstanden van {code} gepubliceerd in indeling {division}: {len(rows)} "
            f"cijfers, {held_back} kleine of terug te rekenen aantallen niet gepubliceerd, "
            f"{run.deleted} eerdere cijfers vervangen."
        )

    return execute(run, work), held_back


# --- after an import of a register ---------------------------------------------------------------

_DATASET = re.compile(r"^register-[a-z]+-(GM\d{4})$")


def on_register_import(sender, run: ImportRun, **kwargs) -> None:
    """After a successful import of a register: publish the counts of its gemeente. A failure
    is logged, never raised: the import itself is stored."""
    if run.kind != "registers":
        return
    match = _DATASET.match(run.dataset or "")
    if match is None:
        log.warning(
            "Import %s: geen gemeente in dataset %r; niet gepubliceerd", run.pk, run.dataset
        )
        return
    try:
        publish_counts({match.group(1)}, user=run.user)
    except Exception:
        log.exception("Publiceren van de registerstanden na import %s mislukt", run.pk)
