"""Shared helpers for the io tests (no package: a `tests/io` package would shadow the stdlib io)."""

from __future__ import annotations

from pathlib import Path

from mujun.io.problems import Problem

GOLDEN = Path(__file__).parent / "golden"

A = "91331124MA2A00010Q"
B = "91331124MA2A00020R"
C = "91331124MA2A00030T"
D = "91331124MA2A00040U"
E = "91331124MA2A00050W"

NOT_A_NUMBER = "不是数字 (not a number)"
NEGATIVE = "负数，此项应 ≥ 0，已保留 (negative value in a field that must be ≥ 0, kept)"
UNKNOWN_COLUMN = "未知的列，已忽略 (unknown column, ignored)"


def golden(name: str) -> Path:
    return GOLDEN / name


def as_tuples(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str | None, str]]:
    """``(severity, line, column, value, reason)`` — everything but the file, which is the path."""
    return [(p.severity, p.line, p.column, p.value, p.reason) for p in problems]
