"""Every list pages, sorts, filters and exports the same way (docs/lists.md): the API and the
pages over the fixture county, and the .xlsx exports opened with openpyxl."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from html import unescape
from typing import Any
from urllib.parse import parse_qs

import openpyxl
from fastapi.testclient import TestClient
from tests.web.conftest import SignIn
from tests.web.county import CODES, TOWNS
from tests.web.html import tables
from tests.web.jobs import submitted, wait_job

Item = dict[str, Any]


def _items(c: TestClient, url: str, **params: Any) -> list[Item]:
    r = c.get(url, params={**params, "per_page": 500})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _xlsx(c: TestClient, url: str, **params: Any) -> list[tuple[Any, ...]]:
    r = c.get(url, params=params)
    assert r.status_code == 200, r.text
    return list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))


def check_paging(c: TestClient, url: str, key: str = "uscc", **params: Any) -> None:
    """Page 2 holds the rows after page 1, in the same order as the whole list."""
    whole = [i[key] for i in _items(c, url, **params)]
    assert len(whole) >= 3, "the list must have something to page"
    first = c.get(url, params={**params, "per_page": 2, "page": 1}).json()
    second = c.get(url, params={**params, "per_page": 2, "page": 2}).json()
    assert [i[key] for i in first["items"]] == whole[:2]
    assert [i[key] for i in second["items"]] == whole[2:4]
    assert (second["page"], second["pages"], second["total"]) == (
        2, -(-len(whole) // 2), len(whole))


def check_sorts(c: TestClient, url: str, keys: dict[str, Callable[[Item], Any]],
                **params: Any) -> None:
    """Each sort key, both ways: the values in order, missing ones last."""
    for key, value in keys.items():
        for descending in (False, True):
            rows = _items(c, url, sort=("-" if descending else "") + key, **params)
            values = [value(r) for r in rows]
            present = [v for v in values if v is not None]
            assert present == sorted(present, reverse=descending), (key, descending, values)
            assert values == present + [None] * (len(values) - len(present)), key


def check_filters(c: TestClient, url: str, filters: dict[str, tuple[Any, Callable[[Item], bool]]],
                  **params: Any) -> None:
    """Each filter selects exactly the rows of the whole list that match it (and some)."""
    whole = _items(c, url, **params)
    for name, (value, match) in filters.items():
        chosen = _items(c, url, **{name: value}, **params)
        assert chosen, (name, value)
        assert [r["uscc"] for r in chosen] == [r["uscc"] for r in whole if match(r)], name
        assert len(chosen) < len(whole) or name == "q", (name, "the filter must leave some out")


def _links(html: str, css_class: str) -> list[str]:
    return [unescape(h) for h in re.findall(rf'<a class="{css_class}"[^>]*href="([^"]+)"', html)]


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


ENTERPRISE_SORTS: dict[str, Callable[[Item], Any]] = {
    "score": lambda r: r["score"], "name": lambda r: r["name"], "uscc": lambda r: r["uscc"],
    "town": lambda r: r["town"], "industry": lambda r: r["industry_code"],
    "class": lambda r: r["klass"],
}
FILTERS: dict[str, tuple[Any, Callable[[Item], bool]]] = {
    "town": (TOWNS[1], lambda r: r["town"] == TOWNS[1]),
    "industry_code": ("31", lambda r: r["industry_code"] == "31"),
    "group": ("below", lambda r: r["group"] == "below"),
    "klass": ("B", lambda r: r["klass"] == "B"),
    "q": ("测试1", lambda r: "测试1" in r["name"]),
}


def test_enterprise_list_ranks_within_each_group(sign_in: SignIn) -> None:
    """By default 规上 first, then 规下, each in its own rank order: ranks are never
    interleaved, and each row says of how many it ranks and with how many it ties."""
    c = sign_in("admin")
    page = c.get("/api/enterprises").json()
    assert page["sort"] == "rank"
    rows = page["items"]
    assert [r["group"] for r in rows] == ["above"] * 8 + ["below"] * 4
    for group, size in (("above", 8), ("below", 4)):
        ranks = [r["rank"] for r in rows if r["group"] == group]
        assert ranks == sorted(ranks) and ranks[0] == 1
        assert {r["group_size"] for r in rows if r["group"] == group} == {size}
        assert [r["tied"] for r in rows if r["group"] == group] == [ranks.count(k) for k in ranks]
    shown = tables(c.get("/enterprises").text)["enterprises"]
    assert shown[0][6].startswith("组内排名") and shown[1][6] == "1/8"
    assert [row[6].split(" ")[0] for row in shown[1:]] == [
        f"{r['rank']}/{r['group_size']}" for r in rows]


def test_enterprise_list_pages_sorts_filters(sign_in: SignIn) -> None:
    c = sign_in("admin")
    check_paging(c, "/api/enterprises")
    check_paging(c, "/api/enterprises", town=TOWNS[0], sort="-score")
    check_sorts(c, "/api/enterprises", ENTERPRISE_SORTS)
    check_filters(c, "/api/enterprises", {
        **FILTERS, "low_efficiency": ("true", lambda r: r["low_efficiency"] is True)})
    bad = c.get("/api/enterprises", params={"sort": "password"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "sort"]


def test_enterprise_page_controls_keep_the_query(sign_in: SignIn) -> None:
    """Dropdowns fed by the data; the pager and the headers are links that keep the filters."""
    c = sign_in("admin")
    html = c.get("/enterprises", params={"town": TOWNS[0], "sort": "-score", "per_page": 2}).text
    assert _options(html, "town") == ["", *sorted(TOWNS)]
    assert _options(html, "industry_code") == ["", "31", "33"]
    assert "31 黑色金属冶炼和压延加工业" in html
    assert _options(html, "group") == ["", "above", "below", "exempt"]
    assert _options(html, "klass") == ["", "A", "B", "C", "D"]
    [following] = _links(html, "next")
    assert "town=" in following and "sort=-score" in following and "page=2" in following
    api = c.get("/api/enterprises",
                params={"town": TOWNS[0], "sort": "-score", "per_page": 2, "page": 2}).json()
    shown = tables(c.get("/enterprises" + following).text)["enterprises"][1:]
    assert [row[0] for row in shown] == [i["uscc"] for i in api["items"]]
    # the score header, already sorted descending, turns to ascending and back to page 1
    header = re.search(r'data-sort="score" href="([^"]+)"', html)
    assert header
    score_link = unescape(header.group(1))
    assert parse_qs(score_link.removeprefix("?")) == {
        "town": [TOWNS[0]], "sort": ["score"], "per_page": ["2"]}


def test_enterprise_export_is_the_whole_selection(sign_in: SignIn) -> None:
    c = sign_in("admin")
    expected = [r["uscc"] for r in _items(c, "/api/enterprises", town=TOWNS[1], sort="name")]
    rows = _xlsx(c, "/api/enterprises/export.xlsx", town=TOWNS[1], sort="name", per_page=2,
                 page=2)
    assert rows[0][:2] == ("统一社会信用代码", "企业名称")
    assert [r[0] for r in rows[1:]] == expected and len(expected) == 6


def test_empty_query_values_mean_not_given_on_every_list(sign_in: SignIn) -> None:
    """A form submitted with its defaults (年度 最新, 全部 …) sends empty values: the same list."""
    c = sign_in("admin")
    for url, empty, table in (
        ("/runs/2", "q=&town=&industry_code=&group=&klass=&sort=&per_page=&page=",
         "run-results"),
        ("/land", "year=&town=&industry_code=&group=&klass=&sort=&per_page=&page=",
         "low-efficiency"),
        ("/runs/2/compare?other=1", "q=&group=&class_before=&class_after=&sort=&page=",
         "changes"),
        ("/runs", "year=&status=&sort=&per_page=&page=", "runs"),
        ("/imports", "department=&year=&sort=&per_page=&page=", "import-history"),
        ("/requests/statistics", "year=", "request-stats"),
    ):
        joined = "&" if "?" in url else "?"
        r = c.get(url + joined + empty)
        assert r.status_code == 200, (url, r.text[:300])
        assert tables(r.text)[table] == tables(c.get(url).text)[table], url
    for api in ("/api/land/low-efficiency?year=&town=&klass=", "/api/runs/2?klass=&group=",
                "/api/runs?year=&status=", "/api/requests/statistics?year="):
        assert c.get(api).status_code == 200, api


RESULT_SORTS = {**ENTERPRISE_SORTS}


def test_run_results_page_sort_filter_export(sign_in: SignIn) -> None:
    c = sign_in("admin")
    detail = c.get("/api/runs/2").json()
    assert detail["results"]["total"] == 12 and detail["results"]["sort"] == "rank"
    assert [r["group"] for r in detail["results"]["items"]] == ["above"] * 8 + ["below"] * 4

    def results(**params: Any) -> list[Item]:
        r = c.get("/api/runs/2", params={**params, "per_page": 500})
        assert r.status_code == 200, r.text
        return list(r.json()["results"]["items"])

    whole = [r["uscc"] for r in results()]
    second = c.get("/api/runs/2", params={"per_page": 5, "page": 2}).json()["results"]
    assert [r["uscc"] for r in second["items"]] == whole[5:10] and second["pages"] == 3
    for key, value in RESULT_SORTS.items():
        for sign in ("", "-"):
            values = [value(r) for r in results(sort=sign + key)]
            present = [v for v in values if v is not None]
            assert present == sorted(present, reverse=sign == "-"), key
    for name, (wanted, match) in FILTERS.items():
        chosen = [r["uscc"] for r in results(**{name: wanted})]
        assert chosen and chosen == [r["uscc"] for r in results() if match(r)], name
    # 免评 is the rows without a group (the county evaluates all twelve)
    assert results(group="exempt") == [] and len(results(group="above")) == 8
    # the page: the pager's next link keeps the filter, and the export holds every page
    html = c.get("/runs/2", params={"town": TOWNS[0], "per_page": 2}).text
    assert _options(html, "town") == ["", *sorted(TOWNS)]
    [following] = _links(html, "next")
    assert "town=" in following and "page=2" in following
    shown = tables(c.get("/runs/2" + following.split("#")[0]).text)["run-results"][1:]
    assert [row[0] for row in shown] == [r["uscc"] for r in results(town=TOWNS[0])][2:4]
    rows = _xlsx(c, "/api/runs/2/results.xlsx", town=TOWNS[0], per_page=2)
    assert [r[0] for r in rows[1:]] == [r["uscc"] for r in results(town=TOWNS[0])]


def test_land_pages_sorts_filters_exports(sign_in: SignIn) -> None:
    c = sign_in("admin")
    land = "/api/land/low-efficiency"
    whole = c.get(land, params={"sort": "name"}).json()
    assert whole["total"] == len(whole["items"]) >= 2
    second = c.get(land, params={"sort": "name", "per_page": 1, "page": 2}).json()
    assert [i["uscc"] for i in second["items"]] == [whole["items"][1]["uscc"]]
    # the totals are the selection's, whatever the page
    assert second["totals"] == whole["totals"]
    for key in ("land_mu", "tax_per_mu", "score", "name", "town"):
        for sign in ("", "-"):
            values = [i[key] for i in c.get(land, params={"sort": sign + key}).json()["items"]]
            assert values == sorted(values, reverse=sign == "-"), key
    one = whole["items"][0]
    for name, value, field in (("town", one["town"], "town"),
                               ("industry_code", one["industry_code"], "industry_code"),
                               ("klass", one["klass"], "klass"), ("group", one["group"], "group")):
        chosen = c.get(land, params={name: value}).json()
        assert [i["uscc"] for i in chosen["items"]] == [
            i["uscc"] for i in c.get(land).json()["items"] if i[field] == value], name
        assert chosen["totals"]["count"] == chosen["total"]
    rows = _xlsx(c, "/api/land/low-efficiency.xlsx", town=one["town"], per_page=1)
    assert [r[0] for r in rows[1:]] == [
        i["uscc"] for i in c.get(land, params={"town": one["town"]}).json()["items"]]
    html = c.get("/land", params={"per_page": 1}).text
    assert _links(html, "next") and one["town"] in _options(html, "town")


def test_runs_list_pages_and_filters(sign_in: SignIn) -> None:
    c = sign_in("admin")
    page = c.get("/api/runs").json()
    assert [r["label"] for r in page["items"]] == ["2021-v1", "2020-v1"]
    assert [r["label"] for r in c.get("/api/runs", params={"sort": "year"}).json()["items"]] == [
        "2020-v1", "2021-v1"]
    second = c.get("/api/runs", params={"per_page": 1, "page": 2}).json()
    assert [r["label"] for r in second["items"]] == ["2020-v1"]
    assert [r["label"] for r in c.get("/api/runs", params={"status": "final"}).json()["items"]] == [
        "2020-v1"]
    assert [r["label"] for r in c.get("/api/runs", params={"year": 2021}).json()["items"]] == [
        "2021-v1"]
    html = c.get("/runs", params={"per_page": 1}).text
    assert _options(html, "status")[:1] == [""] and "final" in _options(html, "status")
    [following] = _links(html, "next")
    assert [row[0] for row in tables(c.get("/runs" + following).text)["runs"][1:]] == ["2020-v1"]


def test_compare_reads_older_to_newer_with_a_known_rise(sign_in: SignIn) -> None:
    """An accepted appeal raises 01's tax to 400: the new version ranks it higher. Asked from
    either run, the comparison reads 2021-v1 → 2021-v2 and the change is newer − older > 0."""
    admin, ent = sign_in("admin"), sign_in("ent")
    appeal = ent.post("/api/runs/2/appeals", json={"uscc": CODES[0], "reason": "税收漏报"}).json()
    r = admin.post(f"/api/appeals/{appeal['id']}/resolve",
                   json={"accept": True, "note": "核实后更正", "corrections": {"tax_paid": 400}})
    job = wait_job(admin, submitted(r))
    assert job["status"] == "done", job
    new_id = job["result"]["new_run_id"]
    one = admin.get(f"/api/runs/{new_id}/diff", params={"other": 2}).json()
    other = admin.get("/api/runs/2/diff", params={"other": new_id}).json()
    assert one == other
    assert (one["run_a"], one["run_b"]) == ("2021-v1", "2021-v2")
    [rise] = [i for i in one["items"] if i["uscc"] == CODES[0]]
    assert rise["score_after"] > rise["score_before"] and rise["change"] > 0
    assert rise["change"] == rise["score_after"] - rise["score_before"]
    assert rise["class_before"] == "D" and rise["class_after"] < "D"  # D → a better class
    html = admin.get(f"/runs/{new_id}/compare", params={"other": 2}).text
    assert re.search(r'<span class="from">2021-v1</span> → <span class="to">2021-v2</span>', html)
    row = next(r for r in tables(html)["changes"] if CODES[0] in r[0])
    assert row[7].startswith("+")
    # filters and the export: what the filters select, with the direction in its headers
    chosen = admin.get(f"/api/runs/{new_id}/diff",
                       params={"other": 2, "class_before": "D"}).json()["items"]
    assert CODES[0] in [i["uscc"] for i in chosen]
    assert all(i["class_before"] == "D" for i in chosen)
    rows = _xlsx(admin, f"/api/runs/{new_id}/diff.xlsx", other=2, class_before="D")
    assert rows[0][3:5] == ("2021-v1 档次", "2021-v2 档次")
    assert [r[0] for r in rows[1:]] == [i["uscc"] for i in chosen]


def test_what_if_page_filters_and_exports(sign_in: SignIn) -> None:
    """A shipped policy's what-if is a GET page (filters, pager, export are links); an uploaded
    one answers on the page and exports from the same form."""
    admin = sign_in("admin")
    lenient = "name: mine\ncap: 1.2\n"
    token = admin.headers["X-CSRF-Token"]
    posted = admin.post("/runs/2/what-if", data={"csrf_token": token},
                        files={"file": ("mine.yaml", lenient.encode(), "application/x-yaml")})
    assert posted.status_code == 200 and "2021-v1" in posted.text
    assert 'data-sort=' not in posted.text  # no link could carry the upload: nothing to sort by
    exported = admin.post("/runs/2/what-if", data={"csrf_token": token, "export": "xlsx"},
                          files={"file": ("mine.yaml", lenient.encode(), "application/x-yaml")})
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = list(openpyxl.load_workbook(io.BytesIO(exported.content)).active.iter_rows(
        values_only=True))
    assert [r[0] for r in sheet[1:]] == [row[0] for row in tables(posted.text)["changes"][1:]
                                         if row[0] != "没有档次变化"]
    shipped = admin.post("/runs/2/what-if", data={"csrf_token": token,
                                                  "policy_name": "zhejiang-template"},
                         follow_redirects=False)
    assert shipped.status_code == 303
    assert shipped.headers["location"] == "/runs/2/what-if?policy_name=zhejiang-template"
    page = admin.get(shipped.headers["location"])
    assert page.status_code == 200 and 'id="whatif-result"' in page.text
    export = _links(page.text, "button secondary")
    assert any("/api/runs/2/what-if.xlsx?policy_name=zhejiang-template" in e for e in export)


def test_imports_list_pages_sorts_filters(sign_in: SignIn) -> None:
    """The county was imported department by department, 5 files a year for 2020 and 2021."""
    c = sign_in("admin")
    whole = _items(c, "/api/imports")
    ids = [b["id"] for b in whole]
    assert len(ids) == 10 and ids == sorted(ids, reverse=True)
    check_paging(c, "/api/imports", key="id")
    assert [(b["department"], b["year"]) for b in _items(c, "/api/imports", department="tax")] == [
        ("tax", 2021), ("tax", 2020)]
    assert {b["year"] for b in _items(c, "/api/imports", year=2020)} == {2020}
    years = [b["year"] for b in _items(c, "/api/imports", sort="year")]
    assert years == sorted(years) and years[0] == 2020
    html = c.get("/imports", params={"department": "", "year": "", "sort": "", "per_page": 4}).text
    assert "tax" in _options(html, "department")
    [following] = _links(html, "next")
    shown = tables(c.get("/imports" + following.split("#")[0]).text)["import-history"][1:]
    assert [int(row[0]) for row in shown] == ids[4:8]
