"""How many examples each Hypothesis property tries (docs/testing.md, "Property runs").

Each property states the number it tries in the suite, ``examples(n)``: the ``ci`` profile (the
default, what ``bash scripts/test`` and CI run) keeps it, so the whole suite stays within its
time; the ``long`` profile (``HYPOTHESIS_PROFILE=long``) multiplies it by ``LONG_FACTOR`` for a
search that may take an hour. The profiles are registered in ``tests/conftest.py``.
"""

from __future__ import annotations

import os

LONG_FACTOR = 20
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "long"):
    raise SystemExit(f"HYPOTHESIS_PROFILE={PROFILE!r}: use 'ci' (the default) or 'long'")


def examples(n: int) -> int:
    """``n`` examples in CI, ``LONG_FACTOR`` times as many in the long profile."""
    return n * LONG_FACTOR if PROFILE == "long" else n
