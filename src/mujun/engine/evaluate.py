"""One evaluation: the rules of evaluation.md applied to a year's table, as columnar queries.

``evaluate`` runs the queries of ``engine/query.py`` (scope, indicators, adjustments, classing,
pricing) on the chosen backend and returns the §8 table together with a detail table (ratios, raw
score, land) that the explanation and the store use. On the embedded DuckDB (the default) the
queries are compiled once per policy and year (``engine/plan.py``) and run directly over Arrow
(``engine/embedded.py``); on Spark the same expressions run through ibis.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from mujun.engine import embedded, plan, prepared, tables
from mujun.engine.columns import (
    CLASS_COLUMNS,
    DETAIL_COLUMNS,
    HEAD_COLUMNS,
    TAIL_COLUMNS,
    output_columns,
    ratio_columns,
)
from mujun.engine.policy import CLASSES, LoadedPolicy, Policy, policy_hash
from mujun.engine.tables import INCIDENT_SCHEMA, UNREACHABLE, EvaluationError

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

__all__ = [
    "CLASS_COLUMNS",
    "DETAIL_COLUMNS",
    "HEAD_COLUMNS",
    "INCIDENT_SCHEMA",
    "TAIL_COLUMNS",
    "UNREACHABLE",
    "Evaluation",
    "EvaluationError",
    "GroupSummary",
    "Summary",
    "evaluate",
    "output_columns",
    "summarize",
    "table_hash",
]


@dataclass(frozen=True)
class GroupSummary:
    evaluated: int
    classes: dict[str, int]
    vetoed: int


@dataclass(frozen=True)
class Summary:
    year: int
    policy_name: str
    policy_hash: str
    input_hash: str
    rows: int
    exempt: dict[str, int]
    groups: dict[str, GroupSummary]
    low_efficiency_count: int
    low_efficiency_mu: float
    warnings: int


@dataclass(frozen=True)
class Evaluation:
    year: int
    policy: Policy
    table: pa.Table
    detail: pa.Table
    input_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> Summary:
        return summarize(self)

    def row(self, uscc: str) -> dict[str, Any] | None:
        """The §8 row and detail of one enterprise, merged, or None when it is not in the table."""
        at = self._positions.get(uscc)
        return None if at is None else self.detail.slice(at, 1).to_pylist()[0]

    @cached_property
    def _positions(self) -> dict[str, int]:
        """Each credit code's first row (built once: a lookup per enterprise, not a scan)."""
        positions: dict[str, int] = {}
        for at, code in enumerate(self.detail["uscc"].to_pylist()):
            positions.setdefault(code, at)
        return positions


def table_hash(table: pa.Table) -> str:
    """SHA-256 of an Arrow table's contents (schema and values), independent of chunking."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def evaluate(
    enterprises: pa.Table,
    incidents: pa.Table | None,
    policy: Policy | LoadedPolicy,
    year: int,
    *,
    backend: BaseBackend | None = None,
    input_hash: str = "",
) -> Evaluation:
    """Evaluate one year: the §8 table (``.table``) in input order, and its detail (``.detail``)."""
    if isinstance(policy, LoadedPolicy):
        policy = policy.policy
    if not policy.applies_to(year):
        to = policy.years.to if policy.years.to is not None else "…"
        raise EvaluationError(
            f"policy {policy.name} applies to {policy.years.from_}–{to}, not to {year}"
        )
    canonical = tables.canonical(enterprises)
    incident_table = tables.incidents_table(incidents)
    if backend is None and canonical.num_rows <= prepared.PREPARED_MAX_ROWS:
        compiled = prepared.plan_for(policy, year, canonical.schema, incident_table.schema)
        result, classes = prepared.run(compiled, canonical, incident_table)
    elif backend is None or backend.name == "duckdb":
        compiled = plan.plan_for(policy, year, canonical.schema, incident_table.schema)
        con = backend.con if backend is not None else None
        result, classes = embedded.run(compiled, canonical, incident_table, con)
    else:
        from mujun.engine import backends

        result, classes = backends.run(backend, canonical, incident_table, policy, year)
    return _assembled(result, classes, policy, year, input_hash)


def _assembled(
    result: pa.Table, classes: pa.Table, policy: Policy, year: int, input_hash: str
) -> Evaluation:
    """The wide columns and the class columns (both in input order) laid side by side."""
    columns = output_columns(policy)
    ratio_cols = ratio_columns(policy)
    wide = [
        c
        for c in (*columns, *DETAIL_COLUMNS, *ratio_cols)
        if c not in CLASS_COLUMNS and c != "extra_tax_to_next_class_wan"
    ]
    result = result.select(wide)
    for name in CLASS_COLUMNS:
        result = result.append_column(name, classes[name])
    result = result.append_column("extra_tax_to_next_class_wan", tables.extra_tax_text(result))
    table = result.select(columns)
    detail = result.select([*columns, *DETAIL_COLUMNS, *ratio_cols])
    return Evaluation(year=year, policy=policy, table=table, detail=detail, input_hash=input_hash)


def _count(values: pa.ChunkedArray) -> dict[Any, int]:
    """How many times each value occurs (nulls left out)."""
    counts = pc.value_counts(values.drop_null())
    return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(),
                    strict=True))


def summarize(ev: Evaluation) -> Summary:
    """The class mix per group, exemptions, low-efficiency land and warnings (columnar)."""
    detail = ev.detail
    groups: dict[str, GroupSummary] = {}
    mix = detail.select(["group", "class", "vetoed"])
    for group in ev.policy.groups:
        rows = mix.filter(pc.equal(mix["group"], group))
        classes = _count(rows["class"])
        groups[group] = GroupSummary(
            evaluated=rows.num_rows,
            classes={k: classes.get(k, 0) for k in CLASSES},
            vetoed=_count(rows["vetoed"]).get(True, 0),
        )
    low = pc.fill_null(detail["low_efficiency"], False)
    texts = detail["warnings"]
    texts = texts.filter(pc.fill_null(pc.not_equal(texts, ""), False))
    # each text is "; "-separated pieces: one more piece than separators
    pieces = (pc.sum(pc.count_substring(texts, "; ")).as_py() or 0) + len(texts)
    return Summary(
        year=ev.year,
        policy_name=ev.policy.name,
        policy_hash=policy_hash(ev.policy),
        input_hash=ev.input_hash or table_hash(ev.table.select(["uscc"])),
        rows=ev.table.num_rows,
        exempt=dict(sorted(_count(detail["exempt_reason"]).items())),
        groups=groups,
        low_efficiency_count=pc.sum(low.cast(pa.int64())).as_py() or 0,
        # added in row order, as Python adds them (the cockpit's figure is the same sum)
        low_efficiency_mu=sum(detail["land_mu"].filter(low).to_pylist()),
        warnings=pieces,
    )
