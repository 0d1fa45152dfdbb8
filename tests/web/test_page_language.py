"""Every page in each language (issue 9): a Chinese page shows no English and an English page no
Chinese, except data (enterprise names, towns, codes … read from the store), and no page shows a
raw key (``tax_paid``, ``above``, ``zhejiang-template``) where a label belongs.

For every role the test follows every link from the home page (navigation, lists, portraits,
runs, jobs, histories) and adds the pages only an action reaches: a job with a row-error report,
a run in notice refused finalising (409), a form sent with a bad value (422), a missing page
(404) and a wrong method (405).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.web.conftest import SignIn
from tests.web.county import NAMES
from tests.web.jobs import submitted, wait_job

from mujun.engine.fields import FIELDS
from mujun.services.industries import industry_label
from mujun.services.labels import LABELS
from mujun.services.run_views import shipped_policy_titles
from mujun.store.models import Enterprise, ImportBatch, Parcel, Run, User

ROLES = ("admin", "clerk", "officer", "ent", "leader")
#: at most this many pages of one shape (``/enterprises/{uscc}`` …) per role and language
PER_SHAPE = 2
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
#: Latin a Chinese page may show: the class letters, units, formats, the switch to English
LATIN_IN_ZH = {"A", "B", "C", "D", "Excel", "xlsx", "csv", "YAML", "yaml", "English", "mujun",
               "UTC", "GB", "T", "kWh", "m", "tce", "B/C/D", "A/B/C/D", "PNG", "ECharts",
               "GeoJSON", "parquet"}
#: commands and paths a note for the administrator quotes (without ECharts, the charts' note)
QUOTED = {"npm ci", "src/mujun/web/frontend"}
#: a department file with row errors (a bad credit code, a number that is not one)
UPLOAD = "统一社会信用代码,企业名称,实缴税收(万元)\n91331124BADCODE000,某公司,abc\n".encode()
#: Chinese an English page may show: the switch back to Chinese
CJK_IN_EN = {"中文"}


class _Text(HTMLParser):
    """The text a reader sees: text nodes (not scripts or styles), the titles, placeholders and
    labels of elements, and the texts a page hands its scripts (JSON ``*-labels``, ``*-texts``,
    ``*-titles`` blocks).
    Identifiers shown as such (``<code>``: credit codes, hashes, policy names, key paths) and a
    policy file shown as written (``<pre class="yaml">``) are data, not labels."""

    ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip: list[str] = []
        self._labels = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        self.parts += [a[k] or "" for k in self.ATTRS if a.get(k)]
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"] or "")
        if tag == "code" or (tag == "pre" and a.get("class") == "yaml"):
            self._skip.append(tag)
        if tag in ("script", "style"):
            self._skip.append(tag)
            self._labels = tag == "script" and (a.get("id") or "").endswith(
                ("-labels", "-texts", "-titles"))

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()
            self._labels = False

    def handle_data(self, data: str) -> None:
        if self._labels:
            self.parts += _strings(json.loads(data))
        elif not self._skip:
            self.parts.append(data)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _read(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts), parser.links


def _data(engine: Engine) -> set[str]:
    """What the store holds and pages show as it is: names, towns, zones, codes, industries."""
    with Session(engine) as s:
        values: set[str | None] = set(NAMES)
        for e in s.scalars(select(Enterprise)):
            values |= {e.name, e.town, e.uscc, e.industry_code, industry_label(e.industry_code)}
        for p in s.scalars(select(Parcel)):
            values |= {p.parcel_code, p.town, p.zone, p.use}
        for u in s.scalars(select(User)):
            values |= {u.username, u.display_name, u.town}
        for r in s.scalars(select(Run)):
            values |= {r.label, r.policy_title}
        values |= set(s.scalars(select(ImportBatch.file_name)))
    values |= set(shipped_policy_titles().values())
    values |= QUOTED
    # what the test's own upload holds: its name, header and cells
    values |= {"tax-2021.csv", *UPLOAD.decode().replace("\n", ",").split(",")}
    return {v for v in values if v}


def _raw_keys() -> set[str]:
    """Keys that must never stand where their label belongs."""
    keys = {f.key for f in FIELDS} | {"zhejiang-template", "songyang-2024", "env", "stats"}
    for kind, labels in LABELS.items():
        if kind != "sort":
            keys |= {k for k in labels if "_" in k or "-" in k or "." in k}
    keys |= set(LABELS["group"]) | set(LABELS["exempt"]) | set(LABELS["department"])
    return keys


def _problems(text: str, lang: str, data: set[str], raw: set[str]) -> list[str]:
    text = re.sub(r"(?<![A-Za-z0-9])[0-9a-f]{8,}(?![A-Za-z0-9])", " ", text)  # hashes
    for value in sorted(data, key=len, reverse=True):  # data is shown as it is, as a whole word
        text = re.sub(rf"(?<![A-Za-z0-9_.-]){re.escape(value)}(?![A-Za-z0-9_-])", " ", text)
    found: list[str] = []
    if lang == "en":
        found += [f"Chinese: {w}" for w in CJK.findall(text) if w not in CJK_IN_EN]
        found += [f"raw key: {w}" for w in LATIN.findall(text)
                  if w.strip(".-") in raw and ("_" in w or "-" in w or w in ("env", "stats"))]
    else:
        found += [f"English: {w}" for w in LATIN.findall(text)
                  if w.strip(".-") not in LATIN_IN_ZH and len(w) > 1]
        found += [f"raw key: {w}" for w in LATIN.findall(text) if w.strip(".-") in raw]
    return found


def _shape(path: str) -> str:
    return re.sub(r"/[0-9A-Z]{18}\b|/\d+\b", "/N", path)


def _crawl(c: TestClient, extra: list[str]) -> Iterator[tuple[str, int, str]]:
    """(url, status, html) of every page reached from the home page, and of ``extra``."""
    queue, seen, shapes = deque(["/", *extra]), set(), dict[str, int]()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = _shape(urlsplit(url).path)
        shapes[shape] = shapes.get(shape, 0) + 1
        if shapes[shape] > PER_SHAPE and url not in extra:
            continue
        r = c.get(url)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        yield url, r.status_code, r.text
        for link in _read(r.text)[1]:
            parts = urlsplit(link)
            if link.startswith("/") and not parts.path.startswith(("/static", "/assets", "/api")) \
                    and "export" not in parts.path and "lang=" not in (parts.query or "") \
                    and not parts.path.endswith((".xlsx", ".csv", ".yaml", ".png")):
                queue.append(link)


def _actions(sign_in: SignIn) -> dict[str, list[str]]:
    """Pages only an action reaches, by role: a job's report with row errors."""
    clerk = sign_in("clerk")
    r = clerk.post("/imports", data={"department": "tax", "year": "2021",
                                     "csrf_token": clerk.headers["X-CSRF-Token"]},
                   files={"file": ("tax-2021.csv", UPLOAD, "text/csv")}, follow_redirects=False)
    job = wait_job(clerk, submitted(r))
    return {"clerk": [job["page"]]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(sign_in: SignIn, engine: Engine, lang: str) -> None:
    data, raw = _data(engine), _raw_keys()
    extra = _actions(sign_in)
    found: dict[str, list[str]] = {}
    for role in ROLES:
        c = sign_in(role)
        c.cookies.set("lang", lang)
        pages = list(_crawl(c, [*extra.get(role, []), "/no-such-page", "/enterprises?year="]))
        assert len(pages) > 3, role
        if role == "admin":
            r = c.post("/runs/2/finalize", data={"csrf_token": c.headers["X-CSRF-Token"]})
            pages.append(("POST /runs/2/finalize", r.status_code, r.text))
            r = c.post("/cockpit", data={"csrf_token": c.headers["X-CSRF-Token"]})
            pages.append(("POST /cockpit", r.status_code, r.text))
        for url, status, html in pages:
            problems = _problems(_read(html)[0], lang, data, raw)
            if problems:
                found[f"{role} {url} ({status})"] = sorted(set(problems))
    assert not found, "\n".join(f"{page}: {', '.join(p)}" for page, p in found.items())
