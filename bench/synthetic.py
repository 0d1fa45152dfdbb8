"""A synthetic county for benchmarks and reference tests: enterprises and incidents as Arrow tables.

``county(n, seed, year)`` returns ``(enterprises, incidents)`` matching the engine contract of
docs/architecture.md: the enterprise table has exactly the ``fields.FIELDS`` columns in order
(string / bool never null / date32 / float64, land fields 0 when empty), the incident table
``uscc: string, year: int64, type: string`` in "file" order. Everything is drawn with numpy from one
seed, so a (n, seed, year) triple always gives the same county; a million rows take about a second.

The spread is meant to exercise every rule: ~30 % above-scale, a few new enterprises and some with a
missing start date, some below 3 亩 or with no land at all, missing cells in every number field,
zero and (rarely) negative energy / emissions, negative tax (refunds), industries of very different
sizes (some below ``min_peers``), bonus flags, and incidents of year Y and Y−1 including vetoes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mujun.engine.fields import FIELDS, FieldType
from mujun.engine.uscc import ALPHABET, WEIGHTS

TOWNS = ("西屏街道", "水南街道", "望松街道", "古市镇", "象溪镇", "大东坝镇", "新兴镇", "玉岩镇",
         "斋坛乡", "赤寿乡", "樟溪乡", "三都乡")
#: GB/T 4754-2017 manufacturing major classes, with weights giving large and tiny industries
INDUSTRIES = ("13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "26", "27", "29", "30",
              "31", "32", "33", "34", "35", "36", "38", "39", "40", "41", "42", "43")
INCIDENT_TYPES = ("safety_general", "env_penalty", "safety_major", "env_major", "tax_serious",
                  "land_illegal")
_INCIDENT_P = (0.40, 0.40, 0.05, 0.05, 0.05, 0.05)
M2_PER_MU = 10000 / 15


def credit_codes(n: int, seed: int = 0) -> pa.Array:
    """n distinct valid 统一社会信用代码 of the region 331124 (松阳县), vectorised."""
    rng = np.random.default_rng(seed)
    # an affine bijection of 0..10^9-1 (multiplier coprime with 10): unique, random-looking codes
    body = (np.arange(n, dtype=np.int64) * 387_420_489 + int(rng.integers(10**9))) % 10**9
    values = np.empty((n, 17), dtype=np.int64)
    values[:, :8] = [9, 1, 3, 3, 1, 1, 2, 4]
    for pos in range(9):
        values[:, 16 - pos] = body % 10
        body //= 10
    c = 31 - (values * np.array(WEIGHTS)).sum(axis=1) % 31
    c[c == 31] = 0
    alphabet = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
    chars = np.empty((n, 18), dtype=np.uint8)
    chars[:, :17] = alphabet[values]
    chars[:, 17] = alphabet[c]
    return pa.array(chars.view("S18").ravel(), pa.binary(18)).cast(pa.string())


def _with_missing(rng: np.random.Generator, values: np.ndarray, share: float) -> pa.Array:
    mask = rng.random(len(values)) < share
    return pa.array(values, pa.float64(), mask=mask)


def _strings(prefix: str, numbers: np.ndarray) -> pa.Array:
    digits = pa.array(numbers.astype(np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, digits, "")


def enterprises(n: int, seed: int = 0, year: int = 2024) -> pa.Table:
    rng = np.random.default_rng(seed)
    above = rng.random(n) < 0.30

    # production start: mostly years before Y, ~2 % in year Y (exempt `new`), ~1 % missing
    first = np.datetime64("1985-01-01").astype(np.int64)
    last = np.datetime64(f"{year - 1}-12-31").astype(np.int64)
    days = rng.integers(first, last + 1, n)
    new = rng.random(n) < 0.02
    days[new] = rng.integers(np.datetime64(f"{year}-01-02").astype(np.int64),
                             np.datetime64(f"{year}-12-31").astype(np.int64), new.sum())
    start = pa.array(days.astype(np.int32), pa.int32(), mask=rng.random(n) < 0.01).cast(pa.date32())

    # land: above-scale ~40 亩 median, below-scale ~8 亩 (some under 3), a few with none
    mu = np.where(above, rng.lognormal(np.log(40), 0.9, n), rng.lognormal(np.log(8), 0.8, n))
    owned = np.round(mu * M2_PER_MU * (rng.random(n) < 0.85), 1)
    leased_in = np.where(owned == 0, np.round(mu * M2_PER_MU, 1),
                         np.where(rng.random(n) < 0.15, np.round(rng.random(n) * 3000, 1), 0.0))
    no_land = rng.random(n) < 0.01
    owned[no_land] = 0.0
    leased_in[no_land] = 0.0
    leased_out = np.where(rng.random(n) < 0.05, np.round(owned * rng.random(n) * 0.5, 1), 0.0)
    land_mu = (owned + leased_in - leased_out) / M2_PER_MU

    # money in 万元; per-mu levels spread over an order of magnitude
    size = land_mu * rng.lognormal(0, 0.7, n)
    above_revenue = np.maximum(size * 150, 2000 + rng.random(n) * 500)  # 规上: ≥ 2000 万元
    revenue = np.round(np.where(above, above_revenue, size * 40), 2)
    value_added = np.round(revenue * rng.uniform(0.12, 0.35, n), 2)
    tax = np.round(revenue * rng.uniform(0.005, 0.06, n), 2)
    refund = rng.random(n) < 0.01
    tax[refund] = -np.round(rng.random(refund.sum()) * 50, 2)
    does_rd = rng.random(n) < np.where(above, 0.8, 0.3)
    rd = np.round(revenue * rng.uniform(0, 0.05, n) * does_rd, 2)
    employees = np.round(np.maximum(1, revenue / rng.uniform(30, 120, n)))
    energy = np.round(revenue * rng.uniform(0.02, 0.4, n), 1)
    energy[rng.random(n) < 0.03] = 0.0
    energy[rng.random(n) < 0.0005] = -1.0  # a negative cell kept with a warning (§1)
    emissions = np.round(energy * rng.uniform(0.001, 0.02, n), 3)
    emissions[rng.random(n) < 0.05] = 0.0
    electricity = np.round(energy * rng.uniform(2500, 3500, n))
    water = np.round(revenue * rng.uniform(0.5, 5, n))
    land_tax = np.round(owned * rng.choice([3.0, 4.0, 6.0], n) / 10000, 4)

    industry_p = rng.dirichlet(np.full(len(INDUSTRIES), 0.6))
    industry = rng.choice(len(INDUSTRIES), n, p=industry_p)
    town_w = np.linspace(2, 1, len(TOWNS))
    town = rng.choice(len(TOWNS), n, p=town_w / town_w.sum())

    cols: dict[str, pa.Array] = {
        "uscc": credit_codes(n, seed),
        "name": _strings("松阳示范企业", np.arange(1, n + 1)),
        "town": pa.DictionaryArray.from_arrays(pa.array(town, pa.int32()), pa.array(TOWNS))
        .cast(pa.string()),
        "industry_code": pa.DictionaryArray.from_arrays(pa.array(industry, pa.int32()),
                                                        pa.array(INDUSTRIES)).cast(pa.string()),
        "above_scale": pa.array(above),
        "production_start": start,
        "land_owned_m2": pa.array(owned),
        "land_leased_in_m2": pa.array(leased_in),
        "land_leased_out_m2": pa.array(leased_out),
        "tax_paid": _with_missing(rng, tax, 0.02),
        "value_added": _with_missing(rng, value_added, 0.02),
        "revenue": _with_missing(rng, revenue, 0.01),
        "rd_expense": _with_missing(rng, rd, 0.03),
        "employees": _with_missing(rng, employees, 0.01),
        "energy_tce": _with_missing(rng, energy, 0.02),
        "emissions_t": _with_missing(rng, emissions, 0.03),
        "electricity_kwh": _with_missing(rng, electricity, 0.02),
        "water_t": _with_missing(rng, water, 0.05),
        "land_use_tax_due": _with_missing(rng, land_tax, 0.30),
        "high_tech": pa.array(rng.random(n) < np.where(above, 0.15, 0.02)),
        "specialized": pa.array(rng.random(n) < np.where(above, 0.10, 0.03)),
        "listed": pa.array(rng.random(n) < np.where(above, 0.03, 0.0)),
        "rd_center": pa.array(rng.random(n) < np.where(above, 0.08, 0.01)),
    }
    types = {FieldType.STR: pa.string(), FieldType.BOOL: pa.bool_(),
             FieldType.DATE: pa.date32(), FieldType.NUMBER: pa.float64()}
    schema = pa.schema([(f.key, types[f.type]) for f in FIELDS])
    return pa.table([cols[f.key] for f in FIELDS], schema=schema)


def incidents(uscc: pa.Array, seed: int = 0, year: int = 2024) -> pa.Table:
    """About 4 incidents per 100 enterprises, in shuffled "file" order; some of year Y−1."""
    rng = np.random.default_rng(seed + 1)
    n = len(uscc)
    count = rng.binomial(n, 0.04)
    who = rng.integers(0, n, count)
    tenth = count // 10
    who[:tenth] = who[tenth : 2 * tenth]  # repeats: several incidents for one enterprise
    years = np.where(rng.random(count) < 0.85, year, year - 1).astype(np.int64)
    types = rng.choice(len(INCIDENT_TYPES), count, p=_INCIDENT_P)
    order = rng.permutation(count)
    return pa.table({
        "uscc": uscc.take(pa.array(who[order])),
        "year": pa.array(years[order], pa.int64()),
        "type": pa.array(np.array(INCIDENT_TYPES, dtype=object)[types[order]], pa.string()),
    })


def county(n: int, seed: int = 0, year: int = 2024) -> tuple[pa.Table, pa.Table]:
    table = enterprises(n, seed, year)
    return table, incidents(table["uscc"].combine_chunks(), seed, year)


def to_rows(table: pa.Table) -> list[dict]:
    """The row-wise implementation's input form (floats, bools, dates, None)."""
    return table.to_pylist()
