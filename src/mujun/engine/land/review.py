"""标准地 达产复核: the attainment review of standard-land commitments, land.md §3.

A commitment is reviewed in year ``R = year(production_start) + years_to_attainment`` of its
owner. Reviewing year Y, a ``due`` commitment (R = Y) has each committed measure compared with the
actual value of year Y; a breach of 投资强度, 容积率 or 亩均税收 costs a penalty (违约金, 万元),
a breach of 单位增加值能耗 calls for rectification (限期整改) and costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from mujun.engine.land.parcels import Parcel, round4
from mujun.engine.policy import LandRules

#: the measures, in the order of the output columns and of ``breaches``
MEASURES = ("investment_intensity", "plot_ratio", "tax_per_mu", "energy_per_va")
#: measures whose breach costs money (``penalty_<m>`` columns)
PENALISED = ("investment_intensity", "plot_ratio", "tax_per_mu")
UNKNOWN, DUE, NOT_YET, PAST = "unknown", "due", "not_yet", "past"
REVIEW_STATUSES = (UNKNOWN, DUE, NOT_YET, PAST)
NOT_COMMITTED, MISSING, ATTAINED, BREACH = "not_committed", "missing", "attained", "breach"
MEASURE_STATUSES = (NOT_COMMITTED, MISSING, ATTAINED, BREACH)


@dataclass(frozen=True)
class Commitment:
    """One row of the 标准地 commitments; an empty value means that measure is not committed."""

    parcel_id: str
    owner_uscc: str | None = None
    investment_intensity_wan_per_mu: float | None = None
    plot_ratio: float | None = None
    tax_per_mu_wan: float | None = None
    energy_per_va_tce: float | None = None
    years_to_attainment: int | None = None
    penalty_note: str | None = None

    def committed(self, measure: str) -> float | None:
        return {
            "investment_intensity": self.investment_intensity_wan_per_mu,
            "plot_ratio": self.plot_ratio,
            "tax_per_mu": self.tax_per_mu_wan,
            "energy_per_va": self.energy_per_va_tce,
        }[measure]


@dataclass(frozen=True)
class EnterpriseYear:
    """What the review needs of an enterprise's year-Y row (evaluation.md §1); ``land_mu`` is the
    derived whole land of the enterprise, computed by the evaluation's own rule."""

    production_start: date | None = None
    tax_paid: float | None = None
    land_mu: float | None = None
    energy_tce: float | None = None
    value_added: float | None = None


@dataclass(frozen=True)
class MeasureResult:
    committed: float | None
    #: the actual value rounded to 4 decimals; None when missing or the review is not due
    actual: float | None
    #: not_committed, missing, attained or breach; None when the review is not due
    status: str | None
    #: 违约金 in 万元 for a breach of a penalised measure (None otherwise)
    penalty_wan: float | None = None


@dataclass(frozen=True)
class ReviewRow:
    """One commitment's line of ``mujun land review``."""

    parcel_id: str
    owner_uscc: str | None
    review_year: int | None
    review_status: str
    measures: dict[str, MeasureResult]
    #: Σ of the present penalties (0 when none) for due rows; None otherwise
    total_penalty_wan: float | None
    #: the breached measures in :data:`MEASURES` order
    breaches: tuple[str, ...]


def review(
    commitments: Iterable[Commitment], parcels: Iterable[Parcel] | Mapping[str, Parcel],
    enterprises: Mapping[str, EnterpriseYear],
    projects: Iterable[tuple[str, float | None]], *, year: int, rules: LandRules,
) -> list[ReviewRow]:
    """Review every commitment for ``year``, in input order.

    ``enterprises`` maps a credit code to its year-Y row; ``projects`` are
    ``(parcel_id, actual_investment_wan)`` pairs (a pair without an amount adds nothing). A
    commitment naming a parcel not in ``parcels`` is a :class:`KeyError` (the reader refuses such
    rows first)."""
    by_id = parcels if isinstance(parcels, Mapping) else {p.parcel_id: p for p in parcels}
    investment: dict[str, float] = defaultdict(float)
    for parcel_id, amount in projects:
        if amount is not None:
            investment[parcel_id] += amount
    return [review_one(c, by_id[c.parcel_id], enterprises, investment, year=year, rules=rules)
            for c in commitments]


def review_one(
    c: Commitment, parcel: Parcel, enterprises: Mapping[str, EnterpriseYear],
    investment: Mapping[str, float], *, year: int, rules: LandRules,
) -> ReviewRow:
    """One commitment; ``investment`` is Σ actual investment (万元) per parcel with projects.

    The owner is the commitment's ``owner_uscc``, else the parcel's."""
    owner = c.owner_uscc or parcel.owner_uscc
    row = enterprises.get(owner) if owner else None
    if row is None or row.production_start is None or c.years_to_attainment is None:
        return _not_reviewed(c, owner, None, UNKNOWN)
    due_year = row.production_start.year + c.years_to_attainment
    if due_year != year:
        return _not_reviewed(c, owner, due_year, NOT_YET if due_year > year else PAST)
    actuals = _actuals(parcel, row, investment.get(parcel.parcel_id))
    measures = {m: _measure(m, c.committed(m), actuals[m], parcel, rules) for m in MEASURES}
    penalties = [r.penalty_wan for r in measures.values() if r.penalty_wan is not None]
    return ReviewRow(c.parcel_id, owner, due_year, DUE, measures, round4(sum(penalties)),
                     tuple(m for m in MEASURES if measures[m].status == BREACH))


def _not_reviewed(c: Commitment, owner: str | None, due_year: int | None,
                  status: str) -> ReviewRow:
    measures = {m: MeasureResult(c.committed(m), None, None) for m in MEASURES}
    return ReviewRow(c.parcel_id, owner, due_year, status, measures, None, ())


def _actuals(parcel: Parcel, row: EnterpriseYear,
             invested: float | None) -> dict[str, float | None]:
    """Each measure's actual value, rounded to 4 decimals before it is compared or used."""
    values: dict[str, float | None] = {
        "investment_intensity": None if invested is None else invested / parcel.area_mu,
        "plot_ratio": (None if parcel.floor_area_m2 is None
                       else parcel.floor_area_m2 / parcel.area_m2),
        "tax_per_mu": (None if row.tax_paid is None or row.land_mu is None or row.land_mu <= 0
                       else row.tax_paid / row.land_mu),
        "energy_per_va": (None if row.energy_tce is None or row.value_added is None
                          or row.value_added <= 0 else row.energy_tce / row.value_added),
    }
    return {m: None if v is None else round4(v) for m, v in values.items()}


def _measure(measure: str, committed: float | None, actual: float | None, parcel: Parcel,
             rules: LandRules) -> MeasureResult:
    if committed is None:
        return MeasureResult(None, actual, NOT_COMMITTED)
    if actual is None:
        return MeasureResult(committed, None, MISSING)
    attained = actual <= committed if measure == "energy_per_va" else actual >= committed
    if attained:
        return MeasureResult(committed, actual, ATTAINED)
    return MeasureResult(committed, actual, BREACH, _penalty(measure, committed, actual, parcel,
                                                             rules))


def _penalty(measure: str, committed: float, actual: float, parcel: Parcel,
             rules: LandRules) -> float | None:
    """违约金 of a breach, 万元, rounded to 4 decimals (None when no money is due or the land
    price it is a share of is not given)."""
    if measure == "tax_per_mu":
        return round4(rules.tax_penalty_multiplier * (committed - actual) * parcel.area_mu)
    if measure not in PENALISED or parcel.land_price_wan is None:
        return None
    multiplier = (rules.investment_penalty_multiplier if measure == "investment_intensity"
                  else rules.plot_ratio_penalty_multiplier)
    return round4(parcel.land_price_wan * (committed - actual) / committed * multiplier)


def breaches_text(breaches: Sequence[str]) -> str | None:
    """The ``breaches`` cell: ``;``-separated, empty when none."""
    return ";".join(breaches) or None
