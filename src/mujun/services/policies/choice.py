"""Which policy a run or a what-if uses: by name (a stored policy's newest version, else a shipped
one; never a path from the web) or, when none is named, the one that applies to the year.

The one place for "the policy for a year" (docs/policy.md): of the county's stored policies and the
shipped template, the one covering the year that starts latest — the demo's ``songyang-2024`` for
2024 and later, ``zhejiang-template`` before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mujun.engine.policy import (
    DEFAULT_POLICY,
    LoadedPolicy,
    load_shipped_policy,
    policy_for_year,
    shipped_policy_names,
)
from mujun.engine.policy_errors import shorten
from mujun.engine.texts import N_
from mujun.services.errors import NotFound
from mujun.services.policies.stored import latest_versions, loaded


@dataclass(frozen=True)
class PolicyChoice:
    """A policy as a form offers it."""

    name: str
    title: str
    #: "stored" (the county's, with its version) or "shipped"
    source: str
    version: int | None
    years_from: int
    years_to: int | None

    def applies_to(self, year: int) -> bool:
        return self.years_from <= year and (self.years_to is None or year <= self.years_to)


def choices(session: Session, year: int | None = None) -> list[PolicyChoice]:
    """The stored policies (newest versions), then the shipped ones not stored under their name;
    only those covering ``year`` when given."""
    out = [PolicyChoice(s.name, s.title, "stored", s.version, s.years_from, s.years_to)
           for s in latest_versions(session)]
    stored = {c.name for c in out}
    for name in shipped_policy_names():
        if name not in stored:
            p = load_shipped_policy(name).policy
            out.append(PolicyChoice(name, p.title, "shipped", None, p.years.from_, p.years.to))
    return [c for c in out if year is None or c.applies_to(year)]


def named_policy(session: Session, name: str) -> LoadedPolicy:
    """A stored policy's newest version by name, else the shipped policy of that name."""
    for stored in latest_versions(session):
        if stored.name == name:
            return loaded(stored)
    if name in shipped_policy_names():
        return load_shipped_policy(name)
    raise NotFound(N_("没有名为 %(name)s 的评价办法（可选：已保存的本县办法或系统自带办法）"),
                   name=shorten(name))


def policy_for(session: Session, year: int) -> LoadedPolicy:
    """The policy that applies to ``year``: the county's stored policies and the template."""
    return policies_for(session, [year])[year]


def policies_for(session: Session, years: Iterable[int]) -> dict[int, LoadedPolicy]:
    """:func:`policy_for` of each year, the policies read once (monitoring applies many months)."""
    template = load_shipped_policy(DEFAULT_POLICY)
    candidates = [*(loaded(s) for s in latest_versions(session)), template]
    return {year: policy_for_year(year, candidates) or template for year in years}
