"""What the imports page reads: the departments a user reaches, their templates, the history, and
the preview of the changes a file would make (values differing from the stored ones).

The import itself is ``services.imports.import_file`` (the store's); this module only reads, with
the same scope: an admin every department, a clerk its own department and its own imports.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.io.parcel_template import write_parcel_template
from mujun.io.power_template import write_power_template
from mujun.services import access
from mujun.services.access import Action
from mujun.services.departments import DEPARTMENTS, write_department_template
from mujun.services.errors import NotFound
from mujun.services.imports import ImportResult
from mujun.services.list_query import ListQuery, Page, page_fields, sql_rows
from mujun.services.values import jsonable
from mujun.store.models import ImportBatch, Role, User


class DepartmentPublic(BaseModel):
    code: str
    name_zh: str
    fields: list[str]
    incident_types: list[str]


class ImportBatchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    department: str
    year: int
    file_name: str
    file_sha256: str
    rows: int
    inserted: int
    updated: int
    enterprises_created: int
    incidents_added: int
    incidents_removed: int
    at: datetime


def departments(*, actor: User) -> list[DepartmentPublic]:
    access.require(actor, Action.IMPORTS)
    return [DepartmentPublic(code=d.code, name_zh=d.name_zh, fields=list(d.fields),
                             incident_types=list(d.incident_types))
            for d in DEPARTMENTS.values() if access.may_import_department(actor, d.code)]


def template(*, actor: User, department: str, year: int | None = None) -> bytes:
    """The department's .xlsx template (NotFound for a department the user does not reach)."""
    access.require(actor, Action.IMPORTS)
    dept = DEPARTMENTS.get(department)
    if dept is None or not access.may_import_department(actor, department):
        raise NotFound(N_("没有您可导入的部门 %(department)s"), department=department)
    with tempfile.TemporaryDirectory(prefix="mujun-template-") as tmp:
        path = Path(tmp) / "template.xlsx"
        write_department_template(path, dept, year)
        return path.read_bytes()


def parcel_template(*, actor: User) -> bytes:
    """The land department's parcels template (NotFound for whoever does not import its data)."""
    access.require(actor, Action.IMPORTS)
    if not access.may_import_department(actor, "land"):
        raise NotFound(N_("没有您可导入的部门 %(department)s"), department="land")
    with tempfile.TemporaryDirectory(prefix="mujun-template-") as tmp:
        return write_parcel_template(Path(tmp) / "parcels.xlsx").read_bytes()


def power_template(*, actor: User) -> bytes:
    """The power department's template of monthly readings (NotFound for whoever does not
    import them: docs/monitoring.md, "In the store")."""
    access.require(actor, Action.POWER_IMPORT)
    if not access.may_import_power(actor):
        raise NotFound(N_("没有您可导入的部门 %(department)s"), department="power")
    with tempfile.TemporaryDirectory(prefix="mujun-template-") as tmp:
        return write_power_template(Path(tmp) / "power-monthly.xlsx").read_bytes()


class ImportQuery(ListQuery):
    """The imports list: newest first by default."""

    SORTS: ClassVar[tuple[str, ...]] = ("at", "department", "year", "rows", "file")
    DEFAULT_SORT: ClassVar[str] = "-at"

    department: str | None = Field(default=None, max_length=16)
    year: int | None = Field(default=None, ge=1990, le=2100)


def history(*, session: Session, actor: User, filters: ImportQuery | None = None,
            paged: bool = True) -> Page[ImportBatchPublic]:
    """Applied imports, newest first: an admin sees all, a clerk its own."""
    access.require(actor, Action.IMPORTS)
    f = filters or ImportQuery()
    query = select(ImportBatch)
    if actor.role != Role.ADMIN:
        query = query.where(ImportBatch.actor_id == actor.id)
    if f.department:
        query = query.where(ImportBatch.department == f.department)
    if f.year is not None:
        query = query.where(ImportBatch.year == f.year)
    column = {"at": ImportBatch.id, "department": ImportBatch.department,
              "year": ImportBatch.year, "rows": ImportBatch.rows,
              "file": ImportBatch.file_name}[f.sort_key]
    order = column.desc() if f.descending else column.asc()
    total, rows = sql_rows(session, query.order_by(order, ImportBatch.id.desc()), f, paged=paged)
    return Page[ImportBatchPublic](items=[ImportBatchPublic.model_validate(b) for (b,) in rows],
                                   **page_fields(f, total, paged))


class ValueChangePublic(BaseModel):
    """One changed value of an import, as the preview shows it (stored → new, who set it)."""

    line: int
    uscc: str
    name: str | None
    field: str
    header: str
    old: Any
    new: Any
    import_id: int | None
    import_file: str | None
    #: a parcel's value: ``uscc`` holds the parcel id
    parcel: bool = False


def change_preview(result: ImportResult) -> list[ValueChangePublic]:
    """Every value the file changes; the page asks to confirm them with a reason."""
    return [ValueChangePublic(line=c.line, uscc=c.uscc, name=c.name, field=c.field,
                              header=c.header, old=jsonable(c.old), new=jsonable(c.new),
                              import_id=c.import_id, import_file=c.import_file,
                              parcel=c.parcel)
            for c in result.changes]
