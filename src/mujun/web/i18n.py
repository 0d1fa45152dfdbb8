"""Chinese by default, English on request: every text is written in Chinese where it is defined
(templates, ``N_`` in Python) and ``_()`` looks its English up in the gettext catalogue
``mujun/locale/en/LC_MESSAGES/messages.po``, read with Babel at start-up (docs/translations.md).
Keyed labels (``above``, ``tax``, ``notice`` …) become Chinese through ``services.labels`` first, so
the catalogue's msgids are always the Chinese text."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from mujun.engine.labels import translate_unit
from mujun.engine.policy_messages import in_chinese
from mujun.engine.texts import N_
from mujun.io.number_formats import exact
from mujun.io.problems import split_gloss
from mujun.services.labels import label_zh

LANGS = ("zh", "en")
DOMAIN = "messages"


def catalogue_path(lang: str) -> str:
    return str(files("mujun") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


@cache
def _translations(lang: str) -> NullTranslations:
    if lang == "zh":  # the texts are written in Chinese
        return NullTranslations()
    with open(catalogue_path(lang), "rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog)  # fuzzy and empty entries are left out: they show the Chinese
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


class Translator:
    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else "zh"
        self._t = _translations(self.lang)

    def __call__(self, text: str) -> str:
        return self._t.gettext(text)

    def label(self, kind: str, key: str | None) -> str:
        """The label of a key (``label("group", "above")`` → 规上工业企业 / Above scale)."""
        return self(label_zh(kind, key))

    def unit(self, unit: str | None) -> str:
        """A unit such as 万元/亩 in this language."""
        return translate_unit(unit, self) if unit else ""

    def problem(self, reason: str) -> str:
        """A located problem's reason (Chinese with an English gloss) in this language only."""
        zh, en = split_gloss(reason)
        return en if self.lang == "en" and en else zh

    def value(self, value: object) -> str:
        """A stored value as shown: yes/no for a flag, （空） for none."""
        if value is None:
            return self(N_("（空）"))
        if isinstance(value, bool):
            return self(N_("是")) if value else self(N_("否"))
        if isinstance(value, (int, float)):
            return exact(value)  # every digit, thousands separated (docs/numbers.md)
        return str(value)

    def policy(self, message: str) -> str:
        """A policy-check message (English as the engine writes it) in this language."""
        return in_chinese(message) if self.lang == "zh" else message

    def error(self, exc: Exception) -> str:
        """A service's refusal in this language (its message and ``%(name)s`` parameters)."""
        message = getattr(exc, "message", None)
        if not isinstance(message, str):
            return str(exc)
        params = getattr(exc, "params", None)
        return self(message) % params if params else self(message)

    @property
    def other(self) -> str:
        return "en" if self.lang == "zh" else "zh"
