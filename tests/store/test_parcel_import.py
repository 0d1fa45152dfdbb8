"""The land department's parcels import (docs/land.md, "地块导入"): all or nothing, an empty cell
keeps the stored value, the same file twice changes nothing, changes wait for a reason, history.

Files in ``parcel_files/``:
- ``parcels.geojson``: CS-101 标准地 of enterprise 1, not started, 600 万元; CS-102 of
  enterprise 2, built; CS-103 reserve land;
- ``parcels-zh.csv`` (Chinese headers): CS-101 again with its price empty and a delay cause,
  CS-102 unchanged, CS-104 new;
- ``price-change.csv``: CS-101 at 650 万元;
- ``bad-geometry.geojson``: every feature but one wrong; its expected problems in
  ``bad-geometry.expected``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import store_fingerprint, write_stats
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.io.land_files import is_parcels_file
from mujun.io.parcel_template import write_parcel_template
from mujun.io.templates import write_template
from mujun.services.errors import PermissionDenied
from mujun.services.imports import import_file
from mujun.services.schemas import UserCreate
from mujun.services.users import create_user
from mujun.store.models import AuditRecord, ImportBatch, Parcel, ParcelChange, User

FILES = Path(__file__).parent / "parcel_files"
runner = CliRunner()


@pytest.fixture
def registry(session: Session, admin: User, tmp_path: Path) -> None:
    """Enterprises 1–5 (``make_uscc``) in the registry."""
    result = import_file(session=session, actor=admin, path=write_stats(tmp_path / "s.csv", 5),
                         department_code="stats", year=2024)
    assert result.applied
    session.commit()


def _import(session: Session, actor: User, name: str | Path, **kw: object):  # type: ignore[no-untyped-def]
    path = name if isinstance(name, Path) else FILES / name
    result = import_file(session=session, actor=actor, path=path, department_code="land",
                         year=2025, **kw)  # type: ignore[arg-type]
    session.commit()
    return result


def _parcel(session: Session, code: str) -> Parcel:
    parcel = session.scalar(select(Parcel).where(Parcel.parcel_code == code))
    assert parcel is not None, code
    return parcel


def test_a_geojson_file_adds_its_parcels_with_provenance_and_history(
        session: Session, admin: User, registry: None) -> None:
    result = _import(session, admin, "parcels.geojson")
    assert result.ok and result.applied and result.kind == "parcels", result.problems
    assert (result.rows, result.inserted, result.updated) == (3, 3, 0)
    a = _parcel(session, "331124-CS-101")
    assert (a.area_m2, a.land_price_wan, a.floor_area_m2, a.standard_land) == \
        (20000.0, 600.0, None, True)
    assert a.owner_id is not None and a.import_id == result.batch_id
    assert a.geometry is not None and a.geometry["type"] == "Polygon"
    assert _parcel(session, "331124-CS-103").owner_id is None  # reserve land
    batch = session.get(ImportBatch, result.batch_id)
    assert batch is not None and (batch.department, batch.file_name) == ("land", "parcels.geojson")
    history = session.scalars(select(ParcelChange).where(ParcelChange.parcel_id == a.id)
                              .order_by(ParcelChange.id)).all()
    assert [(h.field, h.old_value, h.new_value) for h in history if h.field != "geometry"] == [
        ("owner_uscc", None, "91331124000000001H"), ("zone", None, "赤寿工业园区"),
        ("town", None, "赤寿乡"), ("area_m2", None, "20000.0"), ("use", None, "工业"),
        ("acquired", None, "2021-03-10"), ("agreed_start", None, "2021-09-01"),
        ("standard_land", None, "true"), ("land_price_wan", None, "600.0")]
    audit = session.scalars(select(AuditRecord).where(AuditRecord.entity_id == str(result.batch_id),
                                                      AuditRecord.action == "import")).all()
    assert len(audit) == 1 and "3 parcels added" in audit[0].summary


def test_the_same_file_again_changes_nothing(session: Session, admin: User,
                                             registry: None) -> None:
    _import(session, admin, "parcels.geojson")
    before = store_fingerprint(session)
    again = _import(session, admin, "parcels.geojson")
    assert again.ok and not again.applied and again.batch_id is None
    assert again.unchanged == 26 and again.changes == []
    assert store_fingerprint(session) == before


def test_chinese_headers_an_empty_cell_keeps_the_value_and_absent_parcels_stay(
        session: Session, admin: User, registry: None) -> None:
    _import(session, admin, "parcels.geojson")
    result = _import(session, admin, "parcels-zh.csv")
    assert result.ok and result.applied and result.changes == [], result.problems
    assert result.inserted == 1  # CS-104
    a = _parcel(session, "331124-CS-101")
    # price empty in the file: 600 kept; the delay cause filled in; still 标准地 (否/empty keep it)
    assert (a.land_price_wan, a.delay_cause, a.standard_land) == (600.0, "government", True)
    assert a.geometry is not None  # a table carries no polygon: the stored one stays
    assert _parcel(session, "331124-CS-103").area_m2 == 30000.0  # not in the file, not deleted
    assert _parcel(session, "331124-CS-104").land_price_wan == 120.0
    filled = session.scalars(select(ParcelChange).where(ParcelChange.parcel_id == a.id,
                                                        ParcelChange.field == "delay_cause"))
    assert [(c.old_value, c.new_value, c.import_id) for c in filled] == \
        [(None, "government", result.batch_id)]


def test_a_changed_value_waits_for_a_reason_then_is_recorded(session: Session, admin: User,
                                                             registry: None) -> None:
    first = _import(session, admin, "parcels.geojson")
    before = store_fingerprint(session)
    waiting = _import(session, admin, "price-change.csv")
    assert waiting.waiting and not waiting.applied
    assert [(c.uscc, c.field, c.old, c.new, c.import_id, c.parcel, c.header)
            for c in waiting.changes] == [("331124-CS-101", "land_price_wan", "600.0", "650.0",
                                           first.batch_id, True, "出让价款(万元)")]
    assert store_fingerprint(session) == before
    accepted = _import(session, admin, "price-change.csv", accept_changes=True,
                       reason="出让合同补充协议")
    assert accepted.applied and accepted.updated == 1
    a = _parcel(session, "331124-CS-101")
    assert a.land_price_wan == 650.0 and a.import_id == accepted.batch_id
    change = session.scalars(select(ParcelChange).where(
        ParcelChange.parcel_id == a.id, ParcelChange.import_id == accepted.batch_id)).one()
    assert (change.field, change.old_value, change.new_value, change.reason, change.actor_id) == \
        ("land_price_wan", "600.0", "650.0", "出让合同补充协议", admin.id)


def test_bad_geometry_and_rows_reject_the_whole_file(session: Session, admin: User,
                                                     registry: None) -> None:
    before = store_fingerprint(session)
    result = _import(session, admin, "bad-geometry.geojson")
    assert not result.ok and not result.applied
    found = [f"line {p.line}, {p.column} = {p.value}: {p.reason}" for p in result.errors]
    expected = (FILES / "bad-geometry.expected").read_text(encoding="utf-8").splitlines()
    assert found == expected
    assert store_fingerprint(session) == before


def test_only_the_land_clerk_and_the_admin_import_parcels(session: Session, admin: User,
                                                          registry: None) -> None:
    for name, dept in (("land1", "land"), ("tax1", "tax")):
        create_user(session=session, actor=admin, user_in=UserCreate(
            username=name, display_name=name, role="clerk", department=dept,
            password="pass-word-123"))
    session.commit()
    tax = session.scalars(select(User).where(User.username == "tax1")).one()
    with pytest.raises(PermissionDenied):
        _import(session, tax, "parcels.geojson")
    land = session.scalars(select(User).where(User.username == "land1")).one()
    assert _import(session, land, "parcels.geojson").applied


def test_which_land_files_are_parcels(tmp_path: Path) -> None:
    assert is_parcels_file(FILES / "parcels.geojson")
    assert is_parcels_file(FILES / "parcels-zh.csv")
    assert is_parcels_file(write_parcel_template(tmp_path / "parcels.xlsx"))
    figures = write_template(tmp_path / "land.xlsx", department_zh="自然资源",
                             fields=("land_owned_m2",))
    assert not is_parcels_file(figures)


def test_the_parcel_template_imports_as_it_is_filled(session: Session, admin: User,
                                                     registry: None, tmp_path: Path) -> None:
    """The template's headers are the reader's: an empty template is a valid file of no rows."""
    result = _import(session, admin, write_parcel_template(tmp_path / "parcels.xlsx"))
    assert result.ok and not result.applied and result.rows == 0, result.problems


def test_the_command_line_writes_the_template_and_imports_parcels(
        cli_env: str, session: Session, admin: User, registry: None, tmp_path: Path) -> None:
    out = tmp_path / "land-parcels.xlsx"
    made = runner.invoke(app, ["template", "-d", "land", "--parcels", "--out", str(out)])
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["地块", "说明"]
    assert [c.value for c in book["地块"][1]][:5] == [
        "地块编号", "园区", "乡镇街道", "受让企业统一社会信用代码", "出让面积(平方米)"]
    refused = runner.invoke(app, ["template", "-d", "tax", "--parcels"])
    assert refused.exit_code == 2
    first = runner.invoke(app, ["import", str(FILES / "parcels.geojson"), "-d", "land",
                                "--year", "2025"])
    assert first.exit_code == 0, first.output
    assert "3 parcels added, 0 values changed" in first.output
    bad = runner.invoke(app, ["import", str(FILES / "bad-geometry.geojson"), "-d", "land",
                              "--year", "2025", "--report", str(tmp_path / "report.xlsx")])
    assert bad.exit_code == 1 and (tmp_path / "report.xlsx").exists()
