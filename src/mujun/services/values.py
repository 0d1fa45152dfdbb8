"""How a canonical field's value is kept in a figure row (``value_num`` / ``value_text``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from mujun.engine.fields import FIELD_BY_KEY, FieldType

Value = str | bool | date | float | None


def encode(field: str, value: Value) -> tuple[float | None, str | None]:
    kind = FIELD_BY_KEY[field].type
    if value is None:
        return None, None
    if kind is FieldType.NUMBER:
        return float(value), None  # type: ignore[arg-type]
    if kind is FieldType.BOOL:
        return None, "true" if value else "false"
    if kind is FieldType.DATE:
        return None, value.isoformat() if isinstance(value, date) else str(value)
    return None, str(value)


def decode(field: str, num: float | None, text: str | None) -> Value:
    kind = FIELD_BY_KEY[field].type
    if kind is FieldType.NUMBER:
        return num
    if text is None:
        return None
    if kind is FieldType.BOOL:
        return text == "true"
    if kind is FieldType.DATE:
        return date.fromisoformat(text)
    return text


def parse_cli_value(field: str, raw: str) -> Value:
    """A value typed on the command line (``--set tax_paid=12.5``); empty means missing."""
    kind = FIELD_BY_KEY[field].type
    raw = raw.strip()
    if raw == "":
        return None
    if kind is FieldType.NUMBER:
        return float(raw)
    if kind is FieldType.BOOL:
        if raw.lower() in ("1", "true", "是", "y", "yes"):
            return True
        if raw.lower() in ("0", "false", "否", "n", "no"):
            return False
        raise ValueError(f"{field}: {raw!r} is not a yes/no value")
    if kind is FieldType.DATE:
        return date.fromisoformat(raw)
    return raw


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
