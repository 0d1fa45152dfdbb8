"""用户管理 (the admin's): list, add, change, reset a password, disable or enable — the JSON API
and the pages. The services write and audit (services/users.py); these routes translate HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from mujun.services import user_views, users
from mujun.services.schemas import UserCreate, UserPublic, UserUpdate
from mujun.store.models import User
from mujun.web.deps import CsrfDep, CurrentUser, Now, SessionDep
from mujun.web.forms import submit
from mujun.web.render import render

api = APIRouter(prefix="/api/users", tags=["users"])
pages = APIRouter(include_in_schema=False)

Filters = Annotated[user_views.UserFilter, Query()]
Username = Annotated[str, Path(min_length=1, max_length=64)]
FormText = Annotated[str, Form(max_length=200)]


class AccountCreated(BaseModel):
    user: UserPublic
    #: shown once; the user must change it at the first sign-in (None: the admin chose one)
    one_time_password: str | None


class PasswordReset(BaseModel):
    one_time_password: str


class UserChange(UserUpdate):
    """A change of role, scope, display name or state (a password: reset it instead)."""
    password: None = None
    #: the version the editor read (a newer one is refused with 409)
    version: int | None = None


def _add(session: Session, user: User, user_in: UserCreate) -> users.NewAccount:
    added = users.add_account(session=session, actor=user, user_in=user_in)
    session.commit()
    return added


def _change(session: Session, user: User, username: str, change: UserChange) -> User:
    changed = users.update_user(session=session, actor=user, username=username,
                                user_in=UserUpdate.model_validate(
                                    change.model_dump(exclude_unset=True, exclude={"version"})),
                                expected_version=change.version)
    session.commit()
    return changed


def _reset(session: Session, user: User, username: str, now: datetime) -> str:
    password = users.reset_password(session=session, actor=user, username=username, now=now)
    session.commit()
    return password


@api.get("", response_model=user_views.UserPage)
def list_users(session: SessionDep, user: CurrentUser, filters: Filters) -> user_views.UserPage:
    """The users, filtered by role, department, town or park, state and name; paged."""
    return user_views.list_users(session=session, actor=user, filters=filters)


@api.post("", response_model=AccountCreated, status_code=201, dependencies=[CsrfDep])
def add_user(body: UserCreate, session: SessionDep, user: CurrentUser) -> AccountCreated:
    """Add an account; without a password it gets a one-time password, answered once."""
    added = _add(session, user, body)
    return AccountCreated(user=UserPublic.model_validate(added.user),
                          one_time_password=added.one_time_password)


@api.get("/{username}", response_model=UserPublic)
def get_user(username: Username, session: SessionDep, user: CurrentUser) -> UserPublic:
    users.require_user_admin(user)
    return UserPublic.model_validate(users.get_user(session=session, username=username))


@api.post("/{username}", response_model=UserPublic, dependencies=[CsrfDep])
def change_user(username: Username, body: UserChange, session: SessionDep,
                user: CurrentUser) -> UserPublic:
    """Change the role, scope, display name or state (``active: false`` disables the account and
    ends its sessions at once)."""
    return UserPublic.model_validate(_change(session, user, username, body))


@api.post("/{username}/password-reset", response_model=PasswordReset, dependencies=[CsrfDep])
def reset_password(username: Username, session: SessionDep, user: CurrentUser,
                   now: Now) -> PasswordReset:
    """A new one-time password, answered once; the user's sessions end."""
    return PasswordReset(one_time_password=_reset(session, user, username, now))


# --- pages ------------------------------------------------------------------------------------


def _form_user(username: str, display_name: str, role: str, department: str, town: str,
               park: str, uscc: str, lead_title: str = "") -> dict[str, str | None]:
    given = {"username": username, "display_name": display_name, "role": role,
             "department": department, "town": town, "park": park, "uscc": uscc,
             "lead_title": lead_title}
    return {k: (v.strip() or None) if k != "display_name" else v.strip()
            for k, v in given.items()}


def _list_page(request: Request, session: Session, user: User, filters: user_views.UserFilter,
               status_code: int = 200, **context: Any) -> Response:
    page = user_views.list_users(session=session, actor=user, filters=filters)
    return render(request, "users.html", user, status_code=status_code, page=page,
                  filters=filters, choices=user_views.scope_choices(session=session),
                  roles=list(users.Role), query=request.url.query,
                  **{"form": {}, "error": None, **context})


def _edit_page(request: Request, session: Session, user: User, username: str,
               status_code: int = 200, **context: Any) -> Response:
    users.require_user_admin(user)
    target = users.get_user(session=session, username=username)
    return render(request, "users_edit.html", user, status_code=status_code, target=target,
                  choices=user_views.scope_choices(session=session), roles=list(users.Role),
                  **{"error": None, "one_time_password": None,
                     "saved": request.query_params.get("saved"), **context})


def _changed(request: Request, session: Session, user: User, username: str,
             change: Callable[[], UserChange]) -> Response:
    """An edit form's change, then the edit page (saved); refused, the edit page with why."""
    return submit(request, session, lambda: _change(session, user, username, change()),
                  done=lambda _: RedirectResponse(f"/users/{username}?saved=1", status_code=303),
                  again=lambda _exc, error: _edit_page(request, session, user, username,
                                                       status_code=422, error=error))


@pages.get("/users")
def users_page(request: Request, session: SessionDep, user: CurrentUser,
               filters: Filters) -> Response:
    return _list_page(request, session, user, filters)


@pages.post("/users", dependencies=[CsrfDep])
def add_user_form(request: Request, session: SessionDep, user: CurrentUser,
                  username: FormText = "", display_name: FormText = "", role: FormText = "",
                  department: FormText = "", town: FormText = "", park: FormText = "",
                  uscc: FormText = "", lead_title: FormText = "") -> Response:
    given = _form_user(username, display_name, role, department, town, park, uscc, lead_title)
    return submit(request, session,
                  lambda: _add(session, user, UserCreate.model_validate(given)),
                  done=lambda added: _edit_page(request, session, user, added.user.username,
                                                status_code=201, created=True,
                                                one_time_password=added.one_time_password),
                  again=lambda _exc, error: _list_page(request, session, user,
                                                       user_views.UserFilter(), status_code=422,
                                                       form=given, error=error))


@pages.get("/users/{username}")
def user_page(request: Request, username: Username, session: SessionDep,
              user: CurrentUser) -> Response:
    return _edit_page(request, session, user, username)


@pages.post("/users/{username}", dependencies=[CsrfDep])
def change_user_form(request: Request, username: Username, session: SessionDep,
                     user: CurrentUser, version: Annotated[int, Form()],
                     display_name: FormText = "", role: FormText = "",
                     department: FormText = "", town: FormText = "", park: FormText = "",
                     uscc: FormText = "", lead_title: FormText = "") -> Response:
    form = _form_user(username, display_name, role, department, town, park, uscc, lead_title)
    given = {k: v for k, v in form.items() if k != "username" and (k != "role" or v)}
    return _changed(request, session, user, username,
                    lambda: UserChange.model_validate({**given, "version": version}))


@pages.post("/users/{username}/active", dependencies=[CsrfDep])
def set_active_form(request: Request, username: Username, session: SessionDep,
                    user: CurrentUser, active: Annotated[bool, Form()],
                    version: Annotated[int, Form()]) -> Response:
    return _changed(request, session, user, username,
                    lambda: UserChange(active=active, version=version))


@pages.post("/users/{username}/password-reset", dependencies=[CsrfDep])
def reset_password_form(request: Request, username: Username, session: SessionDep,
                        user: CurrentUser, now: Now) -> Response:
    password = _reset(session, user, username, now)
    return _edit_page(request, session, user, username, one_time_password=password)
