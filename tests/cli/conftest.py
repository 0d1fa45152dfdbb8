from __future__ import annotations

from pathlib import Path

import pytest

from mujun.demo.generate import generate


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county of the default seed, as `mujun demo-data` writes it."""
    out = tmp_path_factory.mktemp("cli-demo") / "demo"
    generate(out)
    return out
