"""Shared helpers of the monitoring tests: credit codes for letters, readings as tables."""

from __future__ import annotations

import pyarrow as pa

from mujun.engine.monitoring import months
from mujun.engine.uscc import check_char


def code(n: int) -> str:
    """A valid credit code, different for each ``n``."""
    body = f"91331100MA{n:07d}"
    return body + check_char(body)


LETTER_CODES = {letter: code(i + 1) for i, letter in enumerate("ABCDEFGHJKLMNPQRTUWXY")}


def readings_table(rows: list[tuple[str, int, float]]) -> pa.Table:
    """``(uscc, month index, kwh)`` rows as the table the rules take."""
    return pa.table({
        "uscc": pa.array([r[0] for r in rows], pa.string()),
        "month": pa.array([months.first_day(r[1]) for r in rows], pa.date32()),
        "kwh": pa.array([float(r[2]) for r in rows], pa.float64()),
    })
