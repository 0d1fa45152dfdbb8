"""The evaluation compiled once: the DuckDB SQL of ``engine/query.py`` for a policy and a year.

Building the ibis expressions and compiling them costs far more than running them on a county
(and importing ibis costs a second), so the SQL statements are kept per policy hash, year and
input schema: in memory for the process, and on disk (``plans/`` in the cache folder) for the
next process. The on-disk key also holds a digest of the engine's source and the versions of
ibis and DuckDB, so a changed rule never runs stale SQL. The SQL reads the input tables by fixed
names (``ENTERPRISES``, ``INCIDENTS``, then ``SCORES``); ``engine/embedded.py`` runs it.

The same cache keeps the monitoring rules' SQL (``engine/monitoring/plan.py``): :func:`kept`
takes a key made by :func:`cache_key` and the functions that compile a plan and turn it into JSON
and back.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pyarrow as pa

from mujun.engine.policy import Policy, policy_hash
from mujun.engine.tables import RANK_COLUMNS

if TYPE_CHECKING:
    import ibis.expr.types as ir

ENTERPRISES = "mujun_enterprises"
INCIDENTS = "mujun_incidents"
SCORES = "mujun_scores"
#: plans kept in memory (a web process sees a few policies and years)
MEMORY_PLANS = 32
#: the cache folder; empty turns the plans on disk off
CACHE_ENV = "MUJUN_CACHE_DIR"
_FORMAT = 1


@dataclass(frozen=True)
class Step:
    """``CREATE TEMPORARY TABLE name AS sql``; ``in_order`` runs it on one thread."""

    name: str
    sql: str
    in_order: bool = False


@dataclass(frozen=True)
class Plan:
    #: the benchmark and incident tables, before the wide query (none when they are inlined)
    prelude: tuple[Step, ...]
    wide_sql: str
    wide_schema: pa.Schema
    #: input columns laid beside the wide result, with their types there
    passed_schema: pa.Schema
    #: the narrow columns registered as ``SCORES`` for the class query
    inputs: tuple[str, ...]
    wide: tuple[str, ...]
    #: the rank table, before the class query (none when it is inlined)
    middle: tuple[Step, ...]
    classes_sql: str
    classes_schema: pa.Schema
    #: the incident effects of the rows that have any (``query.incident_rows``), laid beside
    #: ``SCORES`` by position before the rank table; empty: joined by the queries
    effects_sql: str = ""
    #: the rank table whose ``_row``, ``_rank`` and ``_n`` are laid beside ``SCORES`` by
    #: position before the class query (``query.class_query``'s ``placed``), then dropped (the
    #: lowest scores held, read from it, are a table of their own); empty: joined
    ranks: str = ""
    #: the key it is kept under (policy hash, year, input schemas, engine source)
    key: str = ""


_memory: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()
T = TypeVar("T")


def plan_for(
    policy: Policy,
    year: int,
    enterprises: pa.Schema,
    incidents: pa.Schema,
    *,
    inline_stages: bool = False,
) -> Plan:
    """The compiled plan: from memory, else from disk, else compiled (and kept in both)."""
    key = cache_key("inline stages" if inline_stages else "staged", policy_hash(policy),
                    str(year), schema_text(enterprises), schema_text(incidents))
    return kept(
        key,
        lambda: dataclasses.replace(
            compile_plan(policy, year, enterprises, incidents, inline_stages=inline_stages),
            key=key),
        _plan_json, _plan_of_json,
    )


def kept(key: str, compile_: Callable[[], T], to_json: Callable[[T], dict[str, Any]],
         of_json: Callable[[dict[str, Any]], T]) -> T:
    """The plan kept under ``key`` (made by :func:`cache_key`): from memory, else from disk
    (``of_json`` of the stored JSON), else ``compile_()`` (and kept in both, on disk as
    ``to_json`` of it). A stored plan that cannot be read is compiled again."""
    with _lock:
        found = _memory.get(key)
        if found is not None:
            _memory.move_to_end(key)
            return found
    stored = _read(key)
    plan: T | None = None
    if stored is not None:
        try:
            plan = of_json(stored)
        except (ValueError, TypeError, KeyError, pa.ArrowException):
            plan = None
    if plan is None:
        plan = compile_()
        _write(key, to_json(plan))
    with _lock:
        _memory[key] = plan
        while len(_memory) > MEMORY_PLANS:
            _memory.popitem(last=False)
    return plan


def compile_plan(
    policy: Policy,
    year: int,
    enterprises: pa.Schema,
    incidents: pa.Schema,
    *,
    inline_stages: bool = False,
) -> Plan:
    """Build the queries of ``engine/query.py`` on the named tables and compile them for DuckDB.

    ``inline_stages``: the benchmark, incident and rank tables are common table expressions of
    the statements that read them rather than tables of their own (DuckDB materialises one that
    is read twice, as the ranked rows of the class query, and inlines the others). Only for a
    connection on one thread (the benchmark sums must add the rows in input order,
    ``Step.in_order``): ``engine/prepared.py``, where writing a table costs more than the query
    that fills it (DuckDB allocates each column's storage) and one statement less saves its
    fixed cost."""
    import ibis

    from mujun.engine import query

    steps: list[Step] = []
    names = iter(range(1 << 30))

    def stage(expr: ir.Table, *, in_order: bool = False) -> ir.Table:
        if inline_stages:
            return expr.alias(f"mujun_stage_{next(names)}")
        name = f"mujun_stage_{next(names)}"
        steps.append(Step(name, _sql(expr), in_order))
        return ibis.table(expr.schema(), name=name)

    ent = ibis.table(ibis.Schema.from_pyarrow(enterprises), name=ENTERPRISES)
    inc = ibis.table(ibis.Schema.from_pyarrow(incidents), name=INCIDENTS)
    wide = query.wide_query(ent, inc, policy, year, stage)
    prelude = tuple(steps)
    steps.clear()
    narrow = ibis.table(wide.inputs_schema, name=SCORES)
    effects: ir.Table | None = wide.effects
    placed = None
    effects_sql = ""
    if not inline_stages:  # the incident effects and the ranks laid beside the rows
        effects_sql = _sql(query.incident_rows(narrow, wide.effects))
        columns = {**dict(wide.inputs_schema.items()),
                   **{c: t for c, t in wide.effects.schema().items() if c != "uscc"}}
        narrow = ibis.table(ibis.schema(columns), name=SCORES)
        placed = ibis.table(
            ibis.schema({**columns, **dict.fromkeys(RANK_COLUMNS, "int64")}), name=SCORES)
        effects = None
    classes = query.class_query(narrow, effects, policy, stage, placed)
    return Plan(
        prelude=prelude,
        wide_sql=_sql(wide.expr),
        wide_schema=wide.expr.schema().to_pyarrow(),
        passed_schema=wide.passed_schema.to_pyarrow(),
        inputs=tuple(wide.inputs),
        wide=tuple(wide.wide),
        middle=tuple(steps),
        classes_sql=_sql(classes),
        classes_schema=classes.schema().to_pyarrow(),
        effects_sql=effects_sql,
        ranks="" if inline_stages else steps[0].name,
    )


def _sql(expr: ir.Table) -> str:
    import ibis

    return str(ibis.to_sql(expr, dialect="duckdb"))


# --- keys and the plans on disk ---------------------------------------------------------------


def cache_key(*parts: str) -> str:
    """The key of a plan compiled from ``parts`` (what it depends on: the rules, the input
    schema …), the cache's format and the engine's source and compiler versions."""
    return hashlib.sha256("\n".join([str(_FORMAT), *parts, _code_digest()]).encode()).hexdigest()


def schema_text(schema: pa.Schema) -> str:
    return base64.b64encode(schema.serialize().to_pybytes()).decode()


def read_schema(text: str) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


@cache
def _code_digest() -> str:
    """The engine's source (the rules, the monitoring rules and the compilers, every module of
    ``engine/``) and the compiler's versions."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for package in ("ibis-framework", "duckdb"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package} {metadata.version(package)}".encode())
    return digest.hexdigest()


def cache_folder() -> Path | None:
    """``$MUJUN_CACHE_DIR``, else ``$XDG_CACHE_HOME/mujun``, else ``~/.cache/mujun``."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mujun"


def _path(key: str) -> Path | None:
    folder = cache_folder()
    return None if folder is None else folder / "plans" / f"{key}.json"


_SCHEMAS = ("wide_schema", "passed_schema", "classes_schema")


def _plan_json(plan: Plan) -> dict[str, Any]:
    data = asdict(plan)
    for name in _SCHEMAS:
        data[name] = schema_text(getattr(plan, name))
    return data


def _plan_of_json(data: dict[str, Any]) -> Plan:
    for name in _SCHEMAS:
        data[name] = read_schema(data[name])
    for name in ("prelude", "middle"):
        data[name] = tuple(Step(**s) for s in data[name])
    for name in ("inputs", "wide"):
        data[name] = tuple(data[name])
    return Plan(**data)


def _read(key: str) -> dict[str, Any] | None:
    """The JSON stored under ``key``; None when there is none or it cannot be read."""
    path = _path(key)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write(key: str, data: dict[str, Any]) -> None:
    """Store a plan's JSON for the next process (written whole, then renamed into place); a
    folder that cannot be written is passed over."""
    path = _path(key)
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
