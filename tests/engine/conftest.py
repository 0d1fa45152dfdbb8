"""Spec cases as data: every ``cases/*.yaml`` file is collected, each of its cases is one test.

The case format is documented in ``cases/README.md``; ``case_runner`` turns a case into the
engine's inputs, runs ``mujun.engine.evaluate.evaluate`` and compares the §8 table with the
``expected`` cells worked out by hand in the case file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the property tests import the bench/rowwise.py reference
    sys.path.insert(0, str(ROOT))

from .case_runner import CaseMismatch, load_cases, run_case  # noqa: E402

CASES_DIR = Path(__file__).parent / "cases"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == CASES_DIR:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):  # type: ignore[override]
        for case in load_cases(self.path):
            item = CaseItem.from_parent(self, name=case["name"], case=case)
            if "xfail" in case:
                item.add_marker(pytest.mark.xfail(strict=True, reason=case["xfail"]))
            yield item


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        run_case(self.case, self.path)

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, CaseMismatch):
            return f"{self.path.name} :: {self.name}\n{self.case['description']}\n{excinfo.value}"
        if isinstance(excinfo.value, yaml.YAMLError):
            return f"{self.path.name}: not valid YAML: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):  # type: ignore[override]
        return self.path, None, f"{self.path.name}::{self.name}"


#: the test JVM compiles with the quick compiler only and collects with one thread: the parity
#: tests run a few minutes at most, where the optimising compiler's threads cost more than they
#: give back (the demo county's parity: 42 → 20 s of JVM CPU). The results are the same: the
#: compiler does not change Java's arithmetic (docs/testing.md, "Keeping the suite quick")
TEST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="session")
def spark_backend():
    """One local Spark (two cores) for every Spark test of the session; skipped without the
    'spark' extra."""
    pytest.importorskip("pyspark")
    from mujun.engine import backends

    backend = backends.spark("local[2]", **{"spark.driver.extraJavaOptions": TEST_JVM})
    yield backend
    backend._session.stop()
