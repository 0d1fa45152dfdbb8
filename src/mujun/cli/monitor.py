"""``mujun monitor``: the monitoring rules of docs/monitoring.md on a power file.

Stateless like ``mujun evaluate``: a power file in, one result file out, the count per level
printed. The rules are ``engine/monitoring``'s; the file is read by ``io/power.py``. The heavy
modules are imported inside the command, so ``mujun --help`` does not load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mujun.cli.main import app
from mujun.cli.pandas_free import refuse_pandas
from mujun.cli.progress import stages

DEFAULT_SPARK_MASTER = "local[*]"


@app.command("monitor")
def monitor_command(
    as_of: Annotated[str, typer.Option("--as-of", help="the month M monitored: YYYY-MM")],
    power: Annotated[Path, typer.Option(
        "--power", help="monthly power table: uscc, month, kwh (统一社会信用代码, 月份, "
        "用电量(千瓦时)); .csv, .xlsx or .parquet", dir_okay=False)],
    out_file: Annotated[Path, typer.Option(
        "--out", help="result file: .csv, .xlsx or .parquet", dir_okay=False)],
    policy: Annotated[str | None, typer.Option(
        "--policy", help="shipped policy name or YAML file; its monitoring: section "
        "[zhejiang-template]")] = None,
    engine: Annotated[str, typer.Option(
        "--engine", help="duckdb (embedded, default) or spark")] = "duckdb",
    spark_master: Annotated[str, typer.Option(
        "--spark-master", help="Spark master URL for --engine spark")] = DEFAULT_SPARK_MASTER,
) -> None:
    r"""电力监测: each enterprise's power signals and warning level as of month M.

    Writes one row per enterprise with a reading in or before M, ordered by credit code:
    uscc, kwh_3m, kwh_3m_last_year, yoy_3m, baseline, level (silent 数据中断, stopped 停产预警,
    declining 减产预警, normal 正常; docs/monitoring.md). Readings after M are ignored. Row
    errors are reported on standard error with their line and left out. Prints the count per
    level. Exit codes: 0 done; 2 bad input (month, policy, unreadable file, output).

    Examples:

        mujun monitor --as-of 2025-12 --power demo/power.csv --out monitor.csv
        mujun monitor --as-of 2025-12 --power power.parquet --engine spark \
            --spark-master local[4] --out monitor.parquet
    """
    from rich.console import Console
    from rich.table import Table

    refuse_pandas("monitor", engine=engine)

    from mujun.cli import inputs
    from mujun.engine.monitoring import count_levels, monitor, months
    from mujun.engine.monitoring.labels import LEVEL_ZH
    from mujun.io import InputError, OutputError, write_results
    from mujun.io.power import read_power

    month = months.parse(as_of)
    if month is None:
        inputs.fail(f"--as-of {as_of!r} is not a month (write it as 2025-12)")
    rules = inputs.policy(policy).policy.monitoring
    # a province's file takes seconds at each stage (docs/benchmarks.md, "Monitoring")
    with stages(f"reading {power.name}") as step:
        try:
            read = read_power(power, hashed=False)  # the command keeps no record of its input
        except InputError as exc:
            inputs.fail(str(exc))
        inputs.report_problems(read.problems)
        step(f"monitoring {read.table.num_rows} readings as of {months.text(month)} (电力监测)")
        backend = inputs.backend(engine, spark_master)
        result = monitor(read.table, month, rules, backend=backend)
        step(f"writing {out_file.name}")
        try:
            written = write_results(result, out_file)
        except OutputError as exc:
            inputs.fail(str(exc))
    counts = count_levels(result)
    out = Console(highlight=False)
    table = Table(title=f"电力监测 power monitoring as of {months.text(month)} · "
                        f"{result.num_rows} enterprises", title_justify="left")
    table.add_column("级别 level")
    table.add_column("企业 enterprises", justify="right")
    for level, n in counts.items():
        table.add_row(f"{LEVEL_ZH[level]} {level}", str(n))
    out.print(table)
    kept = read.table.num_rows
    out.print(f"readings: {kept} of {read.rows_read} rows; left out: {read.rows_read - kept} "
              f"rows ({len(read.errors)} row errors)")
    out.print(f"wrote {written}")
