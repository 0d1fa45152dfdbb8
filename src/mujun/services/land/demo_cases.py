"""The demo county's 腾笼换鸟 disposal cases (docs/demo-data.md): about forty cases opened on the
demo's own candidates of 2020–2025, across the five methods and the four stages — some completed
in each year 2021–2025, some open and overdue, a cancelled one and a correction — each with dated
progress notes, written through the same services the pages use (so each is audited) at the days
they happened. The town of the demo officer (the largest town) gets most of the open work.

Deterministic: the same demo files give the same cases. The responsible officers are one account
per town with cases, without a password (they do not sign in; the demo's ``officer`` account sees
its town's cases whoever is responsible).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mujun.services import users
from mujun.services.land import cases
from mujun.services.land.candidates import Candidate, all_candidates
from mujun.services.land.cases import CaseCorrection, CaseOpen
from mujun.services.schemas import UserCreate
from mujun.store.models import DisposalCase, Enterprise, Role, User
from mujun.store.models.disposal import Method

#: (completion year, how many cases completed that year, from the previous year's candidates)
COMPLETED = ((2021, 4), (2022, 5), (2023, 6), (2024, 6), (2025, 5))
OFFICER_NAMES = ("叶建平", "周晓梅", "吴国强", "徐丽华", "潘志远", "季文斌", "刘芳", "毛卫东",
                 "李红英", "陈立新", "鲍海燕", "雷振华")

NOTES: dict[str, tuple[str, ...]] = {
    "upgrade": ("约谈企业负责人，通报亩均效益评价结果，共同制定提升改造方案。",
                "企业完成技改项目备案，计划新增自动化生产线两条。",
                "技改设备安装调试完成，进入试生产，镇街专员现场核查。",
                "复核用地与税收，亩均税收较上年明显提升，达到办结条件。"),
    "merger": ("召开兼并重组协调会，意向收购方已到现场踏勘厂房和设备。",
               "双方签订兼并重组框架协议，委托第三方开展资产评估。",
               "完成资产评估与股权交割，收购方接手原厂区生产。"),
    "reclaim": ("向权利人送达《闲置土地调查通知书》，核实未动工原因。",
                "送达《闲置土地认定书》，组织听证，权利人未提出异议。",
                "县政府批准收回土地使用权，注销不动产权证书，地块纳入储备。"),
    "transfer": ("摸排意向受让企业三家，组织供需对接。",
                 "签订协议转让合同，报自然资源局审核同意。",
                 "完成不动产转移登记，受让企业办理施工许可。"),
    "exit": ("与企业协商退二优二方案，明确搬迁安置和补偿标准。",
             "企业完成设备搬迁，原厂房腾空并通过安全验收。",
             "地块调整为园区生产性服务用地，新业态企业入驻。"),
}
ENTERPRISE_METHODS = ("upgrade", "upgrade", "merger", "exit", "upgrade", "transfer")


@dataclass(frozen=True)
class _Plan:
    year: int
    candidate: Candidate
    method: Method
    opened: date
    target: date


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _officers(session: Session, actor: User, towns: list[str]) -> dict[str, int]:
    """One responsible officer per town (created when missing), by town."""
    out = {}
    for i, town in enumerate(sorted(towns)):
        username = f"officer-{i + 1:02d}"
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = users.create_user(session=session, actor=actor, user_in=UserCreate(
                username=username, display_name=OFFICER_NAMES[i % len(OFFICER_NAMES)],
                role=Role.OFFICER, town=town))
        out[town] = user.id
    return out


def _method(c: Candidate, n: int) -> Method:
    if c.kind == "parcel":
        return Method.RECLAIM if c.status == "reclaimable" or n % 2 else Method.TRANSFER
    return Method(ENTERPRISE_METHODS[n % len(ENTERPRISE_METHODS)])


def _pick(rows: list[Candidate], used: set[tuple[str, str]], n: int,
          prefer: str | None = None, parcels: int = 1) -> list[Candidate]:
    """``n`` candidates not used yet: ``parcels`` of them parcels, the rest enterprises, those
    of the town ``prefer`` first, each kind by area (largest first)."""
    def order(c: Candidate) -> tuple[bool, float, str]:
        return (c.town != prefer, -(c.area_mu or 0.0), c.key)
    free = sorted((c for c in rows if (c.kind, c.key) not in used and c.area_mu), key=order)
    chosen = [c for c in free if c.kind == "parcel"][:parcels]
    chosen += [c for c in free if c.kind == "enterprise"][:n - len(chosen)]
    chosen += [c for c in free if c not in chosen][:n - len(chosen)]
    used.update((c.kind, c.key) for c in chosen)
    return chosen


def _open(session: Session, actor: User, plan: _Plan, officer: int | None,
          description: str) -> DisposalCase:
    c = plan.candidate
    return cases.open_case(session=session, actor=actor, now=_at(plan.opened), case_in=CaseOpen(
        year=plan.year, kind=c.kind, key=c.key, method=plan.method, officer_id=officer,
        target_date=plan.target, area_mu=round(c.area_mu or 1.0, 2), description=description))


def _notes(session: Session, actor: User, case: DisposalCase, plan: _Plan, last: date,
           count: int) -> None:
    texts = NOTES[plan.method][:count]
    span = (last - plan.opened).days
    for k, text in enumerate(texts, start=1):
        day = plan.opened + timedelta(days=span * k // (len(texts) + 1))
        cases.add_note(session=session, actor=actor, case_id=case.id, on=day, text=text,
                       now=_at(day, 16))


def _work(session: Session, actor: User, case: DisposalCase, plan: _Plan, until: date,
          notes: int) -> None:
    started = plan.opened + timedelta(days=14)
    cases.start_case(session=session, actor=actor, case_id=case.id, now=_at(started))
    _notes(session, actor, case, plan, until, notes)


def _largest_town(session: Session) -> str | None:
    return session.scalar(select(Enterprise.town).where(Enterprise.town.is_not(None))
                          .group_by(Enterprise.town).order_by(func.count().desc()).limit(1))


def load_demo_cases(*, session: Session, actor: User | None) -> int:
    """The demo's disposal cases (by ``actor``, default the admin); how many were written."""
    actor = actor or users.ensure_admin(session=session)
    prefer = _largest_town(session)
    lists = {y: all_candidates(session=session, actor=actor, year=y)[1]
             for y in range(2020, 2026)}
    used: set[tuple[str, str]] = set()
    plans: list[tuple[str, _Plan]] = []
    n = 0
    for done_year, count in COMPLETED:
        for c in _pick(lists[done_year - 1], used, count, parcels=1):
            opened = date(done_year, 6, 10) if c.kind == "enterprise" else date(done_year, 2, 20)
            plans.append(("completed", _Plan(done_year - 1, c, _method(c, n), opened,
                                             date(done_year, 12, 31))))
            n += 1
    # open work, mostly in the demo officer's town: in progress (some overdue) and just opened
    for c, target in zip(_pick(lists[2024], used, 6, prefer=prefer, parcels=1),
                         (date(2025, 12, 31), date(2026, 3, 31), date(2025, 11, 30),
                          date(2026, 9, 30), date(2026, 12, 31), date(2026, 10, 31)),
                         strict=False):
        plans.append(("in_progress", _Plan(2024, c, _method(c, n), date(2025, 6, 15), target)))
        n += 1
    for c, target in zip(_pick(lists[2025], used, 4, prefer=prefer, parcels=2),
                         (date(2026, 3, 31), date(2026, 12, 31), date(2027, 3, 31),
                          date(2026, 11, 30)), strict=False):
        plans.append(("opened", _Plan(2025, c, _method(c, n), date(2026, 2, 25), target)))
        n += 1
    for c in _pick(lists[2023], used, 2, parcels=1):
        plans.append(("cancelled", _Plan(2023, c, _method(c, n), date(2024, 6, 12),
                                         date(2025, 6, 30))))
        n += 1
    officers = _officers(session, actor, sorted({p.candidate.town for _, p in plans
                                                 if p.candidate.town}))
    written = [_write(session, actor, stage, plan, officers.get(plan.candidate.town or ""))
               for stage, plan in plans]
    _correct_one(session, actor, written)
    return len(written) + 1


def _write(session: Session, actor: User, stage: str, plan: _Plan,
           officer: int | None) -> DisposalCase:
    c = plan.candidate
    if c.kind == "enterprise":
        why = f"列入 {plan.year} 年度低效用地企业名单（{c.klass or '—'} 档）"
    else:
        why = "地块年末可无偿收回" if c.status == "reclaimable" else "地块年末闲置满一年"
    case = _open(session, actor, plan, officer, why)
    if stage == "completed":
        done = plan.target - timedelta(days=20 + 9 * (case.id % 5))
        _work(session, actor, case, plan, done, 3)
        cases.complete_case(session=session, actor=actor, case_id=case.id, completed_on=done,
                            area_mu=case.area_mu, now=_at(done, 17))
    elif stage == "in_progress":
        _work(session, actor, case, plan, date(2026, 3, 20), 2)
    elif stage == "opened":
        _notes(session, actor, case, plan, date(2026, 4, 10), 1)
    else:
        cancelled = plan.opened + timedelta(days=90)
        cases.cancel_case(session=session, actor=actor, case_id=case.id, now=_at(cancelled),
                          reason="企业已自行完成技改，次年亩均税收达标，不再列入处置"
                          if c.kind == "enterprise" else "权利人已开工建设，闲置情形消除")
    return case


def _correct_one(session: Session, actor: User, written: list[DisposalCase]) -> None:
    """The area of one case completed in 2023 was entered wrongly: a correction replaces it."""
    wrong = next(c for c in written if c.stage == "completed" and c.completed_on
                 and c.completed_on.year == 2023)
    cases.correct_case(session=session, actor=actor, case_id=wrong.id,
                       now=_at(date(2024, 1, 15)), correction=CaseCorrection(
                           reason="自然资源局测绘复核，实际腾出面积小于立案面积，更正办结面积",
                           area_mu=round(wrong.area_mu * 0.8, 2)))
