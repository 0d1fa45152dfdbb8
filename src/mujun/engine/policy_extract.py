"""Babel's extractor for the shipped policies (``babel.cfg``, docs/translations.md): the titles
of their groups and indicators are texts the pages show, so their English is in the catalogue.
A policy's own title is the county's document name and is shown as written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import yaml


def _titles(node: Any, top: bool) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "title" and isinstance(value, str) and not top:
                yield value
            else:
                yield from _titles(value, False)
    elif isinstance(node, list):
        for value in node:
            yield from _titles(value, False)


def extract(fileobj: BinaryIO, keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    document = yaml.safe_load(fileobj.read().decode("utf-8"))
    for title in _titles(document, True):
        yield 0, "N_", title, []
