"""Audit, optimistic locking, backup/restore, malformed files, and an import killed midway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from store_helpers import make_uscc, store_fingerprint, table_counts, write_csv, write_stats
from tests.hypothesis_profiles import examples

from mujun.services import backup as backups
from mujun.services.errors import ConflictError
from mujun.services.imports import import_file
from mujun.services.registry import create_enterprise, update_enterprise
from mujun.services.schemas import EnterpriseCreate, EnterpriseUpdate, UserCreate, UserUpdate
from mujun.services.users import create_user, update_user
from mujun.store.db import make_engine
from mujun.store.migrate import upgrade_to_head
from mujun.store.models import AuditRecord, Enterprise, User


def test_every_change_is_audited(session: Session, admin: User) -> None:
    create_user(session=session, actor=admin,
                user_in=UserCreate(username="c1", role="clerk", department="tax"))
    update_user(session=session, actor=admin, username="c1",
                user_in=UserUpdate(display_name="张三"))
    create_enterprise(session=session, actor=admin, enterprise_in=EnterpriseCreate(
        uscc=make_uscc(1), name="甲公司", tags=["高新"]))
    update_enterprise(session=session, actor=admin, uscc=make_uscc(1),
                      enterprise_in=EnterpriseUpdate(town="西屏街道"))
    session.commit()
    records = session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
    assert [r.action for r in records][-4:] == ["user.create", "user.update",
                                                "enterprise.create", "enterprise.update"]
    last = records[-1]
    assert last.actor == "admin" and last.before and last.after
    assert last.before["town"] is None and last.after["town"] == "西屏街道"
    assert records[-3].after and records[-3].after["display_name"] == "张三"


def test_concurrent_edits_never_lose_an_update(engine: Engine, session: Session,
                                               admin: User) -> None:
    create_enterprise(session=session, actor=admin,
                      enterprise_in=EnterpriseCreate(uscc=make_uscc(2), name="乙公司"))
    session.commit()
    with Session(engine) as first, Session(engine) as second:
        a1 = first.get(User, admin.id)
        a2 = second.get(User, admin.id)
        e1 = first.scalar(select(Enterprise).where(Enterprise.uscc == make_uscc(2)))
        e2 = second.scalar(select(Enterprise).where(Enterprise.uscc == make_uscc(2)))
        assert e1 is not None and e2 is not None and e1.version == e2.version == 1
        update_enterprise(session=first, actor=a1, uscc=make_uscc(2),
                          enterprise_in=EnterpriseUpdate(town="水南街道"))
        first.commit()
        with pytest.raises(ConflictError, match="changed by someone else"):
            update_enterprise(session=second, actor=a2, uscc=make_uscc(2),
                              enterprise_in=EnterpriseUpdate(park="赤寿工业园区"))
        second.rollback()
    # an edit made on a stale copy (e.g. a web form) is refused as well
    with pytest.raises(ConflictError):
        update_enterprise(session=session, actor=admin, uscc=make_uscc(2),
                          enterprise_in=EnterpriseUpdate(park="x"), expected_version=1)
    session.rollback()
    session.expire_all()
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == make_uscc(2)))
    assert ent is not None and ent.town == "水南街道" and ent.park is None and ent.version == 2


def test_backup_restore_round_trip(session: Session, admin: User, tmp_path: Path,
                                   db_url: str) -> None:
    import_file(session=session, actor=admin, path=write_stats(tmp_path / "s.csv", 25),
                department_code="stats", year=2024)
    create_enterprise(session=session, actor=admin, enterprise_in=EnterpriseCreate(
        uscc=make_uscc(99), name="丙公司", tags=["专精特新", "上市"]))
    session.commit()
    before = store_fingerprint(session)
    path = tmp_path / "store.zip"
    backups.backup(session=session, path=path)
    # a different store of the same kind receives it …
    target_url = (f"sqlite:///{tmp_path / 'other.db'}" if db_url.startswith("sqlite")
                  else db_url)
    if not db_url.startswith("sqlite"):  # … or the same PostgreSQL schema, emptied first
        backups.restore(session=session, actor=admin, path=path)
        session.commit()
        session.expire_all()
        restored = store_fingerprint(session)
    else:
        other = make_engine(target_url)
        upgrade_to_head(other)
        with Session(other) as s2:
            backups.restore(session=s2, actor=None, path=path)
            s2.commit()
            restored = store_fingerprint(s2)
        other.dispose()
    restored_audit = restored.pop("audit")
    original_audit = before.pop("audit")
    assert restored == before
    assert restored_audit[: len(original_audit)] == original_audit  # plus the restore record


@st.composite
def _malformed_file(draw: st.DrawFn, folder: Path) -> Path:
    kind = draw(st.sampled_from(["cells", "bytes", "xlsx", "encoding", "empty"]))
    path = folder / f"f{draw(st.integers(0, 10**9))}.{ 'xlsx' if kind == 'xlsx' else 'csv'}"
    if kind == "bytes":
        path.write_bytes(draw(st.binary(max_size=300)))
    elif kind == "empty":
        path.write_bytes(draw(st.sampled_from([b"", b"\n\n", b"\xef\xbb\xbf", b"PK\x03\x04"])))
    elif kind == "xlsx":
        path.write_bytes(b"PK\x03\x04" + draw(st.binary(max_size=200)))
    else:
        cell = st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True),
                         st.integers(min_value=-10**30, max_value=10**30),
                         st.sampled_from(["", "是", "否", "2021-13-45", "1e400", "-0", make_uscc(1),
                                          "91331124000000000X", "\x00", "=1+1"]))
        header = ["统一社会信用代码", "企业名称", draw(st.sampled_from(
            ["工业增加值(万元)", "实缴税收(元)", "是否规上", "投产日期", "类型", "乱码"]))]
        rows = draw(st.lists(st.lists(cell, min_size=0, max_size=4), max_size=6))
        encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16", "latin-1"])) \
            if kind == "encoding" else "utf-8"
        text = "\n".join(",".join(str(c).replace(",", " ") for c in row)
                         for row in [header, *rows])
        path.write_bytes(text.encode(encoding, errors="replace"))
    return path


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_files_never_crash_nor_write(session: Session, admin: User, tmp_path: Path,
                                               data: st.DataObject) -> None:
    if not table_counts(session)["enterprises"]:
        import_file(session=session, actor=admin, path=write_stats(tmp_path / "s.csv", 3),
                    department_code="stats", year=2024)
        session.commit()
    before = table_counts(session)
    path = data.draw(_malformed_file(tmp_path))
    dept = data.draw(st.sampled_from(["stats", "tax", "safety", "env"]))
    result = import_file(session=session, actor=admin, path=path, department_code=dept,
                         year=2024)
    if result.applied:
        session.rollback()  # a valid-looking file may apply; nothing half-written either way
        assert table_counts(session) == before
    else:
        session.commit()
        assert table_counts(session) == before


KILLER = """
import sys
from mujun.store.db import session_factory, make_engine
from mujun.services.imports import import_file
from mujun.services.users import ensure_admin
engine = make_engine(sys.argv[1])
with session_factory(engine)() as s:
    admin = ensure_admin(session=s)
    def progress(phase, done, total):
        if phase == "apply" and done > 0:
            print("APPLYING", flush=True)
    import_file(session=s, actor=admin, path=sys.argv[2], department_code="stats", year=2024,
                progress=progress)
    print("DONE", flush=True)
    import time; time.sleep(60)  # never commits: killed before
"""


def test_import_killed_midway_leaves_the_store_unchanged(session: Session, admin: User,
                                                         db_url: str, tmp_path: Path) -> None:
    import_file(session=session, actor=admin, path=write_stats(tmp_path / "a.csv", 10),
                department_code="stats", year=2023)
    session.commit()
    before = store_fingerprint(session)
    big = write_stats(tmp_path / "big.csv", 60_000, seed=5)
    proc = subprocess.Popen([sys.executable, "-c", KILLER, db_url, str(big)],
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "MUJUN_DATABASE_URL": db_url})
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("APPLYING") or not line:
            break
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    session.expire_all()
    assert store_fingerprint(session) == before
    # and the store still works
    again = import_file(session=session, actor=admin, path=write_stats(tmp_path / "c.csv", 5),
                        department_code="stats", year=2025)
    session.commit()
    assert again.applied


def test_csv_in_gb18030_imports(session: Session, admin: User, tmp_path: Path) -> None:
    from store_helpers import STATS_HEADER, stats_rows

    path = write_csv(tmp_path / "gbk.csv", STATS_HEADER, stats_rows(4), encoding="gb18030")
    result = import_file(session=session, actor=admin, path=path, department_code="stats",
                         year=2024)
    assert result.applied and result.enterprises_created == 4
