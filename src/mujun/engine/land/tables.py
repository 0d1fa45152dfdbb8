"""The output tables of ``mujun land idle`` (land.md §2) and ``mujun land review`` (§3): exactly
their columns and order, one row per input parcel or commitment in input order, null where a
cell does not apply; and the figures their summaries print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from mujun.engine.land.idle import IDLE_STATUSES, IdleRow
from mujun.engine.land.parcels import round4
from mujun.engine.land.review import (
    DUE,
    MEASURES,
    PENALISED,
    REVIEW_STATUSES,
    ReviewRow,
    breaches_text,
)

IDLE_SCHEMA = pa.schema([
    ("parcel_id", pa.string()), ("owner_uscc", pa.string()), ("zone", pa.string()),
    ("area_mu", pa.float64()), ("agreed_start", pa.date32()),
    ("construction_start", pa.date32()), ("status", pa.string()),
    ("days_past_agreed", pa.int64()), ("idle_fee_wan", pa.float64()),
])
REVIEW_SCHEMA = pa.schema([
    ("parcel_id", pa.string()), ("owner_uscc", pa.string()), ("review_year", pa.int64()),
    ("review_status", pa.string()),
    *[f for m in MEASURES for f in ((f"committed_{m}", pa.float64()),
                                    (f"actual_{m}", pa.float64()),
                                    (f"status_{m}", pa.string()))],
    *[(f"penalty_{m}", pa.float64()) for m in PENALISED],
    ("total_penalty_wan", pa.float64()), ("breaches", pa.string()),
])


def idle_table(rows: Sequence[IdleRow]) -> pa.Table:
    return pa.Table.from_pylist([{
        "parcel_id": r.parcel.parcel_id, "owner_uscc": r.parcel.owner_uscc,
        "zone": r.parcel.zone, "area_mu": r.parcel.area_mu,
        "agreed_start": r.parcel.agreed_start,
        "construction_start": r.parcel.construction_start, "status": r.status,
        "days_past_agreed": r.days_past_agreed, "idle_fee_wan": r.idle_fee_wan,
    } for r in rows], schema=IDLE_SCHEMA)


def review_table(rows: Sequence[ReviewRow]) -> pa.Table:
    out = []
    for r in rows:
        row: dict[str, object] = {"parcel_id": r.parcel_id, "owner_uscc": r.owner_uscc,
                                  "review_year": r.review_year, "review_status": r.review_status}
        for m in MEASURES:
            result = r.measures[m]
            row |= {f"committed_{m}": result.committed, f"actual_{m}": result.actual,
                    f"status_{m}": result.status}
        row |= {f"penalty_{m}": r.measures[m].penalty_wan for m in PENALISED}
        row |= {"total_penalty_wan": r.total_penalty_wan, "breaches": breaches_text(r.breaches)}
        out.append(row)
    return pa.Table.from_pylist(out, schema=REVIEW_SCHEMA)


@dataclass(frozen=True)
class StatusCount:
    count: int = 0
    area_mu: float = 0.0


@dataclass(frozen=True)
class IdleSummary:
    #: every status of :data:`IDLE_STATUSES`, in that order (zero where none)
    statuses: dict[str, StatusCount]
    total_fee_wan: float


def idle_summary(rows: Sequence[IdleRow]) -> IdleSummary:
    statuses = {}
    for s in IDLE_STATUSES:
        hits = [r for r in rows if r.status == s]
        statuses[s] = StatusCount(len(hits), sum(r.parcel.area_mu for r in hits))
    return IdleSummary(statuses, round4(sum(r.idle_fee_wan or 0.0 for r in rows)))


@dataclass(frozen=True)
class ReviewSummary:
    #: commitments per review status
    statuses: dict[str, int]
    #: due reviews with at least one breach
    breached: int
    #: breaches per measure, in :data:`MEASURES` order
    breaches: dict[str, int] = field(default_factory=dict)
    #: Σ total_penalty_wan of the due reviews, and per penalised measure
    total_penalty_wan: float = 0.0
    penalties: dict[str, float] = field(default_factory=dict)


def review_summary(rows: Sequence[ReviewRow]) -> ReviewSummary:
    due = [r for r in rows if r.review_status == DUE]
    return ReviewSummary(
        statuses={s: sum(r.review_status == s for r in rows) for s in REVIEW_STATUSES},
        breached=sum(bool(r.breaches) for r in due),
        breaches={m: sum(m in r.breaches for r in due) for m in MEASURES},
        total_penalty_wan=round4(sum(r.total_penalty_wan or 0.0 for r in due)),
        penalties={m: round4(sum(r.measures[m].penalty_wan or 0.0 for r in due))
                   for m in PENALISED},
    )
