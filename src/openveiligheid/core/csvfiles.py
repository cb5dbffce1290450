"""Reading the CSV files that municipalities and CBS produce.

Two dialects are accepted: comma-separated with a decimal point, and the Dutch Excel form
(semicolon-separated, decimal comma). The delimiter is read from the header line. Encodings,
binary data and line ends are handled by :mod:`openveiligheid.core.textfiles` (UTF-8 with or
without BOM, UTF-16 with BOM, Windows-1252; CR LF and CR). A field longer than
:data:`MAX_FIELD_CHARS`, a broken quote and a row with another number of columns than the
header are reported with their line; numbers must be finite and smaller than
:data:`MAX_ABS_VALUE`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openveiligheid.core import progress
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.textfiles import decode_text, shorten

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
CBS_MISSING = {".", "", "x", "-"}
#: No field of any supported file is longer; longer ones are refused (names, codes, numbers).
MAX_FIELD_CHARS = 10_000
#: Layout problems (columns, long fields) reported before reading stops: a wrong delimiter
#: makes every line wrong, and one report of 50 says enough.
MAX_LAYOUT_PROBLEMS = 50
#: No figure, count or coordinate is this large; larger numbers are refused.
MAX_ABS_VALUE = 1e12


@dataclass(frozen=True)
class CsvText:
    name: str
    text: str
    delimiter: str
    #: Leading ``#`` lines (without the ``#``), read only where the caller allows them
    #: (``read_csv_text(..., comments=True)``); they are blanked in ``text``, so that line
    #: numbers stay those of the file.
    comments: tuple[str, ...] = ()

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"


def decode(data: bytes, name: str) -> str:
    """The file's text (see :func:`openveiligheid.core.textfiles.decode_text`)."""
    return decode_text(data, name)


def read_csv_text(
    path: Path | str, data: bytes | None = None, *, comments: bool = False
) -> CsvText:
    """The file's text and delimiter. With ``comments``, leading lines that start with ``#``
    (such as ``# nullen-weggelaten``) are taken as directives (:attr:`CsvText.comments`); the
    header is the first line after them."""
    path = Path(path)
    text = decode(path.read_bytes() if data is None else data, path.name)
    found: list[str] = []
    if comments:
        while text.startswith("#"):
            line, _, rest = text.partition("\n")
            found.append(line[1:].strip())
            text = rest
        if found:  # blank lines in place of the comments keep the line numbers
            text = "\n" * len(found) + text
    if not text or text.isspace():  # no copies of the text (a national file is 400 MB)
        raise InputError([InputProblem(path.name, "het bestand is leeg", line=1)])
    start = 0
    while found and start < len(text) and text[start] == "\n":
        start += 1  # past the blank lines that stand for the comments
    end = text.find("\n", start)
    header = text[start : end if end >= 0 else len(text)]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return CsvText(path.name, text, delimiter, tuple(found))


#: Characters of text handed to ``io.StringIO`` at a time by :func:`_lines`.
_PIECE = 1 << 20


def _lines(text: str, track: progress.Tracker | None = None) -> Iterator[str]:
    """The lines of ``text`` with their ends, one at a time. ``csv.reader`` reads any iterable
    of lines; ``io.StringIO`` splits lines fastest but copies the text at four bytes a
    character, so it is given pieces of about :data:`_PIECE` characters (:func:`_pieces`; a
    quoted field with line ends inside may span pieces: the reader joins them)."""
    for piece in _pieces(text, _PIECE, 0, track):
        yield from io.StringIO(piece)


def _pieces(
    text: str, size: int, start: int, track: progress.Tracker | None = None, before: int = 0
) -> Iterator[str]:
    """``text`` from ``start`` in pieces of about ``size`` characters that end at a line end
    (a line longer than ``size`` is one piece). ``track`` is told, when the next piece is
    asked for, how far the text has been read (with the first piece, the ``before`` lines
    read before ``start``)."""
    end = len(text)
    while start < end:
        stop = text.rfind("\n", start, start + size) + 1 if start + size < end else end
        if stop <= start:  # one line longer than a piece
            stop = text.find("\n", start) + 1 or end
        piece = text[start:stop]
        yield piece
        start = stop
        if track is not None:
            track(stop, piece.count("\n") + before)
            before = 0


def header_and_pieces(csv_text: CsvText, size: int = _PIECE) -> tuple[str, Iterator[str]]:
    """The header line as written, and the text after it in pieces of about ``size``
    characters that end at a line end, for a reader that takes many lines at once (polars).
    Nothing is checked here; how far it has read goes to the listener of
    :mod:`openveiligheid.core.progress`, as for :func:`iter_rows`."""
    text = csv_text.text
    start = _skipped_comments(csv_text)  # each comment line is blanked to one line end
    end = text.find("\n", start)
    if end < 0:
        return text[start:], iter(())
    track = progress.tracker(csv_text.name, len(text))
    return text[start:end], _pieces(text, size, end + 1, track, before=start + 1)


def _skipped_comments(csv_text: CsvText) -> int:
    return len(csv_text.comments)


def header_of(csv_text: CsvText) -> list[str]:
    lines = _lines(csv_text.text)
    for _ in range(_skipped_comments(csv_text)):
        next(lines, None)
    reader = csv.reader(lines, delimiter=csv_text.delimiter)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError([_csv_problem(csv_text, exc, 1 + _skipped_comments(csv_text))]) from None
    return [column.strip() for column in header]


def iter_rows(csv_text: CsvText) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, cells)`` as the rows are read, keeping none of them (for files
    of millions of lines). The checks of :func:`iter_records` are made as it goes; their
    problems are raised together, as one :class:`InputError`, after the last row, so a caller
    that stores what it is given must do so in a transaction (as every import does). How far
    it has read goes to the listener of :mod:`openveiligheid.core.progress`, if any."""
    lines = _lines(csv_text.text, progress.tracker(csv_text.name, len(csv_text.text)))
    skipped = _skipped_comments(csv_text)
    for _ in range(skipped):
        next(lines, None)
    reader = csv.reader(lines, delimiter=csv_text.delimiter)
    header = header_of(csv_text)
    width = len(header)
    problems: list[InputProblem] = []
    line = 1 + skipped
    try:
        next(reader)
        line = reader.line_num + 1 + skipped
        for row in reader:
            joined = "".join(row)
            if not joined or joined.isspace():
                pass  # an empty line
            elif len(row) == width and (
                len(joined) <= MAX_FIELD_CHARS or max(map(len, row)) <= MAX_FIELD_CHARS
            ):
                yield line, row
            else:
                problem = _row_problem(csv_text, row, header, line)
                if problem:
                    problems.append(problem)
                    if len(problems) >= MAX_LAYOUT_PROBLEMS:
                        break
            line = reader.line_num + 1 + skipped
    except csv.Error as exc:
        problems.append(_csv_problem(csv_text, exc, line))
    if problems:
        raise InputError(problems)


def iter_records(csv_text: CsvText) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, record)``; the line number is where the record starts (1-based).

    The whole file is checked first (:func:`iter_rows`): broken quotes, fields longer than
    :data:`MAX_FIELD_CHARS` and rows with another number of columns than the header are
    reported together, as one :class:`InputError`, before any record is yielded.
    """
    header = header_of(csv_text)
    records = [(line, dict(zip(header, row, strict=True))) for line, row in iter_rows(csv_text)]
    yield from records


def _row_problem(csv_text: CsvText, row: list[str], header: list[str], line: int):
    long = next((n for n, cell in enumerate(row) if len(cell) > MAX_FIELD_CHARS), None)
    if long is not None:
        field = header[long] if long < len(header) else f"kolom {long + 1}"
        return InputProblem(
            csv_text.name,
            f"het veld is {len(row[long]):,} tekens lang; hoogstens {MAX_FIELD_CHARS:,} "
            "mag".replace(",", "."),
            line,
            shorten(field),
        )
    if len(row) != len(header):
        return InputProblem(
            csv_text.name,
            f"{len(row)} kolommen gevonden, de kop heeft er {len(header)} "
            f"(scheidingsteken '{csv_text.delimiter}')",
            line=line,
        )
    return None


def _csv_problem(csv_text: CsvText, exc: csv.Error, line: int) -> InputProblem:
    text = str(exc)
    if "field limit" in text:
        message = (
            f"een veld is langer dan {csv.field_size_limit():,} tekens "
            "(is er een aanhalingsteken niet gesloten?)".replace(",", ".")
        )
    elif "EOF" in text or "quote" in text:
        message = 'een aanhalingsteken (") is niet gesloten'
    else:
        message = f"geen leesbare CSV ({shorten(text, 80)})"
    return InputProblem(csv_text.name, message, line=line)


def parse_number(text: str, *, decimal_comma: bool) -> float:
    """Parse a number as written in the file; raise ``ValueError`` with a Dutch message."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        raw = raw.replace(".", "") if re.match(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$", raw) else raw
        raw = raw.replace(",", ".")
    if not _NUMBER.match(raw):
        raise ValueError(f"'{shorten(text.strip())}' is geen getal")
    value = float(raw)
    if not math.isfinite(value) or abs(value) >= MAX_ABS_VALUE:
        raise ValueError(
            f"'{shorten(text.strip())}' is te groot: getallen moeten kleiner zijn dan "
            "1.000.000.000.000 (10^12)"
        )
    return value


#: What makes a spreadsheet program treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text that a spreadsheet will not run as a formula (CSV/formula injection, OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
