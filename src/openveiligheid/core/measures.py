"""The measure catalogue: what a measure name means.

A measure is named ``<prefix>[:<code>…]``, e.g. ``misdrijven:1.1.1``, ``inwoners`` or
``incidenten:A72:opgehelderd``. The prefix (the part before the first ``:``) decides the kind of
measure: its Dutch label, unit, whether it may be summed over areas and months, the source
table(s) it comes from and whether it is sensitive. Codes may add a readable label from CBS's
own code lists (``core/data/``).

This is the one place that says so. It is pure (no Django, no database), so that the parsers,
which sit below everything else, may use it too. The database side is
:mod:`openveiligheid.figures.catalogue`: it creates a ``Measure`` row with the label and
additivity given here when a measure is first stored (``Measure.additive`` is that stored copy,
which the analyses filter on). The CBS parser's topic-column → prefix mapping
(``imports/parsers/cbs.py``, ``TOPIC_MEASURES``) stays with the parser; every prefix it produces
is listed here (a test checks it).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

COUNT = "aantal"
PER_1000 = "per 1.000 inwoners"

#: Measures whose prefix is not in the catalogue (a gemeente's own ``cijfers`` files) are
#: additive unless their prefix contains one of these (a rate, share, average or mark).
NON_ADDITIVE_MARKERS = ("per_1000", "per_10000", "pct", "percentage", "gemiddelde", "rapportcijfer")


@dataclass(frozen=True)
class MeasureKind:
    """What every measure ``<prefix>[:<code>…]`` of one prefix means."""

    prefix: str
    label: str  #: Dutch, of the kind as a whole
    unit: str  #: ``aantal``, ``per 1.000 inwoners``, or ``""`` when unknown
    additive: bool  #: may be summed over areas and months (counts, not rates)
    source: tuple[str, ...] = ()  #: dataset ids of the tables it is read from
    sensitive: bool = False  #: derived from person-related registrations (docs/privacy.md)
    #: Label of ``<prefix>:<code>`` for a code in ``codes`` (``{title}``: the code's title).
    code_label: str = ""
    codes: str = ""  #: code list in ``core/data/`` (CBS ``Key``/``Title`` columns)
    #: ``lager`` when fewer is better (crime, overlast), ``hoger`` when more is, ``""`` when
    #: the kind says nothing (inhabitants, registers' own counts)
    better: str = ""


CATALOGUE: dict[str, MeasureKind] = {
    kind.prefix: kind
    for kind in (
        MeasureKind(
            "misdrijven",
            "Geregistreerde misdrijven",
            COUNT,
            True,
            ("politie-47018NED", "politie-47022NED", "cbs-83648NED"),
            code_label="Geregistreerde misdrijven: {title}",
            codes="SoortMisdrijf_47018NED.csv",
            better="lager",
        ),
        MeasureKind(
            "misdrijven_per_1000",
            "Geregistreerde misdrijven per 1.000 inwoners (zoals CBS publiceert)",
            PER_1000,
            False,
            ("politie-47018NED", "cbs-83648NED"),
            code_label=(
                "Geregistreerde misdrijven: {title} per 1.000 inwoners (zoals CBS publiceert)"
            ),
            codes="SoortMisdrijf_47018NED.csv",
            better="lager",
        ),
        MeasureKind(
            "diefstallen",
            "Geregistreerde diefstallen",
            COUNT,
            True,
            ("cbs-83651NED",),
            code_label="Geregistreerde diefstallen: {title}",
            codes="SoortDiefstal_83651NED.csv",
            better="lager",
        ),
        MeasureKind(
            "diefstallen_per_1000",
            "Geregistreerde diefstallen per 1.000 inwoners (zoals CBS publiceert)",
            PER_1000,
            False,
            ("cbs-83651NED",),
            code_label=(
                "Geregistreerde diefstallen: {title} per 1.000 inwoners (zoals CBS publiceert)"
            ),
            codes="SoortDiefstal_83651NED.csv",
            better="lager",
        ),
        MeasureKind(
            "overlast",
            "Geregistreerde overlast",
            COUNT,
            True,
            ("politie-47024NED", "politie-47021NED"),
            code_label="Geregistreerde overlast: {title}",
            codes="SoortOverlast_47021NED.csv",
            better="lager",
        ),
        MeasureKind("inwoners", "Inwoners", COUNT, True, ("cbs-85984NED",)),
        MeasureKind(
            "incidenten",
            "Politie-incidenten (geteld per buurt en maand)",
            COUNT,
            True,
            ("politie-incidenten",),
            sensitive=True,
            better="lager",
        ),
        MeasureKind("extern", "Cijfers die de gemeente zelf aanlevert", "", False),
        # Counts from the gemeente's own case registers (cases.counts): published with small
        # counts suppressed, so never summed (a gemeente total is stored, not derived).
        MeasureKind(
            "register",
            "Tellingen uit de eigen registers van de gemeente",
            COUNT,
            False,
            ("registers",),
            sensitive=True,
        ),
    )
}

#: Labels of single measures that their kind does not give.
LABELS: dict[str, str] = {
    "inwoners": "Inwoners",
    "incidenten:A72": "Fietsdiefstallen (politie-incidenten A72)",
    # The registers (cases.counts): geregistreerd = geopend in het jaar, afgerond = gesloten in
    # het jaar, open einde jaar = geopend op of vóór 31 december en toen nog niet gesloten.
    "register:woonoverlast:geregistreerd": "Woonoverlast: casussen geregistreerd",
    "register:woonoverlast:afgerond": "Woonoverlast: casussen afgerond",
    "register:woonoverlast:open_einde_jaar": "Woonoverlast: casussen open op 31 december",
    "register:ondermijning:geregistreerd": "Signalen ondermijning: geregistreerd",
    "register:ondermijning:afgerond": "Signalen ondermijning: afgerond",
    "register:ondermijning:open_einde_jaar": "Signalen ondermijning: open op 31 december",
    "register:ondermijning:signalen": "Signalen ondermijning ontvangen (meldpunt)",
    "register:pga:geregistreerd": "Persoonsgerichte aanpak: casussen geregistreerd",
    "register:pga:afgerond": "Persoonsgerichte aanpak: casussen afgerond",
    "register:pga:open_einde_jaar": "Persoonsgerichte aanpak: casussen open op 31 december",
    "register:maatregelen:geregistreerd": "Bestuurlijke maatregelen: geregistreerd",
    "register:maatregelen:afgerond": "Bestuurlijke maatregelen: afgerond",
    "register:maatregelen:open_einde_jaar": "Bestuurlijke maatregelen: open op 31 december",
    "register:huisverbod:opgelegd": "Tijdelijke huisverboden opgelegd",
    "register:damocles:waarschuwing_sluiting": (
        "Waarschuwingen en sluitingen art. 13b Opiumwet (Damocles)"
    ),
    "register:bibob:adviezen": "Bibob-adviezen",
}
CLEARED = ":opgehelderd"  #: suffix of the cleared ("opgehelderd") part of a count


def prefix_of(measure: str) -> str:
    return measure.split(":", 1)[0]


def kind_of(measure: str) -> MeasureKind | None:
    """The catalogue entry for this measure's prefix, or ``None`` for an unlisted prefix."""
    return CATALOGUE.get(prefix_of(measure))


def is_additive(measure: str) -> bool:
    """Whether values of this measure may be summed over areas and months."""
    kind = kind_of(measure)
    if kind is not None:
        return kind.additive
    prefix = prefix_of(measure)
    return not any(marker in prefix for marker in NON_ADDITIVE_MARKERS)


def is_sensitive(measure: str) -> bool:
    """Whether small counts of the measure could point at a person (public pages show 1 to 4
    as "< 5"): the kind's ``sensitive`` flag; the stored ``Measure.sensitive`` starts from it."""
    kind = kind_of(measure)
    return kind is not None and kind.sensitive


def better_direction(measure: str) -> str:
    """``lager`` or ``hoger``: which way the measure improves (the cleared part of a count,
    ``…:opgehelderd``, improves upwards); ``""`` when the catalogue cannot tell."""
    kind = kind_of(measure)
    if kind is None or not kind.better:
        return ""
    if measure.endswith(CLEARED):
        return "hoger" if kind.better == "lager" else "lager"
    return kind.better


def label_for(measure: str) -> str:
    """A readable Dutch label, e.g. ``misdrijven:1.1.1`` → "Geregistreerde misdrijven:
    Diefstal/inbraak woning"; ``""`` when the catalogue has none (the name is shown then)."""
    if measure in LABELS:
        return LABELS[measure]
    prefix, _, rest = measure.partition(":")
    if rest.endswith(CLEARED):
        base = label_for(f"{prefix}:{rest.removesuffix(CLEARED)}")
        return f"{base}, opgehelderd" if base else ""
    kind = CATALOGUE.get(prefix)
    if kind is not None and kind.codes and rest in _code_titles(kind.codes):
        return kind.code_label.format(title=_code_titles(kind.codes)[rest])
    return ""


@functools.cache
def _code_titles(file_name: str) -> dict[str, str]:
    with open(DATA / file_name, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {
            row["Key"].strip(): row["Title"].removeprefix(row["Key"].strip()).strip()
            for row in rows
        }
