"""``mujun user``: the store's users and their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from mujun.cli._store import AsUser, acting_user, console, err_console, store_session
from mujun.cli.main import app
from mujun.store.roles import Role

if TYPE_CHECKING:
    from pydantic import ValidationError

    from mujun.store.models import User

user_app = typer.Typer(help="""Users and roles (admin, clerk, officer, enterprise, leader).

Commands act as MUJUN_CLI_USER (default admin) or the user given with --as.

Examples:

    mujun user add wang --role clerk --department tax --name 王芳
    mujun user set wang --password "a-long-new-password"
    mujun user set wang --inactive
""",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")

RoleOpt = Annotated[Role | None, typer.Option("--role")]
Department = Annotated[str | None, typer.Option("--department", help="a clerk's department")]
Town = Annotated[str | None, typer.Option("--town", help="an officer's town")]
Park = Annotated[str | None, typer.Option("--park", help="an officer's park")]
Uscc = Annotated[str | None, typer.Option("--uscc", help="an enterprise user's credit code")]
Password = Annotated[str | None, typer.Option("--password", help="for signing in on the web")]


def _describe(u: User) -> str:
    scope = u.department or u.town or u.park or u.uscc or ""
    return escape(f"{u.username} [{u.role}{' ' + scope if scope else ''}]"
                  f"{'' if u.active else ' (inactive)'} v{u.version}")


def _invalid(exc: ValidationError) -> None:
    for err in exc.errors():
        err_console().print(f"error: {'.'.join(map(str, err['loc'])) or 'user'}: {err['msg']}")
    raise typer.Exit(2)


@user_app.command("add")
def add_cmd(username: str, role: Annotated[Role, typer.Option("--role")],
            department: Department = None, town: Town = None, park: Park = None,
            uscc: Uscc = None, name: Annotated[str, typer.Option("--name")] = "",
            password: Password = None, as_user: AsUser = None) -> None:
    """Add a user with a role (a clerk needs --department, an officer --town or --park, an
    enterprise user --uscc). Without --password it gets a one-time password, printed once;
    either way the user sets their own at the first sign-in."""
    from pydantic import ValidationError

    from mujun.services.schemas import UserCreate
    from mujun.services.users import add_account

    try:
        user_in = UserCreate(username=username, role=role, department=department, town=town,
                             park=park, uscc=uscc, display_name=name, password=password)
    except ValidationError as exc:
        _invalid(exc)
        return
    with store_session() as session:
        added = add_account(session=session, actor=acting_user(session, as_user),
                            user_in=user_in)
        console().print(f"added {_describe(added.user)}")
        if added.one_time_password:
            console().print(f"one-time password (shown only now): {added.one_time_password}",
                          highlight=False)


@user_app.command("set")
def set_cmd(username: str, role: RoleOpt = None, department: Department = None,
            town: Town = None, park: Park = None, uscc: Uscc = None,
            active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
            password: Password = None, as_user: AsUser = None) -> None:
    """Change a user's role, scope, state or password."""
    from pydantic import ValidationError

    from mujun.services.schemas import UserUpdate
    from mujun.services.users import update_user

    given: dict[str, object] = {
        k: v for k, v in dict(role=role, department=department, town=town, park=park, uscc=uscc,
                              active=active, password=password).items() if v is not None}
    try:
        user_in = UserUpdate.model_validate(given)
    except ValidationError as exc:
        _invalid(exc)
        return
    with store_session() as session:
        user = update_user(session=session, actor=acting_user(session, as_user),
                           username=username, user_in=user_in)
        console().print(f"changed {_describe(user)}")


@user_app.command("list")
def list_cmd() -> None:
    """List the users."""
    from sqlalchemy import select

    from mujun.store.models import User

    with store_session() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            console().print(_describe(user))
