"""Targets such as ``"< 80"``, ``">= 1,5"``: an operator and a threshold."""

from __future__ import annotations

import operator as op
import re
from dataclasses import dataclass

OPERATORS = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}
_TARGET = re.compile(r"^\s*(<=|>=|<|>|≤|≥)\s*(-?\d+(?:[.,]\d+)?)\s*(%?)\s*$")
_UNICODE = {"≤": "<=", "≥": ">="}
MAX_THRESHOLD = 1e12


class TargetError(ValueError):
    """Not a target we understand; the message is Dutch."""


@dataclass(frozen=True)
class Target:
    operator: str
    threshold: float

    def met_by(self, value: float) -> bool:
        return OPERATORS[self.operator](value, self.threshold)

    def __str__(self) -> str:
        """Canonical text as in the plan file, e.g. ``"< 1.8"``; see ``formatting`` for display."""
        return f"{self.operator} {plain_number(self.threshold)}"


def plain_number(value: float) -> str:
    """``1.8``, ``15500``: a decimal point, no exponent, no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def parse_target(text: object) -> Target:
    match = _TARGET.match(str(text))
    if not match:
        raise TargetError(
            f"doel '{text}' is onleesbaar; schrijf een vergelijking en een getal, "
            'bijvoorbeeld "< 80", "<= 2,5" of "> 40"'
        )
    symbol = _UNICODE.get(match.group(1), match.group(1))
    threshold = float(match.group(2).replace(",", "."))
    if not abs(threshold) < MAX_THRESHOLD:
        raise TargetError(f"doel '{str(text)[:40]}…' is te groot (hoogstens 10^12)")
    return Target(symbol, threshold)
