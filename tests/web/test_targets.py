"""The targets of the small test county (tests/web/county.py) worked by hand, through the API, the
targets page and the cockpit — the same figures everywhere (docs/targets.md).

The county: 12 enterprises, everything 10 % more in 2021 than in 2020 (k = 1.1); enterprise i has
revenue (3000 + 900 i) k, value added (500 + 150 i) k, R&D (30 + 10 i) k, tax
(40 + 25 ((7 i) mod 12)) k, land 6000 + 1000 i m² (Σ 138,000 m² = 207 亩), industry 31 when i is
a multiple of 3, else 33; the first 8 are above scale; all 12 are evaluated both years; the
land-use tax due is 3.0 万元 each. 2020 is final, 2021 in public notice.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.conftest import SignIn
from tests.web.county import CODES
from tests.web.html import tables

K = 1.1
LAND_MU = 138_000 / (10_000 / 15)  # 207 亩


def _by_key(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["key"]: t for t in [*payload["doubling"], *payload["programme"]]}


def test_five_doublings_by_hand(sign_in: SignIn) -> None:
    data = sign_in("officer").get("/api/targets", params={"year": 2021}).json()
    assert (data["year"], data["years"], data["base_year"], data["target_year"]) == (
        2021, [2020, 2021], 2020, 2025)
    t = _by_key(data)
    # 规上工业产值: Σ_{i<8} (3000 + 900 i) = 24,000 + 25,200 = 49,200; ×1.1 = 54,120
    out = t["above_scale_output"]
    assert out["base"] == pytest.approx(49_200) and out["value"] == pytest.approx(54_120)
    assert out["goal"] == pytest.approx(98_400) and out["progress"] == pytest.approx(0.55)
    assert out["actual_growth"] == pytest.approx(0.1)
    assert out["projection"] == pytest.approx(54_120 * 1.1 ** 4)  # 79,237.092: short of 98,400
    assert out["on_track"] is False
    assert out["needed_growth"] == pytest.approx(0.148698355)
    assert "营业收入" in out["note"]
    # 规上研发费用: Σ_{i<8} (30 + 10 i) = 240 + 280 = 520
    assert t["rd_expense"]["base"] == pytest.approx(520)
    assert t["rd_expense"]["value"] == pytest.approx(572)
    # 亩均增加值: Σ (500 + 150 i) = 6,000 + 9,900 = 15,900 over 207 亩
    assert t["va_per_mu"]["base"] == pytest.approx(15_900 / LAND_MU)
    assert t["va_per_mu"]["value"] == pytest.approx(15_900 * K / LAND_MU)
    # 亩均税收: (7 i) mod 12 runs through 0 … 11, so Σ tax = 12 × 40 + 25 × 66 = 2,130
    assert t["tax_per_mu"]["value"] == pytest.approx(2_130 * K / LAND_MU)
    # 工业投资: the county set no figure
    assert t["industrial_investment"]["value"] is None
    assert [p["year"] for p in out["series"]] == [2020, 2021]


def test_programme_targets_by_hand(sign_in: SignIn) -> None:
    t = _by_key(sign_in("clerk").get("/api/targets", params={"year": 2021}).json())
    # 一个支柱产业: every enterprise is in class 31 or 33: Σ (3000 + 900 i) = 36,000 + 59,400
    pillar = t["pillar_revenue_wan"]
    assert [p["value"] for p in pillar["series"]] == pytest.approx([95_400, 95_400 * K])
    assert pillar["progress"] == pytest.approx(95_400 * K / 1_000_000)
    # 亿元政策惠企: the 2021 run reduces the 3.0 万元 tax of its class A (1 enterprise, 100 %) and
    # class B (4 + 2, 50 %): 3 × 1 + 3 × 0.5 × 6 = 12; 2020 is before the programme
    benefit = t["benefit_wan"]
    assert [p["value"] for p in benefit["series"]] == pytest.approx([0, 12])
    assert benefit["missing"] == []  # the payments register is there, and empty
    # one of the programme's five years (2021 … 2025) has passed: the pace is × 5
    assert benefit["projection"] == pytest.approx(60)
    # 万亩产业平台: the county has no 标准地 parcel and no disposal case; 千: nobody recruited
    assert t["land_mu"]["value"] == 0 and t["talent"]["value"] == 0
    assert [c["value"] for c in t["talent"]["categories"]] == [0] * 6
    # 十: no request was rated — no value, but no source missing either
    assert (t["satisfaction"]["value"], t["satisfaction"]["missing"]) == (None, [])
    # 百: the test county has no investment project: nothing landed, no source missing
    assert (t["investment_wan"]["value"], t["investment_wan"]["missing"]) == (0, [])


def test_the_awards_name_the_best_class_a(sign_in: SignIn) -> None:
    cockpit = sign_in("leader").get("/api/cockpit").json()
    best = cockpit["top"][0]
    assert best["klass"] == "A"
    awards = sign_in("ent").get("/api/targets/awards").json()
    assert awards["year"] == 2021 and awards["leaders_per_group"] == 10
    groups = {g["group"]: g["leaders"] for g in awards["groups"]}
    # 规上: one class A (the best); 规下: none
    assert [(x["place"], x["uscc"], x["score"]) for x in groups["above"]] == [
        (1, best["uscc"], best["score"])]
    assert groups["below"] == []
    assert best["uscc"] in CODES


def test_the_page_and_the_cockpit_show_the_service_s_figures(sign_in: SignIn) -> None:
    client = sign_in("admin")
    html = client.get("/targets", params={"year": 2021}).text
    rows = {r[0].split(" (")[0]: r for r in tables(html)["targets"][1:]}
    assert rows["规上工业产值"][1:4] == ["4.92", "5.41 (2021)", "9.84"]  # 亿元
    assert rows["规上工业产值"][4] == "55.0%" and rows["规上工业产值"][7] == "有差距"
    assert "规上工业产值以营业收入计" in html
    assert tables(html)["awards-above"][1][0] == "1"
    cockpit = client.get("/cockpit").text
    assert tables(cockpit)["targets"][1:] == tables(html)["targets"][1:]
    assert 'id="programme"' in cockpit and "亿元政策惠企" in cockpit
    assert "Above-scale industrial output is counted as revenue" in client.get(
        "/targets", params={"lang": "en"}).text
