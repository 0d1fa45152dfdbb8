"""六百工程 and 千名优秀人才: the talent register (targets.md §2, 千).

A person is a pseudonym, a category, the year recruited, the employer (optional) and the town —
no personal data beyond the pseudonym. The register is imported from a file or entered one by one
by the administrator; re-importing a file changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.engine.programmes.registers import (
    SIX_HUNDRED,
    SIX_HUNDRED_GOAL,
    TALENT_CATEGORIES,
    category_counts,
)
from mujun.engine.texts import N_
from mujun.io.programmes import read_talent
from mujun.services import audit
from mujun.services.errors import InvalidInput
from mujun.services.list_query import ListQuery, Option, Page, options, page_fields, sql_rows
from mujun.services.programmes.files import ImportSummary, enterprise_ids, imported, read_known
from mujun.services.programmes.scope import require_manage, require_view, talent_in_scope
from mujun.store.models import Enterprise, TalentPerson, User


class TalentQuery(ListQuery):
    SORTS: ClassVar[tuple[str, ...]] = ("person_code", "pseudonym", "category", "year", "town",
                                        "employer")
    DEFAULT_SORT: ClassVar[str] = "person_code"

    category: str | None = Field(default=None, max_length=32)
    year: int | None = Field(default=None, ge=1990, le=2100)
    town: str | None = Field(default=None, max_length=64)


class TalentRow(BaseModel):
    person_code: str
    pseudonym: str
    category: str
    year: int
    town: str | None
    employer_uscc: str | None
    employer: str | None


class CategoryCount(BaseModel):
    category: str
    count: int
    #: 100 for each 六百工程 category; None for 其他优秀人才
    goal: int | None


class TalentPage(Page[TalentRow]):
    #: people per category in the selection (all categories, every year filter applied)
    counts: list[CategoryCount]
    years: list[int]
    towns: list[Option]
    categories: list[Option]


class PersonIn(BaseModel):
    person_code: str = Field(min_length=1, max_length=32)
    pseudonym: str = Field(min_length=1, max_length=64)
    category: str
    year: int = Field(ge=1990, le=2100)
    employer_uscc: str | None = Field(default=None, max_length=18)
    town: str | None = Field(default=None, max_length=64)


_SORT_COLUMNS: dict[str, Any] = {
    "person_code": TalentPerson.person_code, "pseudonym": TalentPerson.pseudonym,
    "category": TalentPerson.category, "year": TalentPerson.year, "town": TalentPerson.town,
    "employer": Enterprise.name,
}


def list_talent(*, session: Session, actor: User, filters: TalentQuery,
                paged: bool = True) -> TalentPage:
    require_view(actor, "talent")
    base = (select(TalentPerson.person_code, TalentPerson.pseudonym, TalentPerson.category,
                   TalentPerson.year, TalentPerson.town, Enterprise.uscc, Enterprise.name)
            .outerjoin(Enterprise, Enterprise.id == TalentPerson.employer_id)
            .where(talent_in_scope(actor)))
    if filters.year is not None:
        base = base.where(TalentPerson.year == filters.year)
    if filters.town:
        base = base.where(TalentPerson.town == filters.town)
    counted = base
    if filters.category:
        base = base.where(TalentPerson.category == filters.category)
    column = _SORT_COLUMNS[filters.sort_key]
    order = column.desc().nulls_last() if filters.descending else column.asc().nulls_last()
    total, rows = sql_rows(session, base.order_by(order, TalentPerson.person_code), filters,
                           paged=paged)
    counts = category_counts(
        c for (c,) in session.execute(select(counted.subquery().c.category)))
    scoped = select(TalentPerson.year, TalentPerson.town).where(talent_in_scope(actor))
    years = sorted({y for y, _t in session.execute(scoped)}, reverse=True)
    towns = sorted({t for _y, t in session.execute(scoped) if t})
    return TalentPage(
        items=[TalentRow(person_code=r[0], pseudonym=r[1], category=r[2], year=r[3], town=r[4],
                         employer_uscc=r[5], employer=r[6]) for r in rows],
        counts=[CategoryCount(category=c, count=n,
                              goal=SIX_HUNDRED_GOAL if c in SIX_HUNDRED else None)
                for c, n in counts.items()],
        years=years, towns=options(towns),
        categories=[Option(value=c, label=c) for c in TALENT_CATEGORIES],
        **page_fields(filters, total, paged))


def _person_values(p: TalentPerson) -> dict[str, Any]:
    return {"pseudonym": p.pseudonym, "category": p.category, "year": p.year,
            "employer_id": p.employer_id, "town": p.town}


def _snapshot(p: TalentPerson) -> dict[str, Any]:
    return {"person_code": p.person_code, **_person_values(p)}


def add_person(*, session: Session, actor: User | None, person_in: PersonIn) -> TalentPerson:
    """Enter one person (the administrator); the code must be new."""
    require_manage(actor)
    if person_in.category not in TALENT_CATEGORIES:
        raise InvalidInput(N_("未知的人才类别 %(category)s"), category=person_in.category)
    code = person_in.person_code.strip()
    if session.scalar(select(TalentPerson.id).where(TalentPerson.person_code == code)):
        raise InvalidInput(N_("人才编号 %(code)s 已在名册中"), code=code)
    employer_id = None
    if person_in.employer_uscc:
        ids = enterprise_ids(session, [person_in.employer_uscc.strip().upper()])
        if not ids:
            raise InvalidInput(N_("用人单位 %(uscc)s 不在企业库中"), uscc=person_in.employer_uscc)
        employer_id = next(iter(ids.values()))
    person = TalentPerson(person_code=code, pseudonym=person_in.pseudonym.strip(),
                          category=person_in.category, year=person_in.year,
                          employer_id=employer_id, town=(person_in.town or "").strip() or None)
    session.add(person)
    session.flush()
    audit.record(session=session, actor=actor, action="talent.add", entity="talent",
                 entity_id=code, summary=person.pseudonym, after=_snapshot(person))
    return person


def import_talent(*, session: Session, actor: User | None, path: Path) -> ImportSummary:
    """The register from a file, all-or-nothing: new people are added, changed ones updated,
    people not in the file are kept (an import never deletes)."""
    require_manage(actor)
    found, ids = read_known(session, read_talent, path)
    existing = {p.person_code: p for p in session.scalars(
        select(TalentPerson).where(TalentPerson.person_code.in_(
            [r.person_code for r in found.records])))}
    added = changed = 0
    for r in found.records:
        values = {"pseudonym": r.pseudonym, "category": r.category, "year": r.year,
                  "employer_id": ids.get(r.uscc or ""), "town": r.town}
        person = existing.get(r.person_code)
        if person is None:
            session.add(TalentPerson(person_code=r.person_code, **values))
            added += 1
        elif _person_values(person) != values:
            for key, value in values.items():
                setattr(person, key, value)
            changed += 1
    return imported(session=session, actor=actor, path=path, rows=len(found.records),
                    added=added, changed=changed, action="talent.import", entity="talent")


def talent_by_category(session: Session, programme_from: int, year: int) -> dict[str, int]:
    """People recruited from ``programme_from`` to ``year``, per category (every category
    present): the 千 target's six 六百工程 categories, each against 100 (targets.md §2)."""
    rows = session.execute(
        select(TalentPerson.category, func.count())
        .where(TalentPerson.year >= programme_from, TalentPerson.year <= year)
        .group_by(TalentPerson.category))
    counts = dict.fromkeys(TALENT_CATEGORIES, 0)
    counts.update({category: n for category, n in rows})
    return counts


def talent_count(session: Session, programme_from: int, year: int) -> int:
    """千名优秀人才: the people of every category recruited from ``programme_from`` to ``year``."""
    return sum(talent_by_category(session, programme_from, year).values())
