"""What an import answers (``services/imports`` for the department figures,
``services/land/parcel_import`` for the land department's parcels, ``services/monitoring/readings``
for the power department's monthly readings): the problems, what was written
and the values that change stored ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from mujun.engine.fields import FIELD_BY_KEY
from mujun.engine.texts import N_
from mujun.io.problems import HasProblems, Problem
from mujun.services.errors import InvalidInput
from mujun.services.labels import LABELS
from mujun.services.values import Value

#: the header of a monthly power reading's change (its month is shown beside it)
POWER_KWH_HEADER = N_("月度用电量(千瓦时)")

#: phase, done, total — the command line draws a progress bar from it
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ValueChange:
    """A file value that differs from the stored one, and which import set the stored one."""

    #: the enterprise's credit code, or the parcel's id for a parcel's value
    uscc: str
    name: str | None
    line: int
    field: str
    old: Value
    new: Value
    #: the import that set the stored value; None when an edit (or an appeal) set it
    import_id: int | None
    import_file: str | None
    #: a parcel's value (land.md §1 key in ``field``) rather than an enterprise's figure
    parcel: bool = False
    #: a monthly power reading's month (``field`` "kwh", docs/monitoring.md)
    month: date | None = None

    @property
    def header(self) -> str:
        if self.month is not None:
            return POWER_KWH_HEADER
        if self.parcel:
            return LABELS["parcel_field"].get(self.field, self.field)
        return FIELD_BY_KEY[self.field].header_zh


@dataclass
class ImportResult(HasProblems):
    department: str
    year: int
    file: str
    sha256: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False
    batch_id: int | None = None
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    enterprises_created: int = 0
    incidents_added: int = 0
    #: always 0: an import never removes an incident (kept for the API and the ``imports`` table)
    incidents_removed: int = 0
    #: the values that differ from the stored ones (applied only with ``accept_changes``)
    changes: list[ValueChange] = field(default_factory=list)
    reason: str | None = None
    #: ``figures`` (a department's annual figures and incidents) or ``parcels``
    kind: str = "figures"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def waiting(self) -> bool:
        """The file is valid but changes stored values: nothing written until they are accepted."""
        return self.ok and bool(self.changes) and not self.applied


def change_reason(accept_changes: bool, reason: str | None) -> str | None:
    """The reason an import's changes are accepted with, tidied: required when ``accept_changes``,
    at most 500 characters (docs/store.md, "Import semantics")."""
    reason = (reason or "").strip() or None
    if accept_changes and reason is None:
        raise InvalidInput(N_("确认修改需要填写原因"))
    if reason is not None and len(reason) > 500:
        raise InvalidInput(N_("原因不能超过 500 个字符"))
    return reason
