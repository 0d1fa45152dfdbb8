"""Who sees and does what with the 达产复核 (docs/land.md, "达产复核 in the store").

| role | reaches |
|---|---|
| admin | every review (drafts too); creates, publishes, corrects, records penalties |
| leader | every published review, read-only |
| officer | the rows of published reviews on parcels of its town or park |
| enterprise | its own rows of published reviews; answers them |
| clerk | nothing (403): the reviews are not a department's data |

Another enterprise's row is 404, like every other enterprise's record (``services.access``).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.services.errors import NotFound, PermissionDenied
from mujun.store.models import LandReview, LandReviewRow, Role, User
from mujun.store.models.land_reviews import ReviewStatus

_VIEWERS = frozenset({Role.ADMIN, Role.LEADER, Role.OFFICER, Role.ENTERPRISE})


def may_view(user: User) -> bool:
    return user.active and user.role in _VIEWERS


def may_manage(user: User | None) -> bool:
    return user is None or (user.active and user.role == Role.ADMIN)


def require_view(user: User) -> None:
    if not may_view(user):
        raise PermissionDenied(N_("您的账号（%(user)s）无权查看达产复核"), user=user.username)


def require_manage(user: User | None) -> None:
    """``None`` is the system itself (the demo); a user must be an active admin."""
    if not may_manage(user):
        assert user is not None
        raise PermissionDenied(N_("您的账号（%(user)s）无权进行这项操作"), user=user.username)


def review_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``LandReview``: the admin sees drafts, the others published reviews
    (and the superseded ones, which were published)."""
    return true() if user.role == Role.ADMIN else LandReview.status != ReviewStatus.DRAFT


def sees_every_row(user: User) -> bool:
    """The admin and the leader see every row; the others their own town's or enterprise's."""
    return user.role in (Role.ADMIN, Role.LEADER)


def row_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``LandReviewRow`` selecting the rows the user may see."""
    if sees_every_row(user):
        return true()
    if user.role == Role.OFFICER:
        terms = []
        if user.town:
            terms.append(LandReviewRow.town == user.town)
        if user.park:
            terms.append(LandReviewRow.zone == user.park)
        return or_(*terms) if terms else false()
    if user.role == Role.ENTERPRISE and user.uscc:
        return LandReviewRow.uscc == user.uscc
    return false()


def visible_review(*, session: Session, user: User, review_id: int) -> LandReview:
    require_view(user)
    rec = session.scalar(select(LandReview).where(LandReview.id == review_id,
                                                  review_scope(user)))
    if rec is None:
        raise NotFound(N_("没有您可查看的达产复核 %(id)s"), id=review_id)
    return rec


def visible_row(*, session: Session, user: User, row_id: int) -> LandReviewRow:
    """A row the user may see; ``NotFound`` otherwise (also when it exists)."""
    require_view(user)
    row = session.scalar(select(LandReviewRow).join(LandReview).where(
        LandReviewRow.id == row_id, row_scope(user), review_scope(user)))
    if row is None:
        raise NotFound(N_("没有您可查看的复核结果 %(id)s"), id=row_id)
    return row


def require_owner(user: User, row: LandReviewRow) -> None:
    """Only the owner enterprise answers its row."""
    if user.role != Role.ENTERPRISE or not user.uscc or row.uscc != user.uscc:
        raise PermissionDenied(N_("只有受让企业本身可以答复复核结果"))
