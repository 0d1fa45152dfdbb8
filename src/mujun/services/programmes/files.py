"""What the programme imports share: a file with any error is refused whole (nothing written),
each error named with its file, line and column; credit codes must be in the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from mujun.engine.texts import N_
from mujun.io.problems import HasProblems, InputError, Problem
from mujun.services.errors import InvalidInput
from mujun.store.models import Enterprise

#: how many of a refused file's errors the message lists
SHOWN = 10
NOT_IN_REGISTRY = "统一社会信用代码不在企业库中 (not in the registry)"

Found = TypeVar("Found", bound=HasProblems)


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
        raise InvalidInput(N_("%(problem)s"), problem=str(exc.problem)) from None
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


def check_known(file: str, column: str, rows: Iterable[tuple[int, str | None]],
                ids: dict[str, int]) -> None:
    """Refuse the file when a row names an enterprise the registry does not hold."""
    refuse(file, [Problem(file, line, column, uscc, NOT_IN_REGISTRY)
                  for line, uscc in rows if uscc and uscc not in ids])
