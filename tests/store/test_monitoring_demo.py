"""The demo county's monitoring in the store (``services/monitoring/demo.py``) on a power file
written here in the demo's form: 2020-01 … 2025-12 read in, 2021-01 … 2025-12 monitored, the
oldest alerts open after 2024-12 closed by a visit note."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from store_helpers import make_uscc, write_power

from mujun.services.monitoring.demo import POWER_FILE, VISITS, load_demo_power
from mujun.store.models import Enterprise, User
from mujun.store.models.monitoring import Alert, MonitoredMonth

CODES = [make_uscc(i) for i in range(12)]
SEASON = [0.7, 0.8, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.0, 1.0, 1.0]
#: from the month given on, each of the first four uses this share of its usual month (0: the
#: meter gives no reading)
CHANGES = {CODES[0]: (date(2024, 6, 1), 0.6), CODES[1]: (date(2024, 9, 1), 0.5),
           CODES[2]: (date(2024, 11, 1), 0.0), CODES[3]: (date(2024, 9, 1), 0.0005)}


def _demo_folder(folder: Path) -> Path:
    rows: list[list[object]] = []
    for code in CODES:
        for y in range(2020, 2026):
            for m in range(1, 13):
                since, share = CHANGES.get(code, (date(2100, 1, 1), 1.0))
                kwh = 10_000 * SEASON[m - 1] * (share if date(y, m, 1) >= since else 1.0)
                if kwh:
                    rows.append([code, f"{y}-{m:02d}", kwh])
    write_power(folder / POWER_FILE, rows)
    return folder


def test_the_demo_months_and_visits(session: Session, admin: User, tmp_path: Path) -> None:
    session.add_all([Enterprise(uscc=code, name=f"企业{i}", version=1)
                     for i, code in enumerate(CODES)])
    session.flush()
    done = load_demo_power(session=session, actor=admin, folder=_demo_folder(tmp_path))
    session.commit()
    expected = [date(y, m, 1) for y in range(2021, 2026) for m in range(1, 13)]
    assert [m.month for m in done] == expected
    assert session.scalars(select(MonitoredMonth.month).order_by(MonitoredMonth.month)
                           ).all() == expected
    by_code = {e.id: e.uscc for e in session.scalars(select(Enterprise))}
    alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
    # Worked by hand (the same months of the year before at full use):
    # - 0 at 60 % from June 2024: July (1.0 + 0.66 + 0.72) / 3.3 is −27.9 %, August −40 %:
    #   declining from August;
    # - 1 at 50 % from September: September −14.7 %, October (1.2 + 0.5 + 0.5) / 3.2 −31.3 %;
    # - 2 without readings from November: silent in December (November and December missing);
    # - 3 at 5 kWh from September: below the line in September and October: stopped in October.
    # The visits of January 2025 close the oldest alert of their level (two declines, the
    # silent meter). In 2025 nothing new opens: 0 and 1 decline further until their use of a
    # year before is as low, then are normal; 2 stays silent, which its visit saw; 3's stop
    # becomes its own yardstick and its alert recovers in December 2025.
    assert [(by_code[a.enterprise_id], a.opened_month, a.opened_level, a.status,
             a.closed_month, a.closed_reason) for a in alerts] == [
        (CODES[0], date(2024, 8, 1), "declining", "closed", date(2024, 12, 1), "visited"),
        (CODES[1], date(2024, 10, 1), "declining", "closed", date(2024, 12, 1), "visited"),
        (CODES[3], date(2024, 10, 1), "stopped", "closed", date(2025, 12, 1), "recovered"),
        (CODES[2], date(2024, 12, 1), "silent", "closed", date(2024, 12, 1), "visited"),
    ]
    visited = sorted((a for a in alerts if a.closed_reason == "visited"),
                     key=lambda a: a.visited_on)
    assert [(by_code[a.enterprise_id], a.level, a.visited_on, a.visit_note, a.closed_by_id)
            for a in visited] == [
        (CODES[0], "declining", VISITS[0][1], VISITS[0][2], admin.id),
        (CODES[1], "declining", VISITS[1][1], VISITS[1][2], admin.id),
        (CODES[2], "silent", VISITS[2][1], VISITS[2][2], admin.id),
    ]


def test_no_power_file_no_monitoring(session: Session, admin: User, tmp_path: Path) -> None:
    assert load_demo_power(session=session, actor=admin, folder=tmp_path) == []
    assert session.scalar(select(func.count()).select_from(MonitoredMonth)) == 0
