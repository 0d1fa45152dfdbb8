"""标准地 达产复核 in the store, on SQLite and PostgreSQL: create from the store, publish, never
edited, verify (and its failure after tampering), the owner's answer with its deadline, penalties
collected or waived, corrections as new versions, the parcel page's rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.store.store_helpers import make_uscc

from mujun.services import audit
from mujun.services.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from mujun.services.land import reviews
from mujun.services.schemas import UserCreate
from mujun.services.users import create_user
from mujun.store.models import (
    Enterprise,
    Figure,
    LandReview,
    LandReviewPenalty,
    LandReviewRow,
    Parcel,
    StandardLandCommitment,
    User,
)
from mujun.store.models.land_reviews import FrozenReviewError

T0 = datetime(2025, 5, 6, 9, 0, tzinfo=UTC)
A, B, C, D = (make_uscc(n) for n in (1, 2, 3, 4))


def _enterprise(session: Session, uscc: str, town: str, figures: dict[str, object]) -> Parcel:
    ent = Enterprise(uscc=uscc, name=f"企业{uscc[-4:]}", town=town)
    session.add(ent)
    session.flush()
    for key, value in figures.items():
        text = value if isinstance(value, str) else None
        num = None if isinstance(value, str) else float(value)  # type: ignore[arg-type]
        session.add(Figure(enterprise_id=ent.id, year=2024, field=key, value_num=num,
                           value_text=text, department="stats"))
    parcel = Parcel(parcel_code=f"P-{uscc[-3:]}", area_m2=20000, owner_id=ent.id, town=town,
                    zone="赤寿工业园区" if town == "赤寿乡" else "城北园区", standard_land=True)
    session.add(parcel)
    session.flush()
    return parcel


@pytest.fixture
def county(session: Session, admin: User) -> dict[str, Parcel]:
    """Four standard-land parcels of 30 亩 each, reviewed for 2024:

    - A: in production 2021, 3 years → due in 2024; tax 100 万元 on 30 亩 = 3.3333 < 5 committed
      (a breach: (5 − 3.3333) × 30 = 50.001 万元); energy 50 / 100 = 0.5 > 0.4 (a breach, no money);
    - B: in production 2020, 4 years → due; tax 600 / 30 = 20 ≥ 10 (attained);
    - C: in production 2023, 3 years → 2026, not yet;
    - D: no figures for 2024 → unknown.
    """
    parcels = {
        "A": _enterprise(session, A, "赤寿乡", {
            "production_start": "2021-03-01", "tax_paid": 100, "land_owned_m2": 20000,
            "energy_tce": 50, "value_added": 100}),
        "B": _enterprise(session, B, "西屏街道", {
            "production_start": "2020-06-01", "tax_paid": 600, "land_owned_m2": 20000}),
        "C": _enterprise(session, C, "赤寿乡", {
            "production_start": "2023-01-01", "tax_paid": 10, "land_owned_m2": 20000}),
        "D": _enterprise(session, D, "西屏街道", {}),
    }
    for key, years, tax, energy in (("A", 3, 5.0, 0.4), ("B", 4, 10.0, None),
                                    ("C", 3, 5.0, None), ("D", 3, 5.0, None)):
        session.add(StandardLandCommitment(parcel_id=parcels[key].id, tax_wan_per_mu=tax,
                                           energy_tce_per_wan=energy, review_after_years=years,
                                           penalty="按合同约定支付违约金"))
    session.commit()
    return parcels


def _user(session: Session, admin: User, name: str, role: str, **extra: str) -> User:
    user = create_user(session=session, actor=admin, user_in=UserCreate(
        username=name, display_name=name, role=role, password="a-long-pass-123", **extra))
    session.commit()
    return user


def _published(session: Session, admin: User) -> LandReview:
    rec = reviews.create_review(session=session, actor=admin, year=2024,
                                now=T0 - timedelta(days=1))
    reviews.publish_review(session=session, actor=admin, review_id=rec.id, now=T0)
    session.commit()
    return rec


def _rows(session: Session, rec: LandReview) -> dict[str, LandReviewRow]:
    return {r.uscc or "": r for r in session.scalars(
        select(LandReviewRow).where(LandReviewRow.review_id == rec.id))}


def test_create_reviews_every_commitment_from_the_store(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    rec = reviews.create_review(session=session, actor=admin, year=2024, now=T0)
    session.commit()
    assert (rec.label, rec.status, rec.n_rows, rec.n_due, rec.n_breaches) == \
        ("2024-v1", "draft", 4, 2, 1)
    assert rec.total_penalty_wan == 50.001
    rows = _rows(session, rec)
    assert [rows[u].review_status for u in (A, B, C, D)] == ["due", "due", "not_yet", "unknown"]
    a = rows[A].row
    assert (a["review_year"], a["actual_tax_per_mu"], a["status_tax_per_mu"],
            a["penalty_tax_per_mu"]) == (2024, 3.3333, "breach", 50.001)
    assert (a["actual_energy_per_va"], a["status_energy_per_va"]) == (0.5, "breach")
    assert a["breaches"] == "tax_per_mu;energy_per_va"
    assert a["total_penalty_wan"] == 50.001
    assert rows[A].zone == "赤寿工业园区" and rows[A].town == "赤寿乡"
    assert (rows[B].row["actual_tax_per_mu"], rows[B].row["status_tax_per_mu"],
            rows[B].breaches) == (20.0, "attained", None)
    assert rows[C].row["review_year"] == 2026 and rows[D].row["review_year"] is None
    # the frozen inputs: the four commitments, the four parcels, the three owners with figures
    assert [c["parcel_id"] for c in rec.commitments] == ["P-" + u[-3:] for u in (A, B, C, D)]
    assert sorted(e["uscc"] for e in rec.enterprises) == [A, B, C]
    assert set(rec.input_hashes) == {"commitments", "parcels", "enterprises", "projects"}
    # one pending penalty: the tax breach (the energy breach costs no money)
    penalties = session.scalars(select(LandReviewPenalty)).all()
    assert [(p.measure, p.amount_wan, p.status) for p in penalties] == \
        [("tax_per_mu", 50.001, "pending")]
    entry = audit.history(session=session, entity="land_review")[0]
    assert entry.action == "land_review.create" and "4 commitments, 2 due" in entry.summary


def test_only_the_admin_creates_and_an_empty_store_is_refused(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    leader = _user(session, admin, "leader", "leader")
    with pytest.raises(PermissionDenied):
        reviews.create_review(session=session, actor=leader, year=2024)
    session.rollback()
    for c in session.scalars(select(StandardLandCommitment)):
        session.delete(c)
    session.commit()
    with pytest.raises(InvalidInput, match="没有标准地承诺"):
        reviews.create_review(session=session, actor=admin, year=2024)


def test_publish_sets_the_answer_deadline_and_a_year_has_one_published_review(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    rec = _published(session, admin)
    assert rec.status == "published" and rec.published_at == T0
    assert rec.answer_until == T0 + timedelta(days=reviews.ANSWER_DAYS)
    with pytest.raises(InvalidTransition, match="不是草稿"):
        reviews.publish_review(session=session, actor=admin, review_id=rec.id, now=T0)
    other = reviews.create_review(session=session, actor=admin, year=2024, now=T0)
    with pytest.raises(InvalidTransition, match="已发布达产复核 2024-v1"):
        reviews.publish_review(session=session, actor=admin, review_id=other.id, now=T0)


def test_published_reviews_are_never_edited(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    rec = _published(session, admin)
    row = _rows(session, rec)[A]
    row.row = {**row.row, "total_penalty_wan": 0.0}
    with pytest.raises(FrozenReviewError):
        session.flush()
    session.rollback()
    rec.enterprises = []
    with pytest.raises(FrozenReviewError):
        session.flush()
    session.rollback()
    session.delete(_rows(session, rec)[B])
    with pytest.raises(FrozenReviewError):
        session.flush()
    session.rollback()
    with pytest.raises(InvalidTransition, match="发布后不再修改或删除"):
        reviews.delete_draft(session=session, actor=admin, review_id=rec.id)
    penalty = session.scalars(select(LandReviewPenalty)).one()
    penalty.amount_wan = 1.0
    with pytest.raises(FrozenReviewError):
        session.flush()


def test_a_draft_may_be_deleted(session: Session, admin: User,
                                county: dict[str, Parcel]) -> None:
    rec = reviews.create_review(session=session, actor=admin, year=2024, now=T0)
    reviews.delete_draft(session=session, actor=admin, review_id=rec.label)
    session.commit()
    assert session.scalars(select(LandReviewRow)).all() == []
    assert session.scalars(select(LandReviewPenalty)).all() == []


def test_verify_passes_then_fails_after_tampering(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    rec = _published(session, admin)
    # the store moves on: verify reads the frozen inputs, not the store
    session.execute(update(Figure).where(Figure.field == "tax_paid").values(value_num=1.0))
    session.commit()
    check = reviews.verify_review(session=session, review_id="2024-v1")
    assert check.ok and check.rows_compared == 4 and check.mismatches == []
    # a stored row changed behind the services' back (plain SQL, past the ORM's guard)
    row = _rows(session, rec)[A]
    tampered = {**row.row, "penalty_tax_per_mu": 5.0}
    session.execute(update(LandReviewRow).where(LandReviewRow.id == row.id)
                    .values(row=tampered))
    session.commit()
    check = reviews.verify_review(session=session, review_id=rec.id)
    assert not check.ok and check.inputs_ok and check.policy_ok
    assert any("penalty_tax_per_mu stored 5.0 recomputed 50.001" in m for m in check.mismatches)
    assert "the stored rows do not match the review's rows hash" in check.mismatches


def test_verify_fails_after_tampering_a_frozen_input(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    rec = _published(session, admin)
    changed = [{**e, "tax_paid": 1000.0} if e["uscc"] == A else e for e in rec.enterprises]
    session.execute(update(LandReview).where(LandReview.id == rec.id).values(
        enterprises=changed))
    session.commit()
    session.expire_all()
    check = reviews.verify_review(session=session, review_id=rec.id)
    assert not check.ok and not check.inputs_ok
    assert "the frozen enterprises do not match their hash" in check.mismatches
    assert any(m.startswith(f"row 0 (P-{A[-3:]})") for m in check.mismatches)


def test_answer_once_by_the_owner_before_the_deadline(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    rec = _published(session, admin)
    owner = _user(session, admin, "ent-a", "enterprise", uscc=A)
    other = _user(session, admin, "ent-b", "enterprise", uscc=B)
    row = _rows(session, rec)[A]
    with pytest.raises(NotFound):  # another enterprise's row is not even confirmed
        reviews.answer_row(session=session, actor=other, row_id=row.id, text="x", now=T0)
    with pytest.raises(PermissionDenied):  # the admin does not answer for the owner
        reviews.answer_row(session=session, actor=admin, row_id=row.id, text="x", now=T0)
    with pytest.raises(InvalidInput, match="请填写"):
        reviews.answer_row(session=session, actor=owner, row_id=row.id, text="  ", now=T0)
    deadline = rec.answer_until
    assert deadline is not None
    with pytest.raises(InvalidTransition, match="答复期已于"):
        reviews.answer_row(session=session, actor=owner, row_id=row.id, text="说明",
                           now=deadline + timedelta(seconds=1))
    answer = reviews.answer_row(session=session, actor=owner, row_id=row.id,
                                text=" 二期投产后税收将达标 ", now=deadline)
    session.commit()
    assert (answer.text, answer.uscc, answer.created_at) == ("二期投产后税收将达标", A, deadline)
    with pytest.raises(InvalidTransition, match="只能答复一次"):
        reviews.answer_row(session=session, actor=owner, row_id=row.id, text="再说一次",
                           now=deadline)
    assert audit.history(session=session, entity="land_review_row")[0].action == \
        "land_review.answer"


def test_a_draft_is_not_answered(session: Session, admin: User,
                                 county: dict[str, Parcel]) -> None:
    rec = reviews.create_review(session=session, actor=admin, year=2024, now=T0)
    session.commit()
    owner = _user(session, admin, "ent-a", "enterprise", uscc=A)
    row = _rows(session, rec)[A]
    with pytest.raises(NotFound):  # an owner does not see drafts
        reviews.answer_row(session=session, actor=owner, row_id=row.id, text="x", now=T0)


def test_penalties_collected_or_waived_with_a_reason(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    draft = reviews.create_review(session=session, actor=admin, year=2024, now=T0)
    pending = session.scalars(select(LandReviewPenalty)).one()
    with pytest.raises(InvalidTransition, match="未发布"):
        reviews.decide_penalty(session=session, actor=admin, penalty_id=pending.id,
                               collected=True, now=T0)
    reviews.publish_review(session=session, actor=admin, review_id=draft.id, now=T0)
    leader = _user(session, admin, "leader", "leader")
    with pytest.raises(PermissionDenied):
        reviews.decide_penalty(session=session, actor=leader, penalty_id=pending.id,
                               collected=True, now=T0)
    with pytest.raises(InvalidInput, match="必须填写理由"):
        reviews.decide_penalty(session=session, actor=admin, penalty_id=pending.id,
                               collected=False, reason=" ", now=T0)
    waived = reviews.decide_penalty(session=session, actor=admin, penalty_id=pending.id,
                                    collected=False, reason="受限产影响，经研究免除", now=T0)
    session.commit()
    assert (waived.status, waived.reason, waived.decided_at, waived.decided_by_id) == \
        ("waived", "受限产影响，经研究免除", T0, admin.id)
    with pytest.raises(InvalidTransition, match="不能再改"):
        reviews.decide_penalty(session=session, actor=admin, penalty_id=pending.id,
                               collected=True, now=T0)
    entry = audit.history(session=session, entity="land_review_penalty")[0]
    assert entry.action == "land_review.penalty.waived"
    assert entry.after is not None and entry.after["amount_wan"] == 50.001


def test_a_correction_is_a_new_version_that_supersedes(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    old = _published(session, admin)
    session.execute(update(Figure).where(Figure.field == "tax_paid",
                                         Figure.value_num == 100.0).values(value_num=160.0))
    new = reviews.correct_review(session=session, actor=admin, review_id=old.id,
                                 now=T0 + timedelta(days=3))
    assert (new.label, new.supersedes_id, new.status) == ("2024-v2", old.id, "draft")
    assert _rows(session, new)[A].row["actual_tax_per_mu"] == 5.3333
    assert new.n_breaches == 1  # the energy breach remains, without money
    assert new.total_penalty_wan == 0.0
    reviews.publish_review(session=session, actor=admin, review_id=new.id,
                           now=T0 + timedelta(days=4))
    session.commit()
    session.refresh(old)
    assert (old.status, new.status) == ("superseded", "published")
    # the old version's rows did not move
    assert _rows(session, old)[A].row["actual_tax_per_mu"] == 3.3333
    assert reviews.verify_review(session=session, review_id=old.id).ok


def test_reviews_for_parcel(session: Session, admin: User, county: dict[str, Parcel]) -> None:
    reviews.create_review(session=session, actor=admin, year=2024, now=T0)
    assert reviews.reviews_for_parcel(session, county["A"].id) == []  # drafts are not shown
    session.rollback()
    rec = _published(session, admin)
    found = reviews.reviews_for_parcel(session, county["A"].id)
    assert [(f.label, f.review_status, f.breaches, f.total_penalty_wan) for f in found] == \
        [(rec.label, "due", "tax_per_mu;energy_per_va", 50.001)]
    assert reviews.reviews_for_parcel(session, 10_000) == []


def test_the_production_start_decides_the_year(
        session: Session, admin: User, county: dict[str, Parcel]) -> None:
    """Reviewing 2023: A (due 2024) is not yet due, B (due 2024) neither; no figures of 2023 for
    anyone: every row is unknown."""
    rec = reviews.create_review(session=session, actor=admin, year=2023, now=T0)
    assert {r.review_status for r in _rows(session, rec).values()} == {"unknown"}
    assert rec.enterprises == [] and rec.n_due == 0 and rec.total_penalty_wan == 0.0
