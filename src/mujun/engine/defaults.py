"""Defaults the command line names in its help: here, in a module that imports nothing, so that
``mujun --help`` does not load the engine (pydantic, ibis) to print them."""

from __future__ import annotations

#: the shipped policy used when none is given
DEFAULT_POLICY = "zhejiang-template"

#: the Spark master of ``--engine spark`` when none is given: Spark in this process
DEFAULT_SPARK_MASTER = "local[*]"
