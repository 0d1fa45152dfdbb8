"""The demo county's investment projects: ``projects.csv`` through the 发改/商务 import, the same
flow a clerk's file takes (docs/demo-data.md)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from mujun.services.errors import InvalidInput
from mujun.services.imports import import_file
from mujun.services.projects.access import DEPARTMENT
from mujun.store.models import User


def load_projects(*, session: Session, actor: User | None, path: Path, year: int) -> int:
    """Import the demo's projects (as of the end of ``year``); the number of projects added."""
    result = import_file(session=session, actor=actor, path=path, department_code=DEPARTMENT,
                         year=year)
    if not result.ok:
        raise InvalidInput(f"demo projects {path.name} failed: {result.errors[0]}")
    return result.inserted
