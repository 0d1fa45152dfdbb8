"""``mujun land idle`` and ``mujun land review`` end to end: on small files worked out by hand
(land.md §2, §3), on the demo county's files, and on bad input (a clear message, exit code 2,
never a traceback)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.engine.land.tables import IDLE_SCHEMA, REVIEW_SCHEMA
from mujun.engine.uscc import check_char

runner = CliRunner()


def code(n: int) -> str:
    body = f"91331124{n:09d}"
    return body + check_char(body)


A, B = code(1), code(2)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Parcel P of 3 亩 (price 300, floor area 3000) owned by A, committed 400 万元/亩, plot
    ratio 1.2, 20 万元/亩 of tax, 0.3 tce/万元, attained after 3 years; A in production since
    2022-04-01, 54 万元 of tax on (3000 + 1000 − 2000) m² = 3 亩; projects of 900 and 300 万元."""
    texts = {
        "parcels.csv": (
            "parcel_id,zone,owner_uscc,area_m2,agreed_start,construction_start,standard_land,"
            "land_price_wan,floor_area_m2,delay_cause\n"
            f"P,赤寿工业园区,{A},2000,2021-01-01,2021-06-01,true,300,3000,\n"
            f"L,赤寿工业园区,{B},1000,2024-12-31,,false,150,,\n"
            "R,赤寿工业园区,,4000,2020-01-01,,false,,,\n"
            f"P,赤寿工业园区,{B},1000,2024-12-31,,false,,,\n"
            f"X,赤寿工业园区,{B},1000,2024-12-31,,false,,,weather\n"),
        "commitments.csv": (
            "parcel_id,owner_uscc,investment_intensity_wan_per_mu,plot_ratio,tax_per_mu_wan,"
            "energy_per_va_tce,years_to_attainment,penalty_note\n"
            f"P,{A},400,1.2,20,0.3,3,按合同\n"
            "Q,,400,1.2,20,0.3,3,\n"),
        "enterprises.csv": (
            "uscc,name,production_start,land_owned_m2,land_leased_in_m2,land_leased_out_m2,"
            "tax_paid,energy_tce,value_added\n"
            f"{A},甲,2022-04-01,3000,1000,2000,54,120,500\n"),
        "projects.csv": (
            "project_id,name,stage,actual_investment_wan,parcel_id\n"
            "XM1,一期,producing,900,P\nXM2,二期,producing,300,P\nXM3,洽谈中,negotiating,,\n"),
    }
    out = {}
    for name, text in texts.items():
        out[name] = tmp_path / name
        out[name].write_text(text, encoding="utf-8")
    return out


def test_idle_writes_the_spec_columns_in_input_order(files: dict[str, Path],
                                                     tmp_path: Path) -> None:
    out = tmp_path / "idle.csv"
    result = runner.invoke(app, ["land", "idle", "--as-of", "2025-12-31",
                                 "--parcels", str(files["parcels.csv"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    assert list(rows[0]) == IDLE_SCHEMA.names
    # the repeated P (line 5) and the unknown delay cause (line 6) are left out and reported
    assert [r["parcel_id"] for r in rows] == ["P", "L", "R"]
    assert "parcels.csv line 5, column parcel_id" in result.stderr
    assert "parcels.csv line 6, column delay_cause" in result.stderr
    # L: agreed 2024-12-31, one year to the day on 2025-12-31 → idle, 365 days, 0.2 × 150 = 30
    assert rows[1] == {"parcel_id": "L", "owner_uscc": B, "zone": "赤寿工业园区",
                       "area_mu": "1.5", "agreed_start": "2024-12-31", "construction_start": "",
                       "status": "idle", "days_past_agreed": "365", "idle_fee_wan": "30.0"}
    assert (rows[0]["status"], rows[0]["days_past_agreed"]) == ("started", "")
    assert (rows[2]["status"], rows[2]["owner_uscc"]) == ("reserve", "")
    assert "土地闲置费 idle fees: 30.0000 万元" in result.stdout


def test_review_of_the_hand_worked_case(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "review.csv"
    result = runner.invoke(app, [
        "land", "review", "--year", "2025", "--data", str(files["enterprises.csv"]),
        "--commitments", str(files["commitments.csv"]), "--parcels", str(files["parcels.csv"]),
        "--projects", str(files["projects.csv"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "commitments.csv line 3, column parcel_id" in result.stderr  # Q: no such parcel
    (row,) = rows_of(out)
    assert list(row) == REVIEW_SCHEMA.names
    # R = 2022 + 3 = 2025: due. 1200 / 3 = 400 ties the commitment; 3000 / 2000 = 1.5;
    # 54 / 3 = 18 < 20: (20 − 18) × 3 = 6; 120 / 500 = 0.24 ≤ 0.3
    assert row == {
        "parcel_id": "P", "owner_uscc": A, "review_year": "2025", "review_status": "due",
        "committed_investment_intensity": "400.0", "actual_investment_intensity": "400.0",
        "status_investment_intensity": "attained",
        "committed_plot_ratio": "1.2", "actual_plot_ratio": "1.5",
        "status_plot_ratio": "attained",
        "committed_tax_per_mu": "20.0", "actual_tax_per_mu": "18.0",
        "status_tax_per_mu": "breach",
        "committed_energy_per_va": "0.3", "actual_energy_per_va": "0.24",
        "status_energy_per_va": "attained",
        "penalty_investment_intensity": "", "penalty_plot_ratio": "",
        "penalty_tax_per_mu": "6.0", "total_penalty_wan": "6.0", "breaches": "tax_per_mu",
    }
    assert "due reviews with a breach: 1" in result.stdout
    assert "违约金 penalties: 6.0000 万元" in result.stdout


def test_the_policy_changes_the_fee(files: dict[str, Path], tmp_path: Path) -> None:
    policy = tmp_path / "county.yaml"
    policy.write_text("name: county\nland: {idle_fee_share: 0.1}\n", encoding="utf-8")
    out = tmp_path / "idle.xlsx"
    result = runner.invoke(app, ["land", "idle", "--as-of", "2025-12-31", "--parcels",
                                 str(files["parcels.csv"]), "--policy", str(policy),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(IDLE_SCHEMA.names)
    assert values[2][-1] == 15  # 0.1 × 150


@pytest.mark.parametrize(("args", "message"), [
    (["--as-of", "2025-13-40"], "--as-of '2025-13-40' is not a date"),
    (["--as-of", "2025-12-31", "--policy", "no-such-policy"], "no-such-policy"),
])
def test_bad_input_is_a_message_and_exit_code_2(files: dict[str, Path], tmp_path: Path,
                                                args: list[str], message: str) -> None:
    result = runner.invoke(app, ["land", "idle", *args, "--parcels", str(files["parcels.csv"]),
                                 "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_missing_file_is_a_message_and_exit_code_2(files: dict[str, Path],
                                                     tmp_path: Path) -> None:
    result = runner.invoke(app, [
        "land", "review", "--year", "2025", "--data", str(tmp_path / "nope.csv"),
        "--commitments", str(files["commitments.csv"]), "--parcels", str(files["parcels.csv"]),
        "--projects", str(files["projects.csv"]), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr and "Traceback" not in result.output


def test_idle_on_the_demo_county(demo_files: Path, tmp_path: Path) -> None:
    out = tmp_path / "idle.csv"
    result = runner.invoke(app, ["land", "idle", "--as-of", "2025-12-31", "--parcels",
                                 str(demo_files / "parcels.geojson"), "--out", str(out)],
                           env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # the demo files have no row errors
    rows = rows_of(out)
    counts = Counter(r["status"] for r in rows)
    # the demo county has idle, reclaimable, excused and reserve land (docs/demo-data.md)
    assert {"idle", "reclaimable", "excused", "reserve", "started"} <= set(counts)
    for status, n in counts.items():
        assert f" {status} " in result.stdout and f"│ {n:>12} │" in result.stdout
    fees = sum(float(r["idle_fee_wan"]) for r in rows if r["idle_fee_wan"])
    assert f"idle fees: {fees:,.4f} 万元" in result.stdout
    assert all(r["idle_fee_wan"] == "" for r in rows if r["status"] != "idle")


def test_review_on_the_demo_county(demo_files: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.csv"
    result = runner.invoke(app, [
        "land", "review", "--year", "2025", "--data", str(demo_files / "enterprises-2025.csv"),
        "--commitments", str(demo_files / "standard_land.csv"),
        "--parcels", str(demo_files / "parcels.geojson"),
        "--projects", str(demo_files / "projects.csv"), "--out", str(out)],
        env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    rows = rows_of(out)
    with (demo_files / "standard_land.csv").open(encoding="utf-8") as f:
        assert [r["parcel_id"] for r in rows] == [r["parcel_id"] for r in csv.DictReader(f)]
    due = [r for r in rows if r["review_status"] == "due"]
    assert due and all(r["review_year"] == "2025" for r in due)
    breached = [r for r in due if r["breaches"]]
    assert breached, "the demo county has 标准地 breaches at the 2025 review"
    assert f"due reviews with a breach: {len(breached)}" in result.stdout
    total = sum(float(r["total_penalty_wan"]) for r in due)
    assert f"违约金 penalties: {total:,.4f} 万元" in result.stdout
    assert all(r["total_penalty_wan"] == "" for r in rows if r["review_status"] != "due")
