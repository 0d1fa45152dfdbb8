"""Walk the app as one signed-in role: every page reachable from the navigation and from links on
the pages (one sample per URL pattern), every GET form with its defaults and with each filter,
every pager and export link.

Problems are collected, not raised at the first one, so that one run of the test lists every
broken page of a role (docs/testing.md, "The crawl"). Each page must answer 2xx, log no console or
page error, show no error text and show its expected content (``EXPECTED``): a page that answers
200 but shows nothing, or an error card, fails.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from openpyxl import load_workbook
from tests.web.browser.pages import settle

USCC = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
#: texts an error page shows (the error card, FastAPI's default bodies, an unformatted 422)
ERROR_TEXT = re.compile(r"出错了|Not Found|Internal Server Error|(?<![\d,.])422(?![\d,.])|"
                        r"Input should be|Field required")
#: at most this many pages per role (forms and pagers included)
MAX_VISITS = 200
#: at most this many links of a pager are followed (page numbers beyond are alike)
PAGER_LINKS = 4
#: links that are not pages of the app, or change the session (signing out, the language)
SKIP_LINK = re.compile(r"^/(api/|static/|assets/|logout)|[?&]lang=")


@dataclass(frozen=True)
class Expect:
    """``selector`` matches at least ``at_least`` elements, each with text matching ``text``."""

    selector: str
    text: str = r"\S"
    at_least: int = 1


#: what each page pattern must show (the path with ids as {uscc} and {id}); a page without an
#: entry fails, so a new page gets its line here
EXPECTED: dict[str, list[Expect]] = {
    "/cockpit": [Expect(".kpis .kpi b", r"\d", 3), Expect("#kpi-evaluated", r"^[1-9][\d,]*$"),
                 Expect("#mix-groups tbody tr", r"[1-9]"), Expect("#trend tbody tr", r"^\d{4}"),
                 Expect("#chart-groups canvas", "")],
    "/enterprises": [Expect("#enterprises tbody tr td:first-child", rf"^{USCC}$"),
                     Expect("#total", r"^[1-9][\d,]*$")],
    "/enterprises/{uscc}": [Expect("#ent-name"), Expect("#uscc", rf"^{USCC}$"),
                            Expect("#score", r"\d"), Expect("#klass", r"^[ABCD]$"),
                            Expect("#indicators tr[data-indicator]", r"\d")],
    "/enterprises/{uscc}/history": [Expect("#ent-name"), Expect("#uscc", rf"^{USCC}$")],
    "/land": [Expect("#low-efficiency tbody tr:not(.total) td:first-child"),
              Expect("#low-efficiency tbody tr:not(.total) td:nth-child(6)", r"^[\d,]+\.\d\d$"),
              Expect("#total-mu", r"^[1-9][\d,.]* 亩$")],
    # a review lists for an enterprise or officer only when it holds a parcel of theirs
    "/land/reviews": [Expect("#reviews tbody tr td:first-child", r"^\d{4}$|^没有涉及本企业")],
    "/land/reviews/{id}": [Expect("#review-status"), Expect("#review-totals .kpi b", r"\d", 4)],
    "/land/review-rows/{id}": [Expect("#row-status"),
                               Expect("#row-measures tbody tr[data-measure]", r"\S", 4)],
    "/parcels": [Expect("#parcels tbody tr:not(.total) td:first-child", r"^331124-"),
                 Expect("#parcel-mu", r"^[\d,.]+ 亩$")],
    "/parcels/{code}": [Expect("#parcel-code", r"^331124-"), Expect("#area", r"^[\d,.]+ 亩 "),
                        Expect("#status-label"), Expect("#consequence")],
    "/runs": [Expect("#runs tbody tr[data-run] td:first-child", r"^\d{4}")],
    "/runs/{id}": [Expect("#run-status"), Expect("#run-mix tbody tr", r"\d"),
                   Expect("#results table tbody tr td:first-child", rf"^{USCC}$")],
    "/imports": [Expect("#templates table tbody tr"), Expect("#upload form")],
    "/runs/{id}/compare": [Expect("#run-status"), Expect("#diff-result h2 small", r"^\d"),
                           Expect("#diff-result a[href*='.xlsx']", "")],
    "/runs/{id}/what-if": [Expect("#run-status"), Expect("#whatif-result h2 small", r"^\d"),
                           Expect("#whatif-result a[href*='.xlsx'], "
                                  "#whatif-result form[action*='.xlsx']", "")],
    "/policies": [Expect("#policies tbody tr"), Expect("#policy h2"),
                  Expect("#policy :is(pre, table)")],
    "/policies/check": [Expect("#policies tbody tr"),
                        Expect("#check :is(#check-ok, #check-problems)")],
    "/password": [Expect("form input[name=new_password]", r"")],
    "/jobs/{id}": [Expect("#job-status")],
    "/users": [Expect("#users tbody tr[data-user] td:first-child"),
               Expect("#total", r"^[1-9][\d,]*$"), Expect("#add-user form select[name=role]", "")],
    "/users/{username}": [Expect("#username"), Expect("#edit-user select[name=role]", ""),
                          Expect("#reset-password button")],
    "/login": [Expect("form input[name=username]", r"")],
    "/land/idle": [Expect("#idle tbody tr td:first-child", r"^\d{6}-"),
                   Expect("#total", r"^[1-9][\d,]*$")],
    "/disposal": [Expect("#cases tbody tr[data-case] td:first-child", r"^#\d+$"),
                  Expect("#kpi-count", r"^[1-9][\d,]*$")],
    "/disposal/candidates": [Expect("#candidates tbody tr[data-key] td:nth-child(6)",
                                    r"^[\d,]+\.\d\d$"),
                             Expect("#candidates-year", r"^\d{4}")],
    "/disposal/{id}": [Expect("#case-stage"), Expect("#case-facts dd"),
                       Expect("#case-history tbody tr td:first-child", r"^\d{4}-\d\d-\d\d ")],
    "/disposal/new": [Expect("#subject"), Expect("#candidate dd"),
                      Expect("#open-case select[name=method], #already-open", "")],
    # 用电预警 (docs/monitoring.md): a county may have no open alert
    "/alerts": [Expect("#alerts tbody tr td:first-child", r"^#\d+$|^暂无预警$"),
                Expect("#alert-counts .kpi b", r"^\d[\d,]*$", 3)],
    "/alerts/{id}": [Expect("#alert-status"), Expect("#alert-facts dd"),
                     Expect("#visit :is(#visit-form, #closure)", "")],
    # 三服务2.0 (docs/programmes.md)
    "/requests": [Expect("#requests tbody tr td:first-child", r"^SF\d{4}-\d{4}$|^暂无$")],
    "/requests/{id}": [Expect("#request-no", r"^SF\d{4}-\d{4}$"), Expect("#request-status"),
                       Expect("#request-summary")],
    "/requests/statistics": [Expect("#request-stats tbody tr td.n", r"\d|—", 9),
                             Expect("#stats-received", r"^\d[\d,]*$")],
    # programmes (docs/programmes.md): each role's part; an enterprise may have no row of its own
    "/programmes": [Expect("#programme-tabs a", at_least=2), Expect("main section.card h2")],
    "/programmes/talent": [Expect("#talent tbody tr td:first-child", r"^RC\d{4}$"),
                           Expect("#talent-counts tbody tr td:nth-child(2)", r"\d", 7)],
    "/programmes/ipo": [Expect("#stage-counts .kpi b", r"\d", 4)],
    "/programmes/payments": [Expect("#total-amount", r"^[\d,]+\.\d\d 万元$")],
    "/programmes/safety": [Expect("#safety tbody tr td:first-child"),
                           Expect("#eligible-count", r"\d")],
    "/targets": [Expect("#targets tbody tr[data-key] td:nth-child(3)", r"\d", 5),
                 Expect("#programme .tile[data-key] .goal", r"\d", 6),
                 Expect("#revenue-note", "营业收入|revenue"), Expect("#chart-doubling canvas", "")],
    "/targets/awards": [Expect("#awards table tbody tr td:first-child", r"^\d+$")],
    "/projects": [Expect("#pipeline-stages tbody tr[data-stage] td:first-child", r"\S", 7),
                  Expect("#pipeline-count", r"^\d[\d,]*$"),
                  # a project number each, or 暂无 (an enterprise without projects)
                  Expect("#projects tbody tr td:first-child", r"^(XM\d+|暂无)$")],
    "/projects/mine": [Expect("#pipeline-stages tbody tr[data-stage]", r"\S", 7),
                       Expect("#projects tbody tr td:first-child", r"^(XM\d+|暂无)$")],
    "/projects/{id}": [Expect("#project-name"), Expect("#project-code", r"^XM\d+$"),
                       Expect("#stage-history tbody tr[data-stage] td:first-child")],
}

#: lists that state their length: (the element with the total, the table of the rows); a list
#: showing fewer rows than its total must offer a pager
TOTALS = {"/enterprises": ("#total", "#enterprises"),
          "/runs/{id}": ("#results h2 small", "#results table.grid"),
          "/programmes/talent": ("#total", "#talent"),
          "/programmes/payments": ("#total", "#payments"),
          "/programmes/safety": ("#total", "#safety"),
          "/land/idle": ("#total", "#idle"), "/disposal": ("#total", "#cases"),
          "/alerts": ("#total", "#alerts"),
          "/disposal/candidates": ("#total", "#candidates"),
          "/projects": ("#total", "#projects"), "/projects/mine": ("#total", "#projects")}

#: a GET form's control → the result column (its header) whose every cell must show the value
#: chosen; the names are the query parameters of the lists (services/lists.py, routes/runs.py)
FILTER_COLUMN = {"klass": "档次", "group": "组别", "town": "乡镇街道", "industry_code": "行业",
                 "q": "企业名称", "status": "状态", "department": "部门", "role": "角色",
                 "active": "状态", "review_status": "复核状态", "breach": "违约情形",
                 "zone": "园区", "category": "类别", "standard_land": "标准地", "stage": "阶段",
                 "programme": "奖补项目", "eligible": "评定结果",
                 "method": "处置方式", "overdue": "逾期", "lead": "牵头领导", "behind": "滞后",
                 "signed_year": "签约日期", "level": "预警等级"}

#: a GET form's control → the element that must name the value chosen (a year, the other run)
FILTER_SHOWN = {"year": "h1", "other": "#diff-result h2"}
#: what the page must show besides, after a form control is set: the comparison of two runs
#: has its export, and reads older → newer (its years ascending; issue 9, point 4)
FILTER_EXPECTED = {"other": [Expect("#diff-result a[href*='.xlsx']", "")]}
YEARS_ASCENDING = {"other": "#diff-result h2"}


def column_index(headers: list[str], column: str | None) -> int:
    """Where ``column`` stands among a table's headers: the header itself, else the one header
    that contains it (类别 → 人才类别); -1 when there is none or more than one."""
    if column is None:
        return -1
    if column in headers:
        return headers.index(column)
    near = [j for j, h in enumerate(headers) if column in h]
    return near[0] if len(near) == 1 else -1


def pattern(url: str) -> str:
    """The URL's path with ids replaced: one portrait, one run, one job stand for all."""
    path = urlsplit(url).path
    path = re.sub(rf"/{USCC}(?=/|$)", "/{uscc}", path)
    path = re.sub(r"^/users/[^/]+", "/users/{username}", path)
    path = re.sub(r"^/parcels/(?!export)[^/]+", "/parcels/{code}", path)
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


def rows_of(page: Any, table: Any) -> tuple[list[str], list[list[str]]]:
    """A table's header texts and its body rows' cell texts (not the "none" or total rows)."""
    data = table.evaluate(
        "t => [[...t.querySelectorAll('thead th')].map(th => th.innerText.trim()),"
        " [...t.querySelectorAll('tbody tr')]"
        ".filter(tr => !tr.querySelector('td.empty') && !tr.classList.contains('total'))"
        ".map(tr => [...tr.cells].map(c => c.innerText.trim()))]")
    return data[0], data[1]


def is_download(href: str) -> bool:
    """A link to a file rather than a page (the browser would download it)."""
    return "/download" in href.split("?")[0]


def xlsx_rows(body: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@dataclass
class Crawl:
    """One role's walk over the app in one signed-in page; ``problems`` lists what failed."""

    role: str
    page: Any
    problems: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # URL patterns visited
    exports: set[str] = field(default_factory=set)  # export links downloaded
    visits: int = 0
    answered: bool = False  # the last page loaded answered 2xx
    filtered: int = 0  # filter submissions
    paged: int = 0  # pager links followed
    _errors: list[str] = field(default_factory=list)
    _unpaged: set[str] = field(default_factory=set)  # page patterns reported without a pager

    def __post_init__(self) -> None:
        self.page.on("console", lambda m: self._errors.append(f"console {m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self._errors.append(f"page error: {e}"))

    def problem(self, url: str, what: str) -> None:
        self.problems.append(f"[{self.role}] {urlsplit(url).path}"
                             f"{'?' + urlsplit(url).query if urlsplit(url).query else ''}: {what}")

    # --- one page ----------------------------------------------------------------------------

    def check_loaded(self, response: Any, url: str, expected: bool = True) -> bool:
        """2xx, no console error, no error text, the expected content (unless ``expected`` is
        False: a filter no row satisfies); False when it failed."""
        self.visits += 1
        ok = True
        status = response.status if response is not None else None
        self.answered = status is not None and 200 <= status < 300
        if status is None or not 200 <= status < 300:
            self.problem(url, f"HTTP {status}")
            ok = False
        try:
            settle(self.page)
        except Exception as exc:  # a page that never settles is a finding
            self.problem(url, f"never settles: {exc}")
        for error in self._errors:
            self.problem(url, error)
            ok = False
        self._errors.clear()
        body = self.page.locator("body").inner_text()
        found = ERROR_TEXT.search(body)
        if found or self.page.locator("section.error").count():
            snippet = body[max(0, (found.start() if found else 0) - 40):][:160]
            self.problem(url, f"error text on the page: {snippet!r}".replace("\n", " "))
            ok = False
        return (not expected or self._check_expected(self.page.url)) and ok

    def _check_expected(self, url: str) -> bool:
        key = pattern(url)
        if key not in EXPECTED:
            self.problem(url, f"no expected content for {key} (add it to crawl.EXPECTED)")
            return False
        return self._check_total(url, key) & self._expect(url, EXPECTED[key])

    def _expect(self, url: str, wants: list[Expect]) -> bool:
        ok = True
        for want in wants:
            texts = self.page.locator(want.selector).evaluate_all(
                "els => els.map(e => e.innerText === undefined ? '' : e.innerText.trim())")
            bad = [t for t in texts if not re.search(want.text, t)]
            if len(texts) < want.at_least or bad:
                self.problem(url, f"expected {want.at_least}+ of {want.selector!r} matching "
                                  f"{want.text!r}; found {len(texts)}, not matching {bad[:3]}")
                ok = False
        return ok

    def _check_total(self, url: str, key: str) -> bool:
        if key not in TOTALS:
            return True
        total_at, table_at = TOTALS[key]
        total = self.page.locator(total_at)
        digits = re.sub(r"\D", "", total.first.inner_text()) if total.count() else ""
        table = self.page.locator(table_at)
        shown = len(rows_of(self.page, table.first)[1]) if table.count() else 0
        if digits and int(digits) > shown and not self.page.locator(".pager a[href]").count():
            if key not in self._unpaged:  # once per page, not once per filter of it
                self._unpaged.add(key)
                self.problem(url, f"shows {shown} of {digits} rows and no pager")
            return False
        return True

    def visit(self, url: str) -> bool:
        if self.visits >= MAX_VISITS:
            self.problem(url, f"more than {MAX_VISITS} pages; not visited")
            return False
        return self.check_loaded(self.page.goto(url), url)

    def _submit(self, form: Any, expected: bool = True) -> tuple[Any, bool]:
        """Press the form's submit button; the page it leads to, checked."""
        with self.page.expect_navigation() as nav:
            form.locator("button[type=submit], input[type=submit]").first.click()
        return nav.value, self.check_loaded(nav.value, self.page.url, expected)

    # --- the walk ----------------------------------------------------------------------------

    def links(self) -> list[str]:
        """The app's own links on the page (path and query), in page order."""
        hrefs = self.page.locator("a[href]").evaluate_all(
            "els => els.filter(a => a.origin === location.origin)"
            ".map(a => a.pathname + a.search)")
        return [h for h in dict.fromkeys(hrefs) if not SKIP_LINK.search(h)]

    def walk(self, start: list[str]) -> None:
        """Breadth first from ``start`` (the navigation and any extra seeds), one URL per
        pattern; on each page its GET forms, pager and export links."""
        queue = list(start)
        while queue:
            url = queue.pop(0)
            key = pattern(url)
            if key in self.seen:
                continue
            self.seen.add(key)
            self.visit(url)
            if not self.answered:  # a page that answered explores on, whatever it lacked
                continue
            here = self.page.url
            if pattern(here) != key:  # a redirect ("/" → the role's home)
                if pattern(here) in self.seen:
                    continue
                self.seen.add(pattern(here))
            found = self.links()
            self.exports_on_page(here)
            self.downloads_on_page(here)
            self.pager(here)
            self.get_forms(here)
            queue.extend(h for h in found if not h.endswith(".xlsx") and not is_download(h)
                         and pattern(h) not in self.seen)

    # --- exports -----------------------------------------------------------------------------

    def exports_on_page(self, url: str) -> None:
        hrefs = self.page.locator("a[href*='.xlsx']").evaluate_all(
            "els => els.map(a => a.pathname + a.search)")
        for href in hrefs:
            if href in self.exports:
                continue
            self.exports.add(href)
            self.check_export(url, href)

    def downloads_on_page(self, url: str) -> None:
        """Other files a page offers (a policy's YAML): they answer with a non-empty file."""
        hrefs = self.page.locator("a[href*='/download']").evaluate_all(
            "els => els.map(a => a.pathname + a.search)")
        for href in hrefs:
            if href in self.exports:
                continue
            self.exports.add(href)
            response = self.page.request.get(href)
            if not response.ok or not response.body().strip():
                self.problem(url, f"download {href}: HTTP {response.status}, "
                                  f"{len(response.body())} bytes")

    def check_export(self, url: str, href: str) -> None:
        response = self.page.request.get(href)
        if not response.ok:
            self.problem(url, f"export {href}: HTTP {response.status}")
            return
        try:
            rows = xlsx_rows(response.body())
        except Exception as exc:  # not a workbook is the finding
            self.problem(url, f"export {href}: not an .xlsx ({exc})")
            return
        header = [c for c in rows[0] if c not in (None, "")] if rows else []
        data = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
        # an import template is the header (and its notes) only; an export has its rows
        if not header or ("/templates/" not in href and not data):
            self.problem(url, f"export {href}: {len(rows)} rows, header {header[:3]}, no data")

    # --- pager -------------------------------------------------------------------------------

    def pager(self, url: str) -> None:
        """Each pager link leads to a page with rows, and other rows than this one."""
        links = self.page.locator(".pager a[href]").evaluate_all(
            "els => els.map(a => a.pathname + a.search)")
        if not links:
            return
        _, here = rows_of(self.page, self._paged_table())
        for href in list(dict.fromkeys(links))[:PAGER_LINKS]:
            self.visit(href)
            if not self.answered:
                continue
            if not self.page.locator(".pager").count():
                self.problem(href, f"pager from {url}: this page has no pager")
                continue
            _, there = rows_of(self.page, self._paged_table())
            self.paged += 1
            if not there or there == here:
                self.problem(href, f"pager from {url}: {len(there)} rows, the same as before: "
                                   f"{there == here}")
            self.exports_on_page(self.page.url)
        self._goto(url)

    def _paged_table(self) -> Any:
        """The table the pager pages: the first table of the pager's section."""
        return self.page.locator(".pager").first.locator(
            "xpath=ancestor::section[1]").locator("table.grid").first

    # --- GET forms ---------------------------------------------------------------------------

    def _forms(self) -> Any:
        return self.page.locator("main form:not([method=post]):not([method=POST])")

    def get_forms(self, url: str) -> None:
        """Each GET form with its defaults, then with each select set to its first non-empty
        option and each text box set to a value of its column; the rows must satisfy it.

        The page is at ``url`` as served when this starts (the walk's visit, or the pager's way
        back); it is loaded again only for the second and later forms, and is left wherever the
        last form led (the walk's next step is another page)."""
        count = self._forms().count()
        for i in range(count):
            if i:
                self._goto(url)
            form = self._forms().nth(i)
            before = self._result_rows(form)
            defaults = form.evaluate(
                "f => [...f.elements].filter(e => e.name && !['hidden', 'submit', 'file']"
                ".includes(e.type)).map(e => [e.name, e.value])")
            choices = self._choices(url, i, before)
            self._submit(form)
            if not self.answered:
                continue
            self.exports_on_page(self.page.url)
            for choice in choices:
                # the page the form leads to shows the form again: back to its defaults there
                # (a reload of ``url`` would cost a page load per choice)
                # (a form that leads to another page, the comparison's, is set again at ``url``)
                if self._forms().count() <= i or urlsplit(self.page.url).path != urlsplit(url).path:
                    self._goto(url)
                self._forms().nth(i).evaluate(
                    "(f, d) => d.forEach(([n, v]) => { f.elements[n].value = v; })", defaults)
                self._filter(url, i, before, *choice)

    def _goto(self, url: str) -> None:
        """Back to a page already checked (its errors were reported then): its forms and links
        are in the page as served, so the load event is enough (no wait for its charts' data)."""
        self.page.goto(url)
        self._errors.clear()

    def _result_rows(self, form: Any) -> tuple[list[str], list[list[str]]]:
        """The table in the form's section: the rows the form filters."""
        table = form.locator("xpath=ancestor::section[1]").locator("table.grid")
        if table.count() == 0:
            return [], []
        return rows_of(self.page, table.first)

    def _choices(self, url: str, i: int,
                 before: tuple[list[str], list[list[str]]]) -> list[tuple[str, str, str]]:
        """(control name, value, label) to try: each select's first non-empty option that some
        row of the unfiltered list shows (else its first non-empty option); each text box with
        a filter column, a value from that column."""
        form = self._forms().nth(i)
        choices: list[tuple[str, str, str]] = []
        headers, rows = before
        for name, options, selected in form.locator("select[name]").evaluate_all(
                "ss => ss.map(s => [s.name, [...s.options].map(o => [o.value, o.text.trim()]),"
                " s.value])"):
            filled = [(v, t) for v, t in options if v != ""]
            k = column_index(headers, FILTER_COLUMN.get(name))
            if k >= 0:
                filled = ([(v, t) for v, t in filled
                           if any(_matches(name, r[k], v, t) for r in rows)] or filled)
            # the default submission chose it already, unless the page must name it
            choices += [(name, v, t) for v, t in filled[:1]
                        if v != selected or name in FILTER_SHOWN]
        for name in form.locator("input[name]:not([type=hidden])").evaluate_all(
                "is => is.filter(i => ['text', 'search', ''].includes(i.type))"
                ".map(i => i.name)"):
            column = FILTER_COLUMN.get(name)
            if column is None:
                self.problem(url, f"form control {name!r}: no filter check (crawl.FILTER_COLUMN)")
                continue
            k = column_index(headers, column)
            if k < 0 or not rows:
                continue
            cell = rows[0][k]
            value = re.match(r"\d+", cell).group(0) if name == "industry_code" and re.match(
                r"\d+", cell) else cell
            if value and value != "—":
                choices.append((name, value, value))
        return choices

    def _filter(self, url: str, i: int, before: tuple[list[str], list[list[str]]], name: str,
                value: str, label: str) -> None:
        """Submit form ``i`` with ``name`` set to ``value``; ``before``: the unfiltered rows."""
        form = self._forms().nth(i)
        control = form.locator(f"[name='{name}']")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
        column = FILTER_COLUMN.get(name)
        b_headers, b_rows = before
        k = column_index(b_headers, column)
        # rows the unfiltered list shows that the filter keeps: then the result has rows
        expected_any = k >= 0 and any(_matches(name, r[k], value, label) for r in b_rows)
        self._submit(form, expected=expected_any or column is None)
        self.filtered += 1
        where = f"{url} with {name}={value}"
        if not self.answered:
            return
        if column is not None:
            self._filtered_export(where, i, name, value, label, expected_any)
        self.exports_on_page(self.page.url)
        if name in FILTER_SHOWN:
            shown = self.page.locator(FILTER_SHOWN[name])
            text = shown.first.inner_text() if shown.count() else ""
            if label.split(" (")[0] not in text and value not in text:
                self.problem(where, f"{FILTER_SHOWN[name]} does not name {label!r}: {text!r}")
            self._expect(where, FILTER_EXPECTED.get(name, []))
            if name in YEARS_ASCENDING:
                years = re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)
                if years != sorted(years):
                    self.problem(where, f"{YEARS_ASCENDING[name]} reads newer → older: {text!r}")
            return
        if name == "sort":
            return
        form = self._forms().nth(i)
        headers, rows = self._result_rows(form)
        k = column_index(headers, column)
        if k < 0:
            self.problem(where, f"no column {column!r} in the result table to check the filter")
            return
        bad = [r[k] for r in rows if not _matches(name, r[k], value, label)]
        if bad:
            self.problem(where, f"rows outside the filter in {column}: {bad[:5]}")
        if expected_any and not rows:
            self.problem(where, "no rows, though the unfiltered list has some that match")


    def _filtered_export(self, where: str, i: int, name: str, value: str, label: str,
                         expected_any: bool) -> None:
        """The form's export link, after filtering, exports the filtered rows only."""
        link = self._forms().nth(i).locator("a[href*='.xlsx']")
        if not link.count():
            return
        href = link.first.evaluate("a => a.pathname + a.search")
        self.exports.add(href)
        response = self.page.request.get(href)
        if not response.ok:
            self.problem(where, f"export {href}: HTTP {response.status}")
            return
        rows = xlsx_rows(response.body())
        column = FILTER_COLUMN[name]
        header = [str(c or "") for c in rows[0]] if rows else []
        k = next((j for j, h in enumerate(header) if column in h), None)
        if k is None:
            self.problem(where, f"export {href}: no column {column!r} in {header}")
            return
        data = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
        bad = [r[k] for r in data if not _matches(name, str(r[k] or ""), value, label)]
        if bad or (expected_any and not data):
            self.problem(where, f"export {href}: {len(data)} rows, outside the filter in "
                                f"{header[k]}: {bad[:5]}")


def _matches(name: str, cell: str, value: str, label: str) -> bool:
    if name == "q":
        return value in cell
    if name == "industry_code":
        return cell.startswith(value)
    return cell in (value, label) or label in cell

