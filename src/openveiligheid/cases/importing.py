"""Importing the registers municipalities keep today, from CSV or XLSX (issue #10, part 6).

``import_register`` reads one file of one register for one gemeente, checks every row and
stores it all or nothing, as an :class:`~openveiligheid.imports.models.ImportRun` of kind
``registers`` (the same file twice is skipped). Cases are matched by (gemeente, register,
zaaknummer): a corrected file updates the cases it contains and leaves the others alone.
The file formats, per register, are in ``docs/data-formats/registers.md``; the table of
accepted column names is :data:`FORMATS` below.

The import is an administrator's write path (the command line, or a user entitled to the
register and gemeente): it reads the stored cases of that register and gemeente only to match
them, and shows none of them; every read for a user goes through ``cases.access``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError

from openveiligheid.areas.models import Area
from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import record
from openveiligheid.cases.access import may_see_register
from openveiligheid.cases.crypto import bsn_enabled, decrypt_bsn, encrypt_bsn, is_valid_bsn
from openveiligheid.cases.models import CASE_MODELS, Case, CasePerson, Person, StatusChange
from openveiligheid.cases.registers import (
    AFGESLOTEN,
    ESCALATIONS,
    FOLLOW_UPS,
    HUISVERBOD,
    HUISVERBOD_MAX_DAYS,
    INTERVENTIONS,
    MEASURE_TYPES,
    OBJECTION_STATUSES,
    OPEN,
    PHENOMENA,
    REGISTERS,
    SIGNAL_SOURCES,
    STATUSES,
    WONINGTYPES,
)
from openveiligheid.core.areacodes import BUURT, AreaCodeError, gemeente_of, level_of
from openveiligheid.core.csvfiles import MAX_FIELD_CHARS, header_of, iter_records, read_csv_text
from openveiligheid.core.errors import InputError, InputProblem, ProblemCollector
from openveiligheid.core.textfiles import shorten
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.services import (
    execute,
    open_run,
    skip_if_imported,
)
from openveiligheid.policy.services import ensure_gemeente

#: The purpose recorded in the audit log for an import.
PURPOSE = "gegevens bijwerken"
#: An XLSX is a ZIP file; its unpacked size is checked before openpyxl reads it (a small
#: file can unpack to gigabytes: a "zip bomb").
XLSX_MAGIC = b"PK\x03\x04"
OLD_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
#: The role a person from an import file has in their case.
PERSON_ROLE = "betrokkene"
FIRST_YEAR = 1900

TEXT, DATE, CHOICE, LIST, NUMBER, BUURT_CODE, BSN = (
    "tekst",
    "datum",
    "keuze",
    "lijst",
    "getal",
    "buurt",
    "bsn",
)


@dataclass(frozen=True)
class Field:
    """One column of a register file: its name (as in ``--kolom``), the header names it is
    recognised by, and what it holds."""

    name: str
    headers: tuple[str, ...]
    kind: str = TEXT
    column_required: bool = False  #: the file must have the column
    value_required: bool = False  #: every row must fill it
    target: str = ""  #: the model attribute it is stored in ('' = handled separately)
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  #: other spellings of a choice
    max_length: int | None = None
    default: object = ""  #: stored when the cell is empty

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", tuple(normalize_header(h) for h in self.headers))


def normalize_header(text: str) -> str:
    """A header as compared: lower case, ``_``, ``-``, ``.`` and brackets as spaces."""
    return " ".join(re.sub(r"[_\-.()/:]", " ", text).casefold().split())


def _same(text: str) -> str:
    return " ".join(text.casefold().split())


NUMBER_FIELD = Field(
    "zaaknummer",
    ("zaaknummer", "casusnummer", "zaak", "zaaknr", "casusnr", "dossiernummer", "nummer"),
    column_required=True,
    value_required=True,
    target="number",
    max_length=50,
)
CLOSED_FIELD = Field(
    "gesloten",
    ("gesloten", "afgesloten", "datum gesloten", "datum afgesloten", "einddatum", "sluitdatum"),
    DATE,
    column_required=True,
    target="closed",
    default=None,
)


def _buurt(value_required: bool) -> Field:
    return Field(
        "buurt",
        ("buurt", "buurtcode", "cbs buurtcode", "bu code"),
        BUURT_CODE,
        column_required=True,
        value_required=value_required,
    )


def _opened(name: str, *headers: str, required: bool = True) -> Field:
    return Field(
        name,
        (name, *headers),
        DATE,
        column_required=required,
        value_required=required,
        target="opened",
        default=None,
    )


def _partners(*headers: str) -> Field:
    return Field("partners", ("partners", *headers), LIST, target="partners", default=[])


def _coded(
    name: str,
    headers: tuple[str, ...],
    target: str,
    choices: list[str],
    *,
    value_required: bool = True,
    aliases: tuple[tuple[str, str], ...] = (),
    default: str = "",
) -> Field:
    """A column whose values come from a code list (``registers``); always a required column."""
    return Field(
        name,
        headers,
        CHOICE,
        column_required=True,
        value_required=value_required,
        target=target,
        choices=tuple(choices),
        aliases=aliases,
        default=default,
    )


#: Optional columns every register file may have.
COMMON_OPTIONAL = (
    Field("status", ("status",), CHOICE, target="status", choices=tuple(STATUSES)),
    Field(
        "reden_afsluiten",
        ("reden afsluiten", "reden van afsluiten", "afsluitreden", "uitkomst"),
        target="outcome",
        max_length=100,
    ),
    Field("team", ("team",), target="team", max_length=100),
    Field("naam", ("naam", "naam persoon", "persoon", "betrokkene"), max_length=200),
    Field("geboortedatum", ("geboortedatum", "geb datum", "geboren"), DATE, default=None),
    Field("bsn", ("bsn", "burgerservicenummer"), BSN),
)

ZVH = ESCALATIONS[1]

#: register -> its columns (besides ``COMMON_OPTIONAL``), in the order of the documented file.
FORMATS: dict[str, tuple[Field, ...]] = {
    "woonoverlast": (
        NUMBER_FIELD,
        _opened("geopend", "datum geopend", "startdatum", "begindatum", "melddatum"),
        CLOSED_FIELD,
        _coded(
            "woningtype",
            ("woningtype", "type woning", "eigendom"),
            "woningtype",
            WONINGTYPES,
            aliases=(
                ("koopwoning", "koop"),
                ("huur corporatie", "corporatie"),
                ("sociale huur", "corporatie"),
                ("particulier", "particuliere huur"),
            ),
        ),
        _buurt(True),
        Field("adres", ("adres",), target="address", max_length=200),
        _partners("betrokken partners"),
        Field(
            "interventies",
            ("interventies", "interventie"),
            LIST,
            target="interventions",
            choices=tuple(INTERVENTIONS),
            default=[],
        ),
    ),
    "ondermijning": (
        NUMBER_FIELD,
        _opened("ontvangen", "datum ontvangen", "ontvangstdatum", "datum melding", "melddatum"),
        CLOSED_FIELD,
        _coded("bron", ("bron",), "source", SIGNAL_SOURCES),
        _coded("fenomeen", ("fenomeen", "thema"), "phenomenon", PHENOMENA),
        _buurt(True),
        _coded("vervolg", ("vervolg", "opvolging"), "follow_up", FOLLOW_UPS, value_required=False),
        Field("locatie", ("locatie", "adres"), target="location", max_length=200),
        Field("weging", ("weging", "weegtafel", "beoordeling"), target="assessment"),
    ),
    "pga": (
        NUMBER_FIELD,
        _opened("geopend", "datum geopend", "startdatum", "begindatum"),
        CLOSED_FIELD,
        Field(
            "grondslag",
            ("grondslag", "convenant", "grondslag convenant"),
            column_required=True,
            value_required=True,
            target="legal_basis",
            max_length=200,
        ),
        _coded(
            "opschaling",
            ("opschaling", "op en afschalen", "escalatie"),
            "escalation",
            ESCALATIONS,
            value_required=False,
            aliases=(("opgeschaald", ZVH), ("zorg- en veiligheidshuis", ZVH), ("zvh", ZVH)),
            default=ESCALATIONS[0],
        ),
        _buurt(False),
        Field("aanleiding", ("aanleiding", "reden"), target="reason"),
        _partners("deelnemende partners"),
        Field("plan", ("plan", "plan van aanpak"), target="plan"),
    ),
    "maatregelen": (
        NUMBER_FIELD,
        _coded(
            "soort",
            ("soort", "soort maatregel", "maatregel"),
            "measure_type",
            MEASURE_TYPES,
            aliases=(("huisverbod", HUISVERBOD),),
        ),
        Field(
            "besluitdatum",
            ("besluitdatum", "datum besluit"),
            DATE,
            column_required=True,
            value_required=True,
            target="decided",
            default=None,
        ),
        Field(
            "duur_dagen",
            ("duur dagen", "duur", "duur in dagen", "dagen"),
            NUMBER,
            column_required=True,
            target="duration_days",
            default=None,
        ),
        CLOSED_FIELD,
        _coded(
            "bezwaar",
            ("bezwaar", "bezwaar en beroep"),
            "objection",
            OBJECTION_STATUSES,
            value_required=False,
            default="geen",
        ),
        _buurt(False),
        _opened("geopend", "datum geopend", required=False),
        Field(
            "object", ("object", "object of persoon", "onderwerp"), target="subject", max_length=200
        ),
    ),
}


def fields_of(register: str) -> tuple[Field, ...]:
    return FORMATS[register] + COMMON_OPTIONAL


def parse_column_options(options: list[str]) -> dict[str, str]:
    """``["zaaknummer=Casusnr"]`` (from ``--kolom``) as ``{"zaaknummer": "Casusnr"}``."""
    known = sorted({f.name for register in FORMATS for f in fields_of(register)})
    columns: dict[str, str] = {}
    for option in options:
        name, sep, column = option.partition("=")
        name, column = name.strip().lower(), column.strip()
        if not sep or not name or not column:
            raise CommandError(
                f"--kolom '{option}' is niet goed: schrijf VELD=KOLOM, bijv. zaaknummer=Casusnr."
            )
        if name not in known:
            raise CommandError(f"--kolom: onbekend veld '{name}'. Velden: {', '.join(known)}.")
        if name in columns:
            raise CommandError(f"--kolom: het veld '{name}' is twee keer opgegeven.")
        columns[name] = column
    return columns


# --- reading the file: CSV or XLSX --------------------------------------------------------------


@dataclass
class Sheet:
    """The cells of a file: its header and its non-empty rows with their line numbers."""

    name: str
    kind: str  #: csv or xlsx
    header: list[str]
    rows: list[tuple[int, list[object]]]


def read_sheet(name: str, data: bytes) -> Sheet:
    """CSV or XLSX, told apart by the file's first bytes (not by its extension)."""
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(name, data)
    if data.startswith(OLD_XLS_MAGIC):
        raise _refuse(name, "dit is een oud Excel-bestand (.xls); sla het op als .xlsx of CSV")
    csv_text = read_csv_text(name, data)
    header = header_of(csv_text)
    rows = [(line, [record[h.strip()] for h in header]) for line, record in iter_records(csv_text)]
    return Sheet(name, "csv", header, rows)


def _refuse(name: str, message: str, line: int | None = None) -> InputError:
    return InputError([InputProblem(name, message, line)])


def _read_xlsx(name: str, data: bytes) -> Sheet:
    from openpyxl import load_workbook  # only XLSX imports need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise _refuse(
            name, "het bestand begint als een Excel-bestand (ZIP) maar is beschadigd"
        ) from None
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise _refuse(name, "dit ZIP-bestand is geen Excel-werkmap (.xlsx); gebruik .xlsx of CSV")
    if sum(member.file_size for member in members) > MAX_XLSX_UNPACKED:
        raise _refuse(
            name,
            f"de werkmap is uitgepakt groter dan {MAX_XLSX_UNPACKED // (1024 * 1024)} MB; "
            "sla het werkblad op als CSV",
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise _refuse(name, f"geen leesbare Excel-werkmap ({type(exc).__name__})") from None
    try:
        return _first_sheet(name, workbook)
    finally:
        workbook.close()


def _first_sheet(name: str, workbook) -> Sheet:
    if not workbook.worksheets:
        raise _refuse(name, "de werkmap heeft geen werkblad")
    worksheet = workbook.worksheets[0]
    worksheet.reset_dimensions()  # read what is there, not what the file claims
    header: list[str] | None = None
    rows: list[tuple[int, list[object]]] = []
    for line, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
        if not any(_filled(v) for v in values):
            continue
        if header is None:
            header = [_header_text(v) for v in values]
            while header and not header[-1]:
                header.pop()
            continue
        long = next((v for v in values if isinstance(v, str) and len(v) > MAX_FIELD_CHARS), None)
        if long is not None:
            raise _refuse(name, f"een cel is langer dan {MAX_FIELD_CHARS} tekens", line)
        cells = list(values[: len(header)]) + [None] * (len(header) - len(values))
        if any(_filled(v) for v in values[len(header) :]):
            raise _refuse(name, "deze rij heeft waarden rechts van de laatste kolomkop", line)
        rows.append((line, cells))
    if header is None:
        raise _refuse(name, "het eerste werkblad is leeg", 1)
    return Sheet(name, "xlsx", header, rows)


def _filled(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _header_text(value: object) -> str:
    return "" if value is None else str(value).strip()


# --- the columns ----------------------------------------------------------------------------------


def map_columns(
    sheet: Sheet, register: str, columns: dict[str, str], problems: ProblemCollector
) -> dict[str, int]:
    """Field name -> index of its column in ``sheet`` (``columns`` overrides the header names)."""
    fields = fields_of(register)
    names = {f.name for f in fields}
    for name in columns:
        if name not in names:
            problems.add(
                f"--kolom {name}=…: het register {register} kent geen veld '{name}' "
                f"(velden: {', '.join(f.name for f in fields)})",
                line=1,
            )
    normalized = [normalize_header(h) for h in sheet.header]
    overridden = {normalize_header(c) for name, c in columns.items() if name in names}
    found: dict[str, int] = {}
    for spec in fields:
        if spec.name in columns:
            wanted = (normalize_header(columns[spec.name]),)
        else:
            wanted = tuple(h for h in spec.headers if h not in overridden)
        hits = [i for i, header in enumerate(normalized) if header and header in wanted]
        if len(hits) > 1:
            shown = ", ".join(f"'{sheet.header[i]}'" for i in hits)
            problems.add(
                f"meer dan één kolom voor het veld '{spec.name}': {shown}; kies er een met "
                f"--kolom {spec.name}=KOLOM",
                line=1,
                field=sheet.header[hits[1]],
            )
        elif hits:
            found[spec.name] = hits[0]
        elif spec.name in columns:
            problems.add(
                f"de kolom '{columns[spec.name]}' (--kolom {spec.name}=…) staat niet in het "
                "bestand",
                line=1,
                field=columns[spec.name],
            )
        elif spec.column_required:
            accepted = ", ".join(spec.headers)
            problems.add(
                f"de verplichte kolom '{spec.name}' ontbreekt (herkend als: {accepted}; of "
                f"geef --kolom {spec.name}=KOLOM)",
                line=1,
                field=spec.name,
            )
    return found


# --- the rows -------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    name: str
    birth_date: dt.date | None
    bsn: str

    @property
    def key(self) -> tuple[str, dt.date | None]:
        return (_same(self.name), self.birth_date)


@dataclass
class CaseRow:
    """One valid row: the case's own values (model attribute -> value) and its person."""

    line: int
    number: str
    values: dict[str, object]
    buurt: str = ""
    person: PersonRow | None = None
    status_given: bool = False


@dataclass
class RowReader:
    """Turns the cells of one row into values, reporting what is wrong with them."""

    sheet: Sheet
    register: str
    columns: dict[str, int]
    problems: ProblemCollector
    today: dt.date
    fields: dict[str, Field] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fields = {f.name: f for f in fields_of(self.register)}

    def header(self, name: str) -> str:
        return self.sheet.header[self.columns[name]]

    def cell(self, cells: list[object], name: str) -> object:
        return cells[self.columns[name]] if name in self.columns else None

    def value(self, line: int, cells: list[object], name: str):
        """The field's value; ``None`` (and a problem) when it cannot be read."""
        spec = self.fields[name]
        raw = self.cell(cells, name)
        if not _filled(raw):
            if spec.value_required:
                self.problems.add(f"'{name}' is leeg; vul het in", line, self.header(name))
                return None
            return spec.default
        try:
            return PARSERS[spec.kind](spec, raw, self)
        except ValueError as exc:
            self.problems.add(str(exc), line, self.header(name))
            return None


def _text(spec: Field, raw: object, reader: RowReader) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime | dt.date):
        raw = raw.isoformat()[:10]
    text = " ".join(str(raw).split()) if spec.max_length else str(raw).strip()
    if spec.max_length and len(text) > spec.max_length:
        raise ValueError(f"is {len(text)} tekens lang; hoogstens {spec.max_length} mag")
    return text


def parse_date(raw: object, today: dt.date) -> dt.date:
    """A date from a cell: an Excel date, or text ``2022-03-01`` or ``1-3-2022``."""
    if isinstance(raw, dt.datetime):
        found = raw.date()
    elif isinstance(raw, dt.date):
        found = raw
    elif isinstance(raw, int | float):
        raise ValueError(
            f"{raw:g} is een getal, geen datum; maak de kolom in Excel op als datum of schrijf "
            "2022-03-01"
        )
    else:
        found = _date_from_text(str(raw).strip())
    if found.year < FIRST_YEAR:
        raise ValueError(f"datum {found.isoformat()} ligt voor {FIRST_YEAR}")
    if found > today:
        raise ValueError(f"datum {found.isoformat()} ligt in de toekomst")
    return found


def _date_from_text(text: str) -> dt.date:
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?", text)
    dutch = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{4})", text)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dutch:
            return dt.date(int(dutch[3]), int(dutch[2]), int(dutch[1]))
    except ValueError:
        pass
    raise ValueError(f"'{shorten(text)}' is geen datum (schrijf 2022-03-01 of 1-3-2022)")


def _date(spec: Field, raw: object, reader: RowReader) -> dt.date:
    return parse_date(raw, reader.today)


def _choice(spec: Field, raw: object, reader: RowReader) -> str:
    return _one_choice(spec, _text(spec, raw, reader))


def _one_choice(spec: Field, text: str) -> str:
    wanted = _same(text)
    for choice in spec.choices:
        if _same(choice) == wanted:
            return choice
    for alias, choice in spec.aliases:
        if _same(alias) == wanted:
            return choice
    allowed = ", ".join(f"'{c}'" for c in spec.choices)
    raise ValueError(f"onbekende waarde '{shorten(text)}'; toegestaan: {allowed}")


def _list(spec: Field, raw: object, reader: RowReader) -> list[str]:
    items: list[str] = []
    for part in str(raw).split("|"):
        item = " ".join(part.split())
        if not item:
            continue
        if spec.choices:
            item = _one_choice(spec, item)
        elif len(item) > 100:
            raise ValueError(f"'{shorten(item)}' is langer dan 100 tekens")
        if item not in items:
            items.append(item)
    return items


def _number(spec: Field, raw: object, reader: RowReader) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if isinstance(raw, bool) or not re.fullmatch(r"\d{1,5}", text):
        raise ValueError(f"'{shorten(text)}' is geen geheel aantal dagen")
    return int(text)


def _buurt_code(spec: Field, raw: object, reader: RowReader) -> str:
    code = str(raw).strip().upper()
    try:
        level = level_of(code)
    except AreaCodeError:
        level = None
    if level != BUURT:
        raise ValueError(
            f"'{shorten(code)}' is geen CBS-buurtcode (BU en acht tekens, zoals BU00140000)"
        )
    return code


def _bsn(spec: Field, raw: object, reader: RowReader) -> str:
    text = _text(spec, raw, reader).replace(" ", "").replace(".", "")
    if text.isdigit() and len(text) == 8:
        text = "0" + text  # a spreadsheet drops the leading zero
    if not is_valid_bsn(text):
        raise ValueError("geen geldig BSN (negen cijfers die de elfproef doorstaan)")
    return text


PARSERS: dict[str, Callable[[Field, object, RowReader], object]] = {
    TEXT: _text,
    DATE: _date,
    CHOICE: _choice,
    LIST: _list,
    NUMBER: _number,
    BUURT_CODE: _buurt_code,
    BSN: _bsn,
}


def read_rows(reader: RowReader) -> list[CaseRow]:
    """Every valid row of the sheet; problems of the others go to ``reader.problems``."""
    rows: list[CaseRow] = []
    seen: dict[str, int] = {}
    if "bsn" in reader.columns and not bsn_enabled():
        if any(_filled(reader.cell(cells, "bsn")) for _line, cells in reader.sheet.rows):
            reader.problems.add(
                "het bestand bevat BSN's, maar deze installatie slaat geen BSN's op (geen "
                "OV_BSN_SLEUTEL ingesteld); laat de kolom weg of leeg",
                line=1,
                field=reader.header("bsn"),
            )
        reader.columns.pop("bsn")
    for line, cells in reader.sheet.rows:
        row = _read_row(reader, line, cells)
        if row is None:
            continue
        if row.number in seen:
            reader.problems.add(
                f"zaaknummer '{row.number}' staat twee keer in het bestand (ook op regel "
                f"{seen[row.number]})",
                line,
                reader.header("zaaknummer"),
            )
            continue
        seen[row.number] = line
        rows.append(row)
    if not reader.sheet.rows:
        reader.problems.add("het bestand bevat geen casussen (alleen een kopregel)", line=2)
    return rows


def _read_row(reader: RowReader, line: int, cells: list[object]) -> CaseRow | None:
    before = reader.problems.count
    values: dict[str, object] = {}
    for name in reader.columns:
        spec = reader.fields[name]
        if spec.target:
            values[spec.target] = reader.value(line, cells, name)
    buurt = reader.value(line, cells, "buurt") or ""
    person = _person(reader, line, cells)
    if reader.problems.count > before:
        return None
    row = CaseRow(line, values.pop("number"), values, buurt, person, "status" in reader.columns)
    _check_dates(reader, row)
    _check_status(reader, row)
    _check_duration(reader, row)
    return None if reader.problems.count > before else row


def _person(reader: RowReader, line: int, cells: list[object]) -> PersonRow | None:
    names = [n for n in ("naam", "geboortedatum", "bsn") if n in reader.columns]
    values = {n: reader.value(line, cells, n) for n in names}
    if not any(values.values()):
        return None
    if not values.get("naam"):
        reader.problems.add(
            "er staat een geboortedatum of BSN zonder naam; vul de naam in",
            line,
            reader.header("naam") if "naam" in reader.columns else "naam",
        )
        return None
    return PersonRow(values["naam"], values.get("geboortedatum"), values.get("bsn") or "")


def _check_dates(reader: RowReader, row: CaseRow) -> None:
    values = row.values
    if reader.register == "maatregelen" and values.get("opened") is None:
        values["opened"] = values["decided"]  # no geopend column or value: the decision date
    closed, opened = values.get("closed"), values["opened"]
    if closed is not None and closed < opened:
        reader.problems.add(
            f"de casus is gesloten ({closed.isoformat()}) vóór hij werd geopend "
            f"({opened.isoformat()})",
            row.line,
            reader.header("gesloten"),
        )


def _check_status(reader: RowReader, row: CaseRow) -> None:
    values = row.values
    closed = values.get("closed")
    given = values.pop("status", None)
    if closed is not None:
        if given and given != AFGESLOTEN:
            reader.problems.add(
                f"status '{given}' past niet bij de ingevulde sluitdatum; een gesloten casus "
                "heeft status 'afgesloten' (of laat de status leeg)",
                row.line,
                reader.header("status"),
            )
        values["status"] = AFGESLOTEN
        return
    if given == AFGESLOTEN:
        reader.problems.add(
            "status 'afgesloten' zonder sluitdatum; vul de kolom 'gesloten' in",
            row.line,
            reader.header("status"),
        )
    values["status"] = given or OPEN
    if values.get("outcome"):
        reader.problems.add(
            "er staat een reden van afsluiten, maar de casus is niet gesloten",
            row.line,
            reader.header("reden_afsluiten"),
        )


def _check_duration(reader: RowReader, row: CaseRow) -> None:
    values = row.values
    days = values.get("duration_days")
    if values.get("measure_type") == HUISVERBOD and days is not None and days > HUISVERBOD_MAX_DAYS:
        reader.problems.add(
            f"een tijdelijk huisverbod duurt hoogstens {HUISVERBOD_MAX_DAYS} dagen (10 dagen, "
            f"verlengd tot ten hoogste 28); hier {days}",
            row.line,
            reader.header("duur_dagen"),
        )


# --- the gemeente and the area register -----------------------------------------------------------


def resolve_gemeente(
    reader: RowReader, rows: list[CaseRow], gemeente: str | None
) -> tuple[str | None, dict[str, str]]:
    """The gemeente of the file and buurt -> wijk code, checking the buurten against the
    gemeente and the area register (the newest division holding the buurt)."""
    code = gemeente.strip().upper() if gemeente else None
    if code is not None and not re.fullmatch(r"GM\d{4}", code):
        reader.problems.add(f"--gemeente '{shorten(code)}' is geen gemeentecode (GM en 4 cijfers)")
        return None, {}
    with_buurt = [row for row in rows if row.buurt]
    if code is None:
        counts = Counter(gemeente_of(row.buurt) for row in with_buurt)
        if not counts:
            if rows:
                reader.problems.add("geen enkele regel heeft een buurt; geef --gemeente GM....")
            return None, {}
        code = counts.most_common(1)[0][0]
        if len(counts) > 1:
            for row in with_buurt:
                if gemeente_of(row.buurt) != code:
                    _wrong_gemeente(reader, row, code, "de meeste andere regels")
            return code, {}
    else:
        for row in with_buurt:
            if gemeente_of(row.buurt) != code:
                _wrong_gemeente(reader, row, code, "--gemeente")
    return code, _wijken(reader, with_buurt, code)


def _wrong_gemeente(reader: RowReader, row: CaseRow, code: str, against: str) -> None:
    reader.problems.add(
        f"buurt {row.buurt} ligt in gemeente {gemeente_of(row.buurt)}, niet in {code} "
        f"({against}); lees per gemeente een eigen bestand in",
        row.line,
        reader.header("buurt"),
    )


def _wijken(reader: RowReader, rows: list[CaseRow], code: str) -> dict[str, str]:
    codes = sorted({row.buurt for row in rows if gemeente_of(row.buurt) == code})
    wijk_of: dict[str, str] = {}
    newest: dict[str, int] = {}
    found = Area.objects.filter(level=BUURT, code__in=codes).values_list(
        "code", "division", "parent__code"
    )
    for buurt, division, wijk in found:
        if division >= newest.get(buurt, 0):
            newest[buurt], wijk_of[buurt] = division, wijk or ""
    for row in rows:
        if gemeente_of(row.buurt) == code and row.buurt not in wijk_of:
            reader.problems.add(
                f"buurt {row.buurt} staat niet in het gebiedenregister (lees eerst de CBS-"
                "gebiedenlijst in, of verbeter de code)",
                row.line,
                reader.header("buurt"),
            )
    return wijk_of


# --- storing --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    anonymised: int = 0  #: in the file, but anonymised here: left alone
    persons: int = 0  #: persons created


@dataclass
class Store:
    """Writes the rows of one register and gemeente: new cases, updated cases, persons."""

    register: str
    gemeente: str
    run: ImportRun
    today: dt.date
    outcome: Outcome = field(default_factory=Outcome)
    changes: list[StatusChange] = field(default_factory=list)
    new_persons: list[Person] = field(default_factory=list)  #: written together at the end
    links: list[CasePerson] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.model = CASE_MODELS[self.register]
        self.by = f"import {self.run.pk} ({self.run.user_name})"[:255]
        self.existing = {
            case.number: case
            for case in self.model.objects.filter(
                register=self.register, gemeente_code=self.gemeente
            )
        }
        self.linked: dict[int, list[Person]] = {}  #: case -> its persons
        self.sole: dict[int, Person] = {}  #: case -> its one person, if a betrokkene
        self.known: dict[tuple, Person] = {}  #: (name, date of birth) -> person
        links = CasePerson.objects.filter(
            case__register=self.register,
            case__gemeente_code=self.gemeente,
            case__anonymised_at__isnull=True,
        ).select_related("person")
        for link in links:
            persons = self.linked.setdefault(link.case_id, [])
            persons.append(link.person)
            if len(persons) == 1 and link.role == PERSON_ROLE:
                self.sole[link.case_id] = link.person
            else:
                self.sole.pop(link.case_id, None)
            if link.person.birth_date is not None:
                self.known[_key(link.person)] = link.person

    def store(self, rows: list[CaseRow], wijk_of: dict[str, str]) -> Outcome:
        for row in rows:
            row.values.update(buurt_code=row.buurt, wijk_code=wijk_of.get(row.buurt, ""))
            case = self.existing.get(row.number)
            if case is None:
                case = self._create(row)
            elif case.anonymised_at is not None:
                self.outcome.anonymised += 1
                continue
            else:
                self._update(case, row)
            if row.person is not None:
                self._person(case, row.person)
        StatusChange.objects.bulk_create(self.changes, batch_size=1000)
        Person.objects.bulk_create(self.new_persons, batch_size=1000)
        CasePerson.objects.bulk_create(self.links, batch_size=1000)  # after: they need the pks
        return self.outcome

    def _create(self, row: CaseRow) -> Case:
        case = self.model(
            register=self.register,
            gemeente_code=self.gemeente,
            number=row.number,
            import_run=self.run,
            **row.values,
        )
        case.save(force_insert=True)
        first = OPEN if case.closed else case.status
        self._change(case, first, case.opened)
        if case.closed:
            self._change(case, AFGESLOTEN, case.closed)
        self.outcome.created += 1
        return case

    def _update(self, case: Case, row: CaseRow) -> None:
        old_status, old_closed = case.status, case.closed
        if not row.status_given and case.closed is None and row.values.get("closed") is None:
            row.values["status"] = case.status  # still open: keep "in behandeling"
        changed = [name for name, value in row.values.items() if getattr(case, name) != value]
        if not changed:
            self.outcome.unchanged += 1
            return
        for name in changed:
            setattr(case, name, row.values[name])
        case.import_run = self.run
        case.save(update_fields=[*changed, "import_run", "updated_at"])
        if case.closed != old_closed and case.closed is not None:
            self._change(case, AFGESLOTEN, case.closed)
        elif case.status != old_status:
            self._change(case, case.status, self.today)
        self.outcome.updated += 1

    def _change(self, case: Case, status: str, date: dt.date) -> None:
        self.changes.append(StatusChange(case=case, status=status, date=date, user_name=self.by))

    def _person(self, case: Case, row: PersonRow) -> None:
        """Link the row's person to ``case``: the same person when the case has them already
        (or has exactly one betrokkene, whom the file corrects), or when a person of this
        register and gemeente has the same name and date of birth (and no other BSN); else a
        new one. Two people with the same name and no date of birth stay two."""
        linked = self.linked.setdefault(case.pk, [])
        person = next((p for p in linked if _key(p) == row.key), None)
        if person is None:
            person = self.sole.get(case.pk)  # the case's one person, corrected in the file
        if person is None and row.birth_date is not None:
            person = self.known.get(row.key)
            if person is not None and row.bsn and person.bsn_encrypted:
                person = person if decrypt_bsn(person.bsn_encrypted) == row.bsn else None
        if person is None:
            person = Person(gemeente_code=self.gemeente)
            self.new_persons.append(person)
            self.outcome.persons += 1
        self._fill(person, row)
        if person not in linked:  # an unsaved person equals only itself
            self.links.append(CasePerson(case=case, person=person, role=PERSON_ROLE))
            linked.append(person)
        if row.birth_date is not None:
            self.known[row.key] = person

    @staticmethod
    def _fill(person: Person, row: PersonRow) -> None:
        """Set the row's values on ``person``; a stored person is saved if they changed (a new
        one is written with the others at the end)."""
        changed = (person.name, person.birth_date) != (row.name, row.birth_date)
        person.name, person.birth_date = row.name, row.birth_date
        if row.bsn and decrypt_bsn(person.bsn_encrypted) != row.bsn:
            person.bsn_encrypted, changed = encrypt_bsn(row.bsn), True
        if changed and person.pk is not None:
            person.save()


def _key(person: Person) -> tuple[str, dt.date | None]:
    return (_same(person.name), person.birth_date)


# --- the import -----------------------------------------------------------------------------------


def import_register(
    path: Path | str,
    register: str,
    *,
    gemeente: str | None = None,
    data: bytes | None = None,
    user=None,
    columns: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> ImportRun:
    """Import one register file (CSV or XLSX) for one gemeente, all or nothing.

    ``gemeente`` defaults to the gemeente of the buurt codes; ``columns`` maps field names to
    the file's column names (``--kolom``); ``today`` is the day after which dates are "in the
    future". Raises :class:`InputError` naming file, line and column for every problem.
    """
    if register not in REGISTERS:
        raise CommandError(f"Onbekend register '{register}'; kies uit {', '.join(REGISTERS)}.")
    path = Path(path)
    run, data = open_run("registers", path, data, user)
    today = today or dt.date.today()

    def work(run: ImportRun) -> str:
        sheet = read_sheet(path.name, data)
        run.format = f"register-{register}-{sheet.kind}"
        problems = ProblemCollector(path.name)
        mapped = map_columns(sheet, register, columns or {}, problems)
        problems.raise_if_any()
        reader = RowReader(sheet, register, mapped, problems, today)
        rows = read_rows(reader)
        code, wijk_of = resolve_gemeente(reader, rows, gemeente)
        problems.raise_if_any()
        run.dataset = f"register-{register}-{code}"
        run.read = len(rows)
        skip_if_imported(run)
        if user is not None and not may_see_register(user, register, code):
            raise _refuse(path.name, f"u mag het register {register} van {code} niet bijwerken")
        ensure_gemeente(code)
        outcome = Store(register, code, run, today).store(rows, wijk_of)
        run.created, run.updated = outcome.created, outcome.updated
        record(
            AuditEvent.REGISTER_IMPORTED,
            f"register {register} ({code})",
            user=user,
            purpose=PURPOSE,
            bestand=path.name,
            sha256=run.sha256,
            nieuw=outcome.created,
            bijgewerkt=outcome.updated,
            ongewijzigd=outcome.unchanged,
            personen_nieuw=outcome.persons,
            import_run=run.pk,
        )
        return _summary(register, code, rows, outcome)

    return execute(run, work)


def _summary(register: str, code: str, rows: list[CaseRow], outcome: Outcome) -> str:
    in_file = outcome.created + outcome.updated + outcome.unchanged + outcome.anonymised
    absent = Case.objects.filter(register=register, gemeente_code=code).count() - in_file
    text = (
        f"{len(rows)} casussen gelezen (register {register}, {code}): {outcome.created} nieuw, "
        f"{outcome.updated} bijgewerkt, {outcome.unchanged} ongewijzigd; "
        f"{outcome.persons} personen nieuw."
    )
    if outcome.anonymised:
        text += (
            f" {outcome.anonymised} casussen in het bestand zijn al geanonimiseerd (bewaartermijn "
            "verstreken) en zijn niet opnieuw ingelezen."
        )
    if absent:
        text += (
            f" {absent} eerder ingelezen casussen van dit register staan niet in het bestand; "
            "die zijn ongemoeid gelaten."
        )
    return text
