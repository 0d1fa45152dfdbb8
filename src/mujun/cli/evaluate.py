"""``mujun evaluate``, ``mujun whatif`` and ``mujun explain``: the stateless evaluation commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from mujun.cli import inputs
from mujun.cli.layout import (
    NARROW,
    add_code_column,
    add_fixed_column,
    add_text_column,
    wrap_text,
)
from mujun.cli.main import GIVE_BACK, app
from mujun.cli.pandas_free import refuse_pandas
from mujun.cli.progress import Step, stages
from mujun.engine.defaults import DEFAULT_SPARK_MASTER

if TYPE_CHECKING:  # the engine and the writers are imported when a command runs
    from mujun.engine.evaluate import Evaluation, Summary
    from mujun.engine.policy import LoadedPolicy
    from mujun.engine.whatif import WhatIf


def _give_back_at_once() -> None:
    """DuckDB's own jemalloc and Arrow's mimalloc give freed pages back at once, as Polars' does
    (cli/main.py): they kept the pages of one query while the next allocated (a million rows'
    evaluation peaked at ≈ 1.3 GB instead of ≈ 1.1 GB; docs/benchmarks.md, "Around the engine").
    Only for ``evaluate`` and ``whatif``, one-shot commands, called before either library loads:
    a long-lived process (``mujun serve``) keeps their defaults, as DuckDB's giving the pages
    back costs each small evaluation about a third more CPU time (the demo county's).
    """
    os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", GIVE_BACK)
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")
    _fixed_mmap_threshold()


#: glibc's ``M_MMAP_THRESHOLD`` (malloc.h) and its default, 128 KiB
_M_MMAP_THRESHOLD, _MMAP_THRESHOLD = -3, 128 * 1024


def _fixed_mmap_threshold() -> None:
    """glibc's malloc (numpy's arrays) serves blocks of 128 KiB and more from their own mappings,
    given back when freed, but raises that threshold to the size of each such block freed (up to
    32 MiB), so that later temporaries come from its heap and their pages stay with the process:
    setting the threshold keeps it where it is (the 1M evaluation's peak ≈ 20 MB lower;
    docs/benchmarks.md, "Under 1 GB at 1,000,000 rows"). Nothing is done without glibc."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)


def _out() -> Console:
    """Standard output, sized when a command prints (the width is read from the terminal or
    ``COLUMNS`` then, not when the module was first imported)."""
    return Console(highlight=False)

Year = Annotated[int, typer.Option("--year", help="evaluation year Y")]
Data = Annotated[
    Path, typer.Option("--data", help="enterprise table (.csv, .xlsx or .parquet)", dir_okay=False)
]
Incidents = Annotated[
    Path | None,
    typer.Option("--incidents", help="incident table (uscc, year, type, date, note)",
                 dir_okay=False),
]
PolicyRef = Annotated[
    str | None,
    typer.Option("--policy", help="shipped policy name or YAML file [zhejiang-template]"),
]
Strict = Annotated[
    bool, typer.Option("--strict", help="fail with exit code 2 on any row error instead of "
                       "leaving the row out")
]
Engine = Annotated[
    str, typer.Option("--engine", help="duckdb (embedded, default) or spark")
]
SparkMaster = Annotated[
    str, typer.Option("--spark-master", help="Spark master URL for --engine spark")
]


def _run(
    year: int, data: Path, incidents: Path | None, loaded: LoadedPolicy, *, step: Step,
    strict: bool, engine: str = "duckdb", spark_master: str = DEFAULT_SPARK_MASTER,
) -> tuple[Evaluation, inputs.Inputs]:
    from mujun.engine.evaluate import EvaluationError, evaluate

    given = inputs.read_inputs(data, incidents, strict=strict)
    step(f"evaluating {year} with {loaded.policy.name} (评价)")
    try:
        ev = evaluate(
            given.enterprises, given.incidents, loaded, year,
            backend=inputs.backend(engine, spark_master), input_hash=given.input_hash,
        )
    except EvaluationError as exc:
        inputs.fail(str(exc))
    return ev, given


def _print_summary(s: Summary, errors: int, warnings: int) -> None:
    from mujun.engine.labels import GROUP_ZH
    from mujun.engine.policy import CLASSES
    from mujun.io.number_formats import mu

    table = Table(title=f"{s.year} 年度亩均效益综合评价 · {s.policy_name}", title_justify="left")
    table.add_column("组别 group")
    table.add_column("参评 evaluated", justify="right")
    for k in CLASSES:
        table.add_column(k, justify="right")
    table.add_column("一票否决 vetoed", justify="right")
    for group, g in s.groups.items():
        table.add_row(
            f"{GROUP_ZH.get(group, group)} {group}", str(g.evaluated),
            *(str(g.classes[k]) for k in CLASSES), str(g.vetoed),
        )
    _out().print(table)
    exempt = ", ".join(f"{k} {v}" for k, v in s.exempt.items()) or "none"
    _out().print(f"rows {s.rows}; exempt: {exempt}")
    _out().print(
        f"low-efficiency land (低效用地): {s.low_efficiency_count} enterprises, "
        f"{mu(s.low_efficiency_mu)} 亩"
    )
    _out().print(
        f"data warnings in results: {s.warnings}; input problems: {errors} row error(s) "
        f"left out, {warnings} warning(s)"
    )
    _out().print(f"policy hash {s.policy_hash}")
    _out().print(f"input hash  {s.input_hash}")


@app.command("evaluate")
def evaluate_command(
    year: Year,
    data: Data,
    out_file: Annotated[
        Path, typer.Option("--out", help="result file: .csv, .xlsx (Chinese headers) or .parquet",
                           dir_okay=False)
    ],
    incidents: Incidents = None,
    policy: PolicyRef = None,
    strict: Strict = False,
    engine: Engine = "duckdb",
    spark_master: SparkMaster = DEFAULT_SPARK_MASTER,
) -> None:
    """Evaluate every enterprise of one year and write one row per enterprise (spec §8).

    Prints the class mix per group (档次分布), the low-efficiency land (低效用地) and the hashes
    of the policy and the input. Row problems go to standard error with file, line and column.
    Exit codes: 0 done; 2 bad input (policy, unreadable file, --strict with row errors, output).

    Examples:

        mujun evaluate --year 2024 --data demo/enterprises-2024.csv --out r.xlsx
        mujun evaluate --year 2024 --data e.csv --incidents i.csv --out r.csv
        mujun evaluate --year 2024 --data e.csv --policy my-county.yaml --out r.csv
    """
    _give_back_at_once()
    refuse_pandas("evaluate", engine=engine)
    from mujun.engine.labels import column_headers_zh
    from mujun.io import OutputError, write_results

    loaded = inputs.policy(policy)
    with stages(f"reading {data.name}") as step:
        ev, given = _run(year, data, incidents, loaded, step=step, strict=strict, engine=engine,
                         spark_master=spark_master)
        # what is printed is taken now, so the writer runs without the input tables and the
        # detail columns (docs/benchmarks.md, "Around the engine": the writing's peak)
        summary, table, headers = ev.summary(), ev.table, column_headers_zh(ev.policy)
        errors, warnings = given.errors, given.warnings
        del ev, given
        step(f"writing {out_file.name}")
        try:
            written = write_results(table, out_file, headers_zh=headers)
        except OutputError as exc:
            inputs.fail(str(exc))
    _print_summary(summary, errors, warnings)
    _out().print(f"wrote {written}")


def _changes_table(result: WhatIf) -> Table:
    """One row per enterprise whose class changes; the scores are left out at narrow widths."""
    from mujun.io.number_formats import score

    table = Table(title=f"{len(result.changes)} enterprise(s) change class: "
                  f"{result.base_policy} → {result.other_policy}", title_justify="left")
    add_code_column(table)
    add_text_column(table, "企业名称 name")
    add_fixed_column(table, "档次 class")
    scores = _out().width >= NARROW
    if scores:
        add_fixed_column(table, "得分 score", right=True)
    for c in result.changes:
        row = [c.uscc, c.name or "", f"{c.class_before or '免评'} → {c.class_after or '免评'}"]
        if scores:
            row.append(f"{score(c.score_before)} → {score(c.score_after)}")
        table.add_row(*row)
    return table


@app.command("whatif")
def whatif_command(
    year: Year,
    data: Data,
    policy: Annotated[str, typer.Option("--policy", help="the policy in force (name or file)")],
    against: Annotated[str, typer.Option("--against", help="the changed policy to simulate")],
    incidents: Incidents = None,
    strict: Strict = False,
) -> None:
    r"""政策模拟 (what-if): list the enterprises whose class changes between two policies.

    Both policies evaluate the same data; give the same --incidents as `evaluate`, so that the
    "before" class mix is the one `evaluate` prints. At narrow widths the scores are left out.

    Examples:

        mujun whatif --year 2024 --data demo/enterprises-2024.csv \
            --incidents demo/incidents.csv \
            --policy zhejiang-template --against songyang-2024
        mujun whatif --year 2024 --data e.csv --incidents i.csv \
            --policy zhejiang-template --against my-county.yaml
    """
    _give_back_at_once()
    refuse_pandas("whatif")
    from mujun.engine.evaluate import EvaluationError, evaluate
    from mujun.engine.labels import GROUP_ZH
    from mujun.engine.policy import CLASSES
    from mujun.engine.whatif import compare

    base, other = inputs.policy(policy), inputs.policy(against)
    with stages(f"reading {data.name}") as step:
        before, given = _run(year, data, incidents, base, step=step, strict=strict)
        step(f"evaluating {year} with {other.policy.name} (评价)")
        try:
            after = evaluate(given.enterprises, given.incidents, other, year,
                             input_hash=given.input_hash)
        except EvaluationError as exc:
            inputs.fail(str(exc))
        result = compare(before, after)
    _out().print(_changes_table(result))
    mix = Table(title="class mix 档次分布 (before → after)", title_justify="left")
    mix.add_column("组别 group")
    for k in CLASSES:
        mix.add_column(k, justify="right")
    for group in sorted(set(result.mix_before) | set(result.mix_after)):
        b = result.mix_before.get(group, dict.fromkeys(CLASSES, 0))
        a = result.mix_after.get(group, dict.fromkeys(CLASSES, 0))
        mix.add_row(GROUP_ZH.get(group, group), *(f"{b[k]} → {a[k]}" for k in CLASSES))
    _out().print(mix)


@app.command("explain")
def explain_command(
    year: Year,
    data: Data,
    uscc: Annotated[str, typer.Option("--uscc", help="统一社会信用代码 of the enterprise")],
    incidents: Incidents = None,
    policy: PolicyRef = None,
) -> None:
    r"""Print one enterprise's full explanation (评价说明), in Chinese, for its owner.

    Each indicator with its value, benchmark and points; bonus and penalty; rank and class; the
    upgrade path (提档路径); the differentiated prices. Lines wrap between clauses.

    Example:

        mujun explain --year 2024 --data demo/enterprises-2024.csv \
            --incidents demo/incidents.csv --uscc 91331124754157362A
    """
    from mujun.engine.explain import explain as explain_one
    from mujun.engine.explain import render_zh
    from mujun.engine.uscc import normalize

    loaded = inputs.policy(policy)
    with stages(f"reading {data.name}") as step:
        ev, given = _run(year, data, incidents, loaded, step=step, strict=False)
    code = normalize(uscc)
    explanation = explain_one(ev, code, given.incidents)
    if explanation is None:
        inputs.fail(f"{code} is not in {data} (or its row has errors, reported above)")
    _out().print(wrap_text(render_zh(explanation), _out().width), markup=False, soft_wrap=True)
