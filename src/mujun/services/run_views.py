"""What the runs pages read: runs with their appeals and results, diffs, what-ifs, the 公示名单.

Writes (create, publish, appeal, resolve, finalise) are ``services.runs`` and
``services.appeals``; this module reads, within the bureau's reach (``Action.RUNS_VIEW``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import BaseModel, Field, computed_field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mujun.engine.evaluate import EvaluationError, evaluate
from mujun.engine.policy import (
    PolicyError,
    load_policy_text,
    load_shipped_policy,
    shipped_policy_names,
)
from mujun.engine.texts import N_
from mujun.engine.whatif import compare
from mujun.io.notice_list import notice_list_xlsx
from mujun.services import access
from mujun.services.access import Action
from mujun.services.errors import InvalidInput
from mujun.services.industries import industry_label
from mujun.services.list_query import ListQuery, Page, list_rows, page_fields, sql_rows
from mujun.services.lists import (
    EXEMPT,
    FilterOptions,
    Group,
    group_is,
    like_pattern,
    town_and_industry_options,
)
from mujun.services.policies.choice import PolicyChoice, choices, named_policy
from mujun.services.policy_view import policy_refusal
from mujun.services.runs import diff_runs, finalize_blocker, get_run, stored_rows
from mujun.services.schemas import AppealPublic, RunPublic
from mujun.services.snapshot import Snapshot
from mujun.store.models import Appeal, AppealStatus, Run, RunResult, RunStatus, User
from mujun.store.models.base import utcnow

CLASSES = ("A", "B", "C", "D")


class RunSummary(RunPublic):
    label: str
    note: str | None
    appeals_pending: int
    appeals_total: int


class ResultQuery(ListQuery):
    """A run's results: by default each group's ranks in order, 规上 first, the exempt last."""

    SORTS: ClassVar[tuple[str, ...]] = ("rank", "score", "name", "uscc", "town", "industry",
                                        "class")
    DEFAULT_SORT: ClassVar[str] = "rank"
    DEFAULT_PER_PAGE: ClassVar[int] = 100

    q: str | None = Field(default=None, max_length=100, description="name or credit code contains")
    town: str | None = Field(default=None, max_length=64)
    industry_code: str | None = Field(default=None, max_length=8)
    group: Group | None = None
    klass: str | None = Field(default=None, pattern="^[ABCD]$")


class ResultRow(BaseModel):
    uscc: str
    name: str | None
    town: str | None
    industry_code: str | None
    industry: str
    group: str | None
    exempt_reason: str | None
    score: float | None
    rank: int | None
    klass: str | None
    vetoed: bool | None
    low_efficiency: bool | None


class RunDetail(BaseModel):
    run: RunSummary
    #: finalising is offered only when nothing blocks it (the notice is over, every appeal decided)
    can_finalize: bool
    #: why not, for a run in notice (in Chinese, as the refusal reads)
    finalize_blocked: str | None
    #: the same refusal, for a page to show in its language (``Translator.error``)
    finalize_refusal: Any = Field(default=None, exclude=True)
    mix: dict[str, dict[str, int]]
    exempt: int
    appeals: list[AppealPublic]
    #: the page of results the query asked for
    results: Page[ResultRow]
    #: run id → label (2025-v1) of the runs this one names: the one it supersedes, the corrected
    #: versions its appeals created
    run_labels: dict[int, str]


class ClassChangePublic(BaseModel):
    uscc: str
    name: str | None
    #: the group after (or before, for one that left the evaluation)
    group: str | None = None
    class_before: str | None
    class_after: str | None
    score_before: float | None
    score_after: float | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def change(self) -> float | None:
        """after − before (newer − older in a comparison of runs)."""
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before


class ChangeQuery(ListQuery):
    """Who changes class (a comparison of runs, a what-if): filters and sorts."""

    SORTS: ClassVar[tuple[str, ...]] = ("uscc", "name", "class_before", "class_after",
                                        "score_before", "score_after", "change")
    DEFAULT_SORT: ClassVar[str] = "uscc"
    DEFAULT_PER_PAGE: ClassVar[int] = 100

    q: str | None = Field(default=None, max_length=100, description="name or credit code contains")
    group: Group | None = None
    class_before: str | None = Field(default=None, pattern="^[ABCD]$")
    class_after: str | None = Field(default=None, pattern="^[ABCD]$")


class CompareQuery(ChangeQuery):
    other: int | None = Field(default=None, ge=1, le=2**31 - 1, description="the other run")


class WhatIfQuery(ChangeQuery):
    policy_name: str | None = Field(default=None, max_length=100,
                                    description="a shipped policy, by name (never a path)")


class ChangePage(Page[ClassChangePublic]):
    """Who changes class, filtered, sorted and paged; ``changes`` counts them all."""

    changes: int


class RunDiff(ChangePage):
    #: the older run (earlier year, then lower version) is always ``run_a``: changes read
    #: older → newer whichever order they were asked in
    run_a: str
    run_b: str
    run_a_id: int
    run_b_id: int


class WhatIfPublic(ChangePage):
    run: str
    base_policy: str
    other_policy: str
    mix_before: dict[str, dict[str, int]]
    mix_after: dict[str, dict[str, int]]


def _run(session: Session, actor: User, run_id: int | str) -> Run:
    access.require(actor, Action.RUNS_VIEW)
    return get_run(session=session, ref=run_id)


def _summary(run: Run, counts: dict[int, tuple[int, int]]) -> RunSummary:
    pending, total = counts.get(run.id, (0, 0))
    return RunSummary.model_validate({**RunPublic.model_validate(run).model_dump(),
                                      "label": run.label, "note": run.note,
                                      "appeals_pending": pending, "appeals_total": total})


def _appeal_counts(session: Session) -> dict[int, tuple[int, int]]:
    query = select(Appeal.run_id, Appeal.status, func.count()).group_by(Appeal.run_id,
                                                                         Appeal.status)
    out: dict[int, list[int]] = {}
    for run_id, status, n in session.execute(query):
        entry = out.setdefault(run_id, [0, 0])
        entry[1] += n
        if status == AppealStatus.PENDING:
            entry[0] += n
    return {k: (v[0], v[1]) for k, v in out.items()}


class RunQuery(ListQuery):
    """The runs list: newest year and version first by default."""

    SORTS: ClassVar[tuple[str, ...]] = ("year", "status", "n_results", "policy")
    DEFAULT_SORT: ClassVar[str] = "-year"

    year: int | None = Field(default=None, ge=1990, le=2100)
    status: RunStatus | None = None


def list_runs(*, session: Session, actor: User, year: int | None = None) -> list[RunSummary]:
    """Every run (of ``year``), newest first: what the pages offer to compare with."""
    return runs_page(session=session, actor=actor, filters=RunQuery(year=year),
                     paged=False).items


def runs_page(*, session: Session, actor: User, filters: RunQuery,
              paged: bool = True) -> Page[RunSummary]:
    access.require(actor, Action.RUNS_VIEW)
    counts = _appeal_counts(session)
    query = select(Run)
    if filters.year is not None:
        query = query.where(Run.year == filters.year)
    if filters.status is not None:
        query = query.where(Run.status == filters.status)
    columns: dict[str, list[Any]] = {
        "year": [Run.year, Run.run_version], "status": [Run.status],
        "n_results": [Run.n_results], "policy": [Run.policy_name]}
    order = [c.desc() if filters.descending else c.asc() for c in columns[filters.sort_key]]
    total, rows = sql_rows(session, query.order_by(*order, Run.id.desc()), filters, paged=paged)
    return Page[RunSummary](items=[_summary(r, counts) for (r,) in rows],
                            **page_fields(filters, total, paged))


def run_appeals(*, session: Session, actor: User, run_id: int | str) -> list[AppealPublic]:
    """A run's appeals, oldest first."""
    run = _run(session, actor, run_id)
    return [AppealPublic.model_validate(a) for a in session.scalars(
        select(Appeal).where(Appeal.run_id == run.id).order_by(Appeal.id))]


def run_detail(*, session: Session, actor: User, run_id: int,
               filters: ResultQuery | None = None, now: datetime | None = None) -> RunDetail:
    run = _run(session, actor, run_id)
    f = filters or ResultQuery()
    blocked = finalize_blocker(session, run, now or utcnow())
    mix_rows = session.execute(select(RunResult.group, RunResult.class_, func.count())
                               .where(RunResult.run_id == run.id)
                               .group_by(RunResult.group, RunResult.class_)).all()
    mix: dict[str, dict[str, int]] = {}
    exempt = 0
    for group, k, n in mix_rows:
        if group is None:
            exempt += n
            continue
        if k is not None:
            mix.setdefault(group, dict.fromkeys(CLASSES, 0))[k] = n
    total, rows = _results(session, run, f, paged=True)
    appeals = run_appeals(session=session, actor=actor, run_id=run.id)
    named = {a.new_run_id for a in appeals if a.new_run_id} | {run.supersedes_id}
    labels = {r.id: r.label for r in session.scalars(select(Run).where(Run.id.in_(
        [i for i in named if i is not None])))}
    return RunDetail(
        run=_summary(run, _appeal_counts(session)), can_finalize=blocked is None,
        finalize_blocked=str(blocked) if blocked and run.status == RunStatus.NOTICE else None,
        finalize_refusal=blocked if run.status == RunStatus.NOTICE else None, mix=mix,
        exempt=exempt, appeals=appeals, run_labels=labels,
        results=Page[ResultRow](items=rows, **page_fields(f, total, True)),
    )


def run_results(*, session: Session, actor: User, run_id: int, filters: ResultQuery
                ) -> list[ResultRow]:
    """Every result row the filters select, in their order (the export)."""
    return _results(session, _run(session, actor, run_id), filters, paged=False)[1]


def result_options(*, session: Session, actor: User, run_id: int) -> FilterOptions:
    """The towns and industries of a run's results, for the filter's dropdowns."""
    run = _run(session, actor, run_id)
    rows = session.execute(select(RunResult.town, RunResult.industry_code)
                           .where(RunResult.run_id == run.id).distinct()).all()
    return town_and_industry_options(rows)


def _results(session: Session, run: Run, f: ResultQuery, *, paged: bool
             ) -> tuple[int, list[ResultRow]]:
    query = select(RunResult).where(RunResult.run_id == run.id)
    if f.q:
        like = like_pattern(f.q.strip())
        query = query.where(or_(RunResult.name.like(like, escape="\\"),
                                RunResult.uscc.like(like.upper(), escape="\\")))
    for column, value in ((RunResult.town, f.town), (RunResult.industry_code, f.industry_code),
                          (RunResult.class_, f.klass)):
        if value:
            query = query.where(column == value)
    if f.group:
        query = query.where(group_is(RunResult.group, f.group))
    columns: dict[str, list[Any]] = {
        # 规上 before 规下, then the rank within the group; the exempt (no group) last
        "rank": [RunResult.group.is_(None), RunResult.group, RunResult.rank],
        "score": [RunResult.score], "name": [RunResult.name], "uscc": [RunResult.uscc],
        "town": [RunResult.town], "industry": [RunResult.industry_code],
        "class": [RunResult.class_],
    }
    order = [c.desc().nulls_last() if f.descending else c.asc().nulls_last()
             for c in columns[f.sort_key]]
    total, rows = sql_rows(session, query.order_by(*order, RunResult.row_no), f, paged=paged)
    return total, [ResultRow(
        uscc=r.uscc, name=r.name, town=r.town, industry_code=r.industry_code,
        industry=industry_label(r.industry_code), group=r.group, exempt_reason=r.exempt_reason,
        score=r.score, rank=r.rank, klass=r.class_, vetoed=r.vetoed,
        low_efficiency=r.low_efficiency) for (r,) in rows]


_CHANGE_KEYS: dict[str, Callable[[ClassChangePublic], Any]] = {
    "uscc": lambda c: c.uscc, "name": lambda c: c.name,
    "class_before": lambda c: c.class_before, "class_after": lambda c: c.class_after,
    "score_before": lambda c: c.score_before, "score_after": lambda c: c.score_after,
    "change": lambda c: c.change,
}


def _change_page(changes: list[ClassChangePublic], f: ChangeQuery, paged: bool
                 ) -> dict[str, Any]:
    """The fields of a ``ChangePage``: the changes the filters select, sorted and paged."""
    text = (f.q or "").strip()
    chosen = [c for c in changes
              if (not text or text in (c.name or "") or text.upper() in c.uscc)
              and (not f.group or c.group == (None if f.group == EXEMPT else f.group))
              and (not f.class_before or c.class_before == f.class_before)
              and (not f.class_after or c.class_after == f.class_after)]
    total, items = list_rows(chosen, f, _CHANGE_KEYS, paged=paged)
    return {"items": items, "changes": len(changes), **page_fields(f, total, paged)}


def older_first(a: Run, b: Run) -> tuple[Run, Run]:
    """Two runs in time order: the earlier year first, within a year the lower version."""
    return (a, b) if (a.year, a.run_version) <= (b.year, b.run_version) else (b, a)


def run_diff(*, session: Session, actor: User, run_a: int, run_b: int,
             filters: ChangeQuery | None = None, paged: bool = True) -> RunDiff:
    """Who changes class between two runs, read older → newer whatever order they come in."""
    a, b = older_first(_run(session, actor, run_a), _run(session, actor, run_b))
    changes = [ClassChangePublic(uscc=d.uscc, name=d.name, group=d.group_b or d.group_a,
                                 class_before=d.class_a, class_after=d.class_b,
                                 score_before=d.score_a, score_after=d.score_b)
               for d in diff_runs(session=session, run_a=a, run_b=b)]
    return RunDiff(run_a=a.label, run_b=b.label, run_a_id=a.id, run_b_id=b.id,
                   **_change_page(changes, filters or ChangeQuery(), paged))


def what_if(*, session: Session, actor: User, run_id: int, policy_name: str | None = None,
            policy_run_id: int | None = None, policy_text: str | None = None,
            filters: ChangeQuery | None = None, paged: bool = True) -> WhatIfPublic:
    """政策模拟: the run's frozen snapshot under another policy; who changes class.

    The other policy is a stored or shipped one by name, the policy frozen in another run, or an
    uploaded text; never a path (docs/security.md)."""
    run = _run(session, actor, run_id)
    try:
        if policy_text is not None:
            other = load_policy_text(policy_text, "upload")
        elif policy_name:
            other = named_policy(session, policy_name)
        elif policy_run_id is not None:
            frozen = _run(session, actor, policy_run_id)
            other = load_policy_text(frozen.policy_text, frozen.policy_name)
        else:
            raise InvalidInput(N_("请选择一个内置评价办法或上传一个"))
        base = load_policy_text(run.policy_text, run.policy_name)
        snapshot = Snapshot.from_parquet(run.enterprises_parquet, run.incidents_parquet)
        before = evaluate(snapshot.enterprises, snapshot.incidents, base, run.year)
        after = evaluate(snapshot.enterprises, snapshot.incidents, other, run.year)
    except PolicyError as exc:
        raise policy_refusal(exc) from None
    except EvaluationError as exc:
        raise InvalidInput(str(exc)) from None
    result = compare(before, after)
    changes = [ClassChangePublic(uscc=c.uscc, name=c.name, group=c.group_after or c.group_before,
                                 class_before=c.class_before, class_after=c.class_after,
                                 score_before=c.score_before, score_after=c.score_after)
               for c in result.changes]
    return WhatIfPublic(
        run=run.label, base_policy=result.base_policy, other_policy=result.other_policy,
        mix_before=result.mix_before, mix_after=result.mix_after,
        **_change_page(changes, filters or ChangeQuery(), paged))


@lru_cache(maxsize=1)
def shipped_policy_titles() -> dict[str, str]:
    """Each shipped policy's title by name."""
    return {name: load_shipped_policy(name).policy.title or name for name in shipped_policy_names()}


def policy_titles(session: Session) -> dict[str, str]:
    """Each policy a form may choose, its title by name (stored ones over shipped ones)."""
    return {**shipped_policy_titles(), **{c.name: c.title for c in choices(session)}}


def what_if_policies(session: Session, year: int) -> list[PolicyChoice]:
    """The stored and shipped policies a run of ``year`` may be simulated under (those that cover
    the year), so that the 政策模拟 form's first choice works as it stands."""
    return choices(session, year)


def notice_list(*, session: Session, actor: User, run_id: int | str) -> tuple[str, bytes]:
    """The 公示名单 of a published run as .xlsx: (file name, bytes) — the one export, for the web
    and the command line alike. The towns are the run's frozen ones, the file's date its
    publication, so a run's list is the same file every time."""
    run = _run(session, actor, run_id)
    if run.status == RunStatus.DRAFT:
        raise InvalidInput(N_("批次 %(run)s 还是草稿，请先发布公示"), run=run.label)
    snapshot = Snapshot.from_parquet(run.enterprises_parquet, run.incidents_parquet)
    towns = {u: t for u, t in zip(snapshot.enterprises["uscc"].to_pylist(),
                                  snapshot.enterprises["town"].to_pylist(), strict=True) if t}
    data = notice_list_xlsx(
        stored_rows(session, run), towns=towns,
        title=f"{run.year}年度工业企业亩均效益综合评价结果公示名单",
        notice_from=run.published_at, notice_until=run.notice_until, created=run.published_at,
        footer=("公示期内，企业对评价结果有异议的，可向县经信局提出申诉，并附相关证明材料。"
                f"评价版本 {run.label}，评价办法 {run.policy_title}（{run.policy_name}），"
                f"数据指纹 {run.snapshot_hash[:16]}。"),
    )
    return f"公示名单-{run.label}.xlsx", data
