"""Input problems that name file, line and field, in Dutch, for people who are not programmers.

A file with a million bad lines must not become a million problem objects (nor a million
messages in the import log): at most :data:`MAX_PROBLEMS_KEPT` problems of a file are kept,
the first in the order they were found (a reader finds them in line order), and the rest are
counted in one :class:`MoreProblems` at the end ("en nog 998.000 problemen").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openveiligheid.core.numbers import format_number

#: Problems shown by the commands (the web's report page shows more, see ``uploads.views``).
MAX_PROBLEMS_SHOWN = 20
#: Problems kept of one file; the others are only counted.
MAX_PROBLEMS_KEPT = 1000


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"regel {self.line}")
        if self.field:
            where.append(f"veld '{self.field}'")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}

    @property
    def count(self) -> int:
        """How many problems this item stands for."""
        return 1


@dataclass(frozen=True)
class MoreProblems(InputProblem):
    """Stands for the problems that were counted but not kept (listed after the kept ones,
    without a line of its own)."""

    more: int = 0

    @classmethod
    def of(cls, file: str, more: int) -> MoreProblems:
        return cls(file, f"en nog {count_text(more)} problemen", None, None, more)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "more": self.more}

    @property
    def count(self) -> int:
        return self.more


def count_text(number: int) -> str:
    """``998.000``: a count as a Dutch reader writes it."""
    return format_number(number, 0)


def capped(problems: Iterable[InputProblem], limit: int = MAX_PROBLEMS_KEPT) -> list[InputProblem]:
    """The first ``limit`` problems in their order, and one :class:`MoreProblems` at the end
    for the rest (those given as :class:`MoreProblems` included)."""
    kept: list[InputProblem] = []
    more = 0
    for problem in problems:
        if isinstance(problem, MoreProblems):
            more += problem.more
        elif len(kept) < limit:
            kept.append(problem)
        else:
            more += 1
    if more:
        kept.append(MoreProblems.of(kept[-1].file if kept else "", more))
    return kept


class InputError(Exception):
    """Raised when an input file cannot be used; nothing has been stored.

    :attr:`problems` holds at most :data:`MAX_PROBLEMS_KEPT` problems and, if there were more,
    a :class:`MoreProblems` that counts them; :attr:`count` is the number of all of them."""

    def __init__(self, problems: list[InputProblem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = capped(problems)
        self.count = sum(p.count for p in self.problems)
        super().__init__(self.summary())

    def __reduce__(self):  # pickled and copied with its problems, not its message
        return type(self), (self.problems,)

    def summary(self) -> str:
        listed = [p for p in self.problems if not isinstance(p, MoreProblems)]
        shown = [str(p) for p in listed[:MAX_PROBLEMS_SHOWN]]
        rest = self.count - len(shown)
        if rest > 0:
            shown.append(f"… en nog {count_text(rest)} andere fouten.")
        return "\n".join(shown)


class ProblemCollector:
    """Collects problems while a file is read, so that all of them are reported at once; keeps
    the first :data:`MAX_PROBLEMS_KEPT` and counts the others (:attr:`count`: all of them)."""

    def __init__(self, file: str, limit: int = MAX_PROBLEMS_KEPT):
        self.file = file
        self.limit = limit
        self.kept: list[InputProblem] = []
        self.more = 0

    def add(self, message: str, line: int | None = None, field: str | None = None) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(InputProblem(self.file, message, line, field))
        else:
            self.more += 1

    @property
    def count(self) -> int:
        return len(self.kept) + self.more

    @property
    def problems(self) -> list[InputProblem]:
        """The kept problems, and a :class:`MoreProblems` for the others if there were any."""
        if not self.more:
            return self.kept
        return [*self.kept, MoreProblems.of(self.file, self.more)]

    def raise_if_any(self) -> None:
        if self.kept:
            raise InputError(self.problems)
