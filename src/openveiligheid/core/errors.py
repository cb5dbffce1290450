"""Input problems that name file, line and field, in Dutch, for people who are not programmers."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 20


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


class InputError(Exception):
    """Raised when an input file cannot be used; nothing has been stored."""

    def __init__(self, problems: list[InputProblem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = problems
        super().__init__(self.summary())

    def summary(self) -> str:
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        rest = len(self.problems) - len(shown)
        if rest > 0:
            shown.append(f"… en nog {rest} andere fouten.")
        return "\n".join(shown)


class ProblemCollector:
    """Collects problems while a file is read, so that all of them are reported at once."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[InputProblem] = []

    def add(self, message: str, line: int | None = None, field: str | None = None) -> None:
        self.problems.append(InputProblem(self.file, message, line, field))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
