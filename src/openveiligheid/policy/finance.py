"""The financial overview of a goal as the Zwolle annual report computes it (pure, integers).

Per part (lasten, baten, toevoeging aan reserves, onttrekking aan reserves):

* begroting t/m december = vastgestelde begroting + mutaties projecten + begrotingswijzigingen;
* resultaat, voordelig (+) or nadelig (−): for lasten and toevoegingen begroting t/m december
  − jaarrekening (spending less is voordelig), for baten and onttrekkingen jaarrekening −
  begroting t/m december (receiving more is voordelig);
* saldo = the sum of the four results (Zwolle 7.2.1: 69.443 + 115.222 + 0 − 138.825 = 45.840).

Per credit: restantkrediet = omvang − gerealiseerd t/m vorig jaar − besteding dit jaar.
Amounts are whole euros (``int``) throughout; nothing here rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

PARTS = ("lasten", "baten", "toevoeging", "onttrekking")
#: Parts where spending less than budgeted is voordelig; for the others receiving more is.
COST_PARTS = ("lasten", "toevoeging")
STEPS = ("begroting", "mutaties_projecten", "begrotingswijzigingen", "jaarrekening")

#: How the reference document names the parts (columns) and entered steps.
PART_LABELS = {
    "lasten": "Lasten",
    "baten": "Baten",
    "toevoeging": "Toevoeging aan reserves",
    "onttrekking": "Onttrekking aan reserves",
}
STEP_LABELS = {
    "begroting": "Vastgestelde begroting",
    "mutaties_projecten": "Mutaties projecten",
    "begrotingswijzigingen": "Begrotingswijzigingen",
    "jaarrekening": "Jaarrekening",
}
#: The rows of the overview as printed (label, whether it is a total row); the page and the
#: jaarverslag both draw these.
ROW_LABELS = {
    "begroting": ("Vastgestelde begroting", False),
    "mutaties_projecten": ("+ mutaties projecten", False),
    "begrotingswijzigingen": ("+ begrotingswijzigingen", False),
    "begroting_tm_december": ("Begroting t/m december", True),
    "jaarrekening": ("− Jaarrekening", False),
    "resultaat": ("Resultaat", True),
}


@dataclass(frozen=True)
class Amounts:
    """One row of the overview: an amount per part."""

    lasten: int = 0
    baten: int = 0
    toevoeging: int = 0
    onttrekking: int = 0

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(*(getattr(self, p) + getattr(other, p) for p in PARTS))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class FinanceOverview:
    """The rows of the Zwolle overview and its saldo."""

    begroting: Amounts
    mutaties_projecten: Amounts
    begrotingswijzigingen: Amounts
    begroting_tm_december: Amounts
    jaarrekening: Amounts
    resultaat: Amounts
    saldo: int

    def as_dict(self) -> dict[str, dict[str, int] | int]:
        rows: dict[str, dict[str, int] | int] = {
            name: getattr(self, name).as_dict() for name in ROWS
        }
        rows["saldo"] = self.saldo
        return rows


ROWS = (
    "begroting",
    "mutaties_projecten",
    "begrotingswijzigingen",
    "begroting_tm_december",
    "jaarrekening",
    "resultaat",
)


def result(budget: Amounts, actual: Amounts) -> Amounts:
    """Voordelig (+) or nadelig (−) per part, as the Zwolle document computes it."""
    return Amounts(
        *(
            getattr(budget, p) - getattr(actual, p)
            if p in COST_PARTS
            else getattr(actual, p) - getattr(budget, p)
            for p in PARTS
        )
    )


def overview(amounts: Mapping[tuple[str, str], int]) -> FinanceOverview:
    """The overview from the entered amounts, keyed ``(step, part)``; a missing one is 0."""

    def row(step: str) -> Amounts:
        return Amounts(*(amounts.get((step, part), 0) for part in PARTS))

    begroting, mutaties, wijzigingen, jaarrekening = (row(step) for step in STEPS)
    tm_december = begroting + mutaties + wijzigingen
    resultaat = result(tm_december, jaarrekening)
    return FinanceOverview(
        begroting=begroting,
        mutaties_projecten=mutaties,
        begrotingswijzigingen=wijzigingen,
        begroting_tm_december=tm_december,
        jaarrekening=jaarrekening,
        resultaat=resultaat,
        saldo=sum(getattr(resultaat, part) for part in PARTS),
    )


@dataclass(frozen=True)
class Credit:
    """A (multi-year) credit of a goal, as in the Zwolle credit table."""

    project: str
    omvang: int
    gerealiseerd_tm_vorig_jaar: int
    besteding: int

    @property
    def restant(self) -> int:
        return self.omvang - self.gerealiseerd_tm_vorig_jaar - self.besteding

    def as_dict(self) -> dict[str, str | int]:
        return {**asdict(self), "restant": self.restant}
