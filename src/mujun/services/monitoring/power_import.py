"""The power department's monthly import from the web's imports page (docs/monitoring.md "In the
web"): the upload is written to a private temporary file and given to ``readings.import_readings``
(which stores the readings and monitors the new months); what it did, or the problems that refused
the file, come back in the words the page shows."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.io.problems import Problem
from mujun.services import access
from mujun.services.monitoring.readings import import_readings
from mujun.services.monitoring.views import month_text
from mujun.services.uploads import display_name, safe_file_name
from mujun.store.models import User

#: problems listed on the page (as an import job's page lists them)
SHOWN_PROBLEMS = 200


def may_import(user: User) -> bool:
    """The admin and the power department's clerks (the imports page offers them the form)."""
    return access.may_import_power(user)


class MonthDone(BaseModel):
    month: str
    counts: dict[str, int]
    opened: int
    closed: int


@dataclass
class PowerUpload:
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    #: the months with a reading inserted or changed
    months: list[str] = field(default_factory=list)
    #: the months monitored after the readings were stored
    monitored: list[MonthDone] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def upload(*, session: Session, actor: User, data: bytes, file_name: str | None,
           now: datetime | None = None) -> PowerUpload:
    """Import the uploaded file's readings (all or nothing); the caller commits when ``ok``."""
    shown = display_name(file_name)
    with tempfile.TemporaryDirectory(prefix="mujun-power-") as tmp:
        path = Path(tmp) / safe_file_name(file_name)
        path.write_bytes(data)
        result = import_readings(session, path, actor=actor, file_name=shown, now=now)
    problems = sorted(result.problems, key=lambda p: (not p.is_error, p.line or 0))
    return PowerUpload(
        file=shown, rows=result.rows, inserted=result.inserted, updated=result.updated,
        unchanged=result.unchanged, months=[month_text(m) or "" for m in result.months],
        monitored=[MonthDone(month=month_text(m.month) or "", counts=m.counts, opened=m.opened,
                             closed=m.closed) for m in result.monitored],
        problems=problems[:SHOWN_PROBLEMS], problems_total=len(problems))
