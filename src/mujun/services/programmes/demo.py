"""The demo county's programmes: the talent register (``talent.csv``), the 股改上市 pipeline (the
registry file's ``ipo_stage``) and the incentive payments (``incentive_payments.csv``), through
the same imports the administrator uses."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from mujun.services.programmes.ipo import import_pipeline
from mujun.services.programmes.payments import import_payments
from mujun.services.programmes.talent import import_talent
from mujun.store.models import User


def load_programmes(*, session: Session, actor: User | None, folder: Path) -> None:
    import_talent(session=session, actor=actor, path=folder / "talent.csv")
    import_pipeline(session=session, actor=actor, path=folder / "registry.csv")
    import_payments(session=session, actor=actor, path=folder / "incentive_payments.csv")
