"""Every policy-check message of the broken-file cases reads in Chinese on the pages, with the
values it quotes kept as found."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mujun.engine.policy_messages import FORMS, in_chinese

BROKEN = Path(__file__).parent / "broken"
MESSAGES = sorted({line.split(": ", 1)[1] for path in BROKEN.glob("*.expected")
                   for line in path.read_text(encoding="utf-8").splitlines() if ": " in line})


def test_the_cases_have_messages() -> None:
    assert len(MESSAGES) > 20


#: the words of the English forms: none may be left in a Chinese message, but for the keys
#: and literals a Chinese message names as the file writes them
FILLER = {w for en, _zh in FORMS for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`|\{\w+\}",
                                                                            " ", en))} - {
    "name", "value", "true", "false", "null", "YAML", "UTF"}


@pytest.mark.parametrize("message", MESSAGES)
def test_message_reads_in_chinese(message: str) -> None:
    zh = in_chinese(message)
    assert zh != message and re.search(r"[\u4e00-\u9fff]", zh)
    if message.startswith("not valid YAML"):
        return  # PyYAML's own account of what it found is quoted as it is
    # what is left in Latin letters is what the file said: quoted values, keys, numbers
    said = re.sub(r"'[^']*'|`[^`]*`|[a-z0-9_]+(?:, [a-z0-9_]+)+", " ", zh)
    assert sorted(set(re.findall(r"[A-Za-z]{2,}", said)) & FILLER) == []


def test_an_unknown_message_is_shown_as_written() -> None:
    assert in_chinese("something new") == "something new"


def test_values_are_named_in_chinese() -> None:
    assert in_chinese("expected a mapping (key: value), got a list") == (
        "应为映射（键: 值），实际为 列表")
    assert in_chinese("expected 'percentile' or 'threshold', got 'ranking'") == (
        "应为 'percentile' 或 'threshold'，实际为 'ranking'")
