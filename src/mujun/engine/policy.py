"""Policy files (评价办法 as data): loading, merging over the defaults, validation.

See policy-format.md.

A policy is YAML. It is read safely, laid over the shipped ``zhejiang-template`` (which holds the
defaults, so every default is written once), validated with Pydantic and resolved into
:class:`ResolvedIndicator` objects the engine consumes. Every problem is reported with its key path.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mujun.engine.fields import BONUS_FLAGS, INCIDENT_CODES, RATIO_FIELDS

DEFAULT_POLICY = "zhejiang-template"
GROUPS = ("above", "below")
CLASSES = ("A", "B", "C", "D")

BenchmarkMethod = Literal["aggregate", "mean", "median", "fixed"]


class PolicyError(Exception):
    """A policy that cannot be used; ``problems`` holds one ``(key_path, message)`` per problem."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {path or '(root)'}: {msg}" for path, msg in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class BenchmarkSpec(_Strict):
    """Partial benchmark settings; the policy, group and indicator levels merge key by key."""

    method: BenchmarkMethod | None = None
    by: Literal["industry"] | None = None
    min_peers: int | None = Field(default=None, ge=1)
    value: float | None = None


class Indicator(_Strict):
    title: str
    numerator: str
    denominator: str
    weight: float = Field(ge=0)
    scale: float = Field(default=1.0, gt=0)
    zero_denominator: Literal["zero", "best"] = "zero"
    benchmark: BenchmarkSpec | None = None
    value: float | None = None

    @model_validator(mode="after")
    def _known_fields(self) -> Indicator:
        for side in ("numerator", "denominator"):
            name = getattr(self, side)
            if name not in RATIO_FIELDS:
                raise ValueError(f"{side} names unknown field {name!r}")
        return self


class Classification(_Strict):
    method: Literal["percentile", "threshold"] = "percentile"
    A: float
    B: float
    C: float

    @model_validator(mode="after")
    def _ordered(self) -> Classification:
        a, b, c = self.A, self.B, self.C
        if self.method == "percentile":
            if not 0 < a <= b <= c <= 1:
                raise ValueError(
                    f"percentile cut-offs must satisfy 0 < A ≤ B ≤ C ≤ 1, got {a}, {b}, {c}"
                )
        elif not a >= b >= c:
            raise ValueError(f"threshold scores must satisfy A ≥ B ≥ C, got {a}, {b}, {c}")
        return self

    def cutoff(self, cls: str) -> Fraction:
        """A cut-off read as the decimal written in the policy (0.70 is exactly 7/10)."""
        return Fraction(repr(getattr(self, cls)))


class Group(_Strict):
    title: str = ""
    indicators: dict[str, Indicator]
    classification: Classification
    cap: float | None = Field(default=None, gt=0)
    benchmark: BenchmarkSpec | None = None

    @field_validator("indicators")
    @classmethod
    def _weights(cls, indicators: dict[str, Indicator]) -> dict[str, Indicator]:
        if not indicators:
            raise ValueError("a group needs at least one indicator")
        total = sum(i.weight for i in indicators.values())
        if abs(total - 100) > 1e-9:
            raise ValueError(f"indicator weights must sum to 100, got {total:g}")
        return indicators


class Years(_Strict):
    from_: int = Field(alias="from", ge=1900)
    to: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"years.to ({self.to}) is before years.from ({self.from_})")
        return self


class Scope(_Strict):
    min_full_years_in_production: int = Field(ge=0)
    below_scale_min_land_mu: float = Field(ge=0)


class Adjustments(_Strict):
    bonus: dict[str, float]
    bonus_cap: float = Field(ge=0)
    penalty_per_incident: dict[str, float]
    veto: list[str]

    @model_validator(mode="after")
    def _known_keys(self) -> Adjustments:
        unknown = [k for k in self.bonus if k not in BONUS_FLAGS]
        if unknown:
            raise ValueError(f"bonus names unknown flag(s) {unknown}; known: {list(BONUS_FLAGS)}")
        incident_keys = (("penalty_per_incident", self.penalty_per_incident), ("veto", self.veto))
        for what, keys in incident_keys:
            unknown = [k for k in keys if k not in INCIDENT_CODES]
            if unknown:
                raise ValueError(f"{what} names unknown incident type(s) {unknown}")
        return self


class LowEfficiency(_Strict):
    tax_per_mu_below: float


class ClassRates(_Strict):
    A: float = Field(ge=0)
    B: float = Field(ge=0)
    C: float = Field(ge=0)
    D: float = Field(ge=0)


class Pricing(_Strict):
    electricity_surcharge_yuan_per_kwh: ClassRates
    water_surcharge_yuan_per_t: ClassRates
    land_use_tax_reduction: ClassRates
    land_use_tax_yuan_per_m2: float = Field(ge=0)


class Policy(_Strict):
    name: str = Field(min_length=1)
    title: str = ""
    years: Years
    scope: Scope
    cap: float = Field(gt=0)
    benchmark: BenchmarkSpec
    groups: dict[str, Group]
    adjustments: Adjustments
    low_efficiency: LowEfficiency
    pricing: Pricing
    notice_days: int = Field(ge=0)

    @field_validator("groups")
    @classmethod
    def _known_groups(cls, groups: dict[str, Group]) -> dict[str, Group]:
        unknown = [g for g in groups if g not in GROUPS]
        if unknown:
            raise ValueError(f"unknown group(s) {unknown}; a policy has groups `above` and `below`")
        if not groups:
            raise ValueError("a policy needs at least one group")
        return groups

    def applies_to(self, year: int) -> bool:
        return self.years.from_ <= year and (self.years.to is None or year <= self.years.to)

    def indicator_ids(self) -> list[str]:
        """Output order (§8): the ids of ``above``, then those only ``below`` has."""
        ids: list[str] = []
        for group in GROUPS:
            if group in self.groups:
                ids += [i for i in self.groups[group].indicators if i not in ids]
        return ids

    def resolved(self, group: str) -> list[ResolvedIndicator]:
        g = self.groups[group]
        cap = g.cap if g.cap is not None else self.cap
        out = []
        for ind_id, ind in g.indicators.items():
            spec = _merge_benchmarks(self.benchmark, g.benchmark, ind.benchmark)
            value = ind.value if ind.value is not None else spec.get("value")
            out.append(
                ResolvedIndicator(
                    id=ind_id,
                    title=ind.title,
                    numerator=ind.numerator,
                    denominator=ind.denominator,
                    weight=ind.weight,
                    scale=ind.scale,
                    zero_best=ind.zero_denominator == "best",
                    cap=cap,
                    method=spec.get("method") or "aggregate",
                    by_industry=spec.get("by") == "industry",
                    min_peers=spec.get("min_peers") or 5,
                    fixed_value=value,
                )
            )
        return out


@dataclass(frozen=True)
class ResolvedIndicator:
    """One indicator of one group with every policy level applied."""

    id: str
    title: str
    numerator: str
    denominator: str
    weight: float
    scale: float
    zero_best: bool
    cap: float
    method: str
    by_industry: bool
    min_peers: int
    fixed_value: float | None


def _merge_benchmarks(*specs: BenchmarkSpec | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for spec in specs:
        if spec is not None:
            merged.update(spec.model_dump(exclude_unset=True))
    return merged


# --- loading -----------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that rejects a key given twice in a mapping (PyYAML keeps the last silently)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy with the text it came from (kept so a run can freeze it)."""

    policy: Policy
    source: str
    text: str

    @property
    def hash(self) -> str:
        """SHA-256 of the effective policy (defaults applied), so equal rules hash equal."""
        return policy_hash(self.policy)


def policy_hash(policy: Policy) -> str:
    canonical = json.dumps(
        policy.model_dump(mode="json", by_alias=True),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def shipped_policy_names() -> list[str]:
    folder = resources.files("mujun.policies")
    names = (p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    return sorted(names)


def _shipped_text(name: str) -> str:
    return resources.files("mujun.policies").joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def _parse_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(source, [("", f"not valid YAML at {where}: {problem}")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(source, [("", f"a policy must be a mapping, got {type(data).__name__}")])
    return data


def _defaults() -> dict[str, Any]:
    return _parse_yaml(_shipped_text(DEFAULT_POLICY), DEFAULT_POLICY)


def _lay_over(default: Any, given: Any) -> Any:
    """Mappings merge key by key; any other value given replaces the default."""
    if isinstance(default, dict) and isinstance(given, dict):
        out = dict(default)
        for key, value in given.items():
            out[key] = _lay_over(default[key], value) if key in default else value
        return out
    return copy.deepcopy(given)


def effective_document(data: dict[str, Any]) -> dict[str, Any]:
    """The file laid over the defaults, following the special rule for ``groups``."""
    defaults = _defaults()
    given = dict(data)
    groups = given.pop("groups", None)
    merged: dict[str, Any] = _lay_over(defaults, given)
    if groups is None:
        return merged
    if not isinstance(groups, dict):
        merged["groups"] = groups  # validation reports the type
        return merged
    out_groups: dict[str, Any] = {}
    for name, group in groups.items():
        base = copy.deepcopy(defaults["groups"].get(name, {}))
        if isinstance(group, dict):
            group = dict(group)
            indicators = group.pop("indicators", None)
            base = _lay_over(base, group)
            if indicators is not None:  # given indicators replace the default set as a whole
                base["indicators"] = indicators
            out_groups[name] = base
        else:
            out_groups[name] = group
    merged["groups"] = out_groups
    return merged


def _key_path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if not str(p).startswith(("function-", "literal["))]
    return ".".join("from" if p == "from_" else p for p in parts)


def _fixed_benchmark_problems(policy: Policy) -> list[tuple[str, str]]:
    problems = []
    for group in policy.groups:
        for ind in policy.resolved(group):
            if ind.method == "fixed" and ind.fixed_value is None:
                problems.append(
                    (
                        f"groups.{group}.indicators.{ind.id}.value",
                        "a fixed benchmark needs its number in `value`",
                    )
                )
    return problems


def validate_document(data: dict[str, Any], source: str) -> Policy:
    try:
        policy = Policy.model_validate(effective_document(data))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "missing":
                msg = "required key is missing"
            problems.append((_key_path(err["loc"]), msg))
        raise PolicyError(source, problems) from None
    problems = _fixed_benchmark_problems(policy)
    if problems:
        raise PolicyError(source, problems)
    return policy


def load_policy_text(text: str, source: str) -> LoadedPolicy:
    return LoadedPolicy(validate_document(_parse_yaml(text, source), source), source, text)


def load_policy(name_or_file: str | Path | None = None) -> LoadedPolicy:
    """A shipped policy by name, or a YAML file by path; the default template when None."""
    ref = str(name_or_file) if name_or_file is not None else DEFAULT_POLICY
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise PolicyError(ref, [("", f"cannot read the file: {exc.strerror}")]) from None
        except UnicodeDecodeError:
            raise PolicyError(ref, [("", "the file is not UTF-8 text")]) from None
        return load_policy_text(text, ref)
    if ref not in shipped_policy_names():
        known = ", ".join(shipped_policy_names())
        raise PolicyError(ref, [("", f"no such policy file or shipped policy (shipped: {known})")])
    return load_policy_text(_shipped_text(ref), ref)
