"""The README.md written next to the demo files.

Its file reference (``files.md`` beside this module) is also the file reference of
``docs/demo-data.md``; a test keeps the two equal.
"""

from __future__ import annotations

from importlib import resources


def file_reference() -> str:
    return resources.files("mujun.demo").joinpath("files.md").read_text(encoding="utf-8")


def readme(seed: int, counts: dict[str, int]) -> str:
    lines = "\n".join(f"| `{name}` | {n:,} |" for name, n in counts.items())
    return f"""\
# Demo county 松阳县 (331124), 2020–2025 — synthetic data

Written by `mujun demo-data --seed {seed}`; the same seed always writes the same bytes. Every figure
is invented: it looks like a county's industry (stainless-steel pipe as the pillar, tea processing
and tea machinery, equipment, new materials) but describes no real enterprise, parcel or person.
See `docs/demo-data.md` in the mujun repository for how it is generated.

| file | rows |
|---|---|
{lines}

{file_reference()}"""
