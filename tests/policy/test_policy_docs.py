"""Every policy key is documented in docs/policy.md, and the shipped policies are commented line by
line (Datasette's "every setting is documented" test, for policy keys)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from mujun.engine.policy import ClassRates, Policy, shipped_policy_names
from mujun.engine.policy_errors import unwrap

DOCS = Path(__file__).parents[2] / "docs" / "policy.md"
#: how docs/policy.md writes the keys of a mapping whose keys the county chooses
PLACEHOLDER = {"groups": "<group>", "indicators": "<id>"}


def model_keys(model: type[BaseModel], prefix: str = "", seen: set[type] | None = None,
               ) -> list[str]:
    """Every key path a policy file can hold. A sub-model is listed key by key the first time it
    occurs (later, e.g. a group's `benchmark`, as one key); rates per class {A, B, C, D} as one."""
    seen = set() if seen is None else seen
    seen.add(model)
    out: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{field.alias or name}"
        tp: Any = unwrap(field.annotation)
        is_model = isinstance(tp, type) and issubclass(tp, BaseModel)
        if is_model and not issubclass(tp, ClassRates) and tp not in seen:
            out += model_keys(tp, f"{path}.", seen)
            continue
        out.append(path)
        if get_origin(tp) is dict:
            value = unwrap(get_args(tp)[1])
            if isinstance(value, type) and issubclass(value, BaseModel) and value not in seen:
                out += model_keys(value, f"{path}.{PLACEHOLDER[name]}.", seen)
    return out


def documented_keys() -> list[str]:
    """The first cell of every reference-table row in docs/policy.md."""
    return re.findall(r"^\| `([a-z_<>.A-Z0-9]+)` \|", DOCS.read_text(encoding="utf-8"), re.M)


def test_every_policy_key_is_documented() -> None:
    missing = [k for k in model_keys(Policy) if k not in documented_keys()]
    assert missing == []


def test_every_documented_key_exists() -> None:
    stale = [k for k in documented_keys() if k not in model_keys(Policy)]
    assert stale == []


def test_the_key_list_covers_the_model() -> None:
    keys = model_keys(Policy)
    assert len(keys) == len(set(keys))
    assert "groups.<group>.indicators.<id>.zero_denominator" in keys
    assert "benchmark.min_peers" in keys and "groups.<group>.benchmark" in keys
    assert "pricing.land_use_tax_reduction" in keys and "years.from" in keys


@pytest.mark.parametrize("name", shipped_policy_names())
def test_every_line_of_a_shipped_policy_that_carries_a_value_has_a_comment(name: str) -> None:
    text = resources.files("mujun.policies").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    uncommented = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split(" #", 1)[0].rstrip()
        if not code or code.lstrip().startswith("#"):
            continue
        carries_value = not code.endswith(":")  # `groups:` alone opens a mapping
        if carries_value and " #" not in line:
            uncommented.append(f"{number}: {line}")
    assert uncommented == []


@pytest.mark.parametrize("name", shipped_policy_names())
def test_shipped_policies_are_described_in_the_docs(name: str) -> None:
    assert f"| `{name}` |" in DOCS.read_text(encoding="utf-8")
