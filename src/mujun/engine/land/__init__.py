"""The land rules of land.md as library code: the parcel record (§1), the idle-land status (§2)
and the 标准地 达产复核 (§3). Plain data in, plain data out; no web, no database, no files
(``io/land.py`` reads the files, ``services/`` and ``cli/land.py`` call these functions)."""

from mujun.engine.land.idle import (
    IDLE_STATUSES,
    IdleRow,
    anniversary,
    days_past_agreed,
    idle_row,
    idle_rows,
    idle_status,
)
from mujun.engine.land.parcels import DELAY_CAUSES, Parcel, area_mu
from mujun.engine.land.review import (
    MEASURE_STATUSES,
    MEASURES,
    REVIEW_STATUSES,
    Commitment,
    EnterpriseYear,
    MeasureResult,
    ReviewRow,
    review,
    review_one,
)

__all__ = [
    "DELAY_CAUSES",
    "IDLE_STATUSES",
    "MEASURES",
    "MEASURE_STATUSES",
    "REVIEW_STATUSES",
    "Commitment",
    "EnterpriseYear",
    "IdleRow",
    "MeasureResult",
    "Parcel",
    "ReviewRow",
    "anniversary",
    "area_mu",
    "days_past_agreed",
    "idle_row",
    "idle_rows",
    "idle_status",
    "review",
    "review_one",
]
