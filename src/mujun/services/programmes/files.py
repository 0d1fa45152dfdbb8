"""What the programme imports share: a file with any error is refused whole (nothing written),
each error named with its file, line and column; credit codes must be in the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.io.problems import HasProblems, InputError, Problem
from mujun.io.records import FileRecords
from mujun.services import audit
from mujun.services.errors import InvalidInput, NotFound
from mujun.store.models import Enterprise, User

#: how many of a refused file's errors the message lists
SHOWN = 10
NOT_IN_REGISTRY = "统一社会信用代码不在企业库中 (not in the registry)"

Found = TypeVar("Found", bound=HasProblems)


class NamesEnterprise(Protocol):
    """A row of a programme file: its line, and the credit code it names (or none)."""

    @property
    def line(self) -> int: ...

    @property
    def uscc(self) -> str | None: ...


Row = TypeVar("Row", bound=NamesEnterprise)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows added, rows changed, rows already as in the file."""

    file: str
    added: int
    changed: int
    unchanged: int


def refuse(file: str, errors: list[Problem]) -> None:
    """``InvalidInput`` listing the first errors, when there are any."""
    if errors:
        shown = "\n".join(str(p) for p in errors[:SHOWN])
        more = len(errors) - SHOWN
        raise InvalidInput(N_("%(file)s 有 %(count)s 个错误，未导入任何数据：\n%(problems)s"),
                           file=file, count=len(errors),
                           problems=shown + (f"\n… (+{more})" if more > 0 else ""))


def read_checked(read: Callable[[Path], Found], path: Path) -> Found:
    """The file read, or ``InvalidInput`` when it is unreadable or has any error."""
    try:
        found = read(path)
    except InputError as exc:
        # the file as the user named it, never the server's temporary folder
        problem = replace(exc.problem, file=path.name)
        raise InvalidInput(N_("%(problem)s"), problem=str(problem)) from None
    refuse(path.name, found.errors)
    return found


def enterprise_ids(session: Session, usccs: Iterable[str | None]) -> dict[str, int]:
    wanted = sorted({u for u in usccs if u})
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        query = select(Enterprise.uscc, Enterprise.id).where(Enterprise.uscc.in_(chunk))
        ids.update({uscc: id_ for uscc, id_ in session.execute(query)})
    return ids


def registered(session: Session, uscc: str) -> Enterprise:
    """The enterprise an entry form names by its credit code (``NotFound`` when the registry
    does not hold it)."""
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc.strip().upper()))
    if ent is None:
        raise NotFound(N_("企业库中没有 %(uscc)s"), uscc=uscc)
    return ent


def check_known(file: str, column: str, rows: Iterable[tuple[int, str | None]],
                ids: dict[str, int]) -> None:
    """Refuse the file when a row names an enterprise the registry does not hold."""
    refuse(file, [Problem(file, line, column, uscc, NOT_IN_REGISTRY)
                  for line, uscc in rows if uscc and uscc not in ids])


def read_known(session: Session, read: Callable[[Path], FileRecords[Row]],
               path: Path) -> tuple[FileRecords[Row], dict[str, int]]:
    """The file read and checked, every credit code it names in the registry, and their ids
    (``InvalidInput`` otherwise)."""
    found = read_checked(read, path)
    ids = enterprise_ids(session, (r.uscc for r in found.records))
    check_known(path.name, "uscc", ((r.line, r.uscc) for r in found.records), ids)
    return found, ids


def imported(*, session: Session, actor: User | None, path: Path, rows: int, added: int,
             changed: int, action: str, entity: str) -> ImportSummary:
    """What an import of ``rows`` rows did (written: flushed), audited when it changed
    anything."""
    session.flush()
    summary = ImportSummary(path.name, added, changed, rows - added - changed)
    if added or changed:
        after: dict[str, Any] = {"added": added, "changed": changed}
        audit.record(session=session, actor=actor, action=action, entity=entity,
                     summary=f"{path.name}: +{added}, ~{changed}", after=after)
    return summary
