"""Odd input files through the whole path: mujun.io reader → engine → mujun.io.write_results (CSV).

The expected CSV files beside the inputs are written by hand (golden/*.expected.csv), for the small
policy golden/policy.yaml (one indicator, tax_per_mu with weight 100, in each group), year 2024.

chinese_headers.csv — Chinese headers, CRLF, blank cells, a lower-case code with spaces, a number
with a thousands separator, dates in three spellings, 是/1/否/Y booleans; with incidents.csv
(Chinese headers, a lower-case code, a Chinese type label, an incident of the year before):
  above: 甲 3 亩 tax 6 (x 2), 乙 6 亩 leased in, tax 3 (x 0.5), 戊 3 亩 no tax
         b = (6 + 3) / (3 + 6) = 1; 甲 r 2 → 200 + high_tech 5 = 205; 乙 r 0.5 → 50;
         戊 r 0 → 0 − env_penalty 5 → max(0, −5) = 0 (the 2023 incident of 甲 is ignored)
         N = 3: ranks 1, 2, 3 → 1/3 B, 2/3 B, 3/3 D; A and C empty → no upgrade path
         甲 land tax 2000 × 3 / 10000 = 0.6, B share 0.5 → 0.3; 乙 owns no land → 0
         low efficiency: 甲 2 is not < 2, class B → false; 乙 0.5 < 2; 戊 class D
  丙 below-scale, started 2024-03-01 → new
  丁 below-scale 6 亩, no tax: b undefined (no usable data) → empty, r = 0; N = 1 → D;
         water 2000 t × 1.0 / 10000 = 0.2
title_row.xlsx — a merged title row and a blank row above the header, a blank data row, a real
date and a datetime cell, a text date, a lower-case code, "2,000" as text:
  above: 己 6 亩 tax 15 (x 2.5), 乙 3 亩 tax 3 (x 1, started exactly 2024-01-01: not new)
         b = 18 / 9 = 2; r 1.25 → 125, 0.5 → 50; N = 2 → 1/2 B, 2/2 D
         己 land tax 4000 × 3 / 10000 = 1.2 × 0.5 = 0.6
  below: 甲 3 亩 tax 1.5 (x 0.5), alone: b = 0.5, r = 1 → 100; N = 1 → D
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mujun.engine.evaluate import evaluate
from mujun.io import read_enterprises, read_incidents, write_results
from mujun.io.policy_files import load_policy

GOLDEN = Path(__file__).parent / "golden"
YEAR = 2024


@pytest.mark.parametrize(
    ("source", "incidents"),
    [("chinese_headers.csv", "incidents.csv"), ("title_row.xlsx", None)],
)
def test_evaluation_output_matches_golden_file(tmp_path: Path, source: str,
                                               incidents: str | None) -> None:
    data = read_enterprises(GOLDEN / source)
    assert data.errors == []
    inc = read_incidents(GOLDEN / incidents) if incidents else None
    if inc is not None:
        assert inc.errors == []
    policy = load_policy(GOLDEN / "policy.yaml")
    result = evaluate(data.table, inc.table if inc else None, policy, YEAR)
    out = write_results(result.table, tmp_path / "out.csv")
    expected = (GOLDEN / f"{Path(source).stem}.expected.csv").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").splitlines() == expected.splitlines()
