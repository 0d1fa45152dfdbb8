"""The import rules against a plain-Python model of them (docs/store.md, "Import semantics").

A Hypothesis state machine applies random sequences of partial department files, repeated files,
blank cells, changes with and without acceptance, incident additions and withdrawals and value
removals to the store and to :class:`Model`, and after every step checks that the two agree: the
stored values, which import set each, the recorded changes, the incidents (withdrawn or not) and
the incidents a run created now would count. Runs on SQLite and PostgreSQL.

Bounded for CI (a few seconds per store). A longer run::

    MUJUN_MODEL_EXAMPLES=300 MUJUN_MODEL_STEPS=40 python -m pytest tests/store/test_import_model.py
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session
from store_helpers import make_uscc, write_csv, write_stats
from tests.hypothesis_profiles import examples

from mujun.services.figures import remove_figure
from mujun.services.imports import import_file
from mujun.services.incidents import withdraw_incident
from mujun.services.snapshot import assemble
from mujun.services.values import decode
from mujun.store.models import (
    AuditRecord,
    Enterprise,
    Figure,
    FigureChange,
    ImportBatch,
    Incident,
    User,
)

YEAR = 2024
CODES = [make_uscc(i) for i in range(3)]
HEADERS = {"tax_paid": "实缴税收(万元)", "land_use_tax_due": "城镇土地使用税应纳额(万元)",
           "emissions_t": "主要污染物排放当量(吨)", "high_tech": "高新技术企业"}
FIELDS = {"tax": ("tax_paid", "land_use_tax_due"), "env": ("emissions_t",),
          "stats": ("high_tech",)}
TYPES = {"tax": ("tax_serious",), "env": ("env_major", "env_penalty")}
VALUES = {"tax_paid": st.sampled_from([1.0, 2.5, 3.33]), "high_tech": st.booleans()}
#: a cell: a value, or None for a blank cell
def _cell(key: str) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), VALUES.get(key, VALUES["tax_paid"]))
Key = tuple[str, str]  # uscc, field
IncidentKey = tuple[str, str, date | None, str | None]  # uscc, type, date, note


@st.composite
def figure_files(draw: st.DrawFn) -> tuple[str, dict[str, dict[str, Any]]]:
    """A department and a partial file: some enterprises, every cell given or blank."""
    dept = draw(st.sampled_from(sorted(FIELDS)))
    codes = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=3))
    rows = {c: {f: draw(_cell(f)) for f in FIELDS[dept]} for c in codes}
    return dept, rows


@st.composite
def incident_files(draw: st.DrawFn) -> tuple[str, list[IncidentKey]]:
    dept = draw(st.sampled_from(sorted(TYPES)))
    rows = draw(st.lists(st.tuples(
        st.sampled_from(CODES), st.sampled_from(TYPES[dept]),
        st.sampled_from([None, date(2024, 3, 1), date(2024, 5, 2)]),
        st.sampled_from([None, "a"])), max_size=4))
    return dept, rows


@dataclass
class Model:
    """The rules, in plain Python."""

    values: dict[Key, Any] = field(default_factory=dict)
    set_by: dict[Key, int] = field(default_factory=dict)  # the import that set the value
    changes: list[tuple[str, str, Any, Any, str]] = field(default_factory=list)
    incidents: dict[IncidentKey, bool] = field(default_factory=dict)  # key → withdrawn

    def plan(self, rows: dict[str, dict[str, Any]]) -> tuple[list[Key], list[Any]]:
        inserts, changes = [], []
        for uscc, cells in rows.items():
            for key, value in cells.items():
                if value is None:
                    continue  # a blank cell is "not given"
                old = self.values.get((uscc, key))
                if old is None:
                    inserts.append((uscc, key))
                elif old != value:
                    changes.append((uscc, key, old, value, self.set_by[(uscc, key)]))
        return inserts, changes


def _figures_csv(path: Path, dept: str, rows: dict[str, dict[str, Any]]) -> Path:
    header = ["统一社会信用代码", *(HEADERS[f] for f in FIELDS[dept])]
    return write_csv(path, header, [[u, *(_written(v) for v in cells.values())]
                                    for u, cells in rows.items()])


def _written(value: float | bool | None) -> object:
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


def _incidents_csv(path: Path, rows: list[IncidentKey]) -> Path:
    return write_csv(path, ["统一社会信用代码", "年度", "类型", "日期", "说明"],
                     [[u, YEAR, t, d.isoformat() if d else "", n or ""] for u, t, d, n in rows])


def _machine(engine: Engine, admin: User, folder: Path) -> type[RuleBasedStateMachine]:
    counter = itertools.count()

    class ImportRules(RuleBasedStateMachine):
        files = Bundle("files")
        stored_incidents = Bundle("stored_incidents")

        def __init__(self) -> None:
            super().__init__()
            self.session = Session(engine, expire_on_commit=False)
            for model in (FigureChange, Incident, Figure, AuditRecord, ImportBatch):
                self.session.execute(delete(model))
            self.session.commit()
            self.model = Model()
            self.ids = {u: i for u, i in self.session.execute(select(Enterprise.uscc,
                                                                          Enterprise.id))}

        def teardown(self) -> None:
            self.session.close()

        def _import(self, dept: str, path: Path, rows: dict[str, dict[str, Any]],
                    accept: bool) -> None:
            inserts, changes = self.model.plan(rows)
            result = import_file(session=self.session, actor=admin, path=path,
                                 department_code=dept, year=YEAR, accept_changes=accept,
                                 reason="更正" if accept else None)
            self.session.commit()
            assert result.ok, result.errors
            got = [(c.uscc, c.field, c.old, c.new, c.import_id) for c in result.changes]
            assert sorted(got) == sorted(changes)
            writes = bool(inserts or changes)
            if changes and not accept:
                assert result.waiting and not result.applied
                return
            assert result.applied == writes
            assert (result.inserted, result.updated) == (len(inserts), len(changes))
            if not writes:
                return
            assert result.batch_id is not None
            for uscc, key in inserts:
                self.model.values[(uscc, key)] = rows[uscc][key]  # type: ignore[assignment]
                self.model.set_by[(uscc, key)] = result.batch_id
            for uscc, key, old, new, _ in changes:
                self.model.values[(uscc, key)] = new
                self.model.set_by[(uscc, key)] = result.batch_id
                self.model.changes.append((uscc, key, old, new, "import"))

        @rule(target=files, file=figure_files(), accept=st.booleans())
        def import_figures(self, file: tuple[str, dict[str, dict[str, Any]]],
                           accept: bool) -> tuple[str, dict[str, dict[str, Any]], Path]:
            dept, rows = file
            path = _figures_csv(folder / f"f{next(counter)}.csv", dept, rows)
            self._import(dept, path, rows, accept)
            return dept, rows, path

        @rule(file=files, accept=st.booleans())
        def import_again(self, file: tuple[str, dict[str, dict[str, Any]], Path],
                         accept: bool) -> None:
            dept, rows, path = file
            self._import(dept, path, rows, accept)

        @rule(target=stored_incidents, file=incident_files())
        def import_incidents(self, file: tuple[str, list[IncidentKey]]) -> Any:
            dept, rows = file
            path = _incidents_csv(folder / f"i{next(counter)}.csv", rows)
            new = [k for k in dict.fromkeys(rows) if k not in self.model.incidents]
            result = import_file(session=self.session, actor=admin, path=path,
                                 department_code=dept, year=YEAR)
            self.session.commit()
            assert result.ok, result.errors
            assert (result.applied, result.incidents_added) == (bool(new), len(new))
            for key in new:
                self.model.incidents[key] = False
            return multiple(*new)

        @rule(key=consumes(stored_incidents))
        def withdraw(self, key: IncidentKey) -> None:
            uscc, kind, day, note = key
            incident = self.session.scalars(select(Incident).where(
                Incident.enterprise_id == self.ids[uscc], Incident.type == kind,
                Incident.date.is_(None) if day is None else Incident.date == day,
                Incident.note.is_(None) if note is None else Incident.note == note)).one()
            withdraw_incident(session=self.session, actor=admin, incident_id=incident.id,
                              reason="撤销")
            self.session.commit()
            self.model.incidents[key] = True

        @rule(data=st.data())
        def remove(self, data: st.DataObject) -> None:
            if not self.model.values:
                return
            uscc, key = data.draw(st.sampled_from(sorted(self.model.values)))
            remove_figure(session=self.session, actor=admin, uscc=uscc, year=YEAR, field=key,
                          reason="错报")
            self.session.commit()
            old = self.model.values.pop((uscc, key))
            self.model.set_by.pop((uscc, key))
            self.model.changes.append((uscc, key, old, None, "remove"))

        @invariant()
        def store_matches_model(self) -> None:
            codes = {v: k for k, v in self.ids.items()}
            figures = {(codes[f.enterprise_id], f.field): (decode(f.field, f.value_num,
                                                                  f.value_text), f.import_id)
                       for f in self.session.scalars(select(Figure).where(Figure.year == YEAR))
                       if f.field in HEADERS}
            assert figures == {k: (v, self.model.set_by[k]) for k, v in self.model.values.items()}
            recorded = self.session.scalars(select(FigureChange).order_by(FigureChange.id))
            changes = [(codes[c.enterprise_id], c.field, decode(c.field, c.old_num, c.old_text),
                        decode(c.field, c.new_num, c.new_text), c.source) for c in recorded]
            assert changes == self.model.changes
            incidents = {(codes[i.enterprise_id], i.type, i.date, i.note):
                         i.withdrawn_at is not None for i in self.session.scalars(select(Incident))}
            assert incidents == self.model.incidents
            counted = assemble(self.session, YEAR).incidents
            assert sorted(zip(counted.column("uscc").to_pylist(),
                              counted.column("type").to_pylist(), strict=True)) == sorted(
                (u, t) for (u, t, _, _), gone in self.model.incidents.items() if not gone)

    return ImportRules


def test_imports_follow_the_model(engine: Engine, admin: User, tmp_path: Path) -> None:
    with Session(engine) as session:
        result = import_file(session=session, actor=admin, path=write_stats(tmp_path / "s.csv", 3),
                             department_code="stats", year=2023)  # the registry; another year
        session.commit()
        assert result.applied
    machine = _machine(engine, admin, tmp_path)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=int(os.environ.get("MUJUN_MODEL_EXAMPLES", examples(25))),
        stateful_step_count=int(os.environ.get("MUJUN_MODEL_STEPS", "12")),
        deadline=None, suppress_health_check=[HealthCheck.too_slow]))
