from __future__ import annotations

from pathlib import Path

import pytest

from mujun.demo.generate import generate

OTHER_SEED = 7


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county of the default seed, written once for all tests."""
    out = tmp_path_factory.mktemp("demo") / "songyang"
    generate(out)
    return out


@pytest.fixture(scope="session")
def other_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / f"seed-{OTHER_SEED}"
    generate(out, OTHER_SEED)
    return out
