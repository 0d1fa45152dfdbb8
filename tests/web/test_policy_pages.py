"""The 评价办法 page: the policy as a parameter table in Chinese and English (metadata from the
policy model, never the YAML's comments), the admin's upload → check → save → what changed, and a
run with a stored policy freezing exactly the stored text."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.web.conftest import SignIn
from tests.web.html import tables
from tests.web.jobs import submitted, wait_job

COUNTY = """# 本县办法（测试）
name: county-2021
title: 某县工业企业亩均效益综合评价办法（2021）
years: {from: 2021, to: null}
low_efficiency: {tax_per_mu_below: 2.0}
"""


def _row(page: str, table: str, key: str) -> list[str]:
    """The cells of the row whose key path (small print in the first cell) is ``key``."""
    rows = [r for r in tables(page)[table] if r and r[0].split()[-1] == key]
    assert len(rows) == 1, (key, tables(page)[table][:3])
    return rows[0]


def _store(c: TestClient, text: str, name: str = "county.yaml") -> Any:
    return c.post("/policies/store", files={"file": (name, text.encode(), "application/yaml")},
                  data={"note": "测试"}, follow_redirects=False)


def test_the_policy_as_a_parameter_table_in_chinese_and_english(sign_in: SignIn) -> None:
    c = sign_in("leader")  # every role sees the policies
    zh = c.get("/policies?name=songyang-2024")
    assert zh.status_code == 200
    assert "松阳县工业企业亩均效益综合评价办法（2024年修订）" in zh.text
    assert _row(zh.text, "parameters", "low_efficiency.tax_per_mu_below") == [
        "低效用地亩均税收线 low_efficiency.tax_per_mu_below", "2 万元/亩",
        "亩均税收低于此值（或评为 D 档）即为低效用地"]
    assert _row(zh.text, "parameters", "groups.above.indicators.tax_per_mu.weight") == [
        "规上工业企业 · 亩均税收 · 权重 groups.above.indicators.tax_per_mu.weight", "40 分",
        "指标的满分权重，组内合计 100"]
    assert _row(zh.text, "parameters", "pricing.electricity_surcharge_yuan_per_kwh")[1] == \
        "A 0 · B 0 · C 0.05 · D 0.1 元/千瓦时"
    assert _row(zh.text, "parameters", "benchmark.by")[1] == "按行业"
    assert _row(zh.text, "parameters", "adjustments.bonus")[1] == \
        "高新技术企业 5 · 专精特新 3 · 上市企业 5 · 省级以上研发机构 2 分"
    # the YAML's English comments are not the documentation any more (the file is downloadable)
    assert "# 万元/亩; raised from 35" not in zh.text
    download = c.get("/policies/download?name=songyang-2024")
    assert download.status_code == 200 and "# 万元/亩; raised from 35" in download.text
    en = c.get("/policies?name=songyang-2024&lang=en").text
    assert _row(en, "parameters", "low_efficiency.tax_per_mu_below") == [
        "Low-efficiency line low_efficiency.tax_per_mu_below", "2 10k yuan/mu",
        "tax per mu below it (or class D) flags the enterprise"]
    assert _row(en, "parameters", "groups.above.indicators.tax_per_mu.weight") == [
        "Above scale · Tax per mu · Weight groups.above.indicators.tax_per_mu.weight",
        "40 points",
        "the indicator's weight; the group's sum to 100"]
    assert "指标的满分权重" not in en


def test_upload_check_save_and_what_changed(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    first = _store(admin, COUNTY)
    assert first.status_code == 303
    assert first.headers["location"] == "/policies?name=county-2021&version=1&stored=1"
    page = admin.get(first.headers["location"]).text
    assert "已保存为新版本" in page and "某县工业企业亩均效益综合评价办法（2021）" in page
    assert tables(page)["stored"][1][:4] == [
        "某县工业企业亩均效益综合评价办法（2021） county-2021", "第 1 版", "2021–", "admin"]
    second = _store(admin, COUNTY.replace("2.0}", "2.5}") + "notice_days: 10\n")
    assert second.headers["location"] == "/policies?name=county-2021&version=2&stored=1"
    page = admin.get(second.headers["location"]).text
    assert tables(page)["change-table"][1:] == [
        ["低效用地亩均税收线 low_efficiency.tax_per_mu_below", "2 万元/亩", "2.5 万元/亩"],
        ["公示天数 notice_days", "7 天", "10 天"],
    ]
    versions = admin.get("/api/policies/stored").json()
    assert [(v["name"], v["version"], v["uploaded_by"]) for v in versions] == [
        ("county-2021", 2, "admin"), ("county-2021", 1, "admin")]
    v1 = admin.get("/api/policies/stored/county-2021?version=1").json()
    assert v1["text"] == COUNTY and v1["changes"] == [] and v1["previous_version"] is None
    # anyone with the policies in view sees them; only the admin stores
    clerk = sign_in("clerk")
    assert "county-2021" in clerk.get("/policies").text
    for role in ("clerk", "officer", "ent", "leader"):
        other = sign_in(role)
        assert _store(other, COUNTY.replace("2.0", "3")).status_code == 403
        assert other.post("/api/policies/stored", files={
            "file": ("c.yaml", COUNTY.replace("2.0", "3").encode())}).status_code == 403
    assert len(admin.get("/api/policies/stored").json()) == 2


def test_a_refused_upload_shows_its_problems_and_stores_nothing(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    r = _store(admin, "name: bad\ncap: abc\nnotice_days: 7.5\n", "bad.yaml")
    assert r.status_code == 422
    assert [row[0] for row in tables(r.text)["problem-table"][1:]] == ["cap", "notice_days"]
    assert "未保存" in r.text and "bad.yaml" in r.text
    problems = admin.post("/api/policies/stored", files={
        "file": ("bad.yaml", b"name: bad\ncap: abc\n", "application/yaml")})
    assert problems.status_code == 422
    assert [p["key"] for p in problems.json()["problems"]] == ["cap"]
    assert admin.get("/api/policies/stored").json() == []


def test_a_run_with_a_stored_policy_freezes_the_stored_text(sign_in: SignIn) -> None:
    admin = sign_in("admin")
    assert _store(admin, COUNTY).status_code == 303
    form = admin.get("/runs").text
    assert 'value="county-2021"' in form and "按年度自动选用适用的办法" in form
    job = wait_job(admin, submitted(admin.post("/api/runs", json={
        "year": 2021, "policy_name": "county-2021"})))
    assert job["status"] == "done", job
    run = admin.get(f"/api/runs/{job['result']['run_id']}").json()["run"]
    assert run["policy_name"] == "county-2021"
    assert run["title"] == "2021 年度 第 2 版 · 某县工业企业亩均效益综合评价办法（2021）"
    from mujun.services.policies.stored import text_sha256

    stored = admin.get("/api/policies/stored/county-2021").json()
    assert stored["sha256"] == text_sha256(COUNTY)
    assert run["policy_hash"] == stored["hash"]
    listed = [r for r in tables(admin.get("/runs").text)["runs"] if r[0] == "2021-v2"]
    assert [r[2] for r in listed] == ["某县工业企业亩均效益综合评价办法（2021）"]
    run_page = admin.get(f"/runs/{run['id']}").text
    assert "2021 年度 第 2 版 · 某县工业企业亩均效益综合评价办法（2021）" in run_page
    assert admin.post("/api/runs", json={"year": 2021, "policy_name": "nope"}).status_code == 404
