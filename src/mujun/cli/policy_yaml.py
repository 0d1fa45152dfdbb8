"""``mujun policy show``'s YAML: the effective policy written as a policy file, leaf mappings and
lists on one line like the shipped template (imported by the command, so ``mujun --help`` does not
load YAML)."""

from __future__ import annotations

from typing import Any

import yaml

from mujun.cli.policy import years_text
from mujun.engine.policy import LoadedPolicy, Policy


def effective_mapping(policy: Policy) -> dict[str, Any]:
    """The policy with every default applied, as a plain mapping in the file's key order.

    Optional keys that only mean "inherit" (a group's ``cap``, an indicator's ``benchmark``…) are
    left out when unset; ``years.to`` and ``benchmark.by`` stay, since there null is a value.
    """
    out = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    out["years"].setdefault("to", None)
    out["benchmark"].setdefault("by", None)
    return out


class _Dumper(yaml.SafeDumper):
    """Leaf mappings and lists on one line, like the shipped template."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    leaf = all(not isinstance(v, dict | list) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=leaf)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_float(dumper: yaml.SafeDumper, data: float) -> yaml.Node:
    if data.is_integer():  # 35 rather than 35.0, as a county writes it; the value is the same
        return dumper.represent_int(int(data))
    return dumper.represent_float(data)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(float, _represent_float)
_Dumper.add_representer(list, _represent_list)


def effective_yaml(loaded: LoadedPolicy) -> str:
    """The effective policy as YAML under a comment header; loading it back gives the same hash."""
    policy = loaded.policy
    header = (
        f"# source: {loaded.source}\n"
        f"# name:   {policy.name}\n"
        f"# title:  {policy.title}\n"
        f"# years:  {years_text(policy)}\n"
        f"# hash:   {loaded.hash}\n"
    )
    body = yaml.dump(
        effective_mapping(policy), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000
    )
    return header + body
