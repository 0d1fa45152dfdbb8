"""Backups taken while imports run restore cleanly; a backup that could not be restored is not
kept; a backup of an older schema revision restores into a store at the latest one.

The defect: each table was read in its own snapshot, so ``figure_changes`` rows could point at
imports missing from the zip; ``mujun backup`` reported success and ``mujun restore`` then failed
on a foreign key.
"""

from __future__ import annotations

import json
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from tests.web.county import CODES, NAMES, T0, N
from typer.testing import CliRunner

from mujun.cli.main import app as cli
from mujun.services import backup as backups
from mujun.services.errors import InvalidInput
from mujun.services.imports import import_file
from mujun.store import db
from mujun.store.migrate import head_revision, upgrade_to_head
from mujun.store.models import User
from mujun.store.settings import get_settings

GOLDEN = Path(__file__).parent / "golden" / "backup-0004.zip"


def _tax_file(folder: Path, factor: float) -> Path:
    path = folder / f"tax-{factor}.csv"
    lines = ["统一社会信用代码,企业名称,实缴税收(万元),城镇土地使用税应纳额(万元)"]
    lines += [f"{CODES[i]},{NAMES[i]},{round((40 + 5 * i) * factor, 2)},3.0" for i in range(N)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _fresh_sqlite(path: Path) -> Engine:
    engine = db.make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    return engine


def _restore_into_fresh_sqlite(backup: Path, folder: Path) -> dict[str, int]:
    target = _fresh_sqlite(folder / f"{backup.stem}-restored.db")
    try:
        with Session(target) as session:
            counts = backups.restore(session=session, actor=None, path=backup)
            session.commit()
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        return counts
    finally:
        target.dispose()


@pytest.fixture
def importing(county_engine: Engine, tmp_path: Path) -> Iterator[list[int]]:
    """Imports of the tax file, its figures changing every time, in a loop on another thread;
    yields the list of finished imports (one entry each)."""
    files = [_tax_file(tmp_path, f) for f in (1.0, 1.5)]
    stop = threading.Event()
    done: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with Session(county_engine) as session:
                admin = session.scalar(select(User).where(User.username == "admin"))
                while not stop.is_set():
                    result = import_file(session=session, actor=admin,
                                         path=files[len(done) % 2], department_code="tax",
                                         year=2021, accept_changes=True, reason="更正（测试）",
                                         now=T0 + timedelta(days=1))
                    session.commit()
                    assert result.applied, result.errors
                    done.append(1)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield done
    stop.set()
    thread.join(timeout=120)
    assert not failures, failures


def test_backup_while_importing_restores_cleanly(county_engine: Engine, importing: list[int],
                                                 tmp_path: Path) -> None:
    deadline = time.monotonic() + 300  # a bound, not a timing: a dead loop fails, not hangs
    while len(importing) < 2 and time.monotonic() < deadline:  # the loop is running
        threading.Event().wait(0.05)
    assert len(importing) >= 2, "the import loop stopped (see the fixture's failures)"
    restored = []
    for n in range(6):
        path = tmp_path / f"b{n}.zip"
        with Session(county_engine) as session:
            counts = backups.backup(session=session, path=path)
        manifest = backups.read_manifest(path)
        assert manifest["tables"] == counts
        assert _restore_into_fresh_sqlite(path, tmp_path) == counts
        restored.append(counts["figure_changes"])
    assert len(importing) > 2 and max(restored) > 0  # imports did run between the backups


def _dangling_change(engine: Engine) -> None:
    """A figure change pointing at an import that does not exist (SQLite, keys not enforced)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.execute(text(
            "INSERT INTO figure_changes (enterprise_id, year, field, new_num, department, source,"
            " import_id, at) SELECT id, 2021, 'tax_paid', 1.0, 'tax', 'import', 99999,"
            " '2022-05-01 09:00:00.000000' FROM enterprises LIMIT 1"))
        conn.commit()


def test_cli_backup_refuses_a_store_it_cannot_restore(engine: Engine, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _dangling_change(engine)
    monkeypatch.setenv("MUJUN_DATABASE_URL", str(engine.url))
    get_settings.cache_clear()
    db.dispose_engines()
    try:
        target = tmp_path / "b.zip"
        result = CliRunner().invoke(cli, ["backup", str(target)])
    finally:
        db.dispose_engines()
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert "figure_changes" in result.output and "cannot be restored" in result.output
    assert not target.exists() and list(tmp_path.glob("*.zip*")) == []


def test_backup_at_0004_restores_into_a_head_store(db_url: str, tmp_path: Path) -> None:
    manifest = backups.read_manifest(GOLDEN)
    assert manifest["schema_revision"] == "0004"
    engine = db.make_engine(db_url)
    upgrade_to_head(engine)
    try:
        with Session(engine) as session:
            counts = backups.restore(session=session, actor=None, path=GOLDEN)
            session.commit()
            names = session.execute(text("SELECT name FROM enterprises ORDER BY uscc")).scalars()
            assert list(names) == NAMES
    finally:
        engine.dispose()
    assert {k: counts[k] for k in manifest["tables"]} == manifest["tables"]


def _as_revision_0003(tmp_path: Path) -> Path:
    """The golden backup as revision 0003 wrote it: no county_figures table."""
    path = tmp_path / "backup-0003.zip"
    with zipfile.ZipFile(GOLDEN) as source, zipfile.ZipFile(path, "w") as out:
        manifest = json.loads(source.read("manifest.json"))
        manifest["schema_revision"] = "0003"
        del manifest["tables"]["county_figures"]
        out.writestr("manifest.json", json.dumps(manifest))
        for name in source.namelist():
            if name not in ("manifest.json", "tables/county_figures.jsonl"):
                out.writestr(name, source.read(name))
    return path


def test_an_older_backup_is_upgraded_on_restore(tmp_path: Path) -> None:
    old = _as_revision_0003(tmp_path)
    assert backups.verify(old) == []
    counts = _restore_into_fresh_sqlite(old, tmp_path)
    assert counts["enterprises"] == N and counts["figures"] == 480 and counts["county_figures"] == 0
    assert head_revision() is not None


def test_a_backup_of_an_unknown_revision_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.zip"
    with zipfile.ZipFile(GOLDEN) as source, zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json":
                data = data.replace(b'"0004"', b'"9999"')
            out.writestr(name, data)
    with pytest.raises(InvalidInput, match="9999"):
        backups.verify(path)
