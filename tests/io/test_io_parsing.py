"""Cell parsers: the accepted spellings of evaluation.md §1, and never an exception."""

from __future__ import annotations

import datetime as dt
import string

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from mujun.io.parsing import (
    BOOL,
    DATE,
    NUMBER,
    parse_bool,
    parse_date,
    parse_number,
    parse_year,
    read_columns,
    read_number,
)


def parsed(parser, cells):  # type: ignore[no-untyped-def]
    result = parser(pl.Series("x", cells, dtype=pl.String))
    return list(zip(result.values.to_list(), result.bad.to_list(), strict=True))


@pytest.mark.parametrize(("cell", "value"), [
    ("1", True), ("0", False), ("true", True), ("FALSE", False), ("是", True), ("否", False),
    ("Y", True), ("n", False), (" y ", True), ("", False), (None, False), ("  ", False),
])
def test_booleans(cell: str | None, value: bool) -> None:
    assert parsed(parse_bool, [cell]) == [(value, False)]


@pytest.mark.parametrize("cell", ["yes", "2", "真", "t", "1.0x"])
def test_not_booleans(cell: str) -> None:
    assert parsed(parse_bool, [cell]) == [(False, True)]


@pytest.mark.parametrize("cell", [
    "2021-03-05", "2021/3/5", "2021.3.5", "20210305", " 2021-3-5 ", "2021-03-05 00:00:00",
    "2021-03-05 14:30:00",
])
def test_dates(cell: str) -> None:
    assert parsed(parse_date, [cell]) == [(dt.date(2021, 3, 5), False)]


@pytest.mark.parametrize("cell", [
    "2021-02-30", "2021-3/5", "2021.13.1", "44260", "210305", "5/3/2021", "二〇二一年", "abc",
])
def test_not_dates(cell: str) -> None:
    assert parsed(parse_date, [cell]) == [(None, True)]


@pytest.mark.parametrize(("cell", "value"), [
    ("1234.5", 1234.5), ("1,234.5", 1234.5), (" 12 ", 12.0), ("-3", -3.0), ("+7", 7.0),
    ("1e5", 1e5), ("2.5E-3", 0.0025), (".5", 0.5), ("5.", 5.0), ("1,234,567", 1234567.0),
    ("0.1", 0.1), ("007", 7.0),
])
def test_numbers(cell: str, value: float) -> None:
    assert parsed(parse_number, [cell]) == [(value, False)]


@pytest.mark.parametrize("cell", [
    "abc", "1.2.3", "inf", "-inf", "nan", "NaN", "Infinity", "1e999", "1,2,3", "12,34", "１２",
    "-", "1 000", "0x10", "1_000", "¥12",
])
def test_not_numbers(cell: str) -> None:
    assert parsed(parse_number, [cell]) == [(None, True)]


def test_empty_number_is_missing_not_bad() -> None:
    assert parsed(parse_number, [None, "", "   "]) == [(None, False)] * 3


@pytest.mark.parametrize(("cell", "value", "bad"), [
    ("2023", 2023, False), (" 2023年 ", 2023, False), ("", None, False), ("23", None, True),
    ("二〇二三", None, True),
])
def test_years(cell: str, value: int | None, bad: bool) -> None:
    assert parsed(parse_year, [cell]) == [(value, bad)]


#: Unicode White_Space, what Polars trims (Python's str.strip also trims \x1c-\x1f)
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + (
    "\u2028\u2029\u202f\u205f\u3000"
)

cells = st.lists(st.one_of(st.none(), st.text(), st.text(alphabet="0123456789.,-+eE 年/是否YNyn")),
                 max_size=30)


@settings(max_examples=examples(300), deadline=None)
@given(cells)
def test_parsers_never_raise_and_bad_only_where_a_filled_cell_is_unread(values) -> None:  # type: ignore[no-untyped-def]
    series = pl.Series("x", values, dtype=pl.String)
    for parser in (parse_bool, parse_date, parse_number, parse_year):
        result = parser(series)
        assert len(result.values) == len(result.bad) == len(values)
        for cell, bad in zip(values, result.bad.to_list(), strict=True):
            if cell is None or not cell.strip(WHITE_SPACE):
                assert not bad


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=string.printable.replace(",", ""))),
                max_size=30))
def test_the_fast_number_path_agrees_when_there_is_no_comma(values) -> None:  # type: ignore[no-untyped-def]
    frame = pl.DataFrame({"x": pl.Series(values, dtype=pl.String)})
    out = frame.select(
        slow=read_number(pl.col("x"), thousands=True),
        fast=read_number(pl.col("x"), thousands=False),
    )
    assert out.get_column("slow").to_list() == out.get_column("fast").to_list()


#: spellings near the edge of what the quick readers take
EDGE_CELLS = [
    "true", "TRUE", "True", "tRUE", " true", "1", "0", "是", "否", "Y", "n", "yes",
    "2021-03-05", "2021-3-5", "2021-02-30", "+2021-03-05", "02021-03-05", "2021-03-05 ",
    "2021-03-05 00:00:00", "20210305", "2021/03/05", "１２", "1234.5", " 12", "1,234", "1e999",
    "inf", "-inf", "NaN", "nan", "Infinity", "1e5", ".5", "5.", "+7", "-0", "0x10", "1_000", "",
    "  ",
]
mixed = st.lists(st.one_of(
    st.none(), st.sampled_from(EDGE_CELLS), st.text(),
    st.text(alphabet="0123456789-./:,eE+ TtrueRUEfalsFALSnNyY是否年"),
), max_size=40)


@settings(max_examples=examples(300), deadline=None)
@given(mixed)
def test_the_quick_readers_give_what_the_full_readers_give(values) -> None:  # type: ignore[no-untyped-def]
    series = pl.Series("x", values, dtype=pl.String)
    read, bad = read_columns(series.to_frame(),
                             {"b": ("x", BOOL), "d": ("x", DATE), "n": ("x", NUMBER)})
    for name, parser in (("b", parse_bool), ("d", parse_date), ("n", parse_number)):
        full = parser(series)
        got = read.get_column(name)
        if name == "b":
            got = got.fill_null(False)  # parse_bool's meaning of an empty cell
        assert got.to_list() == full.values.to_list(), name
        assert bad.get_column(name).to_list() == full.bad.to_list(), name


def test_the_quick_pass_leaves_odd_cells_to_the_full_readers() -> None:
    frame = pl.DataFrame({"x": ["1,234.5", "inf", " 7 ", "12", None]})
    read, bad = read_columns(frame, {"n": ("x", NUMBER)})
    assert read.get_column("n").to_list() == [1234.5, None, 7.0, 12.0, None]
    assert bad.get_column("n").to_list() == [False, True, False, False, False]
