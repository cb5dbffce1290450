"""The indicator engine: one place where indicator values, changes and verdicts are computed.

Everything that shows an indicator (``openveiligheid evaluate``, the web pages, later the
annual report) calls :func:`evaluate`. Inputs are plain objects, never ORM rows, so the
engine is tested without a database. Verdicts are decided on the unrounded value; rounding
is for display only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openveiligheid.core.measures import label_for
from openveiligheid.core.periods import Period
from openveiligheid.core.statuses import VOORLOPIG
from openveiligheid.figures.aggregation import Observation
from openveiligheid.figures.figureset import FigureSet
from openveiligheid.indicators.targets import Target

LAGER, HOGER = "lager", "hoger"
GEHAALD, NIET_GEHAALD, GEEN_DOEL, GEEN_GEGEVENS = (
    "gehaald",
    "niet gehaald",
    "geen doel",
    "geen gegevens",
)
VERDICTS = (GEHAALD, NIET_GEHAALD, GEEN_DOEL, GEEN_GEGEVENS)
POPULATION = "inwoners"  #: the measure that per-1,000 rates usually divide by


@dataclass(frozen=True)
class IndicatorDefinition:
    """How an indicator is computed; read from the plan."""

    id: str
    name: str
    measures: tuple[str, ...] = ()
    reported: str | None = None
    per_1000: str | None = None
    better: str = LAGER
    decimals: int = 1
    comparison_area: str | None = None
    targets: Mapping[int, Target] = field(default_factory=dict)
    unit: str = ""

    @property
    def input_measures(self) -> tuple[str, ...]:
        own = (self.reported,) if self.reported else self.measures
        return own + ((self.per_1000,) if self.per_1000 else ())


@dataclass(frozen=True)
class Value:
    value: float
    status: str
    notes: tuple[str, ...] = ()
    division: int | None = None


@dataclass
class IndicatorResult:
    indicator: str
    name: str
    area: str
    period: str
    value: float | None
    previous: float | None
    change_pct: float | None
    target: str | None
    verdict: str
    comparison_area: str | None
    comparison_value: float | None
    decimals: int
    unit: str
    better: str
    status: str | None
    notes: list[str]
    reference_year: int | None = None  #: the peiljaar asked for (:func:`evaluate_at_or_before`)

    @property
    def is_older(self) -> bool:
        """The value is the newest one before the peiljaar, not one of the peiljaar itself."""
        return (
            self.reference_year is not None
            and self.value is not None
            and int(self.period) < self.reference_year
        )

    @property
    def trend(self) -> str | None:
        """``beter``, ``slechter`` or ``gelijk`` against the previous year, given the direction."""
        if self.value is None or self.previous is None:
            return None
        if self.value == self.previous:
            return "gelijk"
        up = self.value > self.previous
        return "beter" if up == (self.better == HOGER) else "slechter"

    def as_dict(self) -> dict[str, object]:
        return {
            "indicator": self.indicator,
            "name": self.name,
            "area": self.area,
            "period": self.period,
            "value": self.value,
            "previous": self.previous,
            "change_pct": self.change_pct,
            "target": self.target,
            "verdict": self.verdict,
            "comparison_area": self.comparison_area,
            "comparison_value": self.comparison_value,
            "decimals": self.decimals,
            "unit": self.unit,
            "better": self.better,
            "trend": self.trend,
            "status": self.status,
            "notes": self.notes,
        }


def indicator_value(
    defn: IndicatorDefinition, figures: FigureSet, area: str, when: int | Period
) -> Value | None:
    """The indicator's unrounded value for one area and year (or month), ``None`` without data.

    A per-1,000 rate of a month divides by the population of that month's year (or the latest
    earlier year), as for a year.
    """
    return indicator_values(defn, figures, [area], when)[0]


def indicator_values(
    defn: IndicatorDefinition, figures: FigureSet, areas: Sequence[str], when: int | Period
) -> list[Value | None]:
    """:func:`indicator_value` of each of ``areas``, in their order. The figures of the period
    are looked up once per measure, not once per area: a national map asks for 14,000."""
    period = when if isinstance(when, Period) else Period(when)
    numerators = _numerators(defn, figures, areas, period)
    if defn.per_1000 is None:
        return numerators
    divisions = [n.division if n else None for n in numerators]
    denominators = _denominators(defn.per_1000, figures, areas, period.year, divisions)
    return [
        _rate(defn.per_1000, numerator, denominator, period.year) if numerator else None
        for numerator, denominator in zip(numerators, denominators, strict=True)
    ]


def _rate(
    measure: str, numerator: Value, denominator: tuple[int, Observation] | None, year: int
) -> Value | None:
    if denominator is None or denominator[1].value <= 0:
        return None
    used_year, obs = denominator
    notes = list(numerator.notes)
    if used_year != year:
        notes.append(f"{measure_words(measure)} van {used_year} gebruikt (geen cijfer voor {year})")
    status = VOORLOPIG if VOORLOPIG in (numerator.status, obs.status) else numerator.status
    return Value(numerator.value / obs.value * 1000, status, tuple(notes), numerator.division)


def _numerator(defn, figures, area, period: Period) -> Value | None:
    return _numerators(defn, figures, [area], period)[0]


def _numerators(defn, figures, areas: Sequence[str], period: Period) -> list[Value | None]:
    """The sum of the indicator's measures per area; ``None`` where one of them is missing."""
    measures = (defn.reported,) if defn.reported else defn.measures
    if not measures:
        return [None] * len(areas)
    tables = [figures.in_period(measure, period) for measure in measures]
    if len(tables) == 1:  # one measure (most indicators, every map of a count)
        table = tables[0]
        return [
            None if (o := table.get(area)) is None else Value(o.value, o.status, (), o.division)
            for area in areas
        ]
    found: list[Value | None] = []
    for area in areas:
        parts = [table.get(area) for table in tables]
        if not all(parts):
            found.append(None)
            continue
        status = VOORLOPIG if any(p.status == VOORLOPIG for p in parts) else parts[0].status
        divisions = {p.division for p in parts}
        division = divisions.pop() if len(divisions) == 1 else None
        found.append(Value(sum(p.value for p in parts), status, (), division))
    return found


def _denominators(
    measure: str,
    figures: FigureSet,
    areas: Sequence[str],
    year: int,
    divisions: Sequence[int | None],
) -> list[tuple[int, Observation] | None]:
    """Per area the (year, observation) of ``measure`` in ``year`` or the newest earlier year
    that has one in the area's division (``None`` there: any division); else ``None``."""
    tables = [
        (candidate, figures.in_period(measure, Period(candidate)))
        for candidate in reversed(figures.measure_years(measure))
        if candidate <= year
    ]
    found: list[tuple[int, Observation] | None] = []
    for area, division in zip(areas, divisions, strict=True):
        chosen = None
        for candidate, table in tables:
            obs = table.get(area)
            if obs is not None and (division is None or obs.division in (None, division)):
                chosen = (candidate, obs)
                break
        found.append(chosen)
    return found


def population_of(
    figures: FigureSet, area: str, year: int, measure: str = POPULATION
) -> float | None:
    """The area's population in ``year`` or the latest earlier year (as per-1,000 rates use)."""
    return populations_of(figures, [area], year, measure)[0]


def populations_of(
    figures: FigureSet, areas: Sequence[str], year: int, measure: str = POPULATION
) -> list[float | None]:
    """:func:`population_of` of each of ``areas``, in their order."""
    found = _denominators(measure, figures, areas, year, [None] * len(areas))
    return [chosen[1].value if chosen else None for chosen in found]


def evaluate(
    defn: IndicatorDefinition,
    figures: FigureSet,
    area: str,
    year: int,
    *,
    division: int | None = None,
    plan_years: range | None = None,
) -> IndicatorResult:
    """Value, change against the previous year, target, verdict and comparison for one year.

    ``division`` is the area division the reader expects; a value from another one says so.
    ``plan_years`` is the plan period: a target of a year outside it gives no verdict.
    """
    current = indicator_value(defn, figures, area, year)
    previous = indicator_value(defn, figures, area, year - 1)
    target, target_note = _target(defn, year, plan_years)
    notes: list[str] = list(current.notes) if current else [_why_missing(defn, figures, area, year)]
    if target_note:
        notes.append(target_note)
    if current is None:
        verdict = GEEN_GEGEVENS
    elif target is None:
        verdict = GEEN_DOEL
    else:
        verdict = GEHAALD if target.met_by(current.value) else NIET_GEHAALD
    change = None
    if current and previous and previous.value != 0:
        change = (current.value - previous.value) / abs(previous.value) * 100
    comparison = None
    if defn.comparison_area:
        comparison = indicator_value(defn, figures, defn.comparison_area, year)
    if current and current.status == VOORLOPIG:
        notes.append("voorlopig cijfer")
    if current and division and current.division and current.division != division:
        notes.append(f"cijfer uit gebiedsindeling {current.division} (niet {division})")
    return IndicatorResult(
        indicator=defn.id,
        name=defn.name,
        area=area,
        period=str(year),
        value=current.value if current else None,
        previous=previous.value if previous else None,
        change_pct=change,
        target=str(target) if target else None,
        verdict=verdict,
        comparison_area=defn.comparison_area,
        comparison_value=comparison.value if comparison else None,
        decimals=defn.decimals,
        unit=defn.unit,
        better=defn.better,
        status=current.status if current else None,
        notes=notes,
    )


def measure_words(measure: str) -> str:
    """A measure as words inside a sentence: its catalogue label without the capital."""
    label = label_for(measure) or measure
    return label[:1].lower() + label[1:]


def _target(
    defn: IndicatorDefinition, year: int, plan_years: range | None
) -> tuple[Target | None, str | None]:
    """The target of ``year``, unless that year lies outside the plan period (then a note)."""
    target = defn.targets.get(year)
    if target is None or plan_years is None or year in plan_years:
        return target, None
    return None, (
        f"het doel voor {year} telt niet mee: {year} valt buiten de planperiode "
        f"{plan_years[0]}–{plan_years[-1]}"
    )


def _why_missing(defn, figures, area, year) -> str:
    numerator = _numerator(defn, figures, area, Period(year))
    if numerator is None:
        measures = (defn.reported,) if defn.reported else defn.measures
        absent = [measure_words(m) for m in measures if figures.get(m, area, Period(year)) is None]
        return f"geen cijfer voor {', '.join(absent)} in {area} in {year}"
    return _why_no_rate(defn.per_1000, figures, area, year, numerator.division)


def _why_no_rate(measure: str, figures: FigureSet, area: str, year: int, division) -> str:
    """Why a rate has no value although its numerator has one, in words."""
    name = measure_words(measure)
    earlier, later = [], []
    for candidate in figures.years([measure], area):
        obs = figures.get(measure, area, Period(candidate))
        if candidate <= year and obs is not None:
            earlier.append((candidate, obs))
        elif candidate > year:
            later.append(candidate)
    usable = [(y, o) for y, o in earlier if division is None or o.division in (None, division)]
    if usable:
        return f"geen cijfer per 1.000 {name}: het aantal {name} van {usable[-1][0]} is 0 of minder"
    words = f"geen cijfer per 1.000 {name}: er is geen aantal {name} van {year} of een eerder jaar"
    if earlier:
        other_year, other = earlier[-1]
        words += (
            f" in gebiedsindeling {division} (dat van {other_year} hoort bij gebiedsindeling "
            f"{other.division}, met andere grenzen, en telt daarom niet)"
        )
    if later:
        words += f"; het eerstvolgende aantal {name} is van {later[0]}"
    return words


def _candidate_years(defn: IndicatorDefinition, figures: FigureSet, area: str) -> list[int]:
    return figures.years(defn.input_measures[:1] if defn.per_1000 else defn.input_measures, area)


def series(defn: IndicatorDefinition, figures: FigureSet, area: str) -> list[tuple[int, Value]]:
    """All years with a value, oldest first."""
    out = []
    for year in _candidate_years(defn, figures, area):
        value = indicator_value(defn, figures, area, year)
        if value is not None:
            out.append((year, value))
    return out


def value_at_or_before(
    defn: IndicatorDefinition, figures: FigureSet, area: str, year: int
) -> tuple[int, Value] | None:
    """The value of ``year``, or else that of the newest earlier year with one, with the year
    it is from; ``None`` when no year up to ``year`` has a value."""
    for candidate in reversed(_candidate_years(defn, figures, area)):
        if candidate > year:
            continue
        value = indicator_value(defn, figures, area, candidate)
        if value is not None:
            return candidate, value
    return None


def evaluate_at_or_before(
    defn: IndicatorDefinition,
    figures: FigureSet,
    area: str,
    year: int,
    *,
    division: int | None = None,
    plan_years: range | None = None,
) -> IndicatorResult:
    """The indicator for a peiljaar: :func:`evaluate` of ``year``, or of the newest earlier
    year with a value (``period`` says which; ``reference_year`` is ``year``).

    The target and verdict are those of the value's own year, so an older figure is judged
    against the target of its year, never against that of the peiljaar.
    """
    found = value_at_or_before(defn, figures, area, year)
    used = found[0] if found else year
    result = evaluate(defn, figures, area, used, division=division, plan_years=plan_years)
    result.reference_year = year
    if found is None:
        target_note = _target(defn, year, plan_years)[1]
        result.notes = _why_none_by(defn, figures, area, year)
        if target_note:
            result.notes.append(target_note)
    elif used < year:
        result.notes.insert(
            0, f"nog geen cijfer voor {year}; getoond is het nieuwste eerdere, van {used}"
        )
    return result


def _why_none_by(defn: IndicatorDefinition, figures: FigureSet, area: str, year: int) -> list[str]:
    """Why an indicator has no value in ``year`` or before, in words."""
    candidates = _candidate_years(defn, figures, area)
    before = [y for y in candidates if y <= year]
    if before:
        return [_why_missing(defn, figures, area, before[-1])]
    later = [y for y in candidates if y > year]
    if not later:
        return ["er zijn nog geen cijfers voor deze indicator"]
    notes = [f"nog geen cijfer voor {year} of eerder: de cijfers beginnen in {later[0]}"]
    if indicator_value(defn, figures, area, later[0]) is None:
        notes.append(_why_missing(defn, figures, area, later[0]))
    return notes


def propose_judgement(verdicts: Iterable[str]) -> str:
    """The proposal for "doel gehaald" from a goal's indicator verdicts: "ja" when every judged
    indicator met its target, "nee" when none did, "deels" when some did, "" when none could
    be judged (no target, or no figure). The advisor confirms or overrides it."""
    judged = [v for v in verdicts if v in (GEHAALD, NIET_GEHAALD)]
    if not judged:
        return ""
    met = sum(v == GEHAALD for v in judged)
    if met == len(judged):
        return "ja"
    return "nee" if met == 0 else "deels"


def default_reporting_year(years_per_indicator: Iterable[Iterable[int]]) -> int | None:
    """The default peiljaar: the newest year in which most indicators have a value.

    "Most" is more than half of the indicators that have a value in any year; when no year
    has that many, the year in which the most have one (the newest of equals). ``None``
    when no indicator has any value.
    """
    sets = [set(years) for years in years_per_indicator]
    sets = [years for years in sets if years]
    if not sets:
        return None
    counts = Counter(year for years in sets for year in years)
    majority = [year for year, count in counts.items() if count * 2 > len(sets)]
    if majority:
        return max(majority)
    return max(counts, key=lambda year: (counts[year], year))


def latest_year(defn: IndicatorDefinition, figures: FigureSet, area: str) -> int | None:
    values = series(defn, figures, area)
    return values[-1][0] if values else None
