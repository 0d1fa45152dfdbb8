"""What the runs pages read: runs with their appeals and results, diffs, what-ifs, the 公示名单.

Writes (create, publish, appeal, resolve, finalise) are ``services.runs`` and
``services.appeals``; this module reads, within the bureau's reach (``Action.RUNS_VIEW``).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
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


class ResultRow(BaseModel):
    uscc: str
    name: str | None
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
    results_total: int
    results: list[ResultRow]
    #: run id → label (2025-v1) of the runs this one names: the one it supersedes, the corrected
    #: versions its appeals created
    run_labels: dict[int, str]


class ClassChangePublic(BaseModel):
    uscc: str
    name: str | None
    class_before: str | None
    class_after: str | None
    score_before: float | None
    score_after: float | None


class RunDiff(BaseModel):
    run_a: str
    run_b: str
    changes: list[ClassChangePublic]


class WhatIfPublic(BaseModel):
    run: str
    base_policy: str
    other_policy: str
    mix_before: dict[str, dict[str, int]]
    mix_after: dict[str, dict[str, int]]
    changes: list[ClassChangePublic]


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


def list_runs(*, session: Session, actor: User, year: int | None = None) -> list[RunSummary]:
    access.require(actor, Action.RUNS_VIEW)
    counts = _appeal_counts(session)
    query = select(Run).order_by(Run.year.desc(), Run.run_version.desc())
    if year is not None:
        query = query.where(Run.year == year)
    return [_summary(r, counts) for r in session.scalars(query)]


def run_appeals(*, session: Session, actor: User, run_id: int | str) -> list[AppealPublic]:
    """A run's appeals, oldest first."""
    run = _run(session, actor, run_id)
    return [AppealPublic.model_validate(a) for a in session.scalars(
        select(Appeal).where(Appeal.run_id == run.id).order_by(Appeal.id))]


def run_detail(*, session: Session, actor: User, run_id: int, klass: str | None = None,
               q: str | None = None, page: int = 1, per_page: int = 100,
               now: datetime | None = None) -> RunDetail:
    run = _run(session, actor, run_id)
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
    query = select(RunResult).where(RunResult.run_id == run.id)
    if klass:
        query = query.where(RunResult.class_ == klass)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(RunResult.name.like(like) | RunResult.uscc.like(like.upper()))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(RunResult.group, RunResult.rank.asc().nulls_last(),
                                          RunResult.row_no)
                           .limit(per_page).offset((page - 1) * per_page))
    appeals = run_appeals(session=session, actor=actor, run_id=run.id)
    named = {a.new_run_id for a in appeals if a.new_run_id} | {run.supersedes_id}
    labels = {r.id: r.label for r in session.scalars(select(Run).where(Run.id.in_(
        [i for i in named if i is not None])))}
    return RunDetail(
        run=_summary(run, _appeal_counts(session)), can_finalize=blocked is None,
        finalize_blocked=str(blocked) if blocked and run.status == RunStatus.NOTICE else None,
        finalize_refusal=blocked if run.status == RunStatus.NOTICE else None, mix=mix,
        exempt=exempt, appeals=appeals, results_total=total, run_labels=labels,
        results=[ResultRow(uscc=r.uscc, name=r.name, group=r.group,
                           exempt_reason=r.exempt_reason, score=r.score, rank=r.rank,
                           klass=r.class_, vetoed=r.vetoed, low_efficiency=r.low_efficiency)
                 for r in rows],
    )


def run_diff(*, session: Session, actor: User, run_a: int, run_b: int) -> RunDiff:
    a, b = _run(session, actor, run_a), _run(session, actor, run_b)
    changes = [ClassChangePublic(uscc=d.uscc, name=d.name, class_before=d.class_a,
                                 class_after=d.class_b, score_before=d.score_a,
                                 score_after=d.score_b)
               for d in diff_runs(session=session, run_a=a, run_b=b)]
    return RunDiff(run_a=a.label, run_b=b.label, changes=changes)


def what_if(*, session: Session, actor: User, run_id: int, policy_name: str | None = None,
            policy_run_id: int | None = None, policy_text: str | None = None) -> WhatIfPublic:
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
    return WhatIfPublic(
        run=run.label, base_policy=result.base_policy, other_policy=result.other_policy,
        mix_before=result.mix_before, mix_after=result.mix_after,
        changes=[ClassChangePublic(uscc=c.uscc, name=c.name, class_before=c.class_before,
                                   class_after=c.class_after, score_before=c.score_before,
                                   score_after=c.score_after) for c in result.changes])


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
