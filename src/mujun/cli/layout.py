"""Output that reads in an 80-column terminal (docs/cli.md, "Output").

Tables never cut a credit code: code, class and number columns do not wrap, so only names and
other text wrap when the table is narrow. Paragraphs wrap between clauses (after ，；。：),
then between words, then between Chinese characters — never inside a number, a code or a word.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.table import Table

#: a credit code is 18 characters
CODE_WIDTH = 18

#: below this width tables leave out their least important columns
NARROW = 72
#: from this width on, tables with many columns add the enterprise's name to its code
WIDE = 100


def add_code_column(table: Table, header: str = "统一社会信用代码") -> None:
    """A credit-code column that is never wrapped, folded or shortened."""
    table.add_column(header, no_wrap=True, min_width=CODE_WIDTH)


def add_text_column(table: Table, header: str) -> None:
    """A column of names or notes: wraps, and a long Chinese name folds between characters
    (Rich would otherwise shorten a word without spaces to "…")."""
    table.add_column(header, overflow="fold")


def add_fixed_column(table: Table, header: str, *, right: bool = False) -> None:
    """A column of short values (classes, numbers, dates) that are never broken."""
    table.add_column(header, no_wrap=True, justify="right" if right else "left")


# A number, code or word (kept whole), a run of spaces, or one other character.
_ATOM = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/%+_\-]*[0-9A-Za-z%]|[0-9A-Za-z]|\s+|.", re.S)
_CLAUSE_END = frozenset("，；。：！？,;")
#: punctuation that may not start a line (it stays with what precedes it)
_NO_LINE_START = frozenset("，；。：！？、）)》」%,;.:")
#: punctuation that may not end a line
_NO_LINE_END = frozenset("（(《「")


def _breaks(atoms: list[str]) -> list[int]:
    """Break opportunities (indices into ``atoms`` where a new line may start), ranked: 2 after
    the end of a clause, 1 at a space, 0 between other atoms."""
    ranks = []
    for i in range(1, len(atoms)):
        before, here = atoms[i - 1], atoms[i]
        if here[0] in _NO_LINE_START or before[-1] in _NO_LINE_END:
            ranks.append(-1)
        elif before[-1] in _CLAUSE_END:
            ranks.append(2)
        elif here.isspace() or before.isspace():
            ranks.append(1)
        else:
            ranks.append(0)
    return [-1, *ranks]


def _choose(candidates: list[tuple[int, int, int]], room: int) -> int:
    """The latest break of the best rank that still fills at least half the line."""
    for wanted in (2, 1):
        fitting = [i for r, used, i in candidates if r >= wanted and used * 2 >= room]
        if fitting:
            return fitting[-1]
    return candidates[-1][2]


def wrap_line(line: str, width: int) -> list[str]:
    """One line of text as lines of at most ``width`` cells (an atom longer than a line is
    kept whole). Continuation lines are indented two cells more than the first."""
    if cell_len(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip(" "))]
    hang = indent + "  "
    atoms = _ATOM.findall(line[len(indent):])
    rank = _breaks(atoms)
    lines: list[str] = []
    start, prefix = 0, indent
    while start < len(atoms):
        room = width - cell_len(prefix)
        used, end = 0, start
        candidates: list[tuple[int, int, int]] = []  # (rank, cells before, atom index)
        while end < len(atoms) and used + cell_len(atoms[end]) <= room:
            used += cell_len(atoms[end])
            end += 1
            if end < len(atoms) and rank[end] >= 0:
                candidates.append((rank[end], used, end))
        if end >= len(atoms):
            cut = len(atoms)
        elif candidates:
            cut = _choose(candidates, room)
        else:  # nothing fits: keep one atom whole on its own line
            cut = max(end, start + 1)
        lines.append(prefix + "".join(atoms[start:cut]).strip())
        start, prefix = cut, hang
        while start < len(atoms) and atoms[start].isspace():
            start += 1
    return lines


def wrap_text(text: str, width: int) -> str:
    """Every line of ``text`` wrapped to ``width`` cells (see :func:`wrap_line`)."""
    return "\n".join(wrapped for line in text.splitlines() for wrapped in wrap_line(line, width))
