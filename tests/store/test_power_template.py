"""The power department's template of monthly readings (io/power_template.py), filled in as a
clerk fills it in Excel, imports as it is (docs/monitoring.md, "In the store"); the power clerk
downloads it from the imports page, another department's clerk cannot; `mujun template -d power
--monthly` writes the same file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_helpers import make_uscc
from typer.testing import CliRunner

from mujun.cli.main import app
from mujun.io.power import POWER_COLUMNS
from mujun.io.power_template import POWER_SHEET, write_power_template
from mujun.services import import_views, users
from mujun.services.errors import NotFound, PermissionDenied
from mujun.services.monitoring.readings import import_readings
from mujun.services.schemas import UserCreate
from mujun.store.models import Enterprise, PowerReading, Role, User

A, B = make_uscc(1), make_uscc(2)


def _user(session: Session, username: str, role: Role, **scope: str) -> User:
    user_in = UserCreate.model_validate({"username": username, "display_name": username,
                                         "role": role, **scope})
    return users.create_user(session=session, actor=None, user_in=user_in)


def test_the_filled_template_imports_as_it_is(session: Session, admin: User,
                                              tmp_path: Path) -> None:
    session.add_all([Enterprise(uscc=A, name="甲厂", version=1),
                     Enterprise(uscc=B, name="乙厂", version=1)])
    session.commit()
    path = write_power_template(tmp_path / "power-monthly.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [POWER_SHEET, "说明"]
    sheet = book[POWER_SHEET]
    assert [c.value for c in sheet[1]] == [zh for _, zh in POWER_COLUMNS]
    # as typed in Excel: the month as text, or a date Excel made of it; kWh as numbers
    for row in ([A, "2025-11", 1200.5], [A, "2025-12", 0], [B, datetime(2025, 12, 1), 80000]):
        sheet.append(row)
    book.save(path)

    result = import_readings(session, path, actor=admin, monitor_months=False)
    session.commit()
    assert result.ok and (result.inserted, result.updated) == (3, 0)
    stored = session.execute(select(Enterprise.uscc, PowerReading.month, PowerReading.kwh)
                             .join(Enterprise, Enterprise.id == PowerReading.enterprise_id))
    assert sorted((u, f"{m:%Y-%m}", k) for u, m, k in stored) == [
        (A, "2025-11", 1200.5), (A, "2025-12", 0.0), (B, "2025-12", 80000.0)]


def test_the_power_clerk_downloads_it_and_the_tax_clerk_cannot(session: Session,
                                                               admin: User) -> None:
    power = _user(session, "clerk-p", Role.CLERK, department="power")
    tax = _user(session, "clerk-t", Role.CLERK, department="tax")
    officer = _user(session, "officer-t", Role.OFFICER, town="城关镇")
    for user in (admin, power):
        data = import_views.power_template(actor=user)
        assert data.startswith(b"PK")  # an .xlsx (a zip)
    with pytest.raises(NotFound):
        import_views.power_template(actor=tax)
    with pytest.raises(PermissionDenied):
        import_views.power_template(actor=officer)


def test_the_command_writes_the_template(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    result = CliRunner().invoke(app, ["template", "-d", "power", "--monthly", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == [POWER_SHEET, "说明"]
    refused = CliRunner().invoke(app, ["template", "-d", "tax", "--monthly"])
    assert refused.exit_code == 2
    assert "--monthly is the power department's template" in refused.output
