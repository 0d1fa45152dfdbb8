"""Chinese by default, English on request: pages write their text in Chinese and ``_()`` looks the
English up here. A test checks that every text the templates use has its English."""

from __future__ import annotations

from mujun.web.messages_en import EN, ZH_KEYED

LANGS = ("zh", "en")


class Translator:
    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else "zh"

    def __call__(self, text: str) -> str:
        if self.lang == "zh":
            return ZH_KEYED.get(text, text)
        return EN.get(text, text)

    @property
    def other(self) -> str:
        return "en" if self.lang == "zh" else "zh"
