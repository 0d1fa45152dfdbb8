"""What a 达产复核 freezes, gathered from the store, and how the rule reads it back.

The inputs are plain JSON records, each list in a fixed order, so that their hashes are the same
whenever the same data is frozen (docs/land.md, "达产复核 in the store"):

- ``commitments``: one per 标准地 commitment, by parcel code (land.md §3 keys);
- ``parcels``: the committed parcels' fields the rule reads (id, owner, zone, town, area, price,
  floor area);
- ``enterprises``: the owners' year-Y rows of the enterprise table (``services.snapshot``) with
  the fields the rule reads, the land fields raw (the engine derives ``land_mu``);
- ``projects``: ``[parcel_id, actual_investment_wan]`` of the projects on those parcels.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine import scope
from mujun.engine.land import Commitment, EnterpriseYear
from mujun.engine.land import Parcel as LandParcel
from mujun.services.snapshot import assemble
from mujun.store.models import Enterprise, Parcel, StandardLandCommitment

#: the enterprise fields a review freezes (the owners' rows only)
ENTERPRISE_FIELDS = ("uscc", "name", "town", "production_start", "tax_paid", "land_owned_m2",
                     "land_leased_in_m2", "land_leased_out_m2", "energy_tce", "value_added")
PARTS = ("commitments", "parcels", "enterprises", "projects")


def canonical_hash(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value`` (sorted keys, no spaces)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ReviewInputs:
    commitments: list[dict[str, Any]]
    parcels: list[dict[str, Any]]
    enterprises: list[dict[str, Any]]
    projects: list[list[Any]]

    def part(self, name: str) -> list[Any]:
        value: list[Any] = getattr(self, name)
        return value

    @property
    def hashes(self) -> dict[str, str]:
        return {name: canonical_hash(self.part(name)) for name in PARTS}

    @property
    def hash(self) -> str:
        """One hash over the four parts' hashes."""
        return canonical_hash(self.hashes)


def gather(session: Session, year: int) -> ReviewInputs:
    """The year's inputs as the store holds them now."""
    found = session.execute(
        select(StandardLandCommitment, Parcel, Enterprise.uscc)
        .join(Parcel, StandardLandCommitment.parcel_id == Parcel.id)
        .outerjoin(Enterprise, Parcel.owner_id == Enterprise.id)
        .order_by(Parcel.parcel_code)).all()
    commitments: list[dict[str, Any]] = []
    parcels: list[dict[str, Any]] = []
    for c, p, owner in found:
        commitments.append({
            "parcel_id": p.parcel_code, "owner_uscc": owner,
            "investment_intensity_wan_per_mu": c.investment_wan_per_mu,
            "plot_ratio": c.plot_ratio, "tax_per_mu_wan": c.tax_wan_per_mu,
            "energy_per_va_tce": c.energy_tce_per_wan,
            "years_to_attainment": c.review_after_years, "penalty_note": c.penalty})
        parcels.append({
            "parcel_id": p.parcel_code, "owner_uscc": owner, "zone": p.zone, "town": p.town,
            "area_m2": p.area_m2, "land_price_wan": getattr(p, "land_price_wan", None),
            "floor_area_m2": getattr(p, "floor_area_m2", None)})
    owners = {c["owner_uscc"] for c in commitments if c["owner_uscc"]}
    return ReviewInputs(commitments, parcels, _owner_rows(session, year, owners),
                        _projects(session, {p["parcel_id"] for p in parcels}))


def _owner_rows(session: Session, year: int, owners: set[str]) -> list[dict[str, Any]]:
    table = assemble(session, year).enterprises.select(list(ENTERPRISE_FIELDS))
    rows = [r for r in table.to_pylist() if r["uscc"] in owners]
    for r in rows:
        start = r["production_start"]
        r["production_start"] = start.isoformat() if start is not None else None
    return rows


def _projects(session: Session, parcel_ids: set[str]) -> list[list[Any]]:
    """``[parcel_id, actual_investment_wan]`` of the projects on the committed parcels."""
    del session, parcel_ids  # the store keeps no projects yet
    return []


# --- read back for the rule ---------------------------------------------------------------------


def commitments_of(inputs: ReviewInputs) -> list[Commitment]:
    return [Commitment(**c) for c in inputs.commitments]


def parcels_of(inputs: ReviewInputs) -> dict[str, LandParcel]:
    return {p["parcel_id"]: LandParcel(**p) for p in inputs.parcels}


def enterprise_years(inputs: ReviewInputs) -> dict[str, EnterpriseYear]:
    """The owners' rows as the rule reads them; ``land_mu`` by the evaluation's own rule."""
    if not inputs.enterprises:
        return {}
    table = pa.Table.from_pylist(inputs.enterprises, schema=pa.schema(
        [("uscc", pa.string()), ("land_owned_m2", pa.float64()),
         ("land_leased_in_m2", pa.float64()), ("land_leased_out_m2", pa.float64())]))
    t = ibis.memtable(table)
    land = dict(zip(*(t.mutate(land_mu=scope.land_mu(t)).select("uscc", "land_mu").to_pyarrow()
                      .column(c).to_pylist() for c in ("uscc", "land_mu")), strict=True))
    return {r["uscc"]: EnterpriseYear(
        production_start=(date.fromisoformat(r["production_start"])
                          if r["production_start"] else None),
        tax_paid=r["tax_paid"], land_mu=land[r["uscc"]], energy_tce=r["energy_tce"],
        value_added=r["value_added"]) for r in inputs.enterprises}


def names_of(inputs: ReviewInputs) -> dict[str, str | None]:
    return {r["uscc"]: r["name"] for r in inputs.enterprises}
