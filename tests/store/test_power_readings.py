"""The power department's monthly readings into the store (docs/monitoring.md, "In the store"):
inserted, changed with the old value kept, equal values and absent months left alone, a file with
any error refused whole, a re-import that changes nothing leaves no trace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from store_helpers import make_uscc, store_fingerprint, write_power
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.services import users
from mujun.services.errors import InvalidInput, PermissionDenied
from mujun.services.monitoring.readings import UNKNOWN_CODE, import_readings
from mujun.services.schemas import UserCreate
from mujun.store.models import AuditRecord, Enterprise, ImportBatch, User
from mujun.store.models.monitoring import (
    MonitoredMonth,
    PowerReading,
    PowerReadingChange,
)

A, B, STRANGER = make_uscc(1), make_uscc(2), make_uscc(99)
runner = CliRunner()


@pytest.fixture
def county(session: Session, admin: User) -> Session:
    session.add_all([Enterprise(uscc=A, name="甲厂", version=1),
                     Enterprise(uscc=B, name="乙厂", version=1)])
    session.commit()
    return session


def _stored(session: Session) -> dict[tuple[str, str], float]:
    rows = session.execute(select(Enterprise.uscc, PowerReading.month, PowerReading.kwh)
                           .join(Enterprise, Enterprise.id == PowerReading.enterprise_id))
    return {(u, f"{m:%Y-%m}"): k for u, m, k in rows}


def _first_file(tmp_path: Path) -> Path:
    return write_power(tmp_path / "power-2025.csv", [
        [A, "2025-01", 100], [A, "2025-02", "1,200.5"], [B, "2025/01", 50], [B, "202502", 0],
    ])


def test_a_first_file_inserts_every_reading(county: Session, admin: User,
                                            tmp_path: Path) -> None:
    result = import_readings(county, _first_file(tmp_path), actor=admin,
                             monitor_months=False)
    county.commit()
    assert result.ok and result.applied
    assert (result.inserted, result.updated, result.unchanged) == (4, 0, 0)
    assert result.months == [date(2025, 1, 1), date(2025, 2, 1)]
    assert _stored(county) == {(A, "2025-01"): 100.0, (A, "2025-02"): 1200.5,
                               (B, "2025-01"): 50.0, (B, "2025-02"): 0.0}
    batch = county.scalars(select(ImportBatch)).one()
    assert (batch.id, batch.department, batch.year, batch.file_name, batch.rows,
            batch.inserted, batch.updated, batch.actor_id) == (
        result.batch_id, "power", 2025, "power-2025.csv", 4, 4, 0, admin.id)
    assert {r.import_id for r in county.scalars(select(PowerReading))} == {batch.id}
    audit = county.scalars(select(AuditRecord).where(AuditRecord.action == "import")).one()
    assert audit.summary == ("power monthly readings power-2025.csv (2025-01…2025-02): "
                             "4 new, 0 changed")


def test_the_same_file_again_changes_nothing(county: Session, admin: User,
                                             tmp_path: Path) -> None:
    path = _first_file(tmp_path)
    import_readings(county, path, actor=admin)
    county.commit()
    before = store_fingerprint(county)
    again = import_readings(county, path, actor=admin)
    county.commit()
    assert again.ok and not again.applied and again.batch_id is None
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
    assert again.months == [] and again.monitored == []
    assert store_fingerprint(county) == before


def test_a_later_file_inserts_changes_and_leaves_the_rest(county: Session, admin: User,
                                                          tmp_path: Path) -> None:
    first = import_readings(county, _first_file(tmp_path), actor=admin, monitor_months=False)
    county.commit()
    # A's January is corrected, A's February is the same, B's months are not in the file at
    # all, and March is new
    path = write_power(tmp_path / "power-2025-03.csv", [
        [A, "2025-01", 110], [A, "2025-02", 1200.5], [A, "2025-03", 90], [B, "2025-03", 40],
    ])
    before = store_fingerprint(county)
    waiting = import_readings(county, path, actor=admin, monitor_months=False)
    county.commit()
    # a change waits for acceptance: the whole file, March's new readings too, is not written
    assert waiting.ok and waiting.waiting and not waiting.applied
    assert store_fingerprint(county) == before
    assert [(c.uscc, c.name, c.line, c.month, c.old, c.new, c.import_id, c.import_file)
            for c in waiting.changes] == [
        (A, "甲厂", 2, date(2025, 1, 1), 100.0, 110.0, first.batch_id, "power-2025.csv")]
    with pytest.raises(InvalidInput):
        import_readings(county, path, actor=admin, accept_changes=True, reason="  ")
    second = import_readings(county, path, actor=admin, monitor_months=False,
                             accept_changes=True, reason="供电公司更正抄表")
    county.commit()
    assert second.ok and second.applied and second.batch_id != first.batch_id
    assert (second.inserted, second.updated, second.unchanged) == (2, 1, 1)
    assert second.months == [date(2025, 1, 1), date(2025, 3, 1)]
    assert _stored(county) == {(A, "2025-01"): 110.0, (A, "2025-02"): 1200.5,
                               (A, "2025-03"): 90.0, (B, "2025-01"): 50.0,
                               (B, "2025-02"): 0.0, (B, "2025-03"): 40.0}
    change = county.scalars(select(PowerReadingChange)).one()
    reading = county.get(PowerReading, change.reading_id)
    assert reading is not None and (reading.month, reading.kwh) == (date(2025, 1, 1), 110.0)
    assert (change.old_kwh, change.new_kwh, change.import_id, change.actor_id,
            change.reason) == (100.0, 110.0, second.batch_id, admin.id, "供电公司更正抄表")
    record = county.scalars(select(AuditRecord).where(AuditRecord.entity_id == str(second.batch_id),
                                                      AuditRecord.entity == "import")).one()
    assert record.actor_id == admin.id and record.after is not None
    assert record.after["reason"] == "供电公司更正抄表"
    assert record.after["changes"] == {f"{A}.2025-01": [100.0, 110.0]}
    # the unchanged reading keeps the import that set it
    kept = county.scalars(select(PowerReading).where(PowerReading.month == date(2025, 2, 1),
                                                     PowerReading.kwh == 1200.5)).one()
    assert kept.import_id == first.batch_id
    # the accepted file again: nothing to change, nothing written
    after = store_fingerprint(county)
    again = import_readings(county, path, actor=admin, accept_changes=True, reason="再次")
    county.commit()
    assert again.ok and not again.applied and not again.changes and again.unchanged == 4
    assert store_fingerprint(county) == after


def test_an_empty_or_bad_cell_refuses_the_file_and_deletes_nothing(
        county: Session, admin: User, tmp_path: Path) -> None:
    import_readings(county, _first_file(tmp_path), actor=admin)
    county.commit()
    before = store_fingerprint(county)
    result = import_readings(county, write_power(tmp_path / "gaps.csv", [
        [A, "2025-01", ""], [A, "2025-02", 1300], [B, "2025-13", 5],
    ]), actor=admin)
    county.commit()
    assert not result.ok and not result.applied
    assert [(p.line, p.column, p.reason) for p in result.errors] == [
        (2, "用电量(千瓦时)", "用电量为空 (kWh missing)"),
        (4, "月份", "不是月份，应如 2025-12、2025/12、202512 或日期 (not a month)"),
    ]
    assert store_fingerprint(county) == before  # not even A's valid February change


def test_an_unknown_credit_code_is_a_row_error_naming_its_line(
        county: Session, admin: User, tmp_path: Path) -> None:
    before = store_fingerprint(county)
    result = import_readings(county, write_power(tmp_path / "unknown.csv", [
        [A, "2025-01", 1], ["", "", ""], [STRANGER, "2025-01", 2], [STRANGER, "2025-02", 3],
    ]), actor=admin, file_name="用电量.csv")
    assert not result.ok and not result.applied
    assert [(p.file, p.line, p.column, p.value, p.reason) for p in result.errors] == [
        ("用电量.csv", 4, "统一社会信用代码", STRANGER, UNKNOWN_CODE),
        ("用电量.csv", 5, "统一社会信用代码", STRANGER, UNKNOWN_CODE),
    ]
    county.commit()
    assert store_fingerprint(county) == before


def test_a_parquet_file_with_date_months(county: Session, admin: User, tmp_path: Path) -> None:
    path = tmp_path / "power.parquet"
    pq.write_table(pa.table({"uscc": [A, B], "month": pa.array([date(2025, 1, 31),
                                                                 date(2025, 1, 15)]),
                             "kwh": [7.25, 8.0]}), path)
    result = import_readings(county, path, actor=admin, monitor_months=False)
    assert result.ok and result.inserted == 2
    assert _stored(county) == {(A, "2025-01"): 7.25, (B, "2025-01"): 8.0}


def test_only_the_admin_and_the_power_clerk_import(county: Session, admin: User,
                                                   tmp_path: Path) -> None:
    def user(name: str, role: str, **scope: str) -> User:
        return users.create_user(session=county, actor=admin, user_in=UserCreate(
            username=name, role=role, **scope))

    path = _first_file(tmp_path)
    for refused in (user("tax1", "clerk", department="tax"), user("boss", "leader"),
                    user("xp", "officer", town="西屏街道")):
        with pytest.raises(PermissionDenied):
            import_readings(county, path, actor=refused)
    assert county.scalars(select(PowerReading)).all() == []
    clerk = user("power1", "clerk", department="power")
    result = import_readings(county, path, actor=clerk)
    assert result.applied and result.inserted == 4


def test_an_import_monitors_its_new_months(county: Session, admin: User,
                                           tmp_path: Path) -> None:
    """The new months are monitored in the same transaction: by default the newest month with
    readings and the eleven before it; a later file's new month alone."""
    rows: list[list[object]] = [[code, f"{y}-{m:02d}", 100] for code in (A, B)
                                for y in (2023, 2024) for m in range(1, 13)]
    first = import_readings(county, write_power(tmp_path / "two-years.csv", rows), actor=admin)
    assert [m.month for m in first.monitored] == [date(2024, m, 1) for m in range(1, 13)]
    assert all(m.counts == {"silent": 0, "stopped": 0, "declining": 0, "normal": 2}
               for m in first.monitored)
    nxt = import_readings(county, write_power(tmp_path / "jan.csv", [[A, "2025-01", 100]]),
                          actor=admin)
    county.commit()
    assert [(m.month, m.policy, m.counts) for m in nxt.monitored] == [
        (date(2025, 1, 1), "zhejiang-template",
         {"silent": 0, "stopped": 0, "declining": 0, "normal": 2})]
    months = county.scalars(select(MonitoredMonth.month).order_by(MonitoredMonth.month)).all()
    assert months == [*(date(2024, m, 1) for m in range(1, 13)), date(2025, 1, 1)]


def _registered(engine: Engine) -> None:
    """A and B in the registry (the command's own session reads them)."""
    with Session(engine) as session:
        session.add_all([Enterprise(uscc=A, name="甲厂", version=1),
                         Enterprise(uscc=B, name="乙厂", version=1)])
        session.commit()


def test_the_command_imports_and_prints_each_month_monitored(
        cli_env: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _registered(engine)
    rows: list[list[object]] = [[code, f"{y}-{m:02d}", 100] for code in (A, B)
                                for y in (2023, 2024) for m in range(1, 13)]
    rows += [[A, "2025-01", 100], [B, "2025-01", 5], [A, "2025-02", 100], [B, "2025-02", 5]]
    path = write_power(Path("用电量.csv"), rows)
    result = runner.invoke(app, ["power", "import", str(path), "--first-month", "2025-01"],
                           env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = [" ".join(line.split()) for line in result.output.splitlines()]
    assert "imported 用电量.csv (power readings, import #1): 52 new, 0 changed, 0 unchanged; " \
           "months 2023-01 … 2025-02" in " ".join(out)
    # B: 100 + 100 + 5 against 300 in January (declining), both months below 10 in February
    assert "│ 2025-01 │ 0 │ 0 │ 1 │ 1 │ 1 │ 0 │" in out
    assert "│ 2025-02 │ 0 │ 1 │ 0 │ 1 │ 0 │ 0 │" in out
    again = runner.invoke(app, ["power", "import", str(path)])
    assert again.exit_code == 0 and "no change" in again.output
    # a corrected January (monitored already) waits: exit 1, the change listed, nothing written
    fix = write_power(tmp_path / "fix.csv", [[A, "2025-01", 120], [A, "2025-03", 100]])
    waiting = runner.invoke(app, ["power", "import", str(fix)], env={"COLUMNS": "200"})
    assert waiting.exit_code == 1, waiting.output
    text = " ".join(" ".join(line.split()) for line in waiting.output.splitlines())
    assert "1 changed value(s)" in text and "(kwh 2025-01) │ 100.0 → 120.0 │ import #1" in text
    assert "refused: 1 reading(s) differ from the stored ones (1 of months monitored " \
           "already: they count for later months only); nothing was imported" in text
    assert '--accept-changes --reason "…"' in text
    with Session(engine) as session:
        assert session.scalars(select(PowerReadingChange)).all() == []
        assert len(session.scalars(select(ImportBatch)).all()) == 1
    no_reason = runner.invoke(app, ["power", "import", str(fix), "--accept-changes"])
    assert no_reason.exit_code != 0 and "--reason" in no_reason.output
    accepted = runner.invoke(app, ["power", "import", str(fix), "--accept-changes",
                                   "--reason", "供电公司更正"], env={"COLUMNS": "200"})
    assert accepted.exit_code == 0, accepted.output
    assert "1 new, 1 changed" in accepted.output and "— accepted" in accepted.output
    with Session(engine) as session:
        assert session.scalars(select(PowerReadingChange.reason)).all() == ["供电公司更正"]
    bad = write_power(tmp_path / "bad.csv", [[A, "2025-03", "-1"]])
    refused = runner.invoke(app, ["power", "import", str(bad)])
    assert refused.exit_code == 1
    assert (tmp_path / "bad.csv.errors.xlsx").exists()
    assert runner.invoke(app, ["user", "add", "tax1", "--role", "clerk", "--department",
                               "tax", "--password", "Xq7!vL9#pR2$"]).exit_code == 0
    denied = runner.invoke(app, ["power", "import", str(path), "--as", "tax1"])
    assert denied.exit_code == 1 and "无权导入供电部门的月度用电数据" in denied.output


def test_an_import_tells_each_phase_as_it_starts(county: Session, admin: User,
                                                 tmp_path: Path) -> None:
    """The phases a progress display names (``mujun power import``): checking, writing, then
    monitoring the new months; a file that changes nothing is only checked."""
    told: list[str] = []
    path = _first_file(tmp_path)
    import_readings(county, path, actor=admin, progress=lambda phase, done, total:
                    told.append(phase))
    county.commit()
    assert told == ["validate", "apply", "monitor"]
    told.clear()
    import_readings(county, path, actor=admin, progress=lambda phase, done, total:
                    told.append(phase))
    assert told == ["validate"]


def test_the_command_shows_its_phases_when_forced(
        cli_env: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _registered(engine)
    path = write_power(Path("用电量.csv"), [[code, f"2024-{m:02d}", 100] for code in (A, B)
                                            for m in range(1, 13)])
    forced = runner.invoke(app, ["--progress", "power", "import", str(path)],
                           env={"COLUMNS": "100"})
    assert forced.exit_code == 0, forced.output
    for phase in ("校验 validating", "写入 applying", "监测 monitoring the new months"):
        assert phase in forced.stderr, phase
    assert "\x1b[" not in forced.stdout and "24 new" in forced.stdout
    again = runner.invoke(app, ["power", "import", str(path)], env={"COLUMNS": "100"})
    assert again.exit_code == 0 and again.stderr == "" and "no change" in again.stdout
