"""The shape of the monitoring rules' result (docs/monitoring.md), without the rules: the
levels, the output columns and the months looked at. A module of its own so that the command
and the readers know them without importing ibis (``signals.py``)."""

from __future__ import annotations

#: the levels, in the order the rule tries them
LEVELS = ("silent", "stopped", "declining", "normal")
#: the output columns, in order
OUTPUT_COLUMNS = ("uscc", "kwh_3m", "kwh_3m_last_year", "yoy_3m", "baseline", "level")
#: months looked at: M (back 0) … M−14 (back 14)
WINDOW = 15
