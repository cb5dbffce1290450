"""Reading the CSV files that municipalities and CBS produce.

Two dialects are accepted: comma-separated with a decimal point, and the Dutch Excel form
(semicolon-separated, decimal comma). The delimiter is read from the header line. Files may
start with a byte-order mark and may be UTF-8 or Windows-1252 (Excel's default here).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openveiligheid.core.errors import InputError, InputProblem

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
CBS_MISSING = {".", "", "x", "-"}


@dataclass(frozen=True)
class CsvText:
    name: str
    text: str
    delimiter: str

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"


def decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_text(path: Path | str, data: bytes | None = None) -> CsvText:
    path = Path(path)
    text = decode(path.read_bytes() if data is None else data, path.name)
    if not text.strip():
        raise InputError([InputProblem(path.name, "het bestand is leeg", line=1)])
    header = text.splitlines()[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return CsvText(path.name, text, delimiter)


def header_of(csv_text: CsvText) -> list[str]:
    reader = csv.reader(io.StringIO(csv_text.text), delimiter=csv_text.delimiter)
    return [column.strip() for column in next(reader)]


def iter_records(csv_text: CsvText) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, record)``; the line number is where the record starts (1-based)."""
    reader = csv.reader(io.StringIO(csv_text.text), delimiter=csv_text.delimiter)
    header = [column.strip() for column in next(reader)]
    line = reader.line_num + 1
    for row in reader:
        if not any(cell.strip() for cell in row):
            line = reader.line_num + 1
            continue
        if len(row) != len(header):
            raise InputError(
                [
                    InputProblem(
                        csv_text.name,
                        f"{len(row)} kolommen gevonden, de kop heeft er {len(header)} "
                        f"(scheidingsteken '{csv_text.delimiter}')",
                        line=line,
                    )
                ]
            )
        yield line, dict(zip(header, row, strict=True))
        line = reader.line_num + 1


def parse_number(text: str, *, decimal_comma: bool) -> float:
    """Parse a number as written in the file; raise ``ValueError`` with a Dutch message."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        raw = raw.replace(".", "") if re.match(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$", raw) else raw
        raw = raw.replace(",", ".")
    if not _NUMBER.match(raw):
        raise ValueError(f"'{text.strip()}' is geen getal")
    return float(raw)
