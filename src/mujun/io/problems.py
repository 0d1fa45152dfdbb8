"""Located problems in input files, as values (architecture.md, "Problems").

A :class:`Problem` names where it is (file, line, column, the cell as found) and why, in Chinese for
the county's clerks with a short English gloss in parentheses: ``不是数字 (not a number)``. Row
problems are returned, never raised; only a file that cannot be read as a table at all raises
:class:`InputError` (and a result that cannot be written, :class:`OutputError`), each carrying one
Problem so the caller prints one clear line instead of a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

#: the English gloss at the end of a reason: ``不是数字 (not a number)``
_GLOSS = re.compile(r"^(?P<zh>.*?)\s*\((?P<en>[a-z][^()]*)\)$", re.DOTALL)


def split_gloss(reason: str) -> tuple[str, str | None]:
    """A reason's Chinese and its English gloss (``None`` when it has none), so a page shows the
    reason in one language: ``("不是数字", "not a number")``."""
    found = _GLOSS.match(reason)
    if found is None:
        return reason, None
    return found["zh"], found["en"]


@dataclass(frozen=True)
class Problem:
    """One problem. ``error``: the row is left out; ``warning``: the row is kept.

    ``line`` is the file line / sheet row number, the header row being line 1 for files without a
    title row (in a GeoJSON file, the feature number, the first being 1); ``column`` is the
    column's header as written in the file (a feature's property, or ``geometry``).
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str
    severity: Severity = "error"
    #: what ``line`` counts: file lines, or ``feature`` for the features of a GeoJSON file
    unit: str = "line"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" {self.unit} {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
            if self.value is not None:
                where += f' = "{self.value}"'
        return f"{where}: {self.reason}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class HasProblems:
    """Shared by results that carry ``problems``: the errors and the warnings among them."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class FileProblemError(Exception):
    """A whole file cannot be used; ``problem`` says which and why."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


class InputError(FileProblemError):
    """An input file that is missing, unreadable, not a table or without a usable header."""


class OutputError(FileProblemError):
    """A result file that cannot be written (unknown format, folder missing, no permission)."""


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """File-level problems first, then by line; the order of rules within a line is kept."""
    return sorted(problems, key=lambda p: -1 if p.line is None else p.line)
