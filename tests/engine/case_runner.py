"""Load a spec case file, build the engine's inputs, run the engine, compare with the hand result.

The case format (also in ``cases/README.md``)::

    cases:
      - name: short_id                 # the test id
        description: "§3 … what the case shows, citing the spec"
        year: 2024
        policy: |                      # optional: YAML over zhejiang-template, or a shipped name
          cap: 3
        enterprises:                   # only the fields that matter; defaults fill the rest
          - {uscc: A, above_scale: true, land_owned_m2: 2000, tax_paid: 6}
          - repeat: 90                 # n generated rows; "{i}" (1..n) is formatted into every
            uscc: "P{i:02d}"           #   string, and numeric fields then read the text as a number
            tax_paid: "{i}"
        incidents:                     # optional; year defaults to the case year; in file order
          - {uscc: A, type: env_penalty}
        incidents_csv: |               # or: a CSV file, read by mujun.io.read_incidents
          uscc,year,type,date
        expected:                      # per uscc, the §8 cells the case is about
          A: {score: 35, class: D}
          B: {exempt_reason: new, rest_empty: true}   # rest_empty: every §8 cell but uscc, name
                                                      #   and those listed is empty
        columns: [uscc, name, …]       # optional: the exact §8 column order
        order: [A, B]                  # optional: the uscc column, row by row (input order)
        margin: 1e-9                   # optional: numbers match within margin × max(1, |expected|)
        xfail: "why"                   # optional: a known engine bug (strict xfail)

Comparison: strings, booleans and integers exactly; ``null`` means an empty cell; a number
expected in a text column (``extra_tax_to_next_class_wan``) is compared as a number.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from mujun.engine.evaluate import Evaluation, evaluate
from mujun.engine.fields import FIELD_BY_KEY, FieldType
from mujun.engine.policy import DEFAULT_POLICY, load_policy_text
from mujun.io import ENTERPRISE_SCHEMA, read_incidents
from mujun.io.policy_files import load_policy

INCIDENT_SCHEMA = pa.schema([("uscc", pa.string()), ("year", pa.int64()), ("type", pa.string())])

#: what a case's enterprise row holds for every field it does not name
ENTERPRISE_DEFAULTS: dict[str, Any] = {
    f.name: (
        False if pa.types.is_boolean(f.type)
        else 0.0 if f.name.startswith("land_") and f.name != "land_use_tax_due"
        else None
    )
    for f in ENTERPRISE_SCHEMA
}
CASE_KEYS = frozenset({"name", "description", "year", "policy", "enterprises", "incidents",
                       "incidents_csv", "expected", "columns", "order", "margin", "xfail"})
DEFAULT_MARGIN = 1e-9


class CaseMismatch(AssertionError):
    """The engine's table differs from the case's expected cells."""


def load_cases(path: Path) -> list[dict[str, Any]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = doc["cases"]
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"{path.name}: case names repeat")
    for case in cases:
        unknown = set(case) - CASE_KEYS
        if unknown:
            raise ValueError(f"{path.name}: case {case['name']}: unknown key(s) {sorted(unknown)}")
        for key in ("description", "year", "enterprises", "expected"):
            if key not in case:
                raise ValueError(f"{path.name}: case {case['name']}: {key} is required")
    return cases


def case_params(path: Path, keys: frozenset[str]) -> list[Any]:
    """The cases of a rule's case file as pytest parameters (ids = names), each checked to have a
    description and only ``keys`` (the land and monitoring case files)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = doc["cases"]
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), f"{path.name}: case names repeat"
    for case in cases:
        assert set(case) <= keys, f"{path.name}::{case['name']}: {set(case) - keys}"
        assert case.get("description"), f"{path.name}::{case['name']}: no description"
    return [pytest.param(c, id=c["name"]) for c in cases]


# --- inputs ------------------------------------------------------------------------------------


def _typed(key: str, value: Any) -> Any:
    if value is None:
        return None
    kind = FIELD_BY_KEY[key].type
    if kind is FieldType.NUMBER:
        return float(value)
    if kind is FieldType.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind is FieldType.STR:
        return str(value)
    return value


def _expand(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if "repeat" not in spec:
        return [spec]
    n = spec["repeat"]
    template = {k: v for k, v in spec.items() if k != "repeat"}
    return [
        {k: v.format(i=i) if isinstance(v, str) else v for k, v in template.items()}
        for i in range(1, n + 1)
    ]


def enterprise_rows(case: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for spec in case["enterprises"]:
        for given in _expand(spec):
            unknown = set(given) - set(ENTERPRISE_DEFAULTS)
            if unknown:
                raise ValueError(f"case {case['name']}: unknown field(s) {sorted(unknown)}")
            row = dict(ENTERPRISE_DEFAULTS)
            row["name"] = f"企业{given['uscc']}"
            row.update({k: _typed(k, v) for k, v in given.items()})
            rows.append(row)
    return rows


def enterprise_table(case: dict[str, Any]) -> pa.Table:
    return pa.Table.from_pylist(enterprise_rows(case), schema=ENTERPRISE_SCHEMA)


def incident_table(case: dict[str, Any]) -> pa.Table | None:
    if "incidents_csv" in case:
        with tempfile.TemporaryDirectory(prefix="mujun-case-") as tmp:
            path = Path(tmp) / "incidents.csv"
            path.write_text(case["incidents_csv"], encoding="utf-8")
            return read_incidents(path).table
    if "incidents" not in case:
        return None
    rows = [{"uscc": str(i["uscc"]), "year": i.get("year", case["year"]), "type": i["type"]}
            for i in case["incidents"]]
    return pa.Table.from_pylist(rows, schema=INCIDENT_SCHEMA)


def case_policy(case: dict[str, Any]):
    text = case.get("policy")
    if text is None:
        return load_policy(DEFAULT_POLICY)
    if "\n" not in text.strip() and ":" not in text:
        return load_policy(text.strip())
    if "name" not in (yaml.safe_load(text) or {}):  # a policy file names itself
        text = f"name: case-{case['name']}\n{text}"
    return load_policy_text(text, f"case {case['name']}")


def run_engine(case: dict[str, Any], backend: Any = None) -> Evaluation:
    return evaluate(enterprise_table(case), incident_table(case), case_policy(case), case["year"],
                    backend=backend)


# --- comparison --------------------------------------------------------------------------------


def _cell_problem(column: str, want: Any, got: Any, margin: float) -> str | None:
    if want is None or got is None:
        return None if want is None and got is None else f"{column}: want {want!r}, got {got!r}"
    if isinstance(want, bool) or isinstance(got, bool):
        ok = isinstance(want, bool) and isinstance(got, bool) and want == got
    elif isinstance(want, int) and isinstance(got, int):
        ok = want == got
    elif isinstance(want, int | float):
        try:
            number = float(got)
        except (TypeError, ValueError):
            return f"{column}: want {want!r}, got {got!r}"
        ok = math.isclose(number, want, rel_tol=0, abs_tol=margin * max(1.0, abs(want)))
    else:
        ok = want == got
    return None if ok else f"{column}: want {want!r}, got {got!r}"


def compare(case: dict[str, Any], table: pa.Table) -> list[str]:
    problems: list[str] = []
    if "columns" in case and table.column_names != case["columns"]:
        problems.append(f"columns: want {case['columns']}, got {table.column_names}")
    rows = table.to_pylist()
    usccs = [r["uscc"] for r in rows]
    if "order" in case and usccs != [str(u) for u in case["order"]]:
        problems.append(f"row order: want {case['order']}, got {usccs}")
    by_uscc = {r["uscc"]: r for r in rows}
    margin = float(case.get("margin", DEFAULT_MARGIN))
    for uscc, cells in case["expected"].items():
        row = by_uscc.get(str(uscc))
        if row is None:
            problems.append(f"{uscc}: no such row")
            continue
        cells = dict(cells)
        rest_empty = cells.pop("rest_empty", False)
        for column, want in cells.items():
            if column not in row:
                problems.append(f"{uscc}: no column {column}")
                continue
            found = _cell_problem(column, want, row[column], margin)
            if found:
                problems.append(f"{uscc}: {found}")
        if rest_empty:
            filled = [c for c, v in row.items()
                      if c not in cells and c not in ("uscc", "name") and v is not None]
            if filled:
                problems.append(f"{uscc}: cells not empty: {filled}")
    return problems


def run_case(case: dict[str, Any], path: Path) -> None:
    del path
    table = run_engine(case).table
    problems = compare(case, table)
    if problems:
        raise CaseMismatch("\n".join(problems))
