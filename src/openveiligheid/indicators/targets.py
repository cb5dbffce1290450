"""Targets such as ``"< 80"``, ``">= 1,5"``: an operator and a threshold."""

from __future__ import annotations

import operator as op
import re
from dataclasses import dataclass

OPERATORS = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}
_TARGET = re.compile(r"^\s*(<=|>=|<|>|≤|≥)\s*(-?\d+(?:[.,]\d+)?)\s*(%?)\s*$")
_UNICODE = {"≤": "<=", "≥": ">="}


class TargetError(ValueError):
    """Not a target we understand; the message is Dutch."""


@dataclass(frozen=True)
class Target:
    operator: str
    threshold: float

    def met_by(self, value: float) -> bool:
        return OPERATORS[self.operator](value, self.threshold)

    def __str__(self) -> str:
        number = f"{self.threshold:g}".replace(".", ",")
        return f"{self.operator} {number}"


def parse_target(text: object) -> Target:
    match = _TARGET.match(str(text))
    if not match:
        raise TargetError(
            f"doel '{text}' is onleesbaar; schrijf een vergelijking en een getal, "
            'bijvoorbeeld "< 80", "<= 2,5" of "> 40"'
        )
    symbol = _UNICODE.get(match.group(1), match.group(1))
    return Target(symbol, float(match.group(2).replace(",", ".")))
