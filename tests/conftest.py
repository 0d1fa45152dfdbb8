"""Hypothesis profiles for the whole suite (tests/hypothesis_profiles.py)."""

from __future__ import annotations

from hypothesis import settings
from tests.hypothesis_profiles import PROFILE

# no deadline: a shared two-core machine makes single examples slow at times, which is not a bug
settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("long", deadline=None, print_blob=True)
settings.load_profile(PROFILE)
