"""Numbers on the pages as staff read them: 2 decimals, 亿元 for county totals, 亩 for land,
no "−0.00" (docs/numbers.md)."""

from __future__ import annotations

import re

import pytest
from tests.web.conftest import SignIn
from tests.web.county import CODES
from tests.web.html import tables

NEGATIVE_ZERO = re.compile(r"[−-]0\.0+(?![0-9])")
TWO_DECIMALS = re.compile(r"^−?[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}$")


def test_portrait_shows_two_decimals_and_land_in_mu(sign_in: SignIn) -> None:
    c = sign_in("ent")
    api = c.get(f"/api/enterprises/{CODES[0]}").json()["explanation"]
    html = c.get(f"/enterprises/{CODES[0]}").text
    score = re.search(r'<dd id="score"><b>([^<]*)</b>', html)
    assert score and score.group(1) == f"{api['score']:,.2f}"
    section = html[html.index('id="indicators"'):]
    section = section[:section.index("</section>")].replace('<table class="grid">',
                                                            '<table id="t">')
    table = tables(section)["t"]
    rows = table[1:]
    shown = [row[1:4] for row in rows if len(row) == 8]  # value, benchmark, ratio
    assert len(shown) == len(api["indicators"])
    assert all(TWO_DECIMALS.match(cell) for row in shown for cell in row), shown
    # the fixture's enterprise has no penalty: "0.00", never "−0.0000"
    assert api["penalty"] == 0
    penalty = next(row for row in table if row[0].startswith("扣分"))
    assert penalty[1] == "0.00"
    bonus = next(row for row in table if row[0].startswith("加分"))
    assert bonus[0].endswith(f"(上限 {api['bonus_cap']:.2f})")
    assert bonus[1] == (f"+{api['bonus']:.2f}" if api["bonus"] else "0.00")
    assert not NEGATIVE_ZERO.search(html)
    # 6000 m² is 9 亩; m² in small print beside it
    assert "331124-T-001 (9.00 亩 6,000 m²)" in " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_cockpit_county_totals_in_yi_yuan(sign_in: SignIn) -> None:
    c = sign_in("leader")
    html = c.get("/cockpit").text
    rows = {row[0].split(" (")[0]: row for row in tables(html)["targets"][1:]}
    # 8 above-scale enterprises, revenue 3000 + 900 i 万元 in 2020, 10 % more in 2021
    base = sum(3000 + 900 * i for i in range(8))
    output = rows["规上工业产值"]
    assert "(亿元)" in output[0]
    assert output[1:4] == [f"{base / 1e4:.2f}", f"{base * 1.1 / 1e4:.2f} (2021)",
                           f"{2 * base / 1e4:.2f}"]
    assert output[1:4] == ["4.92", "5.41 (2021)", "9.84"]
    assert "(万元/亩)" in rows["亩均税收"][0]  # a per-mu figure stays in 万元/亩
    assert "(100M yuan)" in c.get("/cockpit", params={"lang": "en"}).text


def test_land_page_shows_idle_parcels_in_mu(sign_in: SignIn) -> None:
    html = sign_in("admin").get("/land/idle").text
    idle = tables(html)["idle"]
    assert idle[0][4] == "面积(亩) ▼"  # the largest first
    # 20000 m² of reserve land: 30 亩
    assert idle[1][0] == "331124-T-900" and idle[1][4] == "30.00 20,000 m²"
    assert not NEGATIVE_ZERO.search(html)


def test_land_and_map_payloads_give_mu_beside_m2(sign_in: SignIn) -> None:
    c = sign_in("admin")
    idle = c.get("/api/land/low-efficiency").json()["idle"][0]
    assert (idle["parcel_code"], idle["area_m2"], idle["area_mu"]) == ("331124-T-900", 20000, 30.0)
    features = c.get("/api/cockpit/parcels").json()["features"]
    assert all(f["properties"]["area_mu"] * 10000 / 15 == pytest.approx(
        f["properties"]["area_m2"]) for f in features)
