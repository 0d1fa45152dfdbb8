"""Every policy key is documented in docs/policy.md, and the shipped policies are commented line by
line (Datasette's "every setting is documented" test, for policy keys)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from mujun.engine.policy import Policy, shipped_policy_names
from mujun.engine.policy_params import PARAMS, key_paths

DOCS = Path(__file__).parents[2] / "docs" / "policy.md"


def documented_keys() -> list[str]:
    """The first cell of every reference-table row in docs/policy.md."""
    return re.findall(r"^\| `([a-z_<>.A-Z0-9]+)` \|", DOCS.read_text(encoding="utf-8"), re.M)


def test_every_policy_key_is_documented() -> None:
    missing = [k for k in key_paths(Policy) if k not in documented_keys()]
    assert missing == []


def test_every_documented_key_exists() -> None:
    stale = [k for k in documented_keys() if k not in key_paths(Policy)]
    assert stale == []


def test_every_policy_key_has_its_metadata() -> None:
    """Title in Chinese and English and a meaning for every key (OpenFisca's parameter
    metadata); the table holds no key the model lacks."""
    assert sorted(PARAMS) == sorted(key_paths(Policy))
    blank = [k for k, p in PARAMS.items()
             if not (p.title and p.title_en and p.meaning and p.meaning_en)]
    assert blank == []
    assert PARAMS["low_efficiency.tax_per_mu_below"].unit == "万元/亩"
    assert PARAMS["pricing.electricity_surcharge_yuan_per_kwh"].unit == "元/千瓦时"


def test_the_key_list_covers_the_model() -> None:
    keys = key_paths(Policy)
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
