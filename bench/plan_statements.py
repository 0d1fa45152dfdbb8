"""The staged plan's statements (``engine/embedded.py``) of two source trees, timed side by side.

    PYTHONPATH=../main/src python bench/plan_statements.py --dump main.json
    python bench/plan_statements.py --dump now.json
    python bench/plan_statements.py main.json now.json [--size 1000000 --threads 1 --repeats 5]

``--dump`` writes the compiled plan of the tree it runs (the default policy, year 2024). Without
it, the plans given run alternately in one process on the same synthetic county, each statement's
CPU time (``time.process_time``, every thread) kept, and the least of the repeats printed; on one
thread these figures move little with the load of a shared machine, unlike whole runs. The
results of the first and the last plan are compared at the end (equal bits: wide and class
tables). The benchmark sums run on one thread whatever ``--threads`` says, as in the engine
(docs/benchmarks.md, "Evaluation engine").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import synthetic  # noqa: E402

YEAR = 2024
T = TypeVar("T")


def dump(path: str) -> None:
    from mujun.engine import plan, tables
    from mujun.io.policy_files import load_policy

    enterprises, incidents = synthetic.county(100, seed=0, year=YEAR)
    compiled = plan.plan_for(load_policy().policy, YEAR, tables.canonical(enterprises).schema,
                             tables.incidents_table(incidents).schema)
    with open(path, "w", encoding="utf-8") as out:
        json.dump(plan._plan_json(compiled), out)


def compare(paths: list[str], size: int, threads: int, repeats: int) -> None:
    from mujun.engine import plan, tables

    plans = []
    for path in paths:
        with open(path, encoding="utf-8") as given:
            plans.append(plan._plan_of_json(json.load(given)))
    enterprises, incidents = synthetic.county(size, seed=0, year=YEAR)
    canonical = tables.canonical(enterprises)
    incident_table = tables.incidents_table(incidents)
    cpu: list[dict[str, list[float]]] = [{} for _ in plans]
    results: list[Any] = [None] * len(plans)

    for repeat in range(repeats):
        for i, p in enumerate(plans):
            wide, classes = _run(p, canonical, incident_table, threads, cpu[i])
            if repeat == 0:
                results[i] = (wide.select(list(p.wide)), classes)

    for path, times in zip(paths, cpu, strict=True):
        least = {label: min(values) for label, values in times.items()}
        cells = "  ".join(f"{label} {value:.3f}" for label, value in least.items())
        print(f"{path}: {cells}  all {sum(least.values()):.3f} s CPU")
    first, last = results[0], results[-1]
    print("wide equal:", first[0].equals(last[0]), " classes equal:", first[1].equals(last[1]))


def _run(p: Any, canonical: Any, incident_table: Any, threads: int,
         cpu: dict[str, list[float]]) -> tuple[Any, Any]:
    """One evaluation by the plan ``p`` (as ``embedded.run`` does), its statements timed."""
    from mujun.engine import embedded, plan, tables

    def timed(label: str, work: Callable[..., T], *args: Any) -> T:
        start = time.process_time()
        out = work(*args)
        cpu.setdefault(label, []).append(time.process_time() - start)
        return out

    con = embedded.connection().cursor()
    con.execute(f"SET threads = {threads}")
    try:
        con.register(plan.ENTERPRISES, canonical)
        con.register(plan.INCIDENTS, incident_table)
        for step in p.prelude:
            timed(step.name, embedded._create, con, step)
        wide = timed("wide", lambda: con.sql(p.wide_sql).to_arrow_table())
        result = tables.with_inputs(tables.in_input_order(wide), canonical, p.passed_schema)
        scores = result.select(list(p.inputs))
        con.register(plan.SCORES, scores)
        if p.effects_sql:  # the effects and the ranks laid beside the rows, as embedded.run does
            scores = timed("effects placed", lambda: tables.placed(
                scores, con.sql(p.effects_sql).to_arrow_table()))
            con.register(plan.SCORES, scores)
        for step in p.middle:
            timed(step.name, embedded._create, con, step)
        if p.ranks:
            ranks = f'SELECT "_row", "_rank", "_n" FROM "{p.ranks}"'
            con.register(plan.SCORES, timed("ranks placed", lambda: tables.placed(
                scores, con.sql(ranks).to_arrow_table())))
            con.execute(f'DROP TABLE "{p.ranks}"')
        classes = timed("classes", lambda: con.sql(p.classes_sql).to_arrow_table())
        return result, timed("reorder", tables.in_input_order, classes)
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plans", nargs="*")
    ap.add_argument("--dump")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    if args.dump:
        dump(args.dump)
    else:
        compare(args.plans, args.size, args.threads, args.repeats)


if __name__ == "__main__":
    main()
