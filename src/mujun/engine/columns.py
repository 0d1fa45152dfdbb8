"""The columns of an evaluation's result (evaluation.md §8) and of its detail table."""

from __future__ import annotations

from mujun.engine.fields import BONUS_FLAGS
from mujun.engine.policy import Policy

HEAD_COLUMNS = (
    "uscc",
    "name",
    "group",
    "exempt_reason",
    "vetoed",
    "veto_reason",
    "score",
    "base_score",
    "bonus",
    "penalty",
    "rank",
    "class",
)
TAIL_COLUMNS = (
    "electricity_surcharge_wan",
    "water_surcharge_wan",
    "land_tax_reduction_wan",
    "low_efficiency",
    "next_class",
    "extra_tax_to_next_class_wan",
    "warnings",
)
#: detail columns kept beside §8 for explanations (ratios are added per indicator)
DETAIL_COLUMNS = (
    "land_mu",
    "raw_score",
    "population_size",
    "tax_paid",
    "industry_code",
    "town",
    *BONUS_FLAGS,
)

#: columns computed on the narrow table: the adjusted score (§4), class (§5) and pricing (§6)
CLASS_COLUMNS = (
    "vetoed",
    "veto_reason",
    "score",
    "bonus",
    "penalty",
    "raw_score",
    "rank",
    "class",
    "population_size",
    "next_class",
    "_extra_tax",
    "_unreachable",
    "electricity_surcharge_wan",
    "water_surcharge_wan",
    "land_tax_reduction_wan",
    "low_efficiency",
)


def output_columns(policy: Policy) -> list[str]:
    """The §8 columns, in order, for this policy."""
    per_indicator = [
        f"{prefix}_{ind_id}"
        for ind_id in policy.indicator_ids()
        for prefix in ("value", "benchmark", "score")
    ]
    return [*HEAD_COLUMNS, *per_indicator, *TAIL_COLUMNS]


def ratio_columns(policy: Policy) -> list[str]:
    """The detail's ratio of each indicator (r of §3), which the explanation shows."""
    return [f"ratio_{i}" for i in policy.indicator_ids()]
