"""The demo county's files: determinism, formats, credit codes, counts, growth, incidents."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from demo_helpers import header, number, rows

from mujun.demo.county import INDUSTRY_BY_CODE, YEARS
from mujun.demo.generate import OUTPUT_FILES, generate
from mujun.demo.incidents import PER_YEAR
from mujun.demo.projects import PRODUCTS
from mujun.demo.readme import file_reference
from mujun.engine.fields import FIELDS, INCIDENT_CODES
from mujun.engine.uscc import is_valid
from mujun.io import read_enterprises, read_incidents

DOCS = Path(__file__).resolve().parents[2] / "docs" / "demo-data.md"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_writes_every_file_and_documents_it(demo_dir: Path) -> None:
    assert sorted(p.name for p in demo_dir.iterdir()) == sorted(OUTPUT_FILES)
    readme = (demo_dir / "README.md").read_text(encoding="utf-8")
    docs = DOCS.read_text(encoding="utf-8")
    for name in OUTPUT_FILES:
        pattern = "enterprises-YYYY.csv" if name.startswith("enterprises-") else name
        assert pattern in docs, name
        if name != "README.md":
            assert pattern in readme, name


def test_same_seed_same_bytes_other_seed_other_bytes(demo_dir: Path, other_dir: Path,
                                                     tmp_path: Path) -> None:
    paths = generate(tmp_path / "again")
    assert [p.name for p in paths] == list(OUTPUT_FILES)
    for p in paths:
        assert p.read_bytes() == (demo_dir / p.name).read_bytes(), p.name
    for name in ("enterprises-2024.csv", "registry.csv", "parcels.geojson", "projects.csv",
                 "power-monthly.csv"):
        assert (other_dir / name).read_bytes() != (demo_dir / name).read_bytes(), name


def test_enterprise_tables_are_canonical_and_read_without_problems(demo_dir: Path) -> None:
    for year in YEARS:
        path = demo_dir / f"enterprises-{year}.csv"
        assert header(path) == [f.key for f in FIELDS]
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
        for row in rows(path):
            for key in ("above_scale", "high_tech", "specialized", "listed", "rd_center"):
                assert row[key] in ("true", "false")
            assert row["production_start"] == "" or ISO_DATE.match(row["production_start"])
        read = read_enterprises(path)
        assert read.problems == [] and read.table.num_rows == len(rows(path))
    assert read_incidents(demo_dir / "incidents.csv").problems == []


@pytest.mark.parametrize("fixture", ["demo_dir", "other_dir"])
def test_counts_per_year(fixture: str, request: pytest.FixtureRequest) -> None:
    directory: Path = request.getfixturevalue(fixture)
    for year in YEARS:
        scale = Counter(r["above_scale"] for r in rows(directory / f"enterprises-{year}.csv"))
        assert 290 <= scale["true"] <= 420, (year, scale)
        assert 800 <= scale["false"] <= 1000, (year, scale)


def test_credit_codes_valid_unique_and_registered(demo_dir: Path) -> None:
    registry = [r["uscc"] for r in rows(demo_dir / "registry.csv")]
    assert len(set(registry)) == len(registry)
    assert all(is_valid(c) and c[2:8] == "331124" and c[:2] in ("91", "92", "93")
               for c in registry)
    assert Counter(c[:2] for c in registry)["92"] > 10
    names = [r["name"] for r in rows(demo_dir / "registry.csv")]
    assert len(set(names)) == len(names)
    known = set(registry)
    for year in YEARS:
        codes = [r["uscc"] for r in rows(demo_dir / f"enterprises-{year}.csv")]
        assert len(set(codes)) == len(codes), year
        assert set(codes) <= known
    referenced = {
        "incidents.csv": ["uscc"], "leases.csv": ["lessor_uscc", "lessee_uscc"],
        "standard_land.csv": ["owner_uscc"], "projects.csv": ["uscc"], "talent.csv": ["uscc"],
        "service_requests.csv": ["uscc"],
    }
    for name, columns in referenced.items():
        for row in rows(demo_dir / name):
            for column in columns:
                assert row[column] == "" or row[column] in known, (name, row)


def test_numbers_respect_the_spec_and_magnitudes(demo_dir: Path) -> None:
    non_negative = [f.key for f in FIELDS if f.non_negative]
    table = rows(demo_dir / "enterprises-2024.csv")
    for row in table:
        for key in non_negative:
            assert row[key] == "" or float(row[key]) >= 0, (key, row)
        if row["above_scale"] == "true" and row["revenue"]:
            assert float(row["revenue"]) >= 2000
    above = [r for r in table if r["above_scale"] == "true"]
    assert all(number(r["tax_paid"]) <= 2000 for r in above)
    assert any(r["tax_paid"] == "" for r in table)  # some missing cells
    assert any(r["energy_tce"] == "0" for r in table)
    assert any(r["land_use_tax_due"] == "" for r in table)
    assert any(r["high_tech"] == "true" for r in above)


def test_output_grows_towards_doubling(demo_dir: Path) -> None:
    def output(year: int) -> float:
        return sum(number(r["revenue"]) for r in rows(demo_dir / f"enterprises-{year}.csv")
                   if r["above_scale"] == "true")

    assert 1.6 <= output(2025) / output(2020) <= 2.4
    for year in YEARS[1:]:
        assert 0.98 <= output(year) / output(year - 1) <= 1.3


def test_entrants_and_leavers(demo_dir: Path) -> None:
    registry = {r["uscc"]: r for r in rows(demo_dir / "registry.csv")}
    stages = Counter(r["stage"] for r in registry.values())
    assert {"planning", "building", "producing", "above_scale", "moved_out",
            "deregistered"} <= set(stages)
    for year in YEARS:
        table = rows(demo_dir / f"enterprises-{year}.csv")
        assert sum(r["production_start"].startswith(str(year)) for r in table) >= 10
        for r in table:
            left = registry[r["uscc"]]["left_year"]
            assert left == "" or int(left) > year


def test_incidents_of_every_type_for_present_enterprises(demo_dir: Path) -> None:
    assert set(PER_YEAR) == INCIDENT_CODES
    incidents = rows(demo_dir / "incidents.csv")
    assert {i["type"] for i in incidents} == INCIDENT_CODES
    present = {y: {r["uscc"] for r in rows(demo_dir / f"enterprises-{y}.csv")} for y in YEARS}
    per_year = Counter((int(i["year"]), i["type"]) for i in incidents)
    for year in YEARS:
        for kind, (low, high) in PER_YEAR.items():
            assert low <= per_year[year, kind] <= high
    for i in incidents:
        assert i["uscc"] in present[int(i["year"])] and i["date"].startswith(i["year"])


def test_every_project_industry_has_a_product() -> None:
    assert set(PRODUCTS) <= set(INDUSTRY_BY_CODE)


def test_docs_carry_the_same_file_reference_as_the_readme(demo_dir: Path) -> None:
    reference = file_reference()
    assert reference in DOCS.read_text(encoding="utf-8")
    assert reference in (demo_dir / "README.md").read_text(encoding="utf-8")
