"""The county's programme targets (targets.md), computed from plain inputs: 五个翻番 (§1),
个十百千万亿 (§2) and the 亩均效益领跑者 awards (§3). No database, no web: the service gathers the
inputs from the store (``mujun.services.targets``) and every surface shows what these return."""

from mujun.engine.targets.awards import AwardRow, Leader, leaders
from mujun.engine.targets.doubling import (
    DOUBLING_KEYS,
    EnterpriseRow,
    EvaluatedRow,
    YearTable,
    doubling_target,
    doubling_values,
    needed_growth,
)
from mujun.engine.targets.figure import Category, TargetFigure
from mujun.engine.targets.programme import (
    PROGRAMME_KEYS,
    LandPiece,
    Payment,
    ProgrammeInputs,
    ProjectInput,
    Recruit,
    programme_targets,
)

__all__ = [
    "DOUBLING_KEYS", "PROGRAMME_KEYS", "AwardRow", "Category", "EnterpriseRow", "EvaluatedRow",
    "LandPiece", "Leader", "Payment", "ProgrammeInputs", "ProjectInput", "Recruit",
    "TargetFigure", "YearTable", "doubling_target", "doubling_values", "leaders", "needed_growth",
    "programme_targets",
]
