"""Evaluation runs (评价): create from a frozen snapshot, publish for notice (公示), finalize,
verify, compare. The results are the engine's (``mujun.engine.evaluate``); no rule lives here.

Stages: draft → notice (公示, ``notice_days`` of the policy) → final; a run in notice whose
corrected version (after an accepted appeal) is published becomes ``superseded`` and its pending
appeals move to that version. A year has at most one run in notice. Only a draft may
be deleted; a published run's inputs, policy and results never change (``store.models.runs``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine.evaluate import Evaluation, EvaluationError, evaluate
from mujun.engine.explain import explain_all
from mujun.engine.policy import LoadedPolicy, PolicyError, load_policy_text
from mujun.engine.texts import N_
from mujun.io.policy_files import load_policy
from mujun.services import access, audit
from mujun.services.access import Action
from mujun.services.county import county_figures_of
from mujun.services.errors import ConflictError, InvalidInput, InvalidTransition, NotFound
from mujun.services.import_results import Progress
from mujun.services.policies.choice import named_policy, policy_for
from mujun.services.policies.stored import latest_versions
from mujun.services.run_json import (
    explanation_texts,
    jsonable,
    results_hash,
    table_results_hash,
)
from mujun.services.snapshot import Snapshot, assemble
from mujun.services.users import require_admin
from mujun.services.verification import row_mismatches
from mujun.store import bulk
from mujun.store.models import Appeal, AppealStatus, Run, RunResult, RunStatus, User
from mujun.store.models.base import utcnow


def engine_version() -> str:
    try:
        return f"mujun {metadata.version('mujun')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "mujun (source)"


def normalized_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as they come back from a JSON column (so stored and recomputed rows compare exactly)."""
    return [{k: jsonable(v) for k, v in row.items()} for row in rows]


def _evaluation(snapshot: Snapshot, policy: LoadedPolicy, year: int) -> Evaluation:
    try:
        return evaluate(snapshot.enterprises, snapshot.incidents, policy, year)
    except EvaluationError as exc:
        raise InvalidInput(str(exc)) from None


def _rows(ev: Evaluation, finite: bool, batch: int = 5_000) -> Iterator[list[dict[str, Any]]]:
    """The §8 rows as a JSON column gives them back, ``batch`` at a time (a province's rows
    as Python objects at once would take a gigabyte); ``finite``: ``_all_finite(ev.table)``."""
    for start in range(0, ev.table.num_rows, batch):
        rows = ev.table.slice(start, batch).to_pylist()
        yield rows if finite else normalized_rows(rows)


def _compute(snapshot: Snapshot, policy: LoadedPolicy, year: int) -> tuple[list[dict[str, Any]],
                                                                          Any]:
    ev = _evaluation(snapshot, policy, year)
    return [row for part in _rows(ev, _all_finite(ev.table)) for row in part], ev


def _all_finite(table: pa.Table) -> bool:
    """Whether no number of ``table`` is NaN or infinite (then its rows need no normalizing)."""
    return all(pc.all(pc.is_finite(table.column(f.name))).as_py() is not False
               for f in table.schema if pa.types.is_floating(f.type))


def get_run(*, session: Session, ref: str | int) -> Run:
    """A run by id (``12``) or by label (``2024-v2``)."""
    text = str(ref).strip()
    match = re.fullmatch(r"(\d{4})-v(\d+)", text)
    if match:
        run = session.scalar(select(Run).where(Run.year == int(match[1]),
                                               Run.run_version == int(match[2])))
    elif text.isdigit():
        run = session.get(Run, int(text))
    else:
        run = None
    if run is None:
        raise NotFound(f"no run {ref!r} (give its id or a label like 2024-v1)")
    return run


def _policy(session: Session, year: int, policy: str | Path | None, policy_text: str | None,
            name: str | None) -> LoadedPolicy:
    """The policy a new run freezes: a frozen text (``name`` its source), a policy by name (stored
    or shipped, never a path: what the web sends), a name or file from the command line, or when
    none is given the policy for the year (``services.policies.choice``)."""
    try:
        if policy_text is not None:
            return load_policy_text(policy_text, name or "policy")
        if name is not None:
            return named_policy(session, name)
        if policy is None:
            return policy_for(session, year)
        if str(policy) in {s.name for s in latest_versions(session)}:
            return named_policy(session, str(policy))
        return load_policy(policy)
    except PolicyError as exc:
        raise InvalidInput(str(exc)) from None


#: the stages of creating a run, as its progress names them (done and total count rows)
ASSEMBLE, EVALUATE, STORE = "assemble", "evaluate", "store"
#: result rows written at a time (their explanations are built and serialised per batch)
STORE_BATCH = 5_000


def create_run(
    *,
    session: Session,
    actor: User | None,
    year: int,
    policy: str | Path | None = None,
    policy_text: str | None = None,
    policy_name: str | None = None,
    supersedes: Run | None = None,
    note: str | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Run:
    """Freeze the year's inputs and the policy, evaluate, and store every result row (a draft).

    ``policy`` is a shipped name or a file (the command line), ``policy_name`` a stored or shipped
    policy by name (the web), ``policy_text`` a frozen text (``policy_name`` then its source);
    none of them: the policy that applies to ``year``. ``progress`` is told each stage
    (:data:`ASSEMBLE`, :data:`EVALUATE`, :data:`STORE` with the rows stored so far)."""
    require_admin(actor)
    report = progress or (lambda stage, done, total: None)
    now = now or utcnow()
    loaded = _policy(session, year, policy, policy_text, policy_name)
    report(ASSEMBLE, 0, 0)
    enterprises_pq, incidents_pq = assemble(session, year).to_parquet()
    # the run evaluates and hashes its frozen form itself, as verify reads it back: a table's
    # bytes under its empty cells are not kept by Parquet, so the assembled table would hash
    # differently wherever a cell is empty (an incident without a note or a date)
    snapshot = Snapshot.from_parquet(enterprises_pq, incidents_pq)
    if snapshot.enterprises.num_rows == 0:
        raise InvalidInput(f"the store has no figures for {year}; import the departments' files")
    report(EVALUATE, 0, snapshot.enterprises.num_rows)
    ev = _evaluation(snapshot, loaded, year)
    n_results = ev.table.num_rows
    finite = _all_finite(ev.table)
    number = (session.scalar(select(func.max(Run.run_version)).where(Run.year == year)) or 0) + 1
    run = Run(
        year=year, run_version=number, status=RunStatus.DRAFT,
        supersedes_id=supersedes.id if supersedes else None,
        policy_name=loaded.policy.name, policy_text=loaded.text, policy_hash=loaded.hash,
        engine_version=engine_version(), enterprises_parquet=enterprises_pq,
        incidents_parquet=incidents_pq, snapshot_hash=snapshot.hash,
        results_hash=table_results_hash(ev.table),
        n_results=n_results,
        county_figures=county_figures_of(session=session, year=year), note=note, created_at=now,
        created_by_id=actor.id if actor else None,
    )
    session.add(run)
    session.flush()
    _store_results(session, run, snapshot, ev, finite, report)
    audit.record(session=session, actor=actor, action="run.create", entity="run",
                 entity_id=run.id, at=now,
                 summary=f"run {run.label}: {n_results} results, policy {loaded.policy.name}",
                 after=_run_state(run))
    return run


#: the result columns copied from the §8 table as they are (``class`` is the model's ``class_``)
_RESULT_COLUMNS = ("uscc", "name", "group", "exempt_reason", "vetoed", "score", "rank", "class",
                   "low_efficiency")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=jsonable)


def _store_results(session: Session, run: Run, snapshot: Snapshot, ev: Evaluation,
                   finite: bool, report: Progress) -> None:
    """Every result row with its explanation (``engine.explain.explain_all``: the same as
    ``mujun explain`` gives for each enterprise), written in batches straight to the driver
    (``store.bulk``): at 100,000 enterprises the per-row work of the ORM would dominate."""
    where = _towns_and_industries(snapshot)
    # the rows as JSON by Polars (the same values as the rows read back), unless a number is not
    # finite: then the normalized rows (``run_json.jsonable``)
    table = pl.from_arrow(ev.table)
    assert isinstance(table, pl.DataFrame)
    texts = _explanations(ev, snapshot, finite)
    unusual = _rows(ev, finite, STORE_BATCH) if not finite else None
    total = ev.table.num_rows
    report(STORE, 0, total)
    for start in range(0, total, STORE_BATCH):
        frame = table.slice(start, STORE_BATCH).select(
            *_RESULT_COLUMNS, pl.struct(pl.all()).struct.json_encode().alias("row"))
        codes = frame.get_column("uscc").to_list()
        frame = frame.with_columns(
            pl.Series("row_no", range(start, start + frame.height), dtype=pl.Int64),
            pl.Series("town", [where[u][0] for u in codes], dtype=pl.String),
            pl.Series("industry_code", [where[u][1] for u in codes], dtype=pl.String),
            next(texts).alias("explanation"),
        )
        if unusual is not None:
            frame = frame.with_columns(pl.Series("row", [_dumps(r) for r in next(unusual)],
                                                 dtype=pl.String))
        bulk.insert_frame(session, RunResult, frame, {"run_id": run.id})
        report(STORE, start + frame.height, total)


def _explanations(ev: Evaluation, snapshot: Snapshot, finite: bool) -> Iterator[pl.Series]:
    """The explanations as JSON, :data:`STORE_BATCH` rows at a time: written by Polars
    (``run_json``) unless a number is not finite, then each mapping of ``explain_all`` by
    ``json``."""
    texts = explanation_texts(ev, snapshot.incidents, STORE_BATCH) if finite else None
    if texts is not None:
        yield from texts
        return
    mappings, total = explain_all(ev, snapshot.incidents), ev.table.num_rows
    for start in range(0, total, STORE_BATCH):
        yield pl.Series([_dumps(next(mappings)) for _ in range(min(STORE_BATCH, total - start))],
                        dtype=pl.String)


def _towns_and_industries(snapshot: Snapshot) -> dict[str, tuple[str | None, str | None]]:
    table = snapshot.enterprises
    return {u: (t, i) for u, t, i in zip(*(table.column(c).to_pylist()
                                           for c in ("uscc", "town", "industry_code")),
                                         strict=True)}


def _run_state(run: Run) -> dict[str, Any]:
    return {"label": run.label, "status": str(run.status), "policy": run.policy_name,
            "policy_hash": run.policy_hash, "snapshot_hash": run.snapshot_hash,
            "results_hash": run.results_hash, "supersedes_id": run.supersedes_id,
            "published_at": run.published_at.isoformat() if run.published_at else None,
            "notice_until": run.notice_until.isoformat() if run.notice_until else None,
            "finalized_at": run.finalized_at.isoformat() if run.finalized_at else None}


def delete_draft(*, session: Session, actor: User | None, run: Run) -> None:
    require_admin(actor)
    if run.status != RunStatus.DRAFT:
        raise InvalidTransition(N_("批次 %(run)s 不是草稿，只有草稿可以删除"), run=run.label)
    before = _run_state(run)
    session.execute(delete(RunResult).where(RunResult.run_id == run.id))
    session.delete(run)
    session.flush()
    audit.record(session=session, actor=actor, action="run.delete", entity="run",
                 entity_id=run.id, before=before)


def require_manage(actor: User | None) -> None:
    """``None`` is the system itself; a user needs ``Action.RUNS_MANAGE`` (an active admin)."""
    if actor is not None:
        access.require(actor, Action.RUNS_MANAGE)


def _in_notice(session: Session, year: int, other_than: int | None) -> Run | None:
    query = select(Run).where(Run.year == year, Run.status == RunStatus.NOTICE)
    if other_than is not None:
        query = query.where(Run.id != other_than)
    return session.scalars(query.order_by(Run.run_version)).first()


def _move_open_appeals(session: Session, actor: User | None, old: Run, new: Run,
                       now: datetime) -> None:
    """Every pending appeal of a superseded run goes on against its new version: an appeal ends
    only when it is decided (docs/store.md)."""
    for appeal in session.scalars(select(Appeal).where(Appeal.run_id == old.id,
                                                       Appeal.status == AppealStatus.PENDING)):
        appeal.run_id = new.id
        audit.record(session=session, actor=actor, action="appeal.move", entity="appeal",
                     entity_id=appeal.id, at=now, before={"run_id": old.id},
                     after={"run_id": new.id},
                     summary=f"appeal {appeal.id} of {appeal.uscc} moved from run {old.label} "
                             f"to {new.label}")


def publish_run(*, session: Session, actor: User | None, run_id: int | str,
                now: datetime | None = None) -> Run:
    """Open public notice (公示) until ``notice_days`` (the run's policy) from now.

    A year has at most one run in notice: a corrected version replaces the run it supersedes (that
    run becomes ``superseded`` and its pending appeals move to the new version); any other run of
    the year still in notice must be finalised first.
    """
    require_manage(actor)
    run = get_run(session=session, ref=run_id)
    if run.status != RunStatus.DRAFT:
        raise InvalidTransition(N_("批次 %(run)s 不是草稿，只有草稿可以发布公示"), run=run.label)
    now = now or utcnow()
    superseded = session.get(Run, run.supersedes_id) if run.supersedes_id else None
    replaced = superseded if superseded and superseded.status == RunStatus.NOTICE else None
    other = _in_notice(session, run.year, replaced.id if replaced else None)
    if other is not None:
        raise InvalidTransition(
            N_("%(year)s 年度的评价批次 %(other)s 正在公示；同一年度同时只能有一个批次公示，"
               "请先将 %(other)s 定稿，再发布 %(run)s"), year=run.year, other=other.label,
            run=run.label)
    before = _run_state(run)
    days = load_policy_text(run.policy_text, run.policy_name).policy.notice_days
    if replaced is not None:
        old = _run_state(replaced)
        replaced.status = RunStatus.SUPERSEDED
        audit.record(session=session, actor=actor, action="run.supersede", entity="run",
                     entity_id=replaced.id, at=now, before=old, after=_run_state(replaced),
                     summary=f"run {replaced.label} superseded by {run.label}")
        _move_open_appeals(session, actor, replaced, run, now)
        session.flush()  # the old run leaves notice before the new one enters it
    run.status, run.published_at = RunStatus.NOTICE, now
    run.notice_until = now + timedelta(days=days)
    # built before the flush: a failed flush leaves the session unreadable
    refusal = ConflictError(N_("%(year)s 年度刚有另一个评价批次发布公示；同一年度同时只能有一个"
                               "批次公示，请刷新页面查看"), year=run.year)
    try:
        session.flush()
    except IntegrityError:  # uq_runs_year_in_notice: another admin published one at the same time
        raise refusal from None
    audit.record(session=session, actor=actor, action="run.publish", entity="run",
                 entity_id=run.id, at=now, before=before, after=_run_state(run),
                 summary=f"run {run.label} in notice until {run.notice_until:%Y-%m-%d %H:%M}")
    return run


def notice_end(run: Run) -> datetime:
    """When the run's public notice closes; a run that was never published has no notice."""
    if run.notice_until is None:
        raise InvalidTransition(N_("批次 %(run)s 从未发布公示"), run=run.label)
    return run.notice_until


def finalize_blocker(session: Session, run: Run, now: datetime) -> InvalidTransition | None:
    """Why ``run`` cannot be finalised at ``now`` (the refusal for the admin), or ``None``."""
    if run.status != RunStatus.NOTICE:
        return InvalidTransition(N_("批次 %(run)s 不在公示中，只有公示中的批次可以定稿"),
                                 run=run.label)
    if now < notice_end(run):
        return InvalidTransition(N_("批次 %(run)s 的公示期到 %(until)s（UTC）结束，"
                                    "公示期结束后方可定稿"),
                                 run=run.label, until=f"{notice_end(run):%Y-%m-%d %H:%M}")
    pending = session.scalar(select(func.count()).select_from(Appeal).where(
        Appeal.run_id == run.id, Appeal.status == AppealStatus.PENDING))
    if pending:
        return InvalidTransition(N_("批次 %(run)s 尚有 %(n)s 件申诉待处理，处理完毕后方可定稿"),
                                 run=run.label, n=pending)
    corrected = session.scalars(select(Run).where(Run.supersedes_id == run.id,
                                                  Run.status == RunStatus.DRAFT)).first()
    if corrected is not None:
        return InvalidTransition(N_("批次 %(run)s 已因采纳申诉生成更正版本 %(corrected)s，"
                                    "请发布 %(corrected)s 公示，而不是将 %(run)s 定稿"),
                                 run=run.label, corrected=corrected.label)
    return None


def finalize_run(*, session: Session, actor: User | None, run_id: int | str,
                 now: datetime | None = None) -> Run:
    """Close a run after its notice, when no appeal is pending and no corrected version waits."""
    require_manage(actor)
    run = get_run(session=session, ref=run_id)
    now = now or utcnow()
    blocker = finalize_blocker(session, run, now)
    if blocker is not None:
        raise blocker
    before = _run_state(run)
    run.status, run.finalized_at = RunStatus.FINAL, now
    session.flush()
    audit.record(session=session, actor=actor, action="run.finalize", entity="run",
                 entity_id=run.id, at=now, before=before, after=_run_state(run),
                 summary=f"run {run.label} final")
    return run


def stored_rows(session: Session, run: Run) -> list[dict[str, Any]]:
    return list(session.scalars(select(RunResult.row).where(RunResult.run_id == run.id)
                                .order_by(RunResult.row_no)))


@dataclass
class Verification:
    run: str
    snapshot_ok: bool
    policy_ok: bool
    rows_compared: int
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.snapshot_ok and self.policy_ok and not self.mismatches


def verify_run(*, session: Session, run: Run) -> Verification:
    """Recompute from the frozen snapshot and policy; every stored result must be identical."""
    snapshot = Snapshot.from_parquet(run.enterprises_parquet, run.incidents_parquet)
    loaded = load_policy_text(run.policy_text, run.policy_name)
    check = Verification(run.label, snapshot.hash == run.snapshot_hash,
                         loaded.hash == run.policy_hash, 0)
    rows, _ = _compute(snapshot, loaded, run.year)
    stored = stored_rows(session, run)
    check.rows_compared = len(stored)
    check.mismatches += row_mismatches(stored, rows, "uscc")
    if results_hash(stored) != run.results_hash:
        check.mismatches.append("the stored rows do not match the run's results hash")
    return check


@dataclass(frozen=True)
class ClassDiff:
    uscc: str
    name: str | None
    class_a: str | None
    class_b: str | None
    score_a: float | None
    score_b: float | None
    group_a: str | None = None
    group_b: str | None = None


def diff_runs(*, session: Session, run_a: Run, run_b: Run) -> list[ClassDiff]:
    """Enterprises whose class differs between two runs (absent from one run: class None)."""
    Row = tuple[str | None, str | None, float | None, str | None]

    def by_uscc(run: Run) -> dict[str, Row]:
        rows = session.execute(select(RunResult.uscc, RunResult.name, RunResult.class_,
                                      RunResult.score, RunResult.group)
                               .where(RunResult.run_id == run.id)
                               .order_by(RunResult.row_no)).all()
        return {u: (n, c, s, g) for u, n, c, s, g in rows}

    a, b = by_uscc(run_a), by_uscc(run_b)
    out = []
    for uscc in [*a, *(u for u in b if u not in a)]:
        na, ca, sa, ga = a.get(uscc, (None, None, None, None))
        nb, cb, sb, gb = b.get(uscc, (None, None, None, None))
        if ca != cb or (uscc in a) != (uscc in b):
            out.append(ClassDiff(uscc, na or nb, ca, cb, sa, sb, ga, gb))
    return out
