"""Write ``backup-0004.zip``: the web tests' small county backed up at schema revision 0004.

Kept as a file so later schema revisions are tested against a backup made before them. Run from
the repository root with the code at revision 0004:
``PYTHONPATH=. python tests/security/golden/make_backup.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session
from tests.web import county

from mujun.services import backup as backups
from mujun.store import db
from mujun.store.migrate import current_revision, upgrade_to_head

HERE = Path(__file__).parent


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'county.db'}")
        upgrade_to_head(engine)
        assert current_revision(engine) == "0004"
        with Session(engine, expire_on_commit=False) as session:
            county.load(session, Path(folder))
            backups.backup(session=session, path=HERE / "backup-0004.zip")
        engine.dispose()


if __name__ == "__main__":
    main()
