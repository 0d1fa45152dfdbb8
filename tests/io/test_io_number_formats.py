"""Numbers as staff read them: digits, separators, units, no negative zero, half away from zero."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mujun.engine.explain import _n
from mujun.engine.fields import M2_PER_MU
from mujun.io.number_formats import (
    MINUS,
    Kind,
    as_text,
    exact,
    m2_to_mu,
    money,
    money_yi,
    mu,
    number,
    parse,
    percent,
    rounded,
    score,
    signed,
)


@pytest.mark.parametrize(("value", "text"), [
    (4439375.9213, "4,439,375.92"),
    (0.0, "0.00"),
    (-0.0, "0.00"),
    (-0.004, "0.00"),  # rounds to zero: no sign
    (-1234.567, MINUS + "1,234.57"),
    (0.125, "0.13"),  # exactly half in binary: away from zero
    (-0.125, MINUS + "0.13"),
    (2.675, "2.67"),  # binary 2.67499999…: the binary value decides (docs/methodology.md)
    (None, "—"),
    (float("nan"), "—"),
    (float("inf"), "—"),
    ("", "—"),
    ("不是数字", "—"),
])
def test_money_has_separators_two_decimals_and_no_negative_zero(value: object, text: str) -> None:
    assert money(value) == text


def test_county_totals_in_yi_yuan() -> None:
    assert money_yi(4439375.92) == "443.94 亿元"
    assert money_yi(123456789012.0) == "12,345,678.90 亿元"
    assert money_yi(-0.4) == "0.00 亿元"
    assert money_yi(None) == "—"


def test_shares_as_percentages() -> None:
    assert percent(-0.2395652069754258) == MINUS + "23.96%"
    assert percent(0.5) == "50.00%"
    assert percent(-0.00001) == "0.00%"
    assert percent(0.1234, 1) == "12.3%"
    assert percent(None) == "—"


def test_scores_mu_signed_and_kinds() -> None:
    assert score(87.12345) == "87.12"
    assert score(-0.0) == "0.00"
    assert mu(115.000005) == "115.00"
    assert m2_to_mu(M2_PER_MU * 3) == pytest.approx(3.0)
    assert m2_to_mu(None) is None
    assert signed(1.5) == "+1.50"
    assert signed(-1.5) == MINUS + "1.50"
    assert signed(0.0) == signed(-0.001) == "0.00"
    assert number(1234, 0) == "1,234"
    assert as_text(0.25, Kind.SHARE) == "25.00%"
    assert as_text(1234.5, Kind.MONEY) == "1,234.50"
    assert as_text("91331124MA2A00010Q", Kind.CODE) == "91331124MA2A00010Q"


def test_exact_keeps_every_digit_with_separators() -> None:
    assert exact(6000.0) == "6,000"
    assert exact(115.000005) == "115.000005"
    assert exact(-1234567.25) == MINUS + "1,234,567.25"
    assert exact(-0.0) == "0"
    assert exact(42) == "42"
    assert exact(1e-7) == "0.0000001"
    assert exact(None) == "—"


finite = st.floats(allow_nan=False, allow_infinity=False)


WIDE = Context(prec=800)  # any float's exact expansion fits


@settings(deadline=None)  # the machine is shared; a slow first call is no failure
@given(finite, st.integers(min_value=0, max_value=6))
def test_never_a_negative_zero(value: float, digits: int) -> None:
    for text in (number(value, digits), percent(value, digits), signed(value, digits),
                 money_yi(value)):
        assert "-" not in text
        if MINUS in text:
            assert any(ch in "123456789" for ch in text), text


@settings(deadline=None)  # the machine is shared; a slow first call is no failure
@given(finite, st.integers(min_value=0, max_value=6))
def test_parse_back_equals_the_value_rounded_half_away_from_zero(value: float, digits: int
                                                                 ) -> None:
    step = Decimal(1).scaleb(-digits)
    expected = Decimal(value).quantize(step, rounding=ROUND_HALF_UP, context=WIDE)
    back = parse(number(value, digits))
    assert back == expected == rounded(value, digits)
    assert abs(WIDE.subtract(Decimal(value), expected)) <= step / 2


@settings(deadline=None)  # the machine is shared; a slow first call is no failure
@given(finite, st.integers(min_value=0, max_value=6))
def test_the_explanation_text_never_shows_a_negative_zero(value: float, digits: int) -> None:
    text = _n(value, digits)
    assert text not in ("-0", "-0.0") and not (text.startswith("-")
                                                and not text.strip("-0.,"))


@settings(deadline=None)
@given(finite)
def test_exact_reads_back_as_the_same_float(value: float) -> None:
    assert float(parse(exact(value)) or 0) == value
