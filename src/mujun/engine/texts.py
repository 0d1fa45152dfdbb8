"""Marking texts for the translation catalogue (docs/translations.md).

Every text a person reads is written in Chinese where it is defined; ``N_`` marks it so that
Babel's extraction finds it, and the page translates it where it is shown.
"""

from __future__ import annotations


def N_(text: str) -> str:
    return text
