"""Policy files (评价办法 as data): loading, merging over the defaults, validation.

See policy-format.md.

A policy is YAML. It is read safely, laid over the shipped ``zhejiang-template`` (which holds the
defaults, so every default is written once), validated with Pydantic and resolved into
:class:`ResolvedIndicator` objects the engine consumes. Every problem is reported with its key path.

The engine opens no user file: :mod:`mujun.io.policy_files` turns a path or uploaded bytes into the
text given to :func:`load_policy_text`; only the shipped policies are read here, from the package.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from mujun.engine.defaults import DEFAULT_POLICY
from mujun.engine.fields import BONUS_FLAGS, INCIDENT_TYPES, RATIO_FIELDS
from mujun.engine.policy_errors import describe, kind_of, problems_from, shorten
from mujun.engine.projects.stages import STAGES as PROJECT_STAGES

GROUPS = ("above", "below")
CLASSES = ("A", "B", "C", "D")
_GROUPS_KNOWN = "a policy has groups `above` (规上) and `below` (规下)"

BenchmarkMethod = Literal["aggregate", "mean", "median", "fixed"]

#: a YAML number; ``true``/``false`` and quoted text are refused rather than read as 1 or parsed
Number = Annotated[float, Field(strict=True)]
#: a YAML whole number (years, days, counts)
Whole = Annotated[int, Field(strict=True)]


def _one_of(known: tuple[str, ...], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in known:
            raise ValueError(f"unknown {what} {describe(value)}; known: {', '.join(known)}")
        return value

    return AfterValidator(check)


#: names checked one by one, so each unknown one is reported at its own key path
BonusFlag = Annotated[str, _one_of(BONUS_FLAGS, "bonus flag")]
IncidentCode = Annotated[str, _one_of(tuple(t.code for t in INCIDENT_TYPES), "incident type")]
FieldName = Annotated[str, _one_of(tuple(sorted(RATIO_FIELDS)), "field")]
ProjectStage = Annotated[str, _one_of(PROJECT_STAGES, "project stage")]


class PolicyError(Exception):
    """A policy that cannot be used; ``problems`` holds one ``(key_path, message)`` per problem."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {path or '(root)'}: {msg}" for path, msg in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)


class BenchmarkSpec(_Strict):
    """Partial benchmark settings; the policy, group and indicator levels merge key by key."""

    method: BenchmarkMethod | None = None
    by: Literal["industry"] | None = None
    min_peers: Whole | None = Field(default=None, ge=1)
    value: Number | None = Field(default=None, gt=0)

    @field_validator("by", mode="before")
    @classmethod
    def _by(cls, value: Any) -> Any:
        if value is not None and value != "industry":
            raise ValueError(f"expected null (group-wide) or 'industry', got {describe(value)}")
        return value


class Indicator(_Strict):
    title: str
    numerator: FieldName
    denominator: FieldName
    weight: Number = Field(ge=0)
    scale: Number = Field(default=1.0, gt=0)
    zero_denominator: Literal["zero", "best"] = "zero"
    benchmark: BenchmarkSpec | None = None
    value: Number | None = Field(default=None, gt=0)


class Classification(_Strict):
    method: Literal["percentile", "threshold"] = "percentile"
    A: Number
    B: Number
    C: Number

    @model_validator(mode="after")
    def _ordered(self) -> Classification:
        a, b, c = self.A, self.B, self.C
        if self.method == "percentile":
            if not 0 < a <= b <= c <= 1:
                raise ValueError(
                    "percentile cut-offs (shares of the group by rank) must satisfy"
                    f" 0 < A ≤ B ≤ C ≤ 1, got A {a:g}, B {b:g}, C {c:g}"
                )
        elif not a >= b >= c:
            raise ValueError(
                f"threshold scores must satisfy A ≥ B ≥ C, got A {a:g}, B {b:g}, C {c:g}"
            )
        return self

    def cutoff(self, cls: str) -> Fraction:
        """A cut-off read as the decimal written in the policy (0.70 is exactly 7/10)."""
        return Fraction(repr(getattr(self, cls)))


class Group(_Strict):
    title: str = ""
    indicators: dict[str, Indicator]
    classification: Classification
    cap: Number | None = Field(default=None, gt=0)
    benchmark: BenchmarkSpec | None = None

    @field_validator("indicators")
    @classmethod
    def _weights(cls, indicators: dict[str, Indicator]) -> dict[str, Indicator]:
        if not indicators:
            raise ValueError("a group needs at least one indicator")
        total = sum(i.weight for i in indicators.values())
        if abs(total - 100) > 1e-9:
            terms = " + ".join(f"{i.weight:g}" for i in indicators.values())
            shown = f"{total:g} ({terms})" if len(indicators) > 1 else f"{total:g}"
            raise ValueError(f"indicator weights must sum to 100, got {shown}")
        return indicators


class Years(_Strict):
    from_: Whole = Field(alias="from", ge=1900)
    to: Whole | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"`to` ({self.to}) is before `from` ({self.from_})")
        return self


class Scope(_Strict):
    min_full_years_in_production: Whole = Field(ge=0)
    below_scale_min_land_mu: Number = Field(ge=0)


class Adjustments(_Strict):
    bonus: dict[BonusFlag, Annotated[Number, Field(ge=0)]]
    bonus_cap: Number = Field(ge=0)
    penalty_per_incident: dict[IncidentCode, Annotated[Number, Field(ge=0)]]
    veto: list[IncidentCode]


class LowEfficiency(_Strict):
    tax_per_mu_below: Number


class ClassRates(_Strict):
    A: Number = Field(ge=0)
    B: Number = Field(ge=0)
    C: Number = Field(ge=0)
    D: Number = Field(ge=0)


class ClassShares(ClassRates):
    """Shares of a tax reduced: 0 … 1 (1.0 = all of it)."""

    A: Number = Field(ge=0, le=1)
    B: Number = Field(ge=0, le=1)
    C: Number = Field(ge=0, le=1)
    D: Number = Field(ge=0, le=1)


class Pricing(_Strict):
    electricity_surcharge_yuan_per_kwh: ClassRates
    water_surcharge_yuan_per_t: ClassRates
    land_use_tax_reduction: ClassShares
    land_use_tax_yuan_per_m2: Number = Field(ge=0)


class Projects(_Strict):
    """Investment projects (docs/projects.md): the days a project may stay in each stage before it
    is 滞后 (behind); a stage left out has no limit."""

    stage_max_days: dict[ProjectStage, Annotated[Whole, Field(ge=1)]]
def _code_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f"write the code in quotes (\"{value}\"): YAML reads {value} as a number")
    return value


def _industry_prefix(value: str) -> str:
    if not (value.isascii() and value.isdigit() and 2 <= len(value) <= 4):
        raise ValueError(f"expected the first 2–4 digits of a GB/T 4754 industry code, got"
                         f" {describe(value)}")
    return value


def _category_key(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z_]*", value):
        raise ValueError("expected a talent category key such as `tea_master`, got"
                         f" {describe(value)}")
    return value


#: a GB/T 4754 industry code or its leading digits (``"31"`` is the whole major class 31)
IndustryPrefix = Annotated[str, BeforeValidator(_code_text), AfterValidator(_industry_prefix)]
#: a talent category key of the 六百工程 register (``industrial_engineer``)
CategoryKey = Annotated[str, AfterValidator(_category_key)]


def _unique(values: list[str], what: str) -> list[str]:
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise ValueError(f"{what} given twice: {', '.join(twice)}")
    return values


class Goals(_Strict):
    """个十百千万亿: the goal of each target (targets.md §2)."""

    pillar_revenue_wan: Number = Field(gt=0)
    satisfaction: Number = Field(gt=0, le=10)
    investment_wan: Number = Field(gt=0)
    talent: Whole = Field(gt=0)
    land_mu: Number = Field(gt=0)
    benefit_wan: Number = Field(gt=0)


class Targets(_Strict):
    """The county's programme targets (targets.md): the years and the goals."""

    base_year: Whole = Field(ge=1900)
    target_year: Whole = Field(ge=1900)
    programme_from: Whole = Field(ge=1900)
    pillar_industries: list[IndustryPrefix] = Field(min_length=1)
    goals: Goals
    six_hundred: list[CategoryKey]

    @field_validator("pillar_industries")
    @classmethod
    def _pillars_once(cls, values: list[str]) -> list[str]:
        return _unique(values, "industry")

    @field_validator("six_hundred")
    @classmethod
    def _categories_once(cls, values: list[str]) -> list[str]:
        return _unique(values, "category")

    @model_validator(mode="after")
    def _ordered(self) -> Targets:
        if not self.base_year < self.target_year:
            raise ValueError(f"`base_year` ({self.base_year}) must be before `target_year`"
                             f" ({self.target_year})")
        if not self.base_year <= self.programme_from <= self.target_year:
            raise ValueError(f"`programme_from` ({self.programme_from}) must lie between"
                             f" `base_year` ({self.base_year}) and `target_year`"
                             f" ({self.target_year})")
        return self


class Awards(_Strict):
    """亩均效益领跑者 (targets.md §3)."""

    leaders_per_group: Whole = Field(ge=1)


class LandRules(_Strict):
    """The ``land:`` section (land.md): the idle-land fee and the 标准地 review's penalties."""

    idle_fee_share: Number = Field(ge=0, le=1)
    tax_penalty_multiplier: Number = Field(ge=0)
    investment_penalty_multiplier: Number = Field(ge=0)
    plot_ratio_penalty_multiplier: Number = Field(ge=0)


class MonitoringRules(_Strict):
    """The ``monitoring:`` section (docs/monitoring.md): when a month's power readings raise a
    stop or a decline."""

    min_baseline_months: Whole = Field(ge=1, le=12)
    stop_share: Number = Field(gt=0, le=1)
    decline_share: Number = Field(gt=0, le=1)


class Policy(_Strict):
    name: str = Field(min_length=1)
    title: str = ""
    years: Years
    scope: Scope
    cap: Number = Field(gt=0)
    benchmark: BenchmarkSpec
    groups: dict[str, Group]
    adjustments: Adjustments
    low_efficiency: LowEfficiency
    pricing: Pricing
    notice_days: Whole = Field(ge=0)
    targets: Targets
    awards: Awards
    land: LandRules
    projects: Projects
    monitoring: MonitoringRules

    @field_validator("groups")
    @classmethod
    def _known_groups(cls, groups: dict[str, Group]) -> dict[str, Group]:
        unknown = [g for g in groups if g not in GROUPS]
        if unknown:
            raise ValueError(f"unknown group(s) {unknown}; {_GROUPS_KNOWN}")
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


class _FastUniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml's parser, when PyYAML has it: a policy parses several times faster
    (the shipped template is read by every command). A file it refuses is read again by
    :class:`_UniqueKeyLoader`, whose messages are the ones reported."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: list[Any] = []
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor` may be overridden
            continue
        key = loader.construct_object(key_node)
        if not isinstance(key, str):  # every policy key is text; `yes:` would be read as true
            hint = " (YAML reads yes/no/on/off as true/false: quote it)" if key in (0, 1) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be text, got {describe(key)}{hint}", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {shorten(key)!r} is given twice", key_node.start_mark
            )
        seen.append(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_FastUniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                     _construct_mapping)


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


#: sections added after runs were first recorded with their policy hash: such a section counts in
#: the hash only when it differs from the template's, so every earlier policy keeps the hash its
#: runs recorded (and ``verify`` of those runs still passes)
LATER_SECTIONS = ("land", "targets", "awards", "projects", "monitoring")


@functools.cache
def _default_sections() -> dict[str, Any]:
    data = Policy.model_validate(_defaults()).model_dump(mode="json", by_alias=True)
    return {key: data[key] for key in LATER_SECTIONS}


def policy_hash(policy: Policy) -> str:
    data = policy.model_dump(mode="json", by_alias=True)
    for key, default in _default_sections().items():
        if data.get(key) == default:
            del data[key]
    canonical = json.dumps(
        data,
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
        data = yaml.load(text, Loader=_FastUniqueKeyLoader)
    except yaml.YAMLError:
        data = _parse_yaml_slowly(text, source)
    if data is None:
        raise PolicyError(source, [("", "the file is empty; a policy needs at least a `name`")])
    if not isinstance(data, dict):
        raise PolicyError(
            source, [("", f"a policy must be a mapping of keys (name: …), got {kind_of(data)}")]
        )
    return data


def _parse_yaml_slowly(text: str, source: str) -> Any:
    """PyYAML's own parser, for its messages on a file libyaml refused."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        # the position and PyYAML's short problem only: ``str(exc)`` quotes the offending lines
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        said = f": {problem}" if problem else ""
        raise PolicyError(source, [("", f"not valid YAML{where}{said}")]) from None


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


def _document_problems(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Checks on the file as written, before the defaults hide them; unknown groups are dropped
    (reported once here, not again for every key they lack)."""
    problems = []
    if "name" not in data:
        problems.append(("name", "required key is missing (every policy file names itself)"))
    groups = data.get("groups")
    if isinstance(groups, dict):
        unknown = [g for g in groups if g not in GROUPS]
        for g in unknown:
            problems.append((f"groups.{shorten(str(g))}", f"unknown group; {_GROUPS_KNOWN}"))
        data = {**data, "groups": {g: v for g, v in groups.items() if g in GROUPS}}
    return data, problems


def _benchmark_value_problems(policy: Policy) -> list[tuple[str, str]]:
    """A fixed benchmark needs its number; a number without a fixed benchmark would be ignored."""
    problems = []
    for group, spec in policy.groups.items():
        for ind in policy.resolved(group):
            path = f"groups.{group}.indicators.{ind.id}.value"
            if ind.method == "fixed" and ind.fixed_value is None:
                problems.append((path, "a fixed benchmark needs its number in `value`"))
            elif ind.method != "fixed" and spec.indicators[ind.id].value is not None:
                problems.append((path, f"only a fixed benchmark uses a value, not {ind.method}"))
    return problems


def validate_document(data: dict[str, Any], source: str) -> Policy:
    data, problems = _document_problems(data)
    try:
        policy = Policy.model_validate(effective_document(data))
    except ValidationError as exc:
        raise PolicyError(source, problems + problems_from(exc, Policy)) from None
    problems += _benchmark_value_problems(policy)
    if problems:
        raise PolicyError(source, problems)
    return policy


def load_policy_text(text: str, source: str) -> LoadedPolicy:
    return LoadedPolicy(validate_document(_parse_yaml(text, source), source), source, text)


def load_shipped_policy(name: str) -> LoadedPolicy:
    """A shipped policy by name; never opens a path (what the web may load, docs/security.md)."""
    if name not in shipped_policy_names():
        known = ", ".join(shipped_policy_names())
        raise PolicyError(shorten(name), [("", f"no such shipped policy (shipped: {known})")])
    return load_policy_text(_shipped_text(name), name)


def policy_for_year(year: int, candidates: list[LoadedPolicy]) -> LoadedPolicy | None:
    """The policy that applies to ``year``: of the candidates covering the year, the one that
    starts latest (a county's 2024 办法 over the 2020 template); on a tie the first given."""
    covering = [c for c in candidates if c.policy.applies_to(year)]
    if not covering:
        return None
    latest = max(c.policy.years.from_ for c in covering)
    return next(c for c in covering if c.policy.years.from_ == latest)
