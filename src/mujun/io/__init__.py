"""Reading, validating and writing tables: CSV, XLSX and Parquet in, typed Arrow tables out."""

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
