"""The year-Y enterprise rows the 标准地 review reads (land.md §3), from an enterprise table of
evaluation.md §1 — ``land_mu`` by the evaluation's own rule (``engine/scope.land_mu``)."""

from __future__ import annotations

import ibis
import pyarrow as pa

from mujun.engine import backends, scope
from mujun.engine.land.review import EnterpriseYear

_NEEDED = ("uscc", "production_start", "tax_paid", "energy_tce", "value_added",
           "land_owned_m2", "land_leased_in_m2", "land_leased_out_m2")


def enterprise_years(enterprises: pa.Table) -> dict[str, EnterpriseYear]:
    """Credit code → :class:`EnterpriseYear` for every row of ``enterprises`` (a table with the
    canonical columns, as :func:`mujun.io.read_enterprises` gives it; codes are unique there)."""
    t = ibis.memtable(enterprises.select(list(_NEEDED)))
    t = t.mutate(land_mu=scope.land_mu(t))
    rows = backends.duckdb().to_pyarrow(
        t.select("uscc", "production_start", "tax_paid", "land_mu", "energy_tce",
                 "value_added")).to_pylist()
    return {r.pop("uscc"): EnterpriseYear(**r) for r in rows}
