"""A benchmark script's Markdown replaces only its own generated part of docs/benchmarks.md
(bench/run.py ``write_docs``): hand-written measurements under the same title stay."""

from __future__ import annotations

from pathlib import Path

from bench.run import generated_markers, write_docs

TITLE = "## Monitoring"


def test_the_generated_part_is_replaced_and_the_hand_written_notes_stay(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## Monitoring\n\n### By hand, before\n\nkept 1\n\n"
                    "## Store\n\nkept 2\n", encoding="utf-8")
    write_docs(f"{TITLE}\n\nfirst run\n", docs, TITLE)
    write_docs(f"{TITLE}\n\nsecond run\n", docs, TITLE)
    text = docs.read_text(encoding="utf-8")
    start, end = generated_markers(TITLE)
    assert text.count(start) == 1 and text.count(end) == 1
    assert "first run" not in text
    assert text.index(TITLE) < text.index("second run") < text.index("### By hand, before")
    assert "kept 1" in text and text.endswith("## Store\n\nkept 2\n")


def test_a_new_section_is_added_at_the_end(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## Store\n\nkept\n", encoding="utf-8")
    write_docs("## Runs\n\nfigures\n", docs, "## Runs")
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## Store\n\nkept\n\n## Runs\n\n<!-- generated")
    assert "figures" in text
