"""How a canonical field's value is kept in a figure row (``value_num`` / ``value_text``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from mujun.engine.fields import FIELD_BY_KEY, FIELDS, FieldType
from mujun.engine.texts import N_
from mujun.services.errors import InvalidInput

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


#: the fields an appeal may correct (all but the credit code, which names the enterprise)
CORRECTABLE: tuple[str, ...] = tuple(f.key for f in FIELDS if f.key != "uscc")
#: what staff call a field besides its key and its header: the land the enterprise uses is
#: corrected in its own land (the leases have their own fields)
_ALIASES = {"用地面积": "land_owned_m2"}


def field_key(name: str) -> str:
    """The key of a correctable field named by its key (``tax_paid``), its header
    (``实缴税收(万元)``) or its header without the unit (``实缴税收``)."""
    text = name.strip()
    if text in CORRECTABLE:
        return text
    for key in CORRECTABLE:
        header = FIELD_BY_KEY[key].header_zh
        if text in (header, header.split("(")[0]):
            return key
    if text in _ALIASES:
        return _ALIASES[text]
    raise InvalidInput(N_("没有可更正的字段“%(name)s”"), name=text)


def parse_corrections(values: dict[str, Any] | None) -> dict[str, Value] | None:
    """An appeal's corrections as typed (field key → value), names as ``field_key`` takes them."""
    if not values:
        return None
    out: dict[str, Value] = {}
    for name, raw in values.items():
        key = field_key(name)
        try:
            out[key] = parse_cli_value(key, "" if raw is None else str(raw))
        except ValueError:
            raise InvalidInput(N_("%(field)s：“%(value)s”不是有效的值"),
                               field=FIELD_BY_KEY[key].header_zh, value=raw) from None
    return out
