"""Reproducing a stored record (a run, a 达产复核) from its frozen inputs and policy: the rows
recomputed now must equal the rows stored then, field for field (docs/store.md)."""

from __future__ import annotations

from typing import Any


def row_mismatches(stored: list[dict[str, Any]], recomputed: list[dict[str, Any]],
                   key: str) -> list[str]:
    """Each difference between the stored and the recomputed rows, in order: a row named by its
    position and ``key`` (the credit code, the parcel), with at most five of its fields."""
    found: list[str] = []
    if len(recomputed) != len(stored):
        found.append(f"{len(stored)} stored rows, {len(recomputed)} recomputed")
    for i, (new, old) in enumerate(zip(recomputed, stored, strict=False)):
        if new != old:
            keys = sorted(k for k in set(new) | set(old) if new.get(k) != old.get(k))
            found.append(f"row {i} ({old.get(key)}): " + ", ".join(
                f"{k} stored {old.get(k)!r} recomputed {new.get(k)!r}" for k in keys[:5]))
    return found
