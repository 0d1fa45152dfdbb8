"""地块档案: the parcels list and a parcel's page, by role, with their exact content.

The fixture county (``county.py``) has a parcel per enterprise (331124-T-001 … 012, 6000 m² +
1000 m² × i, none with an agreed start) and 331124-T-900: 20000 m² (30 亩) of enterprise 04's in
西屏街道, agreed start 2019-01-01, never started — reclaimable on the fixture's day (2022-05-01).
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.web import county
from tests.web.conftest import SignIn
from tests.web.html import tables

from mujun.store.models import Parcel

RECLAIMABLE = "331124-T-900"
OWN, OTHER = "331124-T-001", "331124-T-002"  # enterprise 01 (西屏街道), 02 (水南街道)


@pytest.fixture
def land_clerk(engine: Engine) -> str:
    return county.add_clerk(engine, "clerk-land", "land", "自然资源")


def _set(engine: Engine, code: str, **values: object) -> None:
    with Session(engine) as session:
        parcel = session.query(Parcel).filter_by(parcel_code=code).one()
        for key, value in values.items():
            setattr(parcel, key, value)
        session.commit()


def test_who_sees_which_parcels(sign_in: SignIn, land_clerk: str) -> None:
    def codes(role: str) -> list[str]:
        r = sign_in(role).get("/api/parcels", params={"per_page": 100})
        assert r.status_code == 200, (role, r.text)
        return [p["parcel_code"] for p in r.json()["items"]]

    every = [f"331124-T-{i:03d}" for i in range(1, 13)] + [RECLAIMABLE]
    assert codes("admin") == codes("leader") == codes(land_clerk) == every
    # the officer's town (西屏街道): the parcels lying there
    assert codes("officer") == [f"331124-T-{i:03d}" for i in range(1, 13, 2)] + [RECLAIMABLE]
    assert codes("ent") == [OWN]
    assert codes("ent2") == [OTHER]
    assert sign_in("clerk").get("/api/parcels").status_code == 403  # the tax clerk


@pytest.mark.parametrize(("role", "own", "other"), [
    ("admin", 200, 200), ("leader", 200, 200), ("officer", 200, 404), ("ent", 200, 404),
    ("ent2", 404, 200), ("clerk", 403, 403),
])
def test_a_parcel_page_by_role(sign_in: SignIn, role: str, own: int, other: int) -> None:
    client = sign_in(role)
    assert client.get(f"/parcels/{OWN}").status_code == own
    assert client.get(f"/api/parcels/{OTHER}").status_code == other
    refused = client.get(f"/parcels/{OTHER}")
    assert refused.status_code == other
    if other != 200:
        assert county.NAMES[1] not in refused.text


def test_the_reclaimable_parcel_and_its_consequence(sign_in: SignIn, engine: Engine) -> None:
    _set(engine, RECLAIMABLE, land_price_wan=600.0, floor_area_m2=None)
    r = sign_in("admin").get(f"/api/parcels/{RECLAIMABLE}").json()
    p = r["parcel"]
    assert (p["status"], p["days_past_agreed"], p["idle_fee_wan"]) == ("reclaimable", 1216, None)
    assert p["area_mu"] == 30.0 and r["owner"]["uscc"] == county.CODES[3]
    page = sign_in("admin").get(f"/parcels/{RECLAIMABLE}").text
    assert "闲置满两年：可无偿收回国有建设用地使用权（逾期 1216 天）。" in page
    assert "30.00 亩" in page and "20,000 m²" in page
    assert f'<a href="/enterprises/{county.CODES[3]}">' in page
    assert 'id="parcel-shape"' in page and "<path d=\"M" in page


def test_an_idle_parcel_owes_a_fifth_of_its_price(sign_in: SignIn, engine: Engine,
                                                  clock) -> None:  # type: ignore[no-untyped-def]
    # agreed start 2021-03-01: on 2022-05-01 idle for 426 days; 20 % of 600 万元 = 120 万元
    from datetime import date

    _set(engine, RECLAIMABLE, agreed_construction_start=date(2021, 3, 1), land_price_wan=600.0)
    page = sign_in("admin").get(f"/parcels/{RECLAIMABLE}").text
    assert "闲置满一年：按出让价款 20% 征收土地闲置费 120.00 万元；满两年可无偿收回。" in page
    listed = sign_in("admin").get("/api/parcels", params={"status": "idle"}).json()
    assert [p["parcel_code"] for p in listed["items"]] == [RECLAIMABLE]
    assert listed["totals"] == {"count": 1, "area_mu": 30.0, "idle_fee_wan": 120.0}


def test_an_excused_delay_is_not_idle(sign_in: SignIn, engine: Engine) -> None:
    _set(engine, RECLAIMABLE, delay_cause="government")
    page = sign_in("admin").get(f"/parcels/{RECLAIMABLE}").text
    assert "因政府原因延迟动工，已逾期 1216 天，不计闲置。" in page


def test_the_leader_sees_no_portrait_link(sign_in: SignIn) -> None:
    page = sign_in("leader").get(f"/parcels/{RECLAIMABLE}").text
    assert county.NAMES[3] in page and f'href="/enterprises/{county.CODES[3]}"' not in page


def test_the_list_filters_sorts_pages_and_exports(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    page = admin.get("/api/parcels", params={"sort": "-area", "per_page": 2,
                                             "town": county.TOWNS[1]}).json()
    assert [p["parcel_code"] for p in page["items"]] == ["331124-T-012", "331124-T-010"]
    assert (page["total"], page["pages"], page["totals"]["count"]) == (6, 3, 6)
    html = admin.get("/parcels", params={"status": "reclaimable"}).text
    rows = tables(html)["parcels"]
    assert rows[1][0] == RECLAIMABLE and rows[1][-1] == "可收回"
    assert rows[-1][:2] == ["合计", "30.00"]
    empty = admin.get("/parcels", params={"status": "", "zone": "", "standard_land": ""})
    assert empty.status_code == 200
    export = admin.get("/api/parcels/export.xlsx", params={"status": "reclaimable"})
    assert export.status_code == 200 and export.content[:2] == b"PK"
