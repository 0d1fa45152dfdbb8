"""The land.md spec cases of ``cases/*.yaml`` (format in ``cases/README.md``): each case's inputs
through ``engine/land`` and its output table, compared with the values worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from tests.engine.case_runner import case_params

from mujun.engine.land import Commitment, EnterpriseYear, Parcel, idle_rows, review
from mujun.engine.land.tables import idle_table, review_table
from mujun.engine.policy import DEFAULT_POLICY, LandRules, load_policy_text
from mujun.io.policy_files import load_policy

CASES = Path(__file__).parent / "cases"
MARGIN = 1e-9
CASE_KEYS = frozenset({"name", "description", "as_of", "year", "policy", "parcels", "commitments",
                       "enterprises", "projects", "expected", "columns", "order"})

DEFAULT_PARCELS = [{"parcel_id": "P", "owner_uscc": "A", "area_m2": 2000,
                    "land_price_wan": 300, "floor_area_m2": 3000}]
DEFAULT_COMMITMENTS = [{"parcel_id": "P", "owner_uscc": "A",
                        "investment_intensity_wan_per_mu": 400, "plot_ratio": 1.2,
                        "tax_per_mu_wan": 20, "energy_per_va_tce": 0.3,
                        "years_to_attainment": 3}]
DEFAULT_ENTERPRISES = {"A": {"production_start": dt.date(2022, 4, 1), "tax_paid": 54,
                             "land_mu": 3, "energy_tce": 120, "value_added": 500}}
DEFAULT_PROJECTS = [["P", 900], ["P", 300]]


def _cases(file: str) -> list[Any]:
    return case_params(CASES / file, CASE_KEYS)


def _rules(case: dict[str, Any]) -> LandRules:
    text = case.get("policy")
    if text is None:
        return load_policy(DEFAULT_POLICY).policy.land
    return load_policy_text(f"name: case\n{text}", "case").policy.land


def _parcels(rows: list[dict[str, Any]]) -> list[Parcel]:
    return [Parcel(**{"area_m2": 2000, **r}) for r in rows]


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or expected is None or isinstance(expected, str | dt.date):
        return bool(actual == expected)
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(actual, expected, rel_tol=MARGIN, abs_tol=MARGIN)
    return bool(actual == expected)


def _check(case: dict[str, Any], rows: list[dict[str, Any]], columns: list[str]) -> None:
    if "columns" in case:
        assert columns == case["columns"]
    ids = [r["parcel_id"] for r in rows]
    if "order" in case:
        assert ids == case["order"]
    by_id = dict(zip(ids, rows, strict=True))
    wrong = {}
    for parcel_id, cells in case["expected"].items():
        row = by_id[parcel_id]
        for key, value in cells.items():
            assert key in row, f"{key} is not an output column"
            if not _same(row[key], value):
                wrong[f"{parcel_id}.{key}"] = (row[key], value)
    assert wrong == {}, "(got, expected) per cell"


@pytest.mark.parametrize("case", _cases("idle.yaml"))
def test_idle_case(case: dict[str, Any]) -> None:
    rows = idle_rows(_parcels(case["parcels"]), case["as_of"], rules=_rules(case))
    table = idle_table(rows)
    _check(case, table.to_pylist(), table.column_names)


@pytest.mark.parametrize("case", _cases("review.yaml"))
def test_review_case(case: dict[str, Any]) -> None:
    commitments = [Commitment(**c) for c in case.get("commitments", DEFAULT_COMMITMENTS)]
    enterprises = {code: EnterpriseYear(**row)
                   for code, row in case.get("enterprises", DEFAULT_ENTERPRISES).items()}
    projects = [(p, float(v)) for p, v in case.get("projects", DEFAULT_PROJECTS)]
    rows = review(commitments, _parcels(case.get("parcels", DEFAULT_PARCELS)), enterprises,
                  projects, year=case["year"], rules=_rules(case))
    table = review_table(rows)
    _check(case, table.to_pylist(), table.column_names)
