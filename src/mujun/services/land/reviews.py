"""标准地 达产复核 in the store: create the review of a year, publish it, verify it, the owners'
answers and the collection of penalties (docs/land.md, "达产复核 in the store").

The rule is the engine's (``engine.land.review``, land.md §3); this module freezes its inputs
(``review_inputs``) and policy, stores its rows and keeps the states that move afterwards. A
published review never changes (``store.models.land_reviews``); a correction is a new version of
the year's review, whose publication supersedes the old one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mujun.engine.land import review
from mujun.engine.land.enterprises import enterprise_years
from mujun.engine.land.review import PENALISED
from mujun.engine.land.tables import review_table
from mujun.engine.policy import LoadedPolicy, PolicyError, load_policy_text
from mujun.engine.texts import N_
from mujun.services import audit
from mujun.services.errors import ConflictError, InvalidInput, InvalidTransition, NotFound
from mujun.services.land import review_access
from mujun.services.land.review_inputs import (
    PARTS,
    ReviewInputs,
    canonical_hash,
    commitments_of,
    enterprise_table,
    gather,
    names_of,
    parcels_of,
)
from mujun.services.policies.choice import named_policy, policy_for
from mujun.services.runs import engine_version
from mujun.services.verification import row_mismatches
from mujun.store.models import (
    LandReview,
    LandReviewAnswer,
    LandReviewPenalty,
    LandReviewRow,
    Parcel,
    User,
)
from mujun.store.models.base import utcnow
from mujun.store.models.land_reviews import PenaltyStatus, ReviewStatus

#: the owners may answer (申辩/说明) during this many days after publication (docs/land.md)
ANSWER_DAYS = 15


def compute(inputs: ReviewInputs, policy: LoadedPolicy, year: int) -> list[dict[str, Any]]:
    """The rule over frozen inputs: one row per commitment, in the inputs' order, with the columns
    of ``mujun land review`` (``engine.land.tables``)."""
    rows = review(commitments_of(inputs), parcels_of(inputs),
                  enterprise_years(enterprise_table(inputs)),
                  [(p, a) for p, a in inputs.projects], year=year, rules=policy.policy.land)
    return [dict(r) for r in review_table(rows).to_pylist()]


def get_review(*, session: Session, ref: str | int) -> LandReview:
    """A review by id (``3``) or by label (``2025-v1``)."""
    text = str(ref).strip()
    found: LandReview | None = None
    year, _, version = text.partition("-v")
    if version.isdigit() and year.isdigit():
        found = session.scalar(select(LandReview).where(
            LandReview.year == int(year), LandReview.review_version == int(version)))
    elif text.isdigit():
        found = session.get(LandReview, int(text))
    if found is None:
        raise NotFound(N_("没有达产复核 %(ref)s（请给出编号或如 2025-v1 的版本）"), ref=text)
    return found


def _policy(session: Session, year: int, name: str | None) -> LoadedPolicy:
    try:
        return named_policy(session, name) if name else policy_for(session, year)
    except PolicyError as exc:
        raise InvalidInput(str(exc)) from None


def _state(r: LandReview) -> dict[str, Any]:
    return {"label": r.label, "status": str(r.status), "policy": r.policy_name,
            "policy_hash": r.policy_hash, "inputs_hash": r.inputs_hash, "rows_hash": r.rows_hash,
            "supersedes_id": r.supersedes_id, "n_rows": r.n_rows, "n_breaches": r.n_breaches,
            "total_penalty_wan": r.total_penalty_wan,
            "published_at": r.published_at.isoformat() if r.published_at else None}


def create_review(*, session: Session, actor: User | None, year: int,
                  policy_name: str | None = None, supersedes: LandReview | None = None,
                  note: str | None = None, now: datetime | None = None) -> LandReview:
    """Freeze the year's inputs and policy, review every commitment and store the rows (a draft).

    Without ``policy_name`` the policy that applies to ``year`` (``policies.choice``)."""
    review_access.require_manage(actor)
    now = now or utcnow()
    loaded = _policy(session, year, policy_name)
    inputs = gather(session, year)
    if not inputs.commitments:
        raise InvalidInput(N_("库中没有标准地承诺，无法进行 %(year)s 年度达产复核；"
                              "请先导入地块和标准地承诺"), year=year)
    rows = compute(inputs, loaded, year)
    number = (session.scalar(select(func.max(LandReview.review_version))
                             .where(LandReview.year == year)) or 0) + 1
    due = [r for r in rows if r["review_status"] == "due"]
    rec = LandReview(
        year=year, review_version=number, status=ReviewStatus.DRAFT,
        supersedes_id=supersedes.id if supersedes else None, policy_name=loaded.policy.name,
        policy_text=loaded.text, policy_hash=loaded.hash, engine_version=engine_version(),
        commitments=inputs.commitments, parcels=inputs.parcels, enterprises=inputs.enterprises,
        projects=inputs.projects, inputs_hash=inputs.hash, input_hashes=inputs.hashes,
        rows_hash=canonical_hash(rows), n_rows=len(rows), n_due=len(due),
        n_breaches=sum(1 for r in due if r["breaches"]),
        total_penalty_wan=round(sum(r["total_penalty_wan"] or 0.0 for r in due), 4),
        note=note, created_at=now, created_by_id=actor.id if actor else None)
    session.add(rec)
    session.flush()
    _store_rows(session, rec, rows, inputs)
    audit.record(session=session, actor=actor, action="land_review.create", entity="land_review",
                 entity_id=rec.id, at=now, after=_state(rec),
                 summary=f"land review {rec.label}: {len(rows)} commitments, {len(due)} due, "
                         f"{rec.n_breaches} with breaches, policy {loaded.policy.name}")
    return rec


def _store_rows(session: Session, rec: LandReview, rows: list[dict[str, Any]],
                inputs: ReviewInputs) -> None:
    where = {p["parcel_id"]: (p["zone"], p["town"]) for p in inputs.parcels}
    names = names_of(inputs)
    session.execute(insert(LandReviewRow), [
        {"review_id": rec.id, "row_no": i, "parcel_code": r["parcel_id"], "uscc": r["owner_uscc"],
         "name": names.get(r["owner_uscc"] or ""), "zone": where[r["parcel_id"]][0],
         "town": where[r["parcel_id"]][1], "review_status": r["review_status"],
         "breaches": r["breaches"], "total_penalty_wan": r["total_penalty_wan"], "row": r}
        for i, r in enumerate(rows)])
    ids = dict(session.execute(select(LandReviewRow.row_no, LandReviewRow.id)
                               .where(LandReviewRow.review_id == rec.id)).all())
    penalties = [{"review_id": rec.id, "row_id": ids[i], "measure": m, "amount_wan": amount,
                  "status": PenaltyStatus.PENDING, "version": 1}
                 for i, r in enumerate(rows) for m in PENALISED
                 if r["status_" + m] == "breach" and (amount := r["penalty_" + m]) is not None]
    if penalties:
        session.execute(insert(LandReviewPenalty), penalties)


def delete_draft(*, session: Session, actor: User | None, review_id: int | str) -> None:
    review_access.require_manage(actor)
    rec = get_review(session=session, ref=review_id)
    if rec.status != ReviewStatus.DRAFT:
        raise InvalidTransition(N_("达产复核 %(review)s 已发布，发布后不再修改或删除"),
                                review=rec.label)
    before = _state(rec)
    session.execute(delete(LandReviewRow).where(LandReviewRow.review_id == rec.id))
    session.delete(rec)
    session.flush()
    audit.record(session=session, actor=actor, action="land_review.delete",
                 entity="land_review", entity_id=rec.id, before=before)


def publish_review(*, session: Session, actor: User | None, review_id: int | str,
                   now: datetime | None = None) -> LandReview:
    """Publish a draft: the owners see their rows and may answer for ``ANSWER_DAYS`` days. A
    corrected version replaces the published review it supersedes (that one becomes
    ``superseded``); a year has one published review."""
    review_access.require_manage(actor)
    rec = get_review(session=session, ref=review_id)
    if rec.status != ReviewStatus.DRAFT:
        raise InvalidTransition(N_("达产复核 %(review)s 不是草稿，只有草稿可以发布"),
                                review=rec.label)
    now = now or utcnow()
    current = session.scalar(select(LandReview).where(
        LandReview.year == rec.year, LandReview.status == ReviewStatus.PUBLISHED))
    if current is not None:
        if current.id != rec.supersedes_id:
            raise InvalidTransition(
                N_("%(year)s 年度已发布达产复核 %(other)s；更正请在其页面生成更正版本"),
                year=rec.year, other=current.label)
        old = _state(current)
        current.status = ReviewStatus.SUPERSEDED
        session.flush()
        audit.record(session=session, actor=actor, action="land_review.supersede",
                     entity="land_review", entity_id=current.id, at=now, before=old,
                     after=_state(current),
                     summary=f"land review {current.label} superseded by {rec.label}")
    before = _state(rec)
    rec.status, rec.published_at = ReviewStatus.PUBLISHED, now
    rec.answer_until = now + timedelta(days=ANSWER_DAYS)
    refusal = ConflictError(N_("%(year)s 年度刚有另一个达产复核发布，请刷新页面查看"),
                            year=rec.year)
    try:
        session.flush()
    except IntegrityError:  # uq_land_reviews_year_published: published at the same time
        raise refusal from None
    audit.record(session=session, actor=actor, action="land_review.publish",
                 entity="land_review", entity_id=rec.id, at=now, before=before,
                 after=_state(rec),
                 summary=f"land review {rec.label} published; answers until "
                         f"{rec.answer_until:%Y-%m-%d}")
    return rec


def correct_review(*, session: Session, actor: User | None, review_id: int | str,
                   note: str | None = None, now: datetime | None = None) -> LandReview:
    """A new draft version of a published review, from the store as it is now (same policy)."""
    review_access.require_manage(actor)
    old = get_review(session=session, ref=review_id)
    if old.status != ReviewStatus.PUBLISHED:
        raise InvalidTransition(N_("只有已发布的达产复核可以更正，%(review)s 不是"),
                                review=old.label)
    return create_review(session=session, actor=actor, year=old.year,
                         policy_name=old.policy_name, supersedes=old, note=note, now=now)


# --- verify -------------------------------------------------------------------------------------


@dataclass
class Verification:
    review: str
    inputs_ok: bool
    policy_ok: bool
    rows_compared: int
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.inputs_ok and self.policy_ok and not self.mismatches


def frozen_inputs(rec: LandReview) -> ReviewInputs:
    return ReviewInputs(rec.commitments, rec.parcels, rec.enterprises, rec.projects)


def stored_rows(session: Session, rec: LandReview) -> list[dict[str, Any]]:
    return list(session.scalars(select(LandReviewRow.row).where(LandReviewRow.review_id == rec.id)
                                .order_by(LandReviewRow.row_no)))


def verify_review(*, session: Session, review_id: int | str) -> Verification:
    """Recompute from the frozen inputs and policy: the hashes must match and every stored row
    must be identical to the recomputed one."""
    rec = get_review(session=session, ref=review_id)
    inputs = frozen_inputs(rec)
    check = Verification(rec.label, inputs.hash == rec.inputs_hash, False, 0)
    for part in PARTS:
        if inputs.hashes[part] != rec.input_hashes.get(part):
            check.mismatches.append(f"the frozen {part} do not match their hash")
    try:
        loaded = load_policy_text(rec.policy_text, rec.policy_name)
    except PolicyError as exc:
        check.mismatches.append(f"the frozen policy does not load: {exc}")
        return check
    check.policy_ok = loaded.hash == rec.policy_hash
    rows = compute(inputs, loaded, rec.year)
    stored = stored_rows(session, rec)
    check.rows_compared = len(stored)
    check.mismatches += row_mismatches(stored, rows, "parcel_id")
    if canonical_hash(stored) != rec.rows_hash:
        check.mismatches.append("the stored rows do not match the review's rows hash")
    return check


# --- answers and penalties ----------------------------------------------------------------------


def answer_row(*, session: Session, actor: User | None, row_id: int, text: str,
               now: datetime | None = None) -> LandReviewAnswer:
    """The owner's answer (申辩/说明) to its own row of a published review: once, before the
    review's ``answer_until``. ``None`` is the system writing it down for the owner (the demo)."""
    now = now or utcnow()
    if actor is None:
        row = session.get(LandReviewRow, row_id)
        if row is None:
            raise NotFound(N_("没有您可查看的复核结果 %(id)s"), id=row_id)
    else:
        row = review_access.visible_row(session=session, user=actor, row_id=row_id)
        review_access.require_owner(actor, row)
    rec = session.get_one(LandReview, row.review_id)
    text = text.strip()
    if not text:
        raise InvalidInput(N_("请填写申辩或说明的内容"))
    if rec.status != ReviewStatus.PUBLISHED or rec.answer_until is None:
        raise InvalidTransition(N_("达产复核 %(review)s 不在答复期内"), review=rec.label)
    if now > rec.answer_until:
        raise InvalidTransition(N_("达产复核 %(review)s 的答复期已于 %(until)s（UTC）结束"),
                                review=rec.label, until=f"{rec.answer_until:%Y-%m-%d %H:%M}")
    if session.scalar(select(LandReviewAnswer.id).where(LandReviewAnswer.row_id == row.id)):
        raise InvalidTransition(N_("地块 %(parcel)s 的复核结果已答复过，每条结果只能答复一次"),
                                parcel=row.parcel_code)
    answer = LandReviewAnswer(row_id=row.id, uscc=row.uscc or "", text=text, created_at=now,
                              created_by_id=actor.id if actor else None)
    session.add(answer)
    session.flush()
    audit.record(session=session, actor=actor, action="land_review.answer",
                 entity="land_review_row", entity_id=row.id, at=now,
                 after={"review": rec.label, "parcel": row.parcel_code, "text": text},
                 summary=f"answer of {row.uscc} to land review {rec.label}, {row.parcel_code}")
    return answer


def decide_penalty(*, session: Session, actor: User | None, penalty_id: int, collected: bool,
                   reason: str = "", now: datetime | None = None) -> LandReviewPenalty:
    """Record a pending penalty of a published review as collected (已收缴) or waived (已免除,
    a reason required). A decision is final."""
    review_access.require_manage(actor)
    now = now or utcnow()
    penalty = session.get(LandReviewPenalty, penalty_id)
    if penalty is None:
        raise NotFound(N_("没有违约金记录 %(id)s"), id=penalty_id)
    rec = session.get_one(LandReview, penalty.review_id)
    if rec.status != ReviewStatus.PUBLISHED:
        raise InvalidTransition(N_("达产复核 %(review)s 未发布（或已被更正版本取代），"
                                   "不能登记违约金"), review=rec.label)
    if penalty.status != PenaltyStatus.PENDING:
        raise InvalidTransition(N_("这笔违约金已登记过（已收缴或已免除），不能再改"))
    reason = reason.strip()
    if not collected and not reason:
        raise InvalidInput(N_("免除违约金必须填写理由"))
    before = {"status": str(penalty.status)}
    penalty.status = PenaltyStatus.COLLECTED if collected else PenaltyStatus.WAIVED
    penalty.reason, penalty.decided_at = reason or None, now
    penalty.decided_by_id = actor.id if actor else None
    session.flush()
    audit.record(session=session, actor=actor, action=f"land_review.penalty.{penalty.status}",
                 entity="land_review_penalty", entity_id=penalty.id, at=now, before=before,
                 after={"status": str(penalty.status), "reason": penalty.reason,
                        "amount_wan": penalty.amount_wan, "measure": penalty.measure},
                 summary=f"penalty {penalty.measure} {penalty.amount_wan} 万元 of land review "
                         f"{rec.label}: {penalty.status}")
    return penalty


# --- the parcel page ----------------------------------------------------------------------------


class ParcelReview(BaseModel):
    """A published (or superseded) review's row of one parcel, for the parcel page
    (``services/land/parcel_record``)."""

    review_id: int
    label: str
    year: int
    status: str
    row_id: int
    review_status: str
    breaches: str | None
    total_penalty_wan: float | None


def reviews_for_parcel(session: Session, parcel_id: int) -> list[ParcelReview]:
    """The published reviews' rows of the parcel (store id), newest year and version first."""
    code = session.scalar(select(Parcel.parcel_code).where(Parcel.id == parcel_id))
    if code is None:
        return []
    found = session.execute(
        select(LandReview, LandReviewRow).join(LandReviewRow)
        .where(LandReviewRow.parcel_code == code, LandReview.status != ReviewStatus.DRAFT)
        .order_by(LandReview.year.desc(), LandReview.review_version.desc())).all()
    return [ParcelReview(review_id=r.id, label=r.label, year=r.year, status=str(r.status),
                         row_id=row.id, review_status=row.review_status, breaches=row.breaches,
                         total_penalty_wan=row.total_penalty_wan) for r, row in found]
