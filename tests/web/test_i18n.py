"""The English catalogue holds exactly the texts the code marks: Babel extracts every ``_()`` of
the templates and every ``_()``/``N_()`` of the Python code (``babel.cfg``), as ``pybabel
extract`` does; a text without its English, or an English nobody uses, fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from mujun.services.labels import LABELS
from mujun.store.models import User
from mujun.web.i18n import Translator, catalogue_path
from mujun.web.nav import nav_for

ROOT = Path(__file__).parents[2]
KEYWORDS = {"_": None, "N_": None}


def _extracted() -> dict[str, list[str]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, list[str]] = {}
    for filename, line, msgid, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        assert isinstance(msgid, str), f"{filename}:{line}: plural forms are not used"
        found.setdefault(msgid, []).append(f"{filename}:{line}")
    return found


def _catalogue() -> dict[str, str]:
    with open(catalogue_path("en"), "rb") as po:
        catalog = read_po(po)
    return {m.id: m.string for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    return _extracted()


def test_extraction_finds_templates_and_python(extracted: dict[str, list[str]]) -> None:
    places = {p.rsplit(":", 1)[0] for ps in extracted.values() for p in ps}
    assert "src/mujun/web/templates/base.html" in places
    assert "src/mujun/web/nav.py" in places and "src/mujun/services/labels.py" in places


def test_every_marked_text_has_english(extracted: dict[str, list[str]]) -> None:
    catalogue = _catalogue()
    missing = {t: where for t, where in extracted.items() if not catalogue.get(t)}
    assert missing == {}


def test_catalogue_has_no_unused_text(extracted: dict[str, list[str]]) -> None:
    assert sorted(set(_catalogue()) - set(extracted)) == []


def test_catalogue_is_sorted_with_one_entry_per_text() -> None:
    text = Path(catalogue_path("en")).read_text(encoding="utf-8")
    with open(catalogue_path("en"), "rb") as po:
        ids = [m.id for m in read_po(po) if m.id]
    assert ids == sorted(ids)
    assert len(re.findall(r"^msgid ", text, re.MULTILINE)) == len(ids)


def test_every_label_has_english() -> None:
    en = Translator("en")
    untranslated = {(kind, key): zh for kind, labels in LABELS.items()
                    for key, zh in labels.items() if en(zh) == zh}
    assert untranslated == {}


def test_translator_reads_the_catalogue() -> None:
    assert Translator("en")("驾驶舱") == "Cockpit" and Translator("zh")("驾驶舱") == "驾驶舱"
    assert Translator("en").label("group", "above") == "Above scale"
    assert Translator("zh").label("group", "above") == "规上工业企业"
    assert Translator("zh").label("department", "env") == "生态环境"
    assert Translator("xx").lang == "zh"


def test_nav_labels_have_english() -> None:
    en = Translator("en")
    for role, extra in (("admin", {}), ("clerk", {"department": "tax"}),
                        ("officer", {"town": "x"}), ("enterprise", {"uscc": "x"}),
                        ("leader", {})):
        items = nav_for(User(username="u", role=role, active=True, **extra), "/")
        assert items and [i.label for i in items if en(i.label) == i.label] == []
