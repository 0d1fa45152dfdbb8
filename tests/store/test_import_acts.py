"""The explicit acts beside imports: removing a value, withdrawing an incident, the value history,
and ``mujun import`` refusing changed values until they are accepted (docs/store.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import make_uscc, store_fingerprint, write_csv, write_stats
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.services.errors import ConflictError, InvalidInput, PermissionDenied
from mujun.services.figures import remove_figure
from mujun.services.imports import import_file
from mujun.services.incidents import list_incidents, withdraw_incident
from mujun.services.schemas import UserCreate
from mujun.services.snapshot import assemble
from mujun.services.users import create_user
from mujun.services.value_history import value_history
from mujun.store.models import AuditRecord, Figure, FigureChange, Incident, User

TAX = ["统一社会信用代码", "实缴税收(万元)", "城镇土地使用税应纳额(万元)"]
INCIDENTS = ["统一社会信用代码", "年度", "类型", "日期", "说明"]


def _import(session: Session, actor: User | None, path: Path, dept: str, **kw: object):
    result = import_file(session=session, actor=actor, path=path, department_code=dept,
                         year=2024, **kw)  # type: ignore[arg-type]
    session.commit()
    return result


@pytest.fixture
def county(session: Session, admin: User, tmp_path: Path) -> Session:
    _import(session, admin, write_stats(tmp_path / "s.csv", 3), "stats")
    _import(session, admin, write_csv(tmp_path / "t.csv", TAX, [[make_uscc(0), 10, 3.33],
                                                              [make_uscc(1), 20, 1.5]]), "tax")
    _import(session, admin, write_csv(tmp_path / "i.csv", INCIDENTS, [
        [make_uscc(0), 2024, "env_major", "2024-03-01", "泄漏"],
        [make_uscc(1), 2024, "env_penalty", "2024-04-01", "罚款"]]), "env")
    return session


def _clerk(session: Session, admin: User, name: str, dept: str) -> User:
    user = create_user(session=session, actor=admin,
                       user_in=UserCreate(username=name, role="clerk", department=dept))
    session.commit()
    return user


def test_remove_value_is_explicit_audited_and_in_history(county: Session, admin: User) -> None:
    session = county
    with pytest.raises(InvalidInput):
        remove_figure(session=session, actor=admin, uscc=make_uscc(0), year=2024,
                      field="land_use_tax_due", reason=" ")
    env = _clerk(session, admin, "env1", "env")
    with pytest.raises(PermissionDenied):
        remove_figure(session=session, actor=env, uscc=make_uscc(0), year=2024,
                      field="land_use_tax_due", reason="x")
    remove_figure(session=session, actor=admin, uscc=make_uscc(0), year=2024,
                  field="land_use_tax_due", reason="重复申报")
    session.commit()
    assert session.scalar(select(Figure).where(Figure.field == "land_use_tax_due",
                                               Figure.value_num == 3.33)) is None
    change = session.scalars(select(FigureChange)).one()
    assert (change.source, change.old_num, change.new_num, change.reason) == (
        "remove", 3.33, None, "重复申报")
    assert session.scalars(select(AuditRecord).where(
        AuditRecord.action == "figure.remove")).one().summary == "重复申报"
    events = value_history(session=session, actor=admin, uscc=make_uscc(0))
    removed = [e for e in events if e.source == "remove"]
    assert [(e.field, e.old, e.new, e.reason, e.who) for e in removed] == [
        ("land_use_tax_due", 3.33, None, "重复申报", "admin")]


def test_history_shows_file_old_new_reason_for_admin_and_owning_clerk(
    county: Session, admin: User, tmp_path: Path
) -> None:
    session = county
    path = write_csv(tmp_path / "t2.csv", TAX[:2], [[make_uscc(0), 12.5]])
    assert _import(session, admin, path, "tax").waiting
    done = _import(session, admin, path, "tax", accept_changes=True, reason="复核更正")
    assert done.applied
    tax = _clerk(session, admin, "tax1", "tax")
    stats = _clerk(session, admin, "stats1", "stats")
    for actor in (admin, tax):
        events = value_history(session=session, actor=actor, uscc=make_uscc(0))
        change = next(e for e in events if e.source == "import")
        assert (change.field, change.old, change.new, change.reason, change.file, change.who) == (
            "tax_paid", 10.0, 12.5, "复核更正", "t2.csv", "admin")
        current = next(e for e in events if e.source == "current" and e.field == "tax_paid")
        assert (current.new, current.file) == (12.5, "t2.csv")
    assert all(e.field in ("tax_paid", "land_use_tax_due")
               for e in value_history(session=session, actor=tax, uscc=make_uscc(0)))
    assert all(e.field not in ("tax_paid", "land_use_tax_due")
               for e in value_history(session=session, actor=stats, uscc=make_uscc(0)))
    ent = create_user(session=session, actor=admin, user_in=UserCreate(
        username="e0", role="enterprise", uscc=make_uscc(0)))
    with pytest.raises(PermissionDenied):
        value_history(session=session, actor=ent, uscc=make_uscc(0))


def test_withdrawn_incident_no_longer_counts_and_is_not_added_again(
    county: Session, admin: User, tmp_path: Path
) -> None:
    session = county
    major = session.scalars(select(Incident).where(Incident.type == "env_major")).one()
    tax = _clerk(session, admin, "tax1", "tax")
    with pytest.raises(PermissionDenied):
        withdraw_incident(session=session, actor=tax, incident_id=major.id, reason="误报")
    env = _clerk(session, admin, "env1", "env")
    withdraw_incident(session=session, actor=env, incident_id=major.id, reason="误报")
    session.commit()
    with pytest.raises(ConflictError):
        withdraw_incident(session=session, actor=env, incident_id=major.id, reason="again")
    assert assemble(session, 2024).incidents.column("type").to_pylist() == ["env_penalty"]
    listed = list_incidents(session=session, actor=env, year=2024, department="env")
    assert [(i.type, i.withdrawn_reason) for i in listed] == [("env_major", "误报"),
                                                             ("env_penalty", None)]
    before = store_fingerprint(session)
    again = _import(session, admin, tmp_path / "i.csv", "env")
    assert not again.applied and any("撤销" in p.reason for p in again.warnings)
    assert store_fingerprint(session) == before


runner = CliRunner()


def test_cli_refuses_changes_lists_them_and_accepts_with_a_reason(
    cli_env: str, tmp_path: Path
) -> None:
    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args))

    assert run("import", "--year", "2024", "-d", "stats",
               str(write_stats(tmp_path / "s.csv", 2))).exit_code == 0
    first = write_csv(tmp_path / "t.csv", TAX, [[make_uscc(0), 10, 3.33]])
    assert run("import", "--year", "2024", "-d", "tax", str(first)).exit_code == 0
    change = write_csv(tmp_path / "t2.csv", TAX, [[make_uscc(0), 11, ""]])
    refused = run("import", "--year", "2024", "-d", "tax", str(change))
    assert refused.exit_code == 1
    assert "10.0" in refused.output and "11.0" in refused.output and "t.csv" in refused.output
    assert "tax_paid" in refused.output and "refused" in refused.output
    assert run("import", "--year", "2024", "-d", "tax", str(change),
               "--accept-changes").exit_code == 2
    ok = run("import", "--year", "2024", "-d", "tax", str(change), "--accept-changes",
             "--reason", "更正")
    assert ok.exit_code == 0, ok.output
    assert "1 changed" in ok.output
    gone = run("value", "remove", "--year", "2024", "--uscc", make_uscc(0), "--field",
               "land_use_tax_due", "--reason", "错报")
    assert gone.exit_code == 0, gone.output
    assert run("value", "remove", "--year", "2024", "--uscc", make_uscc(0), "--field",
               "land_use_tax_due", "--reason", "错报").exit_code == 1
    history = run("value", "history", "--uscc", make_uscc(0), "--year", "2024")
    assert history.exit_code == 0 and "错报" in history.output and "更正" in history.output
    incidents = write_csv(tmp_path / "i.csv", INCIDENTS,
                          [[make_uscc(1), 2024, "tax_serious", "2024-02-02", "偷税"]])
    assert run("import", "--year", "2024", "-d", "tax", str(incidents)).exit_code == 0
    listed = run("incident", "list", "--year", "2024")
    assert "tax_serious" in listed.output
    withdrawn = run("incident", "withdraw", "1", "--reason", "复议撤销")
    assert withdrawn.exit_code == 0, withdrawn.output
    assert "复议撤销" in run("incident", "list", "--year", "2024", "-d", "tax").output
