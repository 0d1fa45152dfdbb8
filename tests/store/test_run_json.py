"""A run's JSON written column-wise (``services.run_json``) is what ``json`` writes: the results
hash byte for byte, each explanation as the same mapping once read back."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pytest
from bench import synthetic

from mujun.engine.evaluate import evaluate
from mujun.engine.explain import explain_all
from mujun.engine.policy import load_shipped_policy
from mujun.services import run_json

YEAR = 2024


def _python_hash(table: pa.Table) -> str:
    return run_json.results_hash(table.to_pylist())


def test_the_hash_of_awkward_values_is_the_text_json_writes() -> None:
    """Numbers Polars writes otherwise (0 < |x| < 1e-4, not finite) and strings to escape."""
    floats = [0.1, 1e-5, -2.5e-7, 1e-4, 9.99e-5, 5e-324, -0.0, 0.0, 1e16, 1.5e22, 123456.789,
              1 / 3, 100.0, math.nan, math.inf, -math.inf, None, 1.7976931348623157e308]
    text = "".join(chr(i) for i in range(0x80)) + "中\u2028\ufeff😀"
    n = len(floats)
    table = pa.table({"z": floats, "a": [text, "", None] * (n // 3), "i": list(range(n)),
                      "b": [True, False, None] * (n // 3)})
    assert run_json.table_results_hash(table, batch=4) == _python_hash(table)
    assert run_json.table_results_hash(table.slice(0, 0)) == _python_hash(table.slice(0, 0))


def test_the_hash_of_random_numbers_is_the_text_json_writes() -> None:
    rng = np.random.default_rng(5)
    n = 20_000
    table = pa.table({
        "wide": rng.random(n) * 10.0 ** rng.integers(-12, 24, n),
        "bits": np.frombuffer(rng.bytes(8 * n), dtype=np.float64),
        "plain": np.round(rng.standard_normal(n) * 1000, 4),
    })
    assert run_json.table_results_hash(table, batch=3_000) == _python_hash(table)


@pytest.mark.parametrize("policy", ["zhejiang-template", "songyang-2024"])
def test_explanations_and_hash_of_a_county_are_what_json_gives(policy: str) -> None:
    enterprises, incidents = synthetic.county(4000, seed=11, year=YEAR)
    # one enterprise vetoed twice, penalised three times, and an incident of another year
    first, second = enterprises.column("uscc").to_pylist()[:2]
    more = [(first, YEAR, "safety_major"), (first, YEAR, "env_major"),
            (second, YEAR, "safety_general"), (second, YEAR, "env_penalty"),
            (second, YEAR, "safety_general"), (second, YEAR - 1, "env_penalty")]
    incidents = pa.concat_tables([incidents, pa.table(
        {k: [m[i] for m in more] for i, k in enumerate(incidents.column_names)},
        schema=incidents.schema)])
    ev = evaluate(enterprises, incidents, load_shipped_policy(policy), YEAR)
    texts = run_json.explanation_texts(ev, incidents, batch=1_500)
    assert texts is not None
    expected = [json.loads(json.dumps(e, ensure_ascii=False)) for e in explain_all(ev, incidents)]
    got = [json.loads(t) for part in texts for t in part.to_list()]
    assert len(got) == len(expected) == ev.table.num_rows
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs
        assert list(mine) == list(theirs)  # the members in the same order
    # the county has every kind of row the text is built differently for
    kinds = Counter((e["group"] is None, bool(e["bonus_flags"]), bool(e["penalties"]),
                     bool(e["warnings"]), bool(e["vetoed"]), e["unreachable"]) for e in expected)
    for i in range(6):
        assert any(k[i] for k in kinds), f"no row with feature {i}: {kinds}"
    assert {e["group"] for e in expected} >= {None, *ev.policy.groups}
    by_uscc = {e["uscc"]: e for e in expected}
    assert len(by_uscc[first]["veto_reason"]) == 2
    assert [t for t, _ in by_uscc[second]["penalties"]] == [
        "safety_general", "env_penalty", "safety_general"]
    assert run_json.table_results_hash(ev.table) == _python_hash(ev.table)


def test_explanations_with_a_number_not_finite_are_left_to_json() -> None:
    enterprises, incidents = synthetic.county(50, seed=2, year=YEAR)
    ev = evaluate(enterprises, incidents, load_shipped_policy("zhejiang-template"), YEAR)
    assert run_json.explanation_texts(ev, incidents) is not None
    column = ev.detail.schema.get_field_index("land_mu")
    values = ev.detail.column(column).to_pylist()
    changed = ev.detail.set_column(column, "land_mu", pa.array([math.inf, *values[1:]]))
    assert run_json.explanation_texts(replace(ev, detail=changed), incidents) is None
