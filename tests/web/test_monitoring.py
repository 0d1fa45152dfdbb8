"""用电预警 in the web (docs/monitoring.md, "In the web") over the test county's readings and
alerts (tests/web/monitoring_data.py): the officer's worklist of its town, the closed view, the
filters, sort and export, one alert's months and signals, closing it with a visit (and the
refusals), the portrait's power section for the enterprise itself, the cockpit's counts for the
leader, and the imports page's power card.
"""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web import county, monitoring_data
from tests.web.conftest import SignIn
from tests.web.county import CODES, NAMES, T0
from tests.web.html import element_ids, tables

from mujun.engine.monitoring import months
from mujun.store.models import AuditRecord, ImportBatch, User
from mujun.store.models.monitoring import (
    Alert,
    MonitoredMonth,
    PowerReading,
    PowerReadingChange,
)

NOTE = "走访企业负责人：设备检修停产两个月，四月底复产。"


def _ids(page: dict[str, Any]) -> list[int]:
    return [r["id"] for r in page["items"]]


def test_the_officer_sees_the_open_alerts_of_its_town_most_urgent_first(sign_in: SignIn) -> None:
    officer = sign_in("officer").get("/api/alerts").json()
    assert _ids(officer) == [1, 4]  # 停产 before 数据中断; alert 2 is of 水南街道
    assert officer["counts"] == {"stopped": 1, "declining": 0, "silent": 1}
    assert {r["town"] for r in officer["items"]} == {"西屏街道"}
    first = officer["items"][0]
    assert (first["uscc"], first["name"], first["level"], first["opened_month"],
            first["last_month"], first["months_open"]) == (
        CODES[0], NAMES[0], "stopped", "2022-03", "2022-03", 1)
    admin = sign_in("admin").get("/api/alerts").json()
    assert _ids(admin) == [1, 2, 4]
    assert [r["level"] for r in admin["items"]] == ["stopped", "declining", "silent"]


def test_closed_view_filters_and_sort(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    closed = admin.get("/api/alerts?status=closed").json()
    assert _ids(closed) == [3]
    assert (closed["items"][0]["closed_reason"], closed["items"][0]["closed_month"]) == (
        "recovered", "2022-01")
    assert _ids(admin.get("/api/alerts?level=silent").json()) == [4]
    assert _ids(admin.get("/api/alerts?town=水南街道").json()) == [2]
    assert _ids(admin.get("/api/alerts?industry_code=31").json()) == [1]
    assert _ids(admin.get("/api/alerts?q=测试05").json()) == [4]
    assert _ids(admin.get("/api/alerts?sort=-months_open").json())[0] == 2  # open two months
    assert _ids(admin.get("/api/alerts?sort=-id").json()) == [4, 2, 1]
    assert _ids(admin.get("/api/alerts?level=&town=").json()) == [1, 2, 4]  # 全部
    assert admin.get("/api/alerts?sort=kwh").status_code == 422


def test_worklist_page_and_export(sign_in: SignIn) -> None:
    officer = sign_in("officer")
    html = officer.get("/alerts").text
    rows = tables(html)["alerts"]
    assert [r[0] for r in rows[1:]] == ["#1", "#4"]
    assert rows[1][1:5] == [NAMES[0], "西屏街道", "31 黑色金属冶炼和压延加工业", "停产预警"]
    assert rows[2][4] == "数据中断"
    assert 'href="/alerts"' in html  # the navigation's link
    # the filter offers each level by its key (the list's query value)
    assert '<option value="stopped">停产预警</option>' in html
    assert tables(officer.get("/alerts?level=silent").text)["alerts"][1][0] == "#4"
    book = openpyxl.load_workbook(io.BytesIO(officer.get("/api/alerts.xlsx?level=stopped").content))
    sheet = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert sheet[0][:7] == ["编号", "统一社会信用代码", "企业名称", "乡镇街道", "园区", "行业",
                            "预警等级"]
    assert [r[:3] for r in sheet[1:]] == [[1, CODES[0], NAMES[0]]]
    assert sheet[1][6:10] == ["停产预警", "2022-03", "2022-03", 1]
    closed = tables(officer.get("/alerts?status=closed").text)["alerts"]
    assert [r[0] for r in closed[1:]] == ["#3"]
    assert closed[1][-1] == "连续两个月恢复正常"


def test_an_alert_shows_its_24_months_against_the_year_before_and_its_signals(
        sign_in: SignIn) -> None:
    a = sign_in("officer").get("/api/alerts/1").json()
    assert [m["month"] for m in a["kwh"]][::23] == ["2020-04", "2022-03"]
    assert len(a["kwh"]) == 24
    for m in a["kwh"]:
        index = months.parse(m["month"])
        assert index is not None
        assert m["kwh"] == monitoring_data.kwh(0, index)
        before = monitoring_data.kwh(0, index - 12) if index - 12 >= monitoring_data.FIRST else None
        assert m["kwh_year_before"] == before
    march = a["kwh"][-1]
    assert march["change"] == march["kwh"] / march["kwh_year_before"] - 1
    assert [(s["month"], s["level"]) for s in a["signals"]] == [("2022-03", "stopped")]
    page = tables(sign_in("officer").get("/alerts/1").text)
    assert page["alert-signals"][1][0] == "2022-03" and page["alert-signals"][1][-1] == "停产预警"
    assert len(page["alert-kwh-table"]) == 25


def test_the_officer_closes_an_alert_with_a_visit(sign_in: SignIn, engine: Engine) -> None:
    officer = sign_in("officer")
    r = officer.post("/alerts/1/visit", data={"visited_on": "2022-04-28", "note": NOTE},
                     follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/alerts/1?done=visited")
    html = officer.get("/alerts/1?done=visited").text
    assert "alert-done" in element_ids(html) and "visit-form" not in element_ids(html)
    assert NOTE in html and "2022-04-28" in html
    assert _ids(officer.get("/api/alerts").json()) == [4]
    closed = officer.get("/api/alerts?status=closed").json()["items"]
    assert [(r["id"], r["closed_reason"], r["closed_by"], r["visited_on"]) for r in closed] == [(
        1, "visited", "officer", "2022-04-28"), (3, "recovered", None, None)]
    with Session(engine) as session:
        alert = session.get(Alert, 1)
        assert alert is not None
        assert (alert.status, alert.visit_note, alert.closed_month.isoformat()) == (
            "closed", NOTE, "2022-03-01")
        audit = session.scalars(select(AuditRecord).where(AuditRecord.entity == "alert")).one()
        assert (audit.action, audit.entity_id) == ("alert.visit", "1")
    # a second visit note is refused: the alert is closed
    again = officer.post("/alerts/1/visit", data={"visited_on": "2022-04-29", "note": "再次走访"})
    assert again.status_code == 409 and "已关闭" in again.text


def test_a_visit_is_refused_without_a_note_or_with_an_impossible_date(
        sign_in: SignIn, engine: Engine) -> None:
    officer = sign_in("officer")
    today = T0.date().isoformat()
    for data, words in (({"visited_on": today, "note": "  "}, "请填写走访记录"),
                        ({"visited_on": "", "note": NOTE}, "走访"),
                        ({"visited_on": "2022-02-27", "note": NOTE}, "早于预警开始的月份"),
                        ({"visited_on": "2022-05-02", "note": NOTE}, "晚于今天")):
        r = officer.post("/alerts/1/visit", data=data)
        assert r.status_code == 422, data
        assert words in r.text and "alert-error" in element_ids(r.text), data
        if data["note"].strip():
            assert data["note"] in r.text  # what was typed is shown again
    with Session(engine) as session:
        assert session.get(Alert, 1).status == "open"  # type: ignore[union-attr]
    # another town's alert: as if it did not exist; an enterprise or the leader: refused
    assert officer.post("/alerts/2/visit", data={"visited_on": today, "note": NOTE}
                        ).status_code == 404
    for role in ("ent", "leader", "clerk"):
        assert sign_in(role).post("/alerts/1/visit", data={"visited_on": today, "note": NOTE}
                                  ).status_code == 403


def test_the_portrait_shows_the_enterprise_its_own_months_and_alerts(sign_in: SignIn) -> None:
    ent = sign_in("ent")
    power = ent.get(f"/api/enterprises/{CODES[0]}/power").json()
    assert power["usage"]["year"] == 2022
    assert [m["kwh"] for m in power["usage"]["months"][:4]] == [
        monitoring_data.kwh(0, months.index(2022, m)) for m in (1, 2, 3)] + [None]
    assert power["usage"]["total"] == sum(monitoring_data.kwh(0, months.index(2022, m)) or 0
                                          for m in (1, 2, 3))
    assert [(a["id"], a["status"]) for a in power["alerts"]] == [(1, "open")]
    html = ent.get(f"/enterprises/{CODES[0]}").text
    page = tables(html)
    assert [r[0] for r in page["power-kwh"][1:]] == [f"2022-{m:02d}" for m in range(1, 13)]
    assert page["power-alerts"][1][:2] == ["#1", "停产预警"]
    assert 'href="/alerts/1"' not in html  # the enterprise has no worklist to open
    other = tables(sign_in("ent2").get(f"/enterprises/{CODES[1]}").text)["power-alerts"]
    assert [r[0] for r in other[1:]] == ["#2"]
    officer = sign_in("officer").get(f"/enterprises/{CODES[0]}").text
    assert 'href="/alerts/1"' in officer


def test_the_leader_sees_the_alerts_counted_on_the_cockpit(sign_in: SignIn) -> None:
    data = sign_in("leader").get("/api/cockpit").json()["monitoring"]
    assert (data["last_month"], data["counts"], data["total"]) == (
        "2022-03", {"stopped": 1, "declining": 1, "silent": 1}, 3)
    assert [(r["key"], r["stopped"], r["declining"], r["silent"], r["total"])
            for r in data["by_town"]] == [("西屏街道", 1, 0, 1, 2), ("水南街道", 0, 1, 0, 1)]
    assert [(r["key"], r["total"]) for r in data["by_industry"]] == [("33", 2), ("31", 1)]
    usage = data["usage"]
    assert usage["year"] == 2022
    jan = months.index(2022, 1)
    assert usage["months"][0]["kwh"] == sum(monitoring_data.kwh(i, jan) or 0 for i in range(12))
    assert usage["months"][0]["kwh_year_before"] == sum(
        monitoring_data.kwh(i, jan - 12) or 0 for i in range(12))
    html = sign_in("leader").get("/cockpit").text
    page = tables(html)
    assert page["alerts-towns"][1] == ["西屏街道", "1", "0", "1", "2"]
    section = html[html.index('id="monitoring"'):]
    section = section[:section.index("</section>")]
    assert not [n for n in NAMES if n in section]  # counts only
    assert 'href="/alerts"' not in html  # the leader has no worklist
    assert 'href="/alerts"' in sign_in("admin").get("/cockpit").text


def test_the_pages_speak_english(sign_in: SignIn) -> None:
    html = sign_in("officer").get("/alerts?lang=en").text
    assert "Stop warning" in html and "停产预警" not in html
    detail = sign_in("officer").get("/alerts/1?lang=en").text
    assert "Visit" in detail and "走访" not in detail


def test_the_imports_page_offers_the_power_import_to_the_admin_only(sign_in: SignIn) -> None:
    assert "power-import" in element_ids(sign_in("admin").get("/imports").text)
    assert "power-import" not in element_ids(sign_in("clerk").get("/imports").text)  # tax


def _power_file(rows: list[tuple[str, str, object]]) -> bytes:
    lines = ["统一社会信用代码,月份,用电量(千瓦时)", *(f"{u},{m},{k}" for u, m, k in rows)]
    return ("\n".join(lines) + "\n").encode()


def test_the_power_import_stores_a_month_and_monitors_it(sign_in: SignIn, engine: Engine) -> None:
    april = months.index(2022, 4)
    rows = [(code, "2022-04", monitoring_data.kwh(i, april)) for i, code in enumerate(CODES)
            if monitoring_data.kwh(i, april) is not None]
    admin = sign_in("admin")
    r = admin.post("/imports/power", files={"file": ("四月用电.csv", _power_file(rows))})
    assert r.status_code == 200, r.text[:500]
    assert f"四月用电.csv：共 {len(rows)} 行，新增 {len(rows)} 条，更新 0 条" in r.text
    monitored = tables(r.text)["power-monitored"]
    assert [row[0] for row in monitored[1:]] == ["2022-04"]
    assert admin.get("/api/cockpit").json()["monitoring"]["last_month"] == "2022-04"
    # a file with an unknown credit code and a bad month is refused whole, lines named
    bad = [(CODES[0], "2022-05", 1000), ("91331124MA2XXXXXX0", "2022-05", 5),
           (CODES[1], "2022-13", 7)]
    r = admin.post("/imports/power", files={"file": ("五月.csv", _power_file(bad))})
    assert r.status_code == 422
    problems = tables(r.text)["power-problems"]
    assert [row[0] for row in problems[1:]] == ["3", "4"]
    assert "power-refused" in element_ids(r.text)
    with Session(engine) as session:
        assert session.scalar(select(PowerReading).where(
            PowerReading.month == months.first_day(months.index(2022, 5)))) is None
    assert sign_in("clerk").post("/imports/power", files={"file": ("x.csv", _power_file(rows))}
                                 ).status_code == 403


@pytest.fixture
def power_clerk(engine: Engine) -> str:
    return county.add_clerk(engine, "power1", "power", "供电")


def _power_tables(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a power import writes (of the audit: the imports' records; a
    sign-in has its own)."""
    with Session(engine) as session:
        found = {model.__name__: sorted((tuple(r) for r in session.execute(
                     select(*model.__table__.columns)).all()), key=repr)
                 for model in (PowerReading, PowerReadingChange, ImportBatch, MonitoredMonth,
                               Alert)}
        found["AuditRecord"] = sorted((tuple(r) for r in session.execute(
            select(*AuditRecord.__table__.columns).where(AuditRecord.entity == "import"))),
            key=repr)
        return found


def test_a_power_file_that_changes_readings_waits_for_a_reason(
        sign_in: SignIn, engine: Engine, power_clerk: str) -> None:
    march = months.index(2022, 3)
    old = monitoring_data.kwh(2, march)
    assert old is not None
    # C's March (stored and monitored already) is corrected; April is new
    rows = [(CODES[2], "2022-03", old + 500), (CODES[2], "2022-04", 1234)]
    clerk = sign_in(power_clerk)
    before = _power_tables(engine)
    r = clerk.post("/imports/power", files={"file": ("更正.csv", _power_file(rows))})
    assert r.status_code == 200, r.text[:500]
    ids = element_ids(r.text)
    assert {"power-waiting", "power-changes-monitored", "power-accept"} <= ids
    assert "power-result" not in ids
    changes = tables(r.text)["power-changes"]
    assert len(changes) == 2 and CODES[2] in changes[1][1] and "2022-03" in changes[1][2]
    assert _power_tables(engine) == before  # the new April too: nothing written
    match = re.search(r'action="/imports/power/(\d+)/accept"', r.text)
    assert match is not None
    accept = f"/imports/power/{match.group(1)}/accept"
    # the file is the clerk's: another user (the tax clerk, the officer) does not reach it
    for other in ("clerk", "officer"):
        assert sign_in(other).post(accept, data={"reason": "x"}).status_code == 404
    # the form with its defaults (an empty reason) is refused: the preview and the form come
    # back as typed, nothing written
    r = clerk.post(f"{accept}?lang=en", data={"reason": "   "})
    assert r.status_code == 422
    assert "would change 1 stored readings" in r.text and "Monthly electricity (kWh)" in r.text
    assert "将修改库中已有的" not in r.text
    assert {"power-waiting", "power-accept-error", "power-accept"} <= element_ids(r.text)
    assert 'name="reason" maxlength="500" required value="   "' in r.text
    assert _power_tables(engine) == before
    r = clerk.post(f"{accept}?lang=zh", data={"reason": "供电公司更正抄表"})
    assert r.status_code == 200, r.text[:500]
    assert {"power-result", "power-reason", "power-changes"} <= element_ids(r.text)
    assert "更新 1 条" in r.text and "新增 1 条" in r.text
    with Session(engine) as session:
        clerk_id = session.scalars(select(User.id).where(User.username == power_clerk)).one()
        change = session.scalars(select(PowerReadingChange)).one()
        assert (change.old_kwh, change.new_kwh, change.reason, change.actor_id) == (
            old, old + 500, "供电公司更正抄表", clerk_id)
        record = session.scalars(select(AuditRecord).where(
            AuditRecord.entity == "import",
            AuditRecord.entity_id == str(change.import_id))).one()
        assert record.actor_id == clerk_id and record.after is not None
        assert record.after["reason"] == "供电公司更正抄表"
    # accepted once: the job waits no more; the same file again changes nothing
    assert clerk.post(accept, data={"reason": "再次"}).status_code == 409
    job_page = clerk.get(f"/jobs/{match.group(1)}")
    assert job_page.status_code == 200 and "修改已确认并导入" in job_page.text
    after = _power_tables(engine)
    r = clerk.post("/imports/power", files={"file": ("更正.csv", _power_file(rows))})
    assert r.status_code == 200 and "power-waiting" not in element_ids(r.text)
    assert "新增 0 条，更新 0 条，未变 2 条" in r.text
    assert _power_tables(engine) == after
