"""Hypothesis profiles for the whole suite (tests/hypothesis_profiles.py), and the order the
tests start in (tests/ordering.py)."""

from __future__ import annotations

import pytest
from hypothesis import settings
from tests.hypothesis_profiles import PROFILE
from tests.ordering import longest_first

# no deadline: a shared two-core machine makes single examples slow at times, which is not a bug
settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("long", deadline=None, print_blob=True)
settings.load_profile(PROFILE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    longest_first(items)  # type: ignore[arg-type]
