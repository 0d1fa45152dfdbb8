"""Reading, validating and writing tables: CSV, XLSX and Parquet in, typed Arrow tables out.

The names below are imported when first used (PEP 562): ``mujun monitor`` reads a Parquet power
file (``io/power.py``) without importing the enterprise readers and polars behind them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mujun.io.enterprises import (
        ENTERPRISE_SCHEMA,
        EnterpriseInput,
        read_enterprises,
        validate_raw,
    )
    from mujun.io.incidents import INCIDENT_SCHEMA, IncidentInput, read_incidents
    from mujun.io.problems import InputError, OutputError, Problem
    from mujun.io.readers import RawTable, read_raw
    from mujun.io.results import write_results

_WHERE = {
    "ENTERPRISE_SCHEMA": "enterprises",
    "EnterpriseInput": "enterprises",
    "read_enterprises": "enterprises",
    "validate_raw": "enterprises",
    "INCIDENT_SCHEMA": "incidents",
    "IncidentInput": "incidents",
    "read_incidents": "incidents",
    "InputError": "problems",
    "OutputError": "problems",
    "Problem": "problems",
    "RawTable": "readers",
    "read_raw": "readers",
    "write_results": "results",
}

__all__ = [
    "ENTERPRISE_SCHEMA",
    "INCIDENT_SCHEMA",
    "EnterpriseInput",
    "IncidentInput",
    "InputError",
    "OutputError",
    "Problem",
    "RawTable",
    "read_enterprises",
    "read_incidents",
    "read_raw",
    "validate_raw",
    "write_results",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"mujun.io.{module}"), name)
    globals()[name] = value
    return value
