"""The demo's registry and land files go through io/'s readers: a file with errors is refused with
its located problems and nothing of it is written (docs/input-files.md, "Registry and land")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.services.demo import load_county_figures, load_land, load_registry
from mujun.services.errors import InvalidInput
from mujun.store.models import Enterprise, Lease, Parcel, StandardLandCommitment, User

A = "91331124MA2A00010Q"
B = "91331124MA2A00020R"
SQUARE = [[[119.5, 28.4], [119.501, 28.4], [119.501, 28.401], [119.5, 28.4]]]


def _feature(parcel_id: str, area: object, coordinates: object = SQUARE) -> dict[str, object]:
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": coordinates},
            "properties": {"parcel_id": parcel_id, "area_m2": area, "owner_uscc": A,
                           "standard_land": True, "acquired": "2021-03-05"}}


def _land(folder: Path, features: list[dict[str, object]], lease_parcel: str = "P-1") -> Path:
    (folder / "registry.csv").write_text(
        f"uscc,name,scale,stage,tags\n{A},甲公司,above,producing,高新;高新\n{B},乙公司,,,\n",
        encoding="utf-8")
    (folder / "parcels.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    (folder / "leases.csv").write_text(
        f"parcel_id,lessor_uscc,lessee_uscc,area_m2,start,end\n{lease_parcel},{A},{B},100,"
        "2022-01-01,2024-12-31\n", encoding="utf-8")
    (folder / "standard_land.csv").write_text(
        "parcel_id,plot_ratio,years_to_attainment\nP-1,1.2,3\n", encoding="utf-8")
    return folder


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_good_files_are_written(session: Session, admin: User, tmp_path: Path) -> None:
    folder = _land(tmp_path, [_feature("P-1", 1200.5), _feature("P-2", "1,500")])
    assert load_registry(session=session, actor=admin, path=folder / "registry.csv") == 2
    assert load_land(session=session, actor=admin, folder=folder) == 2
    ent = session.scalars(select(Enterprise).where(Enterprise.uscc == A)).one()
    assert (ent.above_scale, ent.lifecycle, ent.tag_names) == (True, "producing", ["高新"])
    parcel = session.scalars(select(Parcel).where(Parcel.parcel_code == "P-1")).one()
    assert (parcel.owner_id, parcel.area_m2, parcel.standard_land) == (ent.id, 1200.5, True)
    assert parcel.geometry == {"type": "Polygon", "coordinates": SQUARE}
    lease = session.scalars(select(Lease)).one()
    assert (lease.parcel_id, lease.lessor_id, lease.area_m2) == (parcel.id, ent.id, 100.0)
    commitment = session.scalars(select(StandardLandCommitment)).one()
    assert (commitment.parcel_id, commitment.plot_ratio, commitment.review_after_years) == (
        parcel.id, 1.2, 3)


def test_a_parcels_file_with_errors_is_refused_with_its_problems(
    session: Session, admin: User, tmp_path: Path
) -> None:
    open_ring = [[*SQUARE[0][:-1], [119.6, 28.5]]]
    folder = _land(tmp_path, [_feature("P-1", 100), _feature("P-2", "abc"),
                              _feature("P-3", 10, open_ring)])
    load_registry(session=session, actor=admin, path=folder / "registry.csv")
    with pytest.raises(InvalidInput) as caught:
        load_land(session=session, actor=admin, folder=folder)
    message = str(caught.value)
    assert message.startswith("parcels.geojson: 2 个错误")
    assert 'line 2, column area_m2 = "abc": 不是数字 (not a number)' in message
    assert "line 3, column geometry" in message and "环未闭合" in message
    assert _count(session, Parcel) == 0


def test_a_lease_of_an_unknown_parcel_refuses_the_land_before_anything_is_written(
    session: Session, admin: User, tmp_path: Path
) -> None:
    folder = _land(tmp_path, [_feature("P-1", 100)], lease_parcel="P-404")
    load_registry(session=session, actor=admin, path=folder / "registry.csv")
    with pytest.raises(InvalidInput, match=r"leases.csv line 2, column parcel_id = \"P-404\""):
        load_land(session=session, actor=admin, folder=folder)
    assert _count(session, Parcel) == 0


def test_a_registry_with_errors_lists_the_first_few(
    session: Session, admin: User, tmp_path: Path
) -> None:
    rows = "".join(f"9133112{i},企业{i},,,\n" for i in range(7))
    path = tmp_path / "registry.csv"
    path.write_text("uscc,name,scale,stage,tags\n" + rows, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_registry(session=session, actor=admin, path=path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "registry.csv: 7 个错误，未导入 (errors; nothing loaded)"
    assert len(lines) == 1 + 5 + 1 and lines[-1] == "  … 另有 2 个错误 (more errors)"
    assert _count(session, Enterprise) == 0


def test_an_unusable_file_is_refused_in_one_line(
    session: Session, admin: User, tmp_path: Path
) -> None:
    path = tmp_path / "industrial_investment.csv"
    path.write_text("年份,数值\n2021,1\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="找不到表头"):
        load_county_figures(session=session, actor=admin, path=path)


def test_mujun_demo_prints_the_problems_of_a_bad_file_without_a_traceback(
    cli_env: str, tmp_path: Path
) -> None:
    folder = _land(tmp_path, [_feature("P-1", 100)])
    (folder / "registry.csv").write_text(f"uscc,name\n{A},\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--data", str(folder)])
    assert result.exit_code == 1
    assert "registry.csv: 1 个错误" in result.output
    assert "line 2, column name: 不能为空" in result.output
    assert "Traceback" not in result.output
