"""The two ways the embedded DuckDB runs a plan give the same bits.

Small inputs run prepared on one thread, the benchmark and incident tables inlined, over Arrow
inputs that each evaluation swaps in (``engine/prepared.py``); large inputs, or a connection that
is given, run the staged plan over the Arrow memory (``engine/embedded.py``). Every cell of both
tables must be identical, floats included: the agreement with the references is checked on the
prepared path, and the large sizes of ``bench/`` run the other one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import synthetic  # noqa: E402

from mujun.engine import prepared, tables  # noqa: E402
from mujun.engine.evaluate import Evaluation, evaluate  # noqa: E402
from mujun.io.policy_files import load_policy  # noqa: E402

YEAR = 2024


def _prepared(enterprises: pa.Table, incidents: pa.Table, policy_name: str) -> Evaluation:
    assert enterprises.num_rows <= prepared.PREPARED_MAX_ROWS
    return evaluate(enterprises, incidents, load_policy(policy_name), YEAR)


def _staged(enterprises: pa.Table, incidents: pa.Table, policy_name: str) -> Evaluation:
    return evaluate(enterprises, incidents, load_policy(policy_name), YEAR,
                    backend=ibis.duckdb.connect())


@pytest.mark.parametrize("policy_name", ["zhejiang-template", "songyang-2024"])
def test_prepared_and_staged_plans_give_identical_tables(policy_name: str) -> None:
    enterprises, incidents = synthetic.county(3000, seed=11, year=YEAR)
    small = _prepared(enterprises, incidents, policy_name)
    staged = _staged(enterprises, incidents, policy_name)
    assert small.detail.schema == staged.detail.schema
    for name in small.detail.column_names:
        assert small.detail[name].equals(staged.detail[name]), name
    # the county exercises what is compared
    assert {"A", "B", "C", "D"} <= set(small.table["class"].to_pylist())
    assert any(small.table["vetoed"].to_pylist())


@pytest.mark.parametrize("between", ["zhejiang-template", "songyang-2024"])
def test_an_evaluation_leaves_no_rows_for_the_next(between: str) -> None:
    """Each evaluation swaps its own tables into the prepared inputs: the evaluation after a
    larger one sees its own rows only (the wide query would otherwise return more rows than the
    input, or other benchmarks). Another policy's plan prepared in between changes the catalog:
    DuckDB binds the first plan's statements again, and they still read the swapped inputs."""
    first, first_incidents = synthetic.county(500, seed=3, year=YEAR)
    larger, larger_incidents = synthetic.county(2000, seed=4, year=YEAR)
    before = _prepared(first, first_incidents, "zhejiang-template")
    _prepared(larger, larger_incidents, between)
    again = _prepared(first, first_incidents, "zhejiang-template")
    assert again.detail.equals(before.detail)


def test_the_prepared_plan_reads_many_record_batches_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The prepared statements read the Arrow record batches on one thread, in turn, so the
    benchmark sums add the rows in input order (small batches here: many of them, as a large
    county gives); on two threads the sums differ in their last bits."""
    enterprises, incidents = synthetic.county(3000, seed=11, year=YEAR)
    staged = _staged(enterprises, incidents, "zhejiang-template")
    monkeypatch.setattr(tables, "_BATCH_ROWS", 256)
    assert tables.canonical(enterprises).to_batches()[1].num_rows == 256
    small = _prepared(enterprises, incidents, "zhejiang-template")
    assert small.detail.equals(staged.detail)


def test_values_placed_on_the_rows_they_name() -> None:
    from mujun.engine.tables import placed

    table = pa.table({"_row": [0, 1, 2, 3, 4], "x": [10, 11, 12, 13, 14]})
    found = pa.table({"_row": [3, 0], "n": [7, 5], "reason": ["a", None]})
    out = placed(table, found)
    assert out.column_names == ["_row", "x", "n", "reason"]
    assert out["n"].to_pylist() == [5, None, None, 7, None]
    assert out["reason"].to_pylist() == [None, None, None, "a", None]
    assert out.schema.field("reason").type == pa.string()


def test_the_extra_tax_text_with_and_without_whole_numbers() -> None:
    """A whole number gets ``.0`` as Python writes it; a part without one skips that test."""
    table = pa.table({"_extra_tax": [2.5, 0.1 + 0.2, None, -4.0, 3.0, None],
                      "_unreachable": [False, False, False, False, False, True]})
    texts = ["2.5", "0.30000000000000004", None, "-4.0", "3.0", "unreachable"]
    assert tables.extra_tax_text(table).to_pylist() == texts
    assert tables.extra_tax_text(table.slice(0, 3)).to_pylist() == texts[:3]


def test_the_staged_class_query_keeps_the_input_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The incident effects and the ranks are laid beside the rows by position and the lowest
    scores held crossed with every row, so the class query returns the input order and is not
    copied into it (docs/benchmarks.md, "Under 1 GB at 1,000,000 rows")."""
    from mujun.engine import embedded

    fetched: list[list[int]] = []
    reorder = embedded.in_input_order

    def seen(table: pa.Table) -> pa.Table:
        fetched.append(table["_row"].to_pylist())
        return reorder(table)

    monkeypatch.setattr(embedded, "in_input_order", seen)
    enterprises, incidents = synthetic.county(5000, seed=5, year=YEAR)
    ev = evaluate(enterprises, incidents, load_policy("zhejiang-template"), YEAR,
                  backend=ibis.duckdb.connect())
    assert any(ev.table["vetoed"].to_pylist())  # incidents matched: a join would move rows
    assert len(fetched) == 2  # the wide and the class results
    for rows in fetched:
        assert rows == list(range(5000))


@pytest.mark.parametrize("policy_name", ["zhejiang-template", "songyang-2024"])
def test_the_prepared_statements_scan_each_input_once(policy_name: str) -> None:
    """Each Arrow scan of a prepared statement costs about 0.3 ms to start: the wide statement
    reads the enterprises once, the class statement the scores and the incidents once each (a
    table read twice is a common table expression, which DuckDB materialises; docs/benchmarks.md,
    "The class statement's fixed cost")."""
    import json

    policy = load_policy(policy_name).policy
    enterprises, incidents = synthetic.county(300, seed=5, year=YEAR)
    evaluate(enterprises, incidents, policy, YEAR)  # prepares the plan on this thread
    canonical, incident_table = tables.canonical(enterprises), tables.incidents_table(incidents)
    plan = prepared.plan_for(policy, YEAR, canonical.schema, incident_table.schema)
    db = prepared._database()
    prepared._search(db, db.plans[plan.key].schema)
    con = db.con

    def scans(node: dict[str, object]) -> list[object]:
        own = [node.get("extra_info")] if node.get("name") == "ARROW_SCAN" else []
        children = node.get("children", [])
        assert isinstance(children, list)
        return own + [s for child in children for s in scans(child)]

    for sql, expected in ((plan.wide_sql, 1), (plan.classes_sql, 2)):
        tree = json.loads(con.execute(f"EXPLAIN (FORMAT json) {sql}").fetchall()[0][1])
        assert len([s for node in tree for s in scans(node)]) == expected


def test_the_class_statement_on_two_threads_leaves_the_wide_statement_on_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From ``CLASS_THREADS_MIN_ROWS`` rows the class statement runs on two threads, on a
    database of its own: the next evaluation's wide statement still reads the record batches on
    one thread, in turn (on two its benchmark sums differ in their last bits, as in the test
    above), and the class statement gives the bits of one thread."""
    enterprises, incidents = synthetic.county(3000, seed=11, year=YEAR)
    staged = _staged(enterprises, incidents, "zhejiang-template")
    monkeypatch.setattr(tables, "_BATCH_ROWS", 256)
    monkeypatch.setattr(prepared, "CLASS_THREADS_MIN_ROWS", 1000)
    monkeypatch.setattr(prepared, "CLASS_THREADS", 2)
    for _ in range(2):  # the second wide statement runs after a class statement on two threads
        small = _prepared(enterprises, incidents, "zhejiang-template")
        assert small.detail.equals(staged.detail)
    canonical, incident_table = tables.canonical(enterprises), tables.incidents_table(incidents)
    plan = prepared.plan_for(load_policy("zhejiang-template").policy, YEAR, canonical.schema,
                             incident_table.schema)
    assert plan.key in prepared._database(2).plans  # the class statement ran there
    for threads in (1, 2):
        setting = prepared._database(threads).con.execute("SELECT current_setting('threads')")
        assert setting.fetchone()[0] == threads


def test_the_penalty_does_not_depend_on_the_order_of_the_incidents() -> None:
    """The class statement runs on two threads from ``CLASS_THREADS_MIN_ROWS`` rows, where the
    rows reach its sums in any order. Its only sum, the penalty, adds the points as decimals
    (the compiled literals are DuckDB decimals): exact, so the order changes no bit. As floats it
    would (0.1 + 0.1 + 1.1 is 1.3, 1.1 + 0.1 + 0.1 is 1.3000000000000003)."""
    from mujun.engine.policy import load_policy_text

    policy = load_policy_text(
        "name: p\nadjustments: {bonus: {high_tech: 5}, bonus_cap: 10,"
        " penalty_per_incident: {safety_general: 0.1, env_penalty: 1.1}, veto: [safety_major]}\n",
        "p").policy
    enterprises, _ = synthetic.county(200, seed=5, year=YEAR)
    groups = evaluate(enterprises, None, policy, YEAR).table["group"].to_pylist()
    code = enterprises["uscc"][groups.index("above")].as_py()  # an evaluated enterprise
    details = []
    for types in (["safety_general", "safety_general", "env_penalty"],
                  ["env_penalty", "safety_general", "safety_general"]):
        incidents = pa.table({"uscc": [code] * 3, "year": [YEAR] * 3, "type": types},
                             schema=tables.INCIDENT_SCHEMA)
        details.append(evaluate(enterprises, incidents, policy, YEAR).detail)
    assert details[0].equals(details[1])
    at = groups.index("above")
    assert details[0]["penalty"][at].as_py() == 0.1 * 2 + 1.1  # 1.3
