"""Department imports: whole-file validation, all-or-nothing, idempotence, ownership, units."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import (
    STATS_HEADER,
    make_uscc,
    stats_rows,
    store_fingerprint,
    table_counts,
    write_csv,
    write_stats,
    write_tax,
)

from mujun.io.templates import write_template
from mujun.services.errors import InvalidInput, PermissionDenied
from mujun.services.imports import import_file
from mujun.services.schemas import UserCreate
from mujun.services.users import create_user
from mujun.store.models import AuditRecord, Enterprise, Figure, FigureChange, Incident, User


def _import(session: Session, actor: User | None, path: Path, dept: str, year: int = 2024):
    result = import_file(session=session, actor=actor, path=path, department_code=dept, year=year)
    session.commit()
    return result


def _value(session: Session, uscc: str, field: str, year: int = 2024) -> Figure | None:
    return session.scalar(
        select(Figure).join(Enterprise, Enterprise.id == Figure.enterprise_id)
        .where(Enterprise.uscc == uscc, Figure.field == field, Figure.year == year)
    )


def test_stats_import_creates_enterprises_and_figures(session: Session, admin: User,
                                                      tmp_path: Path) -> None:
    result = _import(session, admin, write_stats(tmp_path / "s.csv", 20), "stats")
    assert result.ok and result.applied, result.problems
    assert result.enterprises_created == 20
    assert result.inserted == 20 * 14
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == make_uscc(3)))
    assert ent is not None and ent.name == "企业3有限公司"
    fig = _value(session, make_uscc(3), "above_scale")
    assert fig is not None and fig.department == "stats" and fig.value_text in ("true", "false")
    assert fig.import_id == result.batch_id
    audit = session.scalars(select(AuditRecord).where(AuditRecord.action == "import")).all()
    assert len(audit) == 1 and audit[0].actor == "admin"


def test_reimport_changes_nothing(session: Session, admin: User, tmp_path: Path) -> None:
    path = write_stats(tmp_path / "s.csv", 30)
    _import(session, admin, path, "stats")
    before = store_fingerprint(session)
    again = _import(session, admin, path, "stats")
    assert again.ok and not again.applied
    assert again.unchanged == 30 * 14 and again.inserted == again.updated == 0
    assert store_fingerprint(session) == before


def test_changed_value_waits_for_acceptance_then_is_recorded(session: Session, admin: User,
                                                              tmp_path: Path) -> None:
    _import(session, admin, write_stats(tmp_path / "s.csv", 5), "stats")
    first = _import(session, admin, write_tax(tmp_path / "t.csv", 5), "tax")
    old = _value(session, make_uscc(2), "tax_paid")
    assert old is not None
    old_value, old_version = old.value_num, old.version
    path = write_csv(tmp_path / "t2.csv", ["统一社会信用代码", "实缴税收(万元)"],
                     [[make_uscc(2), 123.25], [make_uscc(5 - 1), None]])
    before = store_fingerprint(session)
    waiting = _import(session, admin, path, "tax")
    assert waiting.ok and waiting.waiting and not waiting.applied
    assert [(c.uscc, c.field, c.old, c.new, c.import_id, c.import_file, c.line)
            for c in waiting.changes] == [
        (make_uscc(2), "tax_paid", old_value, 123.25, first.batch_id, "t.csv", 2)]
    assert store_fingerprint(session) == before  # nothing written
    result = import_file(session=session, actor=admin, path=path, department_code="tax",
                         year=2024, accept_changes=True, reason="税务复核更正")
    session.commit()
    assert result.applied and result.updated == 1 and result.inserted == 0
    session.expire_all()
    new = _value(session, make_uscc(2), "tax_paid")
    assert new is not None and new.value_num == 123.25 and new.version == old_version + 1
    change = session.scalars(select(FigureChange)).one()
    assert (change.old_num, change.new_num, change.field) == (old_value, 123.25, "tax_paid")
    assert change.department == "tax" and change.import_id == result.batch_id
    assert change.reason == "税务复核更正"


def test_accepting_changes_needs_a_reason(session: Session, admin: User, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        import_file(session=session, actor=admin, path=write_tax(tmp_path / "t.csv", 1),
                    department_code="tax", year=2024, accept_changes=True, reason="  ")


def test_blank_cell_keeps_the_stored_value(session: Session, admin: User, tmp_path: Path) -> None:
    """Defect: a tax file with 实缴税收 filled and 城镇土地使用税 blank cleared the land-use tax."""
    _import(session, admin, write_stats(tmp_path / "s.csv", 2), "stats")
    header = ["统一社会信用代码", "实缴税收(万元)", "城镇土地使用税应纳额(万元)"]
    _import(session, admin, write_csv(tmp_path / "t.csv", header, [[make_uscc(0), 10, 3.33]]),
            "tax")
    result = _import(session, admin, write_csv(tmp_path / "t2.csv", header,
                                               [[make_uscc(0), 10, ""], [make_uscc(1), "", ""]]),
                     "tax")
    assert result.ok and not result.applied and not result.changes
    land = _value(session, make_uscc(0), "land_use_tax_due")
    assert land is not None and land.value_num == 3.33
    assert _value(session, make_uscc(1), "tax_paid") is None
    assert not session.scalars(select(FigureChange)).all()


def test_blank_yes_no_and_land_cells_are_not_given(session: Session, admin: User,
                                                   tmp_path: Path) -> None:
    """The evaluation reads an empty yes/no cell as 否 and an empty land cell as 0; an import
    reads both as "not given"."""
    _import(session, admin, write_stats(tmp_path / "s.csv", 1), "stats")
    high_tech = _value(session, make_uscc(0), "high_tech")
    assert high_tech is not None
    stored = high_tech.value_text
    rows = [[make_uscc(0), "", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
    again = _import(session, admin, write_csv(tmp_path / "s2.csv", STATS_HEADER, rows), "stats")
    assert again.ok and not again.changes and not again.applied
    assert _value(session, make_uscc(0), "high_tech").value_text == stored  # type: ignore[union-attr]
    land = write_csv(tmp_path / "l.csv", ["统一社会信用代码", "自有用地面积(平方米)"],
                     [[make_uscc(0), ""]])
    assert not _import(session, admin, land, "land").applied
    assert _value(session, make_uscc(0), "land_owned_m2") is None


def test_money_in_yuan_or_wan(session: Session, admin: User, tmp_path: Path) -> None:
    _import(session, admin, write_stats(tmp_path / "s.csv", 3), "stats")
    wan = write_csv(tmp_path / "wan.csv", ["统一社会信用代码", "实缴税收(万元)"],
                    [[make_uscc(0), 12.5]])
    yuan = write_csv(tmp_path / "yuan.csv", ["统一社会信用代码", "实缴税收（元）"],
                     [[make_uscc(0), 125000]])
    assert _import(session, admin, wan, "tax").inserted == 1
    again = _import(session, admin, yuan, "tax")
    assert again.ok and not again.applied and again.unchanged == 1  # 125000 元 == 12.5 万元
    bare = write_csv(tmp_path / "bare.csv", ["统一社会信用代码", "实缴税收"], [[make_uscc(0), 1]])
    result = _import(session, admin, bare, "tax")
    assert not result.ok and "单位" in result.errors[0].reason


def test_any_error_rejects_the_whole_file(session: Session, admin: User, tmp_path: Path) -> None:
    _import(session, admin, write_stats(tmp_path / "s.csv", 3), "stats")
    before = table_counts(session)
    rows = stats_rows(6, seed=9)
    rows[4][6] = "十二"  # value added that is not a number
    rows[5][0] = "91331124000000000X"  # a bad credit code
    result = _import(session, admin, write_csv(tmp_path / "bad.csv", STATS_HEADER, rows), "stats")
    assert not result.applied
    assert {(p.line, p.column) for p in result.errors} >= {(6, "工业增加值(万元)"),
                                                          (7, "统一社会信用代码")}
    assert table_counts(session) == before


def test_credit_code_must_be_registered(session: Session, admin: User, tmp_path: Path) -> None:
    result = _import(session, admin, write_tax(tmp_path / "t.csv", 2), "tax")
    assert not result.applied
    assert all("企业库" in p.reason for p in result.errors) and len(result.errors) == 2


def test_new_enterprise_needs_a_name(session: Session, admin: User, tmp_path: Path) -> None:
    rows = stats_rows(2)
    rows[1][1] = ""
    result = _import(session, admin, write_csv(tmp_path / "s.csv", STATS_HEADER, rows), "stats")
    assert not result.applied and result.errors[0].line == 3


def test_other_departments_value_is_never_overwritten(session: Session, admin: User,
                                                       tmp_path: Path) -> None:
    _import(session, admin, write_stats(tmp_path / "s.csv", 2), "stats")
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == make_uscc(1)))
    assert ent is not None
    # a value set by someone else (say, an earlier ownership table gave tax_paid to stats)
    session.add(Figure(enterprise_id=ent.id, year=2024, field="tax_paid", value_num=5.0,
                       department="stats"))
    session.commit()
    path = write_csv(tmp_path / "t.csv", ["统一社会信用代码", "实缴税收(万元)"],
                     [[make_uscc(0), 1.0], [make_uscc(1), 9.0]])
    before = table_counts(session)
    result = _import(session, admin, path, "tax")
    assert not result.applied and result.errors[0].line == 3 and "stats" in result.errors[0].reason
    assert table_counts(session) == before
    fig = _value(session, make_uscc(1), "tax_paid")
    assert fig is not None and fig.value_num == 5.0
    # the same value is no conflict
    same = write_csv(tmp_path / "t2.csv", ["统一社会信用代码", "实缴税收(万元)"],
                     [[make_uscc(1), 5.0]])
    assert _import(session, admin, same, "tax").ok


def test_columns_of_other_departments_are_ignored(session: Session, admin: User,
                                                  tmp_path: Path) -> None:
    _import(session, admin, write_stats(tmp_path / "s.csv", 2), "stats")
    path = write_csv(tmp_path / "p.csv", ["统一社会信用代码", "用电量(千瓦时)", "实缴税收(万元)"],
                     [[make_uscc(0), 1000, 7], [make_uscc(1), 2000, 8]])
    result = _import(session, admin, path, "power")
    assert result.applied and result.inserted == 2
    assert any("tax" in p.reason for p in result.warnings)
    assert _value(session, make_uscc(0), "tax_paid") is None


def test_incidents_are_only_added(session: Session, admin: User, tmp_path: Path) -> None:
    _import(session, admin, write_stats(tmp_path / "s.csv", 3), "stats")
    header = ["统一社会信用代码", "年度", "类型", "日期", "说明"]
    rows = [[make_uscc(0), 2024, "一般安全事故", "2024-03-01", "a"],
            [make_uscc(1), 2024, "safety_major", "2024-05-01", ""],
            [make_uscc(2), 2023, "safety_general", "2023-01-01", "other year"],
            [make_uscc(2), 2024, "env_penalty", "2024-01-01", "other department"]]
    path = write_csv(tmp_path / "i.csv", header, rows)
    result = _import(session, admin, path, "safety")
    assert result.applied and result.incidents_added == 2
    assert any("已忽略" in p.reason for p in result.warnings)
    assert [i.type for i in session.scalars(select(Incident).order_by(Incident.id))] == [
        "safety_general", "safety_major"]
    before = store_fingerprint(session)
    assert not _import(session, admin, path, "safety").applied
    assert store_fingerprint(session) == before
    # a file listing fewer incidents removes none; one listing a new one adds it
    fewer = write_csv(tmp_path / "i2.csv", header, rows[:1])
    assert not _import(session, admin, fewer, "safety").applied
    more = write_csv(tmp_path / "i3.csv", header,
                     [*rows[:1], [make_uscc(2), 2024, "safety_general", "2024-07-01", "b"]])
    result = _import(session, admin, more, "safety")
    assert result.applied and (result.incidents_added, result.incidents_removed) == (1, 0)
    assert len(session.scalars(select(Incident)).all()) == 3


def test_empty_incidents_sheet_removes_nothing(session: Session, admin: User,
                                               tmp_path: Path) -> None:
    """Defect: a one-row figures correction with an empty 事件 sheet deleted the incidents."""
    _import(session, admin, write_stats(tmp_path / "s.csv", 2), "stats")
    header = ["统一社会信用代码", "年度", "类型", "日期", "说明"]
    _import(session, admin, write_csv(tmp_path / "i.csv", header, [
        [make_uscc(0), 2024, "env_major", "2024-03-01", "泄漏"],
        [make_uscc(1), 2024, "env_penalty", "2024-04-01", "罚款"]]), "env")
    book = tmp_path / "env.xlsx"
    write_template(book, department_zh="生态环境", fields=("emissions_t",),
                   incident_types=("env_major", "env_penalty"), year=2024)
    _fill_first_row(book, [make_uscc(0), "企业0有限公司", 12.5])
    result = _import(session, admin, book, "env")
    assert result.ok and result.applied and result.inserted == 1, result.problems
    assert result.incidents_removed == 0
    assert sorted(i.type for i in session.scalars(select(Incident))) == ["env_major",
                                                                        "env_penalty"]


def _fill_first_row(book: Path, values: list[object]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(book)
    sheet = wb["填报"]
    for col, value in enumerate(values, start=1):
        sheet.cell(row=2, column=col, value=value)
    wb.save(book)


def test_clerk_may_import_only_its_department(session: Session, admin: User,
                                              tmp_path: Path) -> None:
    clerk = create_user(session=session, actor=admin,
                        user_in=UserCreate(username="tax1", role="clerk", department="tax"))
    session.commit()
    _import(session, admin, write_stats(tmp_path / "s.csv", 2), "stats")
    assert _import(session, clerk, write_tax(tmp_path / "t.csv", 2), "tax").applied
    with pytest.raises(PermissionDenied):
        _import(session, clerk, write_stats(tmp_path / "s.csv", 2), "stats")


def test_incidents_file_gets_the_evaluations_verdict(session: Session, admin: User,
                                                     tmp_path: Path) -> None:
    """Defect: ``mujun evaluate`` kept both rows (a warning for the date) while the import
    rejected both (the mixed-case type and the bad date)."""
    _import(session, admin, write_stats(tmp_path / "s.csv", 3), "stats")
    header = ["统一社会信用代码", "年度", "类型", "日期", "说明"]
    path = write_csv(tmp_path / "i.csv", header, [
        [make_uscc(0), 2024, "Safety_General", "2024-13-45", "日期坏"],
        [make_uscc(1), 2024, "safety_general", "2024-02-03", "正常"]])
    result = _import(session, admin, path, "safety")
    assert result.ok and result.applied and result.incidents_added == 2
    assert [p.severity for p in result.problems] == ["warning"]
    assert [(i.type, i.date) for i in session.scalars(select(Incident).order_by(Incident.id))] \
        == [("safety_general", None), ("safety_general", date(2024, 2, 3))]


def test_changes_are_recorded_in_file_order(session: Session, admin: User,
                                            tmp_path: Path) -> None:
    """Found by the state machine (tests/store/test_import_model.py): the changes of one import
    were recorded column by column, not in the order of the file, and differently per store."""
    _import(session, admin, write_stats(tmp_path / "s.csv", 2), "stats")
    header = ["统一社会信用代码", "实缴税收(万元)", "城镇土地使用税应纳额(万元)"]
    _import(session, admin, write_csv(tmp_path / "t.csv", header, [[make_uscc(0), 1, 1],
                                                                  [make_uscc(1), 1, 1]]), "tax")
    path = write_csv(tmp_path / "t2.csv", header, [[make_uscc(0), "", 2], [make_uscc(1), 2, 2]])
    result = import_file(session=session, actor=admin, path=path, department_code="tax",
                         year=2024, accept_changes=True, reason="更正")
    session.commit()
    expected = [(make_uscc(0), "land_use_tax_due"), (make_uscc(1), "tax_paid"),
                (make_uscc(1), "land_use_tax_due")]
    assert [(c.uscc, c.field) for c in result.changes] == expected
    ids = {e.id: e.uscc for e in session.scalars(select(Enterprise))}
    recorded = session.scalars(select(FigureChange).order_by(FigureChange.id))
    assert [(ids[c.enterprise_id], c.field) for c in recorded] == expected
