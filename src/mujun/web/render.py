"""Rendering pages: Jinja templates with the translator, the signed-in user and the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from mujun.services.access import Action, allowed
from mujun.store.models import User
from mujun.store.models.runs import run_title
from mujun.web.assets import charts_ready
from mujun.web.deps import csrf_token, get_lang
from mujun.web.formats import register as register_number_filters
from mujun.web.i18n import Translator
from mujun.web.nav import nav_for

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


register_number_filters(templates.env)


@pass_context
def _run_title(context: Any, run: Any) -> str:
    """A run's name for people in the page's language (store.models.runs.run_title)."""
    if context.get("lang") != "en":
        return str(run.title)
    return run_title(run.year, run.run_version, context["_"](run.policy_title), "en")


templates.env.filters["run_title"] = _run_title


def render(request: Request, name: str, user: User | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    tr = Translator(get_lang(request))

    def may(action: str) -> bool:
        """The signed-in user's role includes ``action`` (services.access): a link is shown
        only where it opens, e.g. ``may("enterprises.view")`` for a portrait."""
        return user is not None and allowed(user, Action(action))

    response = templates.TemplateResponse(
        request, name,
        {"_": tr, "label": tr.label, "lang": tr.lang, "other_lang": tr.other, "user": user,
         "may": may,
         "nav": nav_for(user, request.url.path) if user else [],
         "csrf_token": csrf_token(request), "charts": charts_ready(request), **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie("lang", tr.lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
