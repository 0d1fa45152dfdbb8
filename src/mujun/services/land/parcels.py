"""地块档案: the parcels list and one parcel's record (docs/land.md, "地块档案").

Who sees which parcel: the admin, the leader and the land department's clerk (自然资源) every one;
an officer the parcels of its town or park; an enterprise its own parcels. Another clerk is
refused (403); a parcel outside the user's reach is answered 404, like another enterprise's
records. Each parcel's status is the idle-land rule of land.md §2 (``engine/land``) on the day
asked, with the policy of that year's ``land:`` section for the fee.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, Field, computed_field
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from mujun.engine.fields import M2_PER_MU
from mujun.engine.land import IDLE_STATUSES, idle_row
from mujun.engine.policy import LandRules
from mujun.engine.texts import N_
from mujun.services.access import enterprise_scope, may_see_enterprise
from mujun.services.errors import NotFound, PermissionDenied
from mujun.services.land_status import land_parcel
from mujun.services.list_query import ListQuery, Option, Page, list_rows, options, page_fields
from mujun.services.policies.choice import policy_for
from mujun.store.models import Enterprise, Parcel, Role, User

LAND_DEPARTMENT = "land"
_STATUS_PATTERN = "^(" + "|".join(IDLE_STATUSES) + ")$"


# --- who sees which parcel -----------------------------------------------------------------------


def may_see_parcels(user: User) -> bool:
    """Every role but another department's clerk (and a disabled account)."""
    return user.active and (user.role != Role.CLERK or user.department == LAND_DEPARTMENT)


def _require_parcels(user: User) -> None:
    if not may_see_parcels(user):
        raise PermissionDenied(N_("您的账号（%(user)s）无权查看地块档案"), user=user.username)


def parcel_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause over ``Parcel`` (outer-joined with its owner ``Enterprise``)."""
    _require_parcels(user)
    if user.role in (Role.ADMIN, Role.LEADER, Role.CLERK):
        return true()
    if user.role == Role.OFFICER:
        # the parcels lying in its town or park, and those of the enterprises it follows
        terms = [enterprise_scope(user)]
        if user.town:
            terms.append(Parcel.town == user.town)
        if user.park:
            terms.append(Parcel.zone == user.park)
        return or_(*terms)
    if user.role == Role.ENTERPRISE and user.uscc:
        return Enterprise.uscc == user.uscc
    return false()


def may_open_portrait(user: User, owner: Enterprise) -> bool:
    """Whether the parcel page links its owner to the 亩均画像 (the leader sees aggregates only)."""
    return may_see_enterprise(user, owner)


# --- the list ------------------------------------------------------------------------------------


class ParcelQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("parcel_code", "area", "zone", "town", "owner", "status",
                                        "agreed_start", "land_price")
    DEFAULT_SORT: ClassVar[str] = "parcel_code"

    zone: str | None = Field(default=None, max_length=64)
    town: str | None = Field(default=None, max_length=64)
    status: str | None = Field(default=None, pattern=_STATUS_PATTERN)
    standard_land: bool | None = None
    #: the day of the status (default: today)
    as_of: date | None = None


class ParcelRow(BaseModel):
    parcel_code: str
    owner_uscc: str | None
    owner: str | None
    zone: str | None
    town: str | None
    use: str | None
    area_m2: float
    standard_land: bool
    acquired: date | None
    agreed_start: date | None
    construction_start: date | None
    land_price_wan: float | None
    floor_area_m2: float | None
    delay_cause: str | None
    #: land.md §2 on the list's day
    status: str
    days_past_agreed: int | None
    idle_fee_wan: float | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def area_mu(self) -> float:
        return self.area_m2 / M2_PER_MU


class ParcelTotals(BaseModel):
    count: int
    area_mu: float
    idle_fee_wan: float


class ParcelPage(Page[ParcelRow]):
    as_of: date
    #: over everything the filters select, not only the page
    totals: ParcelTotals
    zones: list[Option]
    towns: list[Option]
    statuses: list[Option]


_KEYS: dict[str, Any] = {
    "parcel_code": lambda r: r.parcel_code,
    "area": lambda r: r.area_m2,
    "zone": lambda r: r.zone,
    "town": lambda r: r.town,
    "owner": lambda r: r.owner,
    "status": lambda r: IDLE_STATUSES.index(r.status),
    "agreed_start": lambda r: r.agreed_start,
    "land_price": lambda r: r.land_price_wan,
}


def _row(parcel: Parcel, owner: Enterprise | None, as_of: date, rules: LandRules) -> ParcelRow:
    idle = idle_row(land_parcel(parcel, owner_uscc=owner.uscc if owner else None), as_of,
                    rules=rules)
    return ParcelRow(
        parcel_code=parcel.parcel_code, owner_uscc=owner.uscc if owner else None,
        owner=owner.name if owner else None, zone=parcel.zone, town=parcel.town, use=parcel.use,
        area_m2=parcel.area_m2, standard_land=parcel.standard_land, acquired=parcel.acquired_on,
        agreed_start=parcel.agreed_construction_start,
        construction_start=parcel.construction_started_on,
        land_price_wan=parcel.land_price_wan, floor_area_m2=parcel.floor_area_m2,
        delay_cause=parcel.delay_cause, status=idle.status,
        days_past_agreed=idle.days_past_agreed, idle_fee_wan=idle.idle_fee_wan,
    )


def land_rules(session: Session, as_of: date) -> LandRules:
    """The ``land:`` section of the policy that applies to the year of ``as_of``."""
    return policy_for(session, as_of.year).policy.land


def parcel_list(*, session: Session, actor: User, filters: ParcelQuery | None = None,
                today: date, paged: bool = True) -> ParcelPage:
    """The parcels in the actor's reach, with their land.md §2 status on ``filters.as_of`` (or
    ``today``), filtered, sorted and paged (docs/lists.md)."""
    f = filters or ParcelQuery()
    as_of = f.as_of or today
    query = select(Parcel, Enterprise).outerjoin(Enterprise, Enterprise.id == Parcel.owner_id) \
        .where(parcel_scope(actor)).order_by(Parcel.parcel_code)
    rules = land_rules(session, as_of)
    every = [_row(p, e, as_of, rules) for p, e in session.execute(query)]
    rows = [r for r in every
            if (not f.zone or r.zone == f.zone) and (not f.town or r.town == f.town)
            and (not f.status or r.status == f.status)
            and (f.standard_land is None or r.standard_land == f.standard_land)]
    total, items = list_rows(rows, f, _KEYS, paged=paged)
    return ParcelPage(
        as_of=as_of, items=items,
        totals=ParcelTotals(count=len(rows), area_mu=sum(r.area_mu for r in rows),
                            idle_fee_wan=round(sum(r.idle_fee_wan or 0.0 for r in rows), 4)),
        zones=options(sorted({r.zone for r in every if r.zone})),
        towns=options(sorted({r.town for r in every if r.town})),
        statuses=options(list(IDLE_STATUSES)),
        **page_fields(f, total, paged),
    )


# --- one parcel ----------------------------------------------------------------------------------


def visible_parcel(*, session: Session, actor: User, code: str) -> tuple[Parcel, Enterprise | None]:
    """The parcel ``code`` with its owner, if the actor may see it; ``NotFound`` otherwise."""
    found = session.execute(
        select(Parcel, Enterprise).outerjoin(Enterprise, Enterprise.id == Parcel.owner_id)
        .where(Parcel.parcel_code == code.strip(), parcel_scope(actor))
    ).first()
    if found is None:
        raise NotFound(N_("没有您可查看的地块 %(code)s"), code=code)
    return found[0], found[1]


def parcel_row(*, session: Session, actor: User, code: str, as_of: date) -> ParcelRow:
    parcel, owner = visible_parcel(session=session, actor=actor, code=code)
    return _row(parcel, owner, as_of, land_rules(session, as_of))
