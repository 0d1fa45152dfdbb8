"""Pydantic's validation errors rewritten as ``(key_path, message)`` a county clerk can act on.

Pydantic reports locations as tuples with internals (``function-after[…]``, ``[key]``) and messages
such as "Input should be a valid number, unable to parse string as a number". A policy problem names
the key as it is written in the file (``groups.above.indicators.tax_per_mu.weight``, list items as
``adjustments.veto[0]``) and says what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

Problem = tuple[str, str]

_KEY = "[key]"
#: the longest piece of a file's text a message quotes (a value, a key); longer ones are cut
QUOTE_MAX = 40


def shorten(text: str) -> str:
    """``text`` on one line, cut to :data:`QUOTE_MAX` characters: a message names what it found
    without dumping the file (docs/security.md)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= QUOTE_MAX else f"{flat[:QUOTE_MAX - 1]}… ({len(flat)} characters)"


def kind_of(value: Any) -> str:
    """What a value is, never its content: for the whole document (which may be any file)."""
    if isinstance(value, str):
        return f"text ({len(value)} characters)"
    return describe(value)


def describe(value: Any) -> str:
    """A found value as the YAML author wrote it: ``'abc'``, ``true``, ``null``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(shorten(value))
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return type(value).__name__


def key_path(loc: tuple[int | str, ...], key: Any = None) -> str:
    """Dotted key path; list positions as ``[i]``; a bad mapping key shown as written."""
    path = ""
    parts = list(loc)
    if parts and parts[-1] == _KEY:
        parts = parts[:-1]
        if parts:
            parts[-1] = describe(key).strip("'") if not isinstance(key, str) else shorten(key)
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif "[" in part and part.endswith("]"):  # function-after[…], literal[…]: pydantic's own
            continue
        else:
            path += ("." if path else "") + shorten(part)
    return path


def unwrap(tp: Any) -> Any:
    """The type inside ``Annotated[…]`` and ``X | None``."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def known_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys the mapping at ``loc`` (below ``model``) may hold, as written in a file."""
    tp: Any = model
    for part in loc:
        tp = unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {(f.alias or name): f for name, f in tp.model_fields.items()}
            if part not in fields:
                return []
            tp = fields[part].annotation
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        else:
            return []
    tp = unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


def _message(err: ErrorDetails, model: type[BaseModel]) -> str:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    got = describe(value)
    if kind == "extra_forbidden":
        known = known_keys(model, err["loc"][:-1])
        return "unknown key" + (f"; known keys: {', '.join(known)}" if known else "")
    if kind == "missing":
        return "required key is missing"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if err["loc"] and err["loc"][-1] == _KEY:
        return f"a key must be text, got {got}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {got}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {got}"
    if kind == "finite_number":
        return f"expected a finite number, got {got}"
    if kind == "string_type":
        return f"expected text, got {got}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {got}"
    if kind == "list_type":
        return f"expected a list ([a, b, …]), got {got}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected', '?')}, got {got}"
    if kind == "greater_than":
        return f"must be greater than {describe(ctx['gt'])}, got {got}"
    if kind == "greater_than_equal":
        return f"must be at least {describe(ctx['ge'])}, got {got}"
    if kind == "less_than_equal":
        return f"must be at most {describe(ctx['le'])}, got {got}"
    return f"{err['msg']}, got {got}"


def problems_from(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """One ``(key_path, message)`` per pydantic error, in pydantic's (document) order."""
    out: list[Problem] = []
    for err in exc.errors():
        path = key_path(err["loc"], err.get("input"))
        problem = (path, _message(err, model))
        if problem not in out:
            out.append(problem)
    return out
