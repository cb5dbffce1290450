"""CBS area codes: ``NL01`` → ``GMxxxx`` → ``WKxxxxxx`` → ``BUxxxxxxxx``.

A buurt code holds its wijk and gemeente: BU 0014 00 00 is buurt 00 of wijk 00 of gemeente 0014
(wijk and buurt numbers may hold capitals: BU 0363 AB 01).
CBS writes the Netherlands as ``NL00`` in some tables and ``NL01`` in others; both become ``NL01``.
"""

from __future__ import annotations

import re

NETHERLANDS = "NL01"
LAND, GEMEENTE, WIJK, BUURT = "land", "gemeente", "wijk", "buurt"
LEVELS = (LAND, GEMEENTE, WIJK, BUURT)
LEVEL_LABELS = {LAND: "land", GEMEENTE: "gemeente", WIJK: "wijk", BUURT: "buurt"}

_PATTERNS = {
    GEMEENTE: re.compile(r"^GM\d{4}$"),
    # Since the 2022 division some wijk and buurt numbers hold letters (Amsterdam: WK0363AB,
    # BU0363AB01), so only the gemeente part is all digits.
    WIJK: re.compile(r"^WK\d{4}[0-9A-Z]{2}$"),
    BUURT: re.compile(r"^BU\d{4}[0-9A-Z]{4}$"),
}


class AreaCodeError(ValueError):
    """Not a CBS area code; the message is Dutch."""


def normalize_code(raw: str) -> str:
    """Strip CBS padding, upper-case, and map ``NL00`` to ``NL01``."""
    code = raw.strip().upper()
    return NETHERLANDS if code in {"NL00", "NL01", "NL"} else code


def level_of(code: str) -> str:
    code = normalize_code(code)
    if code == NETHERLANDS:
        return LAND
    for level, pattern in _PATTERNS.items():
        if pattern.match(code):
            return level
    raise AreaCodeError(
        f"'{code}' is geen CBS-gebiedscode (verwacht NL01, GMxxxx, WKxxxxxx of BUxxxxxxxx)"
    )


def parent_code(code: str) -> str | None:
    """The code of the area one level up, read from the code itself; ``None`` for NL01."""
    code = normalize_code(code)
    level = level_of(code)
    if level == BUURT:
        return "WK" + code[2:8]
    if level == WIJK:
        return "GM" + code[2:6]
    if level == GEMEENTE:
        return NETHERLANDS
    return None


def gemeente_of(code: str) -> str | None:
    code = normalize_code(code)
    return None if level_of(code) == LAND else "GM" + code[2:6]
