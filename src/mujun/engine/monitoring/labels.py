"""The monitoring levels in Chinese (pages translate them through the catalogue,
docs/translations.md)."""

from __future__ import annotations

from mujun.engine.texts import N_

#: docs/monitoring.md, in the order the rule tries them
LEVEL_ZH: dict[str, str] = {
    "silent": N_("数据中断"),
    "stopped": N_("停产预警"),
    "declining": N_("减产预警"),
    "normal": N_("正常"),
}
