"""Vergelijkbare gemeenten: an indicator beside the gemeenten of the same size (issue #12).

As waarstaatjegemeente.nl does, a gemeente is compared not only with Nederland but with the
gemeenten of its CBS size class (*gemeentegrootte*: inhabitants in the classes CBS publishes
for gemeenten). Each gemeente is classed by its newest stored number of inhabitants (measure
``inwoners``); the group is every other gemeente with figures in the database and the same
class. The comparison value of a year is the plain mean over the members that have a value
(each gemeente counts once, as on waarstaatjegemeente), shown with the number of members
behind it, and only when at least :data:`MIN_MEMBERS` have one.

Only rates are compared (an indicator per 1,000 inhabitants, or a measure that is not a
count, such as a rate as CBS publishes it): counts of gemeenten of different size say little
about each other.

CBS also classes gemeenten by urbanity (*stedelijkheid*, from the address density). That is
not in the figures this installation holds, so the group is formed on size alone and the page
says so (see docs/methods.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

from openveiligheid.core.areacodes import GEMEENTE
from openveiligheid.core.measures import is_additive
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import figure_set
from openveiligheid.indicators.engine import POPULATION, IndicatorDefinition, indicator_value

#: CBS's size classes of gemeenten (inhabitants): lower bound and words.
SIZE_CLASSES: tuple[tuple[int, str], ...] = (
    (0, "minder dan 5.000 inwoners"),
    (5_000, "5.000 tot 10.000 inwoners"),
    (10_000, "10.000 tot 20.000 inwoners"),
    (20_000, "20.000 tot 50.000 inwoners"),
    (50_000, "50.000 tot 100.000 inwoners"),
    (100_000, "100.000 tot 150.000 inwoners"),
    (150_000, "150.000 tot 250.000 inwoners"),
    (250_000, "250.000 inwoners of meer"),
)
#: A group value is shown only when at least this many members have a value that year.
MIN_MEMBERS = 3


def size_class(inhabitants: float) -> str:
    """The words of the CBS size class of a gemeente with this many inhabitants."""
    return [words for lower, words in SIZE_CLASSES if inhabitants >= lower][-1]


@dataclass(frozen=True)
class PeerGroup:
    gemeente: str  #: the code of the gemeente compared
    size_class: str  #: e.g. "150.000 tot 250.000 inwoners"
    members: tuple[str, ...]  #: the other gemeenten of the class, codes in order


@dataclass(frozen=True)
class PeerValue:
    year: int
    mean: float | None  #: None when fewer than MIN_MEMBERS members have a value
    count: int  #: members with a value


def newest_inhabitants(measure: str = POPULATION) -> dict[str, float]:
    """Gemeente code -> its newest stored number of inhabitants."""
    rows = Figure.objects.filter(
        measure__name=measure, area__level=GEMEENTE, month__isnull=True
    ).values_list("area__code", "year", "value")
    newest: dict[str, tuple[int, float]] = {}
    for code, year, value in rows:
        if code not in newest or year > newest[code][0]:
            newest[code] = (year, value)
    return {code: value for code, (_, value) in newest.items()}


def peer_group(gemeente_code: str) -> PeerGroup | None:
    """The gemeenten of the same size class, or None when the gemeente's size is not known."""
    sizes = newest_inhabitants()
    if gemeente_code not in sizes:
        return None
    words = size_class(sizes[gemeente_code])
    members = sorted(
        code for code, n in sizes.items() if code != gemeente_code and size_class(n) == words
    )
    return PeerGroup(gemeente_code, words, tuple(members))


def is_comparable(definition: IndicatorDefinition) -> bool:
    """Whether the indicator is a rate (see the module text)."""
    if definition.per_1000:
        return True
    measures = (definition.reported,) if definition.reported else definition.measures
    return bool(measures) and not any(is_additive(m) for m in measures)


def peer_values(
    definition: IndicatorDefinition, group: PeerGroup, years: Iterable[int]
) -> list[PeerValue]:
    """The group's mean of the indicator per year (oldest first)."""
    figures = figure_set(definition.input_measures, set(group.members), division=None)
    result = []
    for year in sorted(set(years)):
        values = [
            value.value
            for code in group.members
            if (value := indicator_value(definition, figures, code, year)) is not None
        ]
        mean = fmean(values) if len(values) >= MIN_MEMBERS else None
        result.append(PeerValue(year, mean, len(values)))
    return result
