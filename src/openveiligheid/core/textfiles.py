"""Reading input files as text: size limit, encodings, binary data, line ends (pure, no Django).

Every parser reads its bytes through :func:`decode_text`, so that every file command and
every import treats a strange file the same way:

* UTF-8, with or without a byte-order mark (BOM), is read as it is;
* UTF-16 with a BOM (what Excel writes as "Unicode text") is decoded;
* anything else that is not UTF-8 is read as Windows-1252 (Excel's default in the
  Netherlands), which covers Latin-1 text; bytes that Windows-1252 does not define, UTF-32,
  UTF-16 without a BOM and binary data (NUL bytes, control characters) are refused with a
  Dutch message naming the file, and where possible the line;
* line ends CR LF (Windows) and a lone CR (old Mac) become LF.

:func:`read_input` reads a file after checking its size against a limit, before reading it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.numbers import format_number

MB = 1024 * 1024
#: Characters that never occur in a text file: C0 controls except tab, LF, CR and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, None),
    (codecs.BOM_UTF32_BE, None),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SAVE_AS = "sla het op als tekst in UTF-8"


def refuse(name: str, message: str, line: int | None = None, field: str | None = None):
    """An :class:`InputError` with one problem (to ``raise``)."""
    return InputError([InputProblem(name, message, line, field)])


def shorten(text: object, limit: int = 40) -> str:
    """``text`` for a message: at most ``limit`` characters, with ``…`` if cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def too_large(name: str, size: int, max_bytes: int) -> InputError:
    return refuse(
        name,
        f"het bestand is {_size(size)}, groter dan de ingestelde grens van "
        f"{_size(max_bytes)} (OV_MAX_BESTAND_MB); splits het bestand of vraag beheer "
        "de grens te verhogen",
    )


def _size(size: int) -> str:
    """``1.234,5 MB`` or ``980 bytes``, in Dutch notation."""
    return f"{format_number(size / MB, 1)} MB" if size >= MB else f"{format_number(size, 0)} bytes"


def read_input(path: Path | str, max_bytes: int | None = None, data: bytes | None = None) -> bytes:
    """The bytes of ``path`` (or ``data``, an upload), refused if larger than ``max_bytes``.

    The size is checked before the file is read. A missing file raises ``FileNotFoundError``
    (the commands say "Bestand niet gevonden"); a folder or an unreadable file is refused.
    """
    path = Path(path)
    if data is not None:
        if max_bytes is not None and len(data) > max_bytes:
            raise too_large(path.name, len(data), max_bytes)
        return data
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise refuse(path.name, "dit is een map, geen bestand")
        if max_bytes is not None and size > max_bytes:
            raise too_large(path.name, size, max_bytes)
        return path.read_bytes()
    except (FileNotFoundError, InputError):
        raise
    except OSError as exc:
        raise refuse(path.name, f"het bestand is niet te lezen ({exc.strerror or exc})") from exc


def decode_text(data: bytes, name: str) -> str:
    """The text of a file, by the rules in this module's docstring; LF line ends."""
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding is None:
                raise refuse(name, f"UTF-32 wordt niet ondersteund; {SAVE_AS}")
            text = _strict(data[len(bom) :], encoding, name)
            break
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if b"\x00" in data:
                raise _binary(name, data) from None
            text = _strict(data, "cp1252", name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        raise _binary(name, data, text, control.start())
    return text


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = {"cp1252": "UTF-8 of Windows-1252"}.get(encoding, encoding.upper()[:6])
        byte = data[exc.start]
        raise refuse(
            name,
            f"het bestand is geen leesbare tekst in {label} (byte 0x{byte:02X} op positie "
            f"{exc.start + 1}); {SAVE_AS}",
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None


def _binary(name: str, data: bytes, text: str | None = None, position: int | None = None):
    halves = (data[1:400:2], data[0:400:2])  # UTF-16 text has a NUL in every other byte
    if len(data) >= 8 and any(half.count(0) >= 0.4 * len(half) for half in halves):
        return refuse(name, f"het bestand lijkt UTF-16 zonder byte-order mark (BOM); {SAVE_AS}")
    line = text.count("\n", 0, position) + 1 if text is not None else None
    what = f" (teken U+{ord(text[position]):04X})" if text is not None else ""
    return refuse(
        name,
        f"het bestand bevat binaire gegevens of stuurtekens{what} en is geen tekstbestand; "
        f"{SAVE_AS}",
        line=line,
    )
