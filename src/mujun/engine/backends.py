"""Where the rules run: an embedded DuckDB by default, Apache Spark for province-scale work.

The rules are ibis expressions, so the same code compiles to either backend; this module
connects, hands the input tables over and runs the queries of ``engine/query.py`` through ibis
(DuckDB itself runs their compiled SQL: ``engine/plan.py``, ``engine/embedded.py``).
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from mujun.engine.policy import Policy
from mujun.engine.tables import as_fetched, in_input_order, with_inputs

if TYPE_CHECKING:
    import ibis
    from ibis.backends import BaseBackend

from mujun.engine.defaults import DEFAULT_SPARK_MASTER


def duckdb() -> BaseBackend:
    import ibis

    return ibis.duckdb.connect()


def spark(master: str = DEFAULT_SPARK_MASTER, **conf: str) -> BaseBackend:
    """An ibis PySpark backend on a (possibly existing) Spark session at ``master``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "the Spark engine needs the 'spark' extra: pip install 'mujun[spark]'"
        ) from exc
    builder: Any = (
        SparkSession.builder.master(master)
        .appName("mujun")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.ansi.enabled", "false")
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    import ibis

    return ibis.pyspark.connect(builder.getOrCreate())


def is_spark(backend: BaseBackend) -> bool:
    return backend.name == "pyspark"


class TableLoader:
    """Registers Arrow tables with a backend; Spark reads them from Parquet files it can reach."""

    def __init__(self, backend: BaseBackend):
        self.backend = backend
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._stages: list[str] = []
        self._views: list[str] = []
        self._registered: list[str] = []

    def _con(self) -> Any:
        return self.backend.con

    def fetch(self, expr: ibis.Table) -> pa.Table:
        """Run a query and return its result as Arrow (compiled once, no type conversion pass)."""
        if is_spark(self.backend):
            return self.backend.to_pyarrow(expr)
        result = self._con().sql(self.backend.compile(expr)).to_arrow_table()
        return as_fetched(result, expr.schema().to_pyarrow())

    def load(self, table: pa.Table, stem: str) -> ibis.Table:
        import ibis

        name = f"mujun_{stem}_{uuid.uuid4().hex[:12]}"
        if not is_spark(self.backend):
            # DuckDB scans the Arrow memory in place: no copy of the input. DuckDB knows no row
            # count for an Arrow scan, so queries over it avoid joins with other large tables.
            self._con().register(name, table)
            self._registered.append(name)
            return ibis.table(ibis.Schema.from_pyarrow(table.schema), name=name)
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="mujun-spark-")
        path = Path(self._tmp.name) / f"{name}.parquet"
        pq.write_table(table, path)
        return self.backend.read_parquet(str(path), table_name=name)

    def cache(self, expr: ibis.Table | None, *, in_order: bool = False) -> ibis.Table | None:
        """Materialise an intermediate result once on this backend; dropped by ``close``.

        ``in_order``: on DuckDB the query runs on one thread, so floating-point sums add the rows
        in input order and give the same bits on every run (partial sums of parallel threads are
        combined in whatever order the threads finish).
        """
        if expr is None:
            return None
        name = f"mujun_stage_{uuid.uuid4().hex[:12]}"
        if is_spark(self.backend):
            self.backend.create_view(name, expr, overwrite=True)
            self.backend._session.catalog.cacheTable(name)
            self._stages.append(name)
            return self.backend.table(name)
        import ibis

        sql = self.backend.compile(expr)
        con = self._con()
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0] if in_order else 0
        try:
            if in_order:
                con.execute("SET threads = 1")
            con.execute(f'CREATE TEMPORARY TABLE "{name}" AS {sql}')
        finally:
            if in_order:
                con.execute(f"SET threads = {int(threads)}")
        self._stages.append(name)
        return ibis.table(expr.schema(), name=name)

    def view(self, expr: ibis.Table) -> ibis.Table:
        """Name an expression as a view, so later queries compile a reference, not the tree."""
        name = f"mujun_view_{uuid.uuid4().hex[:12]}"
        self.backend.create_view(name, expr, overwrite=True)
        self._views.append(name)
        return self.backend.table(name)

    def close(self) -> None:
        for name in self._registered:
            self._con().unregister(name)
        self._registered.clear()
        for name in reversed(self._views):
            self.backend.drop_view(name, force=True)
        self._views.clear()
        for name in self._stages:
            if is_spark(self.backend):
                self.backend._session.catalog.uncacheTable(name)
                self.backend.drop_view(name, force=True)
            else:
                self._con().execute(f'DROP TABLE IF EXISTS "{name}"')
        self._stages.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def run(
    backend: BaseBackend, canonical: pa.Table, incidents: pa.Table, policy: Policy, year: int
) -> tuple[pa.Table, pa.Table]:
    """The queries of ``engine/query.py`` through ibis on ``backend`` (as ``embedded.run``):
    the wide result and the class columns, both in input order."""
    from mujun.engine import query

    loader = TableLoader(backend)
    try:
        ent = loader.load(canonical, "enterprises")
        inc = loader.load(incidents, "incidents")
        wide = query.wide_query(ent, inc, policy, year, loader.cache)
        computed = in_input_order(loader.fetch(wide.expr))
        result = with_inputs(computed, canonical, wide.passed_schema.to_pyarrow())
        narrow = loader.load(result.select(wide.inputs), "scores")
        classes = in_input_order(loader.fetch(query.class_query(narrow, wide.effects, policy,
                                                                loader.cache)))
    finally:
        loader.close()
    return result, classes
