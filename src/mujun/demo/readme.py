"""The README.md written next to the demo files."""

from __future__ import annotations


def readme(seed: int, counts: dict[str, int]) -> str:
    return f"seed {seed}\n" + "".join(f"{k} {v}\n" for k, v in counts.items())
