"""Cell parsers (evaluation.md §1), vectorised over a column of text cells.

Each ``parse_*`` takes a ``String`` series (None = empty; surrounding spaces are ignored) and
returns :class:`Parsed`: the typed values and a ``bad`` mask, True where a non-empty cell could
not be read as the type. Empty cells are never bad. The ``read_*`` expressions underneath let a
caller parse many columns in one Polars pass. Parsers never raise on any text.

- booleans: ``1/0``, ``true/false``, ``是/否``, ``Y/N`` in any case; empty = false;
- dates: ``2021-03-05``, ``2021/3/5``, ``2021.3.5``, ``20210305`` and spreadsheet date cells (which
  the readers hand over as ``2021-03-05``, or with the time of day, which is ignored);
- numbers: decimal or scientific notation, with ``,`` thousands separators (``1,234.5``) allowed;
  ``inf``/``nan`` and overflowing values are not numbers;
- years: four digits, optionally followed by ``年``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

_TRUE = ("1", "true", "是", "y")
_FALSE = ("0", "false", "否", "n")

_TIME = r"[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$"
# one separator throughout: alternation instead of a back-reference, which Rust regex lacks
_DATE_SEPARATED = r"^[0-9]{4}(?:-[0-9]{1,2}-|/[0-9]{1,2}/|\.[0-9]{1,2}\.)[0-9]{1,2}$"
_DATE_COMPACT = r"^([0-9]{4})([0-9]{2})([0-9]{2})$"
# the digit class is written out: \d would also match full-width and other Unicode digits
_NUMBER = (
    r"^[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
)
_YEAR = r"^([0-9]{4})年?$"


class Parsed(NamedTuple):
    values: pl.Series
    bad: pl.Series


def clean_expr(cells: pl.Expr) -> pl.Expr:
    """Trimmed text, None for empty or blank cells."""
    s = cells.cast(pl.String).str.strip_chars()
    return pl.when(s.str.len_bytes() > 0).then(s)


def filled_expr(cells: pl.Expr) -> pl.Expr:
    """True where a cell holds more than spaces; a cell is bad when filled but not read."""
    return cells.cast(pl.String).str.contains(r"\S").fill_null(False)


# The read_* expressions give the typed value, null when the cell is empty *or* unreadable; callers
# tell the two apart with filled_expr. Computing the bad mask separately, on materialised columns,
# keeps each regex from running twice.


def read_bool(cells: pl.Expr) -> pl.Expr:
    low = clean_expr(cells).str.to_lowercase()
    return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)


def read_date(cells: pl.Expr) -> pl.Expr:
    s = (
        clean_expr(cells)
        .str.replace(_TIME, "")
        .str.replace(_DATE_COMPACT, "$1-$2-$3")
    )
    return (
        pl.when(s.str.contains(_DATE_SEPARATED))
        .then(s.str.replace_all(r"[/.]", "-"))
        .str.to_date("%Y-%m-%d", strict=False)
    )


def read_number(cells: pl.Expr, *, thousands: bool = True) -> pl.Expr:
    """``thousands=False`` skips the separator handling, for a column known to have no comma.

    Without commas, Polars' float parser accepts exactly the decimal and scientific forms of
    ``_NUMBER`` plus ``inf``/``nan`` spellings, which the finiteness test rejects; the test suite
    checks that both paths agree.
    """
    s = cells.cast(pl.String).str.strip_chars()
    if thousands:
        s = pl.when(s.str.contains(_NUMBER)).then(s.str.replace_all(",", "", literal=True))
    number = s.cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)


# Quick readers for the spellings a program writes (``true``, ``2021-03-05``, ``1234.5``): where
# one gives a value, the full reader above gives the same (tests/io/test_io_parsing.py checks
# it); ``read_columns`` sends only the filled cells a quick reader leaves unread to the full one.

_TRUE_EXACT = ("1", "true", "TRUE", "True", "是", "y", "Y")
_FALSE_EXACT = ("0", "false", "FALSE", "False", "否", "n", "N")
_DATE_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def quick_bool(cells: pl.Expr) -> pl.Expr:
    return pl.when(cells.is_in(_TRUE_EXACT)).then(True).when(cells.is_in(_FALSE_EXACT)).then(False)


def quick_date(cells: pl.Expr) -> pl.Expr:
    return pl.when(cells.str.contains(_DATE_ISO)).then(cells.str.to_date("%Y-%m-%d", strict=False))


def quick_number(cells: pl.Expr) -> pl.Expr:
    """Polars' float parser alone; an infinite or NaN value is not settled (see ``Reader``)."""
    return cells.cast(pl.Float64, strict=False)


def _not_null(values: pl.Expr) -> pl.Expr:
    return values.is_not_null()


def _finite(values: pl.Expr) -> pl.Expr:
    return values.is_finite().fill_null(False)


@dataclass(frozen=True)
class Reader:
    """A cell type's full reader, its quick reader, and which quick values are settled."""

    full: Callable[[pl.Expr], pl.Expr]
    quick: Callable[[pl.Expr], pl.Expr]
    settled: Callable[[pl.Expr], pl.Expr] = _not_null


def read_columns(
    cells: pl.DataFrame, columns: Mapping[str, tuple[str, Reader]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed values (null when empty or unreadable) and bad masks for ``name -> (cell column,
    reader)``: both frames have one column per name, in that order.

    Every cell gets what its full reader gives; the full reader runs only on the filled cells
    without a settled quick value, so a million cleanly written rows cost one quick pass.
    """
    values = cells.select(r.quick(pl.col(c)).alias(n) for n, (c, r) in columns.items())
    read: list[pl.Series] = []
    bad: list[pl.Series] = []
    pending = _pending(cells, values, columns)
    for name, (column, reader) in columns.items():
        value = values.get_column(name)
        unread = pl.repeat(False, cells.height, dtype=pl.Boolean, eager=True).alias(name)
        if name in pending:
            at = pending[name].arg_true()
            full = cells.select(pl.col(column).gather(at)).select(
                reader.full(pl.col(column)).alias("value"),
                filled_expr(pl.col(column)).alias("filled"),
            )
            got = full.get_column("value")
            value = value.scatter(at, got)  # a non-finite quick number becomes null here
            unread = unread.scatter(at, full.get_column("filled") & got.is_null())
        read.append(value)
        bad.append(unread)
    return pl.DataFrame(read), pl.DataFrame(bad)


def _pending(
    cells: pl.DataFrame, values: pl.DataFrame, columns: Mapping[str, tuple[str, Reader]]
) -> dict[str, pl.Series]:
    """For each name with any, the rows of filled cells the quick reader left unsettled."""
    if not columns:
        return {}
    both = values.with_columns(cells.get_column(c).alias(f"{n}\0cell")
                               for n, (c, _) in columns.items())
    unsettled = {n: pl.col(f"{n}\0cell").is_not_null() & ~r.settled(pl.col(n))
                 for n, (_, r) in columns.items()}
    found = both.select(e.any().alias(n) for n, e in unsettled.items()).row(0, named=True)
    names = [n for n, anywhere in found.items() if anywhere]
    if not names:
        return {}
    masks = both.select(unsettled[n].alias(n) for n in names)
    return {n: masks.get_column(n) for n in names}


BOOL = Reader(read_bool, quick_bool)
DATE = Reader(read_date, quick_date)
NUMBER = Reader(read_number, quick_number, _finite)


def read_year(cells: pl.Expr) -> pl.Expr:
    return clean_expr(cells).str.extract(_YEAR, 1).cast(pl.Int64, strict=False)


def _run(read: Callable[[pl.Expr], pl.Expr], cells: pl.Series) -> Parsed:
    col = pl.col(cells.name)
    out = cells.to_frame().select(read(col).alias("values"), filled_expr(col).alias("filled"))
    values = out.get_column("values")
    return Parsed(values.rename(cells.name), out.get_column("filled") & values.is_null())


def parse_text(cells: pl.Series) -> pl.Series:
    """Text fields: trimmed, None when empty."""
    return cells.to_frame().select(clean_expr(pl.col(cells.name))).to_series()


def parse_bool(cells: pl.Series) -> Parsed:
    """Empty is false."""
    values, bad = _run(read_bool, cells)
    return Parsed(values.fill_null(False), bad)


def parse_date(cells: pl.Series) -> Parsed:
    return _run(read_date, cells)


def parse_number(cells: pl.Series) -> Parsed:
    return _run(read_number, cells)


def parse_year(cells: pl.Series) -> Parsed:
    return _run(read_year, cells)
