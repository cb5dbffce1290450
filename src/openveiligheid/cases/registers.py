"""The four case registers: what each is, who works in it, and how long its cases are kept.

Pure (no Django): the import, the access rules, the retention job, the counts and the pages all
read these definitions. Retention periods are the defaults of this product, after the VNG
*Selectielijst gemeenten en intergemeentelijke organen 2020* and the AVG's storage limitation
(art. 5(1)(e)); a gemeente sets its own with ``OV_BEWAARTERMIJN_<REGISTER>`` (years after
closing), decided with its FG and archivist (docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass

WOONOVERLAST = "woonoverlast"
ONDERMIJNING = "ondermijning"
PGA = "pga"
MAATREGELEN = "maatregelen"


@dataclass(frozen=True)
class Register:
    key: str  #: as in ``--register`` and the URLs
    label: str  #: Dutch, for pages
    role: str  #: the role (group) that works in it
    retention_years: int  #: default years after closing before the case is anonymised
    legal_basis: str  #: of keeping the data at all (shown on the page and in docs/privacy.md)
    retention_basis: str  #: of the retention period

    @property
    def permission(self) -> str:
        """The permission that opens this register's person-level data (``app.codename``)."""
        return f"cases.{self.codename}"

    @property
    def codename(self) -> str:
        return f"register_{self.key}"


REGISTERS: dict[str, Register] = {
    register.key: register
    for register in (
        Register(
            WOONOVERLAST,
            "Woonoverlast",
            "casusregisseur woonoverlast",
            5,
            "art. 151d Gemeentewet (woonoverlast) en art. 6 lid 1 sub e AVG (publieke taak)",
            "Selectielijst gemeenten 2020, handhaving: vernietigen 5 jaar na afsluiting",
        ),
        Register(
            ONDERMIJNING,
            "Signalen ondermijning",
            "coördinator ondermijning",
            5,
            "art. 172 Gemeentewet (openbare orde), Wet Bibob, convenant RIEC; art. 6 lid 1 sub e "
            "AVG",
            "Selectielijst gemeenten 2020, openbare orde: vernietigen 5 jaar na afsluiting",
        ),
        Register(
            PGA,
            "Persoonsgerichte aanpak",
            "PGA-procesregisseur",
            2,
            "Convenant Zorg- en Veiligheidshuis (privacyconvenant casusoverleg), art. 6 lid 1 "
            "sub e AVG en art. 10 UAVG (strafrechtelijke gegevens)",
            "Privacyconvenant Zorg- en Veiligheidshuizen: 2 jaar na afschalen of afsluiten",
        ),
        Register(
            MAATREGELEN,
            "Bestuurlijke maatregelen",
            "jurist bestuurlijke maatregelen",
            10,
            "Wet tijdelijk huisverbod, art. 13b Opiumwet, art. 174a Gemeentewet, Wet Bibob; "
            "art. 6 lid 1 sub c en e AVG",
            "Selectielijst gemeenten 2020, besluiten met bezwaar en beroep: 10 jaar na afsluiting",
        ),
    )
}

#: The role of the privacy officer (functionaris gegevensbescherming): reads the audit log.
FG_ROLE = "functionaris gegevensbescherming"

#: Purposes a user chooses from before person data are shown (doelbinding, AVG art. 5(1)(b)).
PURPOSES = [
    "casusbehandeling",
    "voorbereiding casusoverleg",
    "besluit of maatregel voorbereiden",
    "bezwaar of beroep",
    "inzageverzoek (AVG art. 15)",
    "controle door de functionaris gegevensbescherming",
]

WONINGTYPES = ["koop", "corporatie", "particuliere huur"]
INTERVENTIONS = [
    "gesprek",
    "huisbezoek",
    "mediation",
    "buurtbemiddeling",
    "schoonmaak",
    "bestuurlijke maatregel",
]
SIGNAL_SOURCES = ["inwoner", "partner", "collega", "anoniem"]
PHENOMENA = [
    "drugs",
    "mensenhandel",
    "witwassen",
    "vastgoed",
    "fraude",
    "wapens",
    "overig",
]
FOLLOW_UPS = ["RIEC", "politie", "Bibob", "bestuurlijke aanpak", "geen"]
#: PGA escalation: where the case is handled.
ESCALATIONS = ["lokaal", "opgeschaald naar Zorg- en Veiligheidshuis", "afgeschaald"]
MEASURE_TYPES = [
    "tijdelijk huisverbod",
    "waarschuwing art. 13b Opiumwet",
    "sluiting art. 13b Opiumwet",
    "sluiting art. 174a Gemeentewet",
    "gebiedsverbod",
    "last onder dwangsom",
    "Bibob-advies",
]
HUISVERBOD = "tijdelijk huisverbod"
DAMOCLES = ["waarschuwing art. 13b Opiumwet", "sluiting art. 13b Opiumwet"]
HUISVERBOD_DAYS = 10  #: a tijdelijk huisverbod lasts 10 days ...
HUISVERBOD_MAX_DAYS = 28  #: ... and may be extended to at most 28 (Wet tijdelijk huisverbod)
OBJECTION_STATUSES = [
    "geen",
    "bezwaar ingediend",
    "bezwaar afgehandeld",
    "beroep",
    "onherroepelijk",
]

#: Case statuses, in the order a case passes them.
OPEN, IN_BEHANDELING, AFGESLOTEN = "open", "in behandeling", "afgesloten"
STATUSES = [OPEN, IN_BEHANDELING, AFGESLOTEN]


def register_of(key: str) -> Register:
    try:
        return REGISTERS[key]
    except KeyError:
        known = ", ".join(REGISTERS)
        raise KeyError(f"Onbekend register '{key}'. Bekende registers: {known}.") from None
