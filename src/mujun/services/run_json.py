"""A run's rows as JSON text, column by column (Polars), for a province's 100,000 rows at once.

Two texts a run writes for every result: the results hash (SHA-256 of the rows as
``json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``, the text earlier
runs were hashed from, so it must come out byte for byte the same) and each row's explanation (the
mapping ``engine.explain.explain_all`` gives, stored in a JSON column: any text that reads back to
the same mapping). Python's ``json`` takes about 25 µs a row for each; Polars writes the same JSON
for strings, integers, booleans, nulls and numbers, except a number between 0 and 1e-4 (Polars
``0.00001``, Python ``1e-05``) and a number that is not finite: rows holding one are written by
``json`` (``tests/store/test_run_json.py`` holds the two writers to the same text).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl
import pyarrow as pa

from mujun.engine.evaluate import Evaluation
from mujun.engine.explain import EXEMPT, Explainer, incidents_by_uscc
from mujun.engine.tables import UNREACHABLE

#: below this (and above 0) Polars writes a number positionally where Python uses an exponent
_POSITIONAL_BELOW = 1e-4


def jsonable(value: Any) -> Any:
    """JSON has no NaN/inf; the engine gives none, but a stored row must never fail to store."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def row_text(row: dict[str, Any]) -> str:
    """One row as the results hash writes it."""
    return json.dumps({k: jsonable(v) for k, v in row.items()}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))


def results_hash(rows: Iterable[dict[str, Any]]) -> str:
    """SHA-256 of the rows as one JSON list (sorted keys, no spaces), written a row at a time
    (the same text as ``json.dumps`` of the whole list gives)."""
    digest = hashlib.sha256(b"[")
    for i, row in enumerate(rows):
        digest.update((b"," if i else b"") + row_text(row).encode())
    digest.update(b"]")
    return digest.hexdigest()


def _unlike_python(frame: pl.DataFrame) -> pl.Series:
    """Rows holding a number Polars writes otherwise than ``json.dumps``."""
    odd = [(~pl.col(c).is_finite() | ((pl.col(c).abs() < _POSITIONAL_BELOW) & (pl.col(c) != 0)))
           .fill_null(False) for c, t in frame.schema.items() if t.is_float()]
    if not odd:
        return pl.Series([False] * frame.height, dtype=pl.Boolean)
    return frame.select(pl.any_horizontal(odd)).to_series()


def table_results_hash(table: pa.Table, batch: int = 20_000) -> str:
    """:func:`results_hash` of the table's rows (``table.to_pylist()``), column-wise."""
    whole = pl.from_arrow(table)
    assert isinstance(whole, pl.DataFrame)
    digest = hashlib.sha256(b"[")
    for start in range(0, whole.height, batch):
        frame = whole.slice(start, batch)
        texts = frame.select(pl.struct(sorted(frame.columns)).struct.json_encode()).to_series()
        odd = _unlike_python(frame).arg_true()
        if len(odd):
            rows = table.slice(start, batch).take(pa.array(odd.to_list())).to_pylist()
            texts = texts.scatter(odd, [row_text(r) for r in rows])
        digest.update((b"," if start else b"") + texts.str.join(",").item().encode())
    digest.update(b"]")
    return digest.hexdigest()


def _fields(**columns: pl.Expr) -> pl.Expr:
    """The JSON members of ``columns`` in order, without the braces (to be joined with others)."""
    return (pl.struct([e.alias(k) for k, e in columns.items()]).struct.json_encode()
            .str.strip_prefix("{").str.strip_suffix("}"))


def _members(values: dict[str, Any]) -> str:
    """Constant JSON members, without the braces."""
    return json.dumps(values, ensure_ascii=False)[1:-1]


def _split(column: str, sep: str) -> pl.Expr:
    """``text.split(sep) if text else []``."""
    text = pl.col(column)
    return (pl.when(text.is_null() | (text == "")).then(pl.lit([], dtype=pl.List(pl.String)))
            .otherwise(text.str.split(sep)))


def _lines(explainer: Explainer, group: str) -> pl.Expr:
    """The group's indicator lines (``Explainer.as_dict``) as a JSON list: each indicator's
    constant members around the texts of its numbers (``v_…``, ``p_…``, built once for every
    group that has the indicator)."""
    parts: list[pl.Expr] = [pl.lit("[")]
    for n, (ind_id, head, tail) in enumerate(explainer.indicators[group]):
        parts += [pl.lit(("," if n else "") + "{" + _members(head) + ","), pl.col(f"v_{ind_id}"),
                  pl.lit("," + _members(tail) + ","), pl.col(f"p_{ind_id}"), pl.lit("}")]
    return pl.concat_str([*parts, pl.lit("]")])


def _pairs(pairs: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """A JSON list of ``[key, points]`` pairs, each present where its condition holds."""
    if not pairs:
        return pl.lit("[]")
    items = pl.concat_list([pl.when(when).then(pl.lit(text)) for text, when in pairs])
    return pl.concat_str(pl.lit("["), items.list.drop_nulls().list.join(","), pl.lit("]"))


def _numbers(explainer: Explainer, warnings: pl.Expr) -> dict[str, pl.Expr]:
    """Each indicator's row-dependent members: ``v_<id>`` (value, benchmark, ratio) and
    ``p_<id>`` (points and the indicator's warnings, ``Explainer.as_dict``)."""
    out = {}
    for ind_id in dict.fromkeys(i for lines in explainer.indicators.values() for i, _, _ in lines):
        mine = warnings.list.eval(pl.element().filter(pl.element().str.starts_with(f"{ind_id}:")))
        warning = mine.list.join("; ")
        out[f"v_{ind_id}"] = _fields(value=pl.col(f"value_{ind_id}"),
                                     benchmark=pl.col(f"benchmark_{ind_id}"),
                                     ratio=pl.col(f"ratio_{ind_id}"))
        out[f"p_{ind_id}"] = _fields(points=pl.col(f"score_{ind_id}"),
                                     warning=pl.when(warning == "").then(None).otherwise(warning))
    return out


def explanation_texts(ev: Evaluation, incidents: pa.Table | None,
                      batch: int = 5_000) -> Iterator[pl.Series] | None:
    """Every row's explanation as JSON text, in the table's order, ``batch`` rows at a time
    (a province's texts at once would take hundreds of megabytes), reading back to what
    ``engine.explain.explain_all`` gives; None when a number is not finite (then the caller
    writes ``explain_all``'s mappings with ``json``)."""
    detail = pl.from_arrow(ev.detail)
    assert isinstance(detail, pl.DataFrame)
    finite = [pl.col(c).is_finite().fill_null(True) for c, t in detail.schema.items()
              if t.is_float()]
    if finite and not detail.select(pl.all_horizontal(finite).all()).item():
        return None
    explainer = Explainer(ev)
    warnings = _split("warnings", "; ")
    penalties = {code: "[" + ",".join(json.dumps([t, explainer.penalty[t]], ensure_ascii=False)
                                      for t in types if t in explainer.penalty) + "]"
                 for code, types in incidents_by_uscc(incidents, ev.year).items()}
    extra = pl.col("extra_tax_to_next_class_wan")
    parts = dict(
        head=_fields(uscc=pl.col("uscc"), name=pl.col("name"), year=pl.lit(ev.year),
                     policy_name=pl.lit(ev.policy.name), policy_hash=pl.lit(explainer.hash),
                     group=pl.col("group"), exempt_reason=pl.col("exempt_reason")),
        group=pl.col("group"),
        base=_fields(base_score=pl.col("base_score")),
        bonus_flags=_pairs([(json.dumps([f, p]), pl.col(f).fill_null(False))
                            for f, p in explainer.bonus if f in detail.columns]),
        bonus=_fields(bonus=pl.col("bonus")),
        penalties=pl.col("uscc").replace_strict(penalties, default="[]",
                                                return_dtype=pl.String),
        tail=_fields(
            penalty=pl.col("penalty"), raw_score=pl.col("raw_score"), score=pl.col("score"),
            vetoed=pl.col("vetoed"), veto_reason=_split("veto_reason", ";"),
            rank=pl.col("rank"), population_size=pl.col("population_size"),
            klass=pl.col("class"), next_class=pl.col("next_class"),
            extra_tax_wan=pl.when(extra.is_null() | (extra == UNREACHABLE)).then(None)
            .otherwise(extra.cast(pl.Float64)),
            unreachable=(extra == UNREACHABLE).fill_null(False),
            electricity_surcharge_wan=pl.col("electricity_surcharge_wan"),
            water_surcharge_wan=pl.col("water_surcharge_wan"),
            land_tax_reduction_wan=pl.col("land_tax_reduction_wan"),
            low_efficiency=pl.col("low_efficiency"), land_mu=pl.col("land_mu"),
            warnings=warnings),
        **_numbers(explainer, warnings),
    )
    lines: pl.Expr = pl.lit("[]")
    for name in explainer.indicators:
        lines = pl.when(pl.col("group") == name).then(_lines(explainer, name)).otherwise(lines)
    classed = pl.concat_str(
        pl.lit(', "indicators": '), lines, pl.lit(","), pl.col("base"),
        pl.lit(', "bonus_flags": '), pl.col("bonus_flags"), pl.lit(","), pl.col("bonus"),
        pl.lit(", " + _members({"bonus_cap": explainer.bonus_cap}) + ', "penalties": '),
        pl.col("penalties"), pl.lit(","), pl.col("tail"))
    exempt = ", " + _members({k: v for k, v in EXEMPT.items() if k not in _HEAD})
    text = pl.concat_str(pl.lit("{"), pl.col("head"),
                         pl.when(pl.col("group").is_null()).then(pl.lit(exempt))
                         .otherwise(classed), pl.lit("}"))
    return (detail.slice(start, batch).select(**parts).select(text.alias("explanation"))
            .to_series() for start in range(0, detail.height, batch))


#: the members every explanation begins with (the exempt one continues with ``EXEMPT``'s rest)
_HEAD = ("uscc", "name", "year", "policy_name", "policy_hash", "group", "exempt_reason")
