"""What the store commands share: a session on the configured store, the acting user, and errors
printed as one line instead of a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mujun.store.models import User

# The store (SQLAlchemy, the services) is imported when a command uses it, not when the commands
# are registered: `mujun --help` stays quick (docs/benchmarks.md, "Start-up").



def console() -> Console:
    """Standard output's console, made when a command prints: Rich fixes a console's width (the
    terminal's, or ``COLUMNS``) when the console is made, so one made on import would keep the
    width of whichever command first imported this module, in a process that runs several."""
    return Console()


def err_console() -> Console:
    """Standard error's console, made when a command prints (see :func:`console`)."""
    return Console(stderr=True)


AsUser = Annotated[str | None, typer.Option(
    "--as", help="act as this user (default: MUJUN_CLI_USER or admin)")]


@contextmanager
def store_session() -> Iterator[Session]:
    """A session committed on success; a service error is printed and exits with status 1."""
    from mujun.services.errors import ServiceError
    from mujun.store.db import session_factory
    from mujun.store.models.land_reviews import FrozenReviewError
    from mujun.store.models.runs import FrozenRunError

    session = session_factory()()
    try:
        yield session
        session.commit()
    except (ServiceError, FrozenRunError, FrozenReviewError) as exc:
        session.rollback()
        err_console().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def store_text() -> str:
    """The store's URL as printed: without its password."""
    from sqlalchemy.engine import make_url

    from mujun.store.settings import get_settings

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def acting_user(session: Session, username: str | None) -> User:
    from mujun.services.users import SYSTEM_ADMIN, ensure_admin, get_user
    from mujun.store.settings import get_settings

    name = username or get_settings().cli_user
    if name == SYSTEM_ADMIN:
        return ensure_admin(session=session)
    return get_user(session=session, username=name)


def report_verification(what: str, *, rows: int, unit: str, hashes: dict[str, bool],
                        mismatches: list[str]) -> None:
    """A stored record's verification (``mujun run verify``, ``mujun land review-verify``):
    one line when it holds, else what changed and the first differences, exit status 1."""
    from rich.markup import escape

    if all(hashes.values()) and not mismatches:
        console().print(f"verified: {what}, {rows} {unit} identical "
                      f"({' and '.join(hashes)} hashes match)")
        return
    err_console().print(f"[red]{escape(what)} does not verify[/red]: " + ", ".join(
        f"{name} {'ok' if good else 'CHANGED'}" for name, good in hashes.items()))
    for line in mismatches[:20]:
        err_console().print(f"  {escape(line)}")
    raise typer.Exit(1)
