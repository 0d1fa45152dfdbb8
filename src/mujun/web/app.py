"""The application factory: middleware, error handling, static assets and one router per
resource. Workers keep no state of their own (sessions and everything else live in the store;
the signed cookie only carries the session's token), so several can run behind a load balancer."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from mujun.engine.texts import N_
from mujun.services.errors import (
    ConflictError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ServiceError,
    TooManyRequests,
)
from mujun.services.job_pool import JobPool
from mujun.store.db import get_engine, session_factory
from mujun.store.models.base import utcnow
from mujun.store.settings import get_settings
from mujun.web import assets
from mujun.web.deps import CsrfRejected, NotSignedIn, PasswordChangeRequired, get_lang
from mujun.web.i18n import Translator
from mujun.web.render import HERE, render
from mujun.web.request_errors import status_message, validation_message
from mujun.web.routes import (
    auth,
    cockpit,
    disposal,
    enterprises,
    imports,
    jobs,
    land,
    land_reviews,
    monitoring,
    parcels,
    policies,
    programmes,
    projects,
    runs,
    service_requests,
    targets,
    users,
)
from mujun.web.settings import get_web_settings

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[ServiceError], int]] = [
    (NotFound, 404),
    (PermissionDenied, 403),
    (ConflictError, 409),
    (InvalidTransition, 409),
    (InvalidInput, 422),
    (TooManyRequests, 429),
]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # ECharts sets inline styles; no inline script anywhere
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
}


PASSWORD_CHANGE_REQUIRED = N_("请先修改一次性密码：POST /api/auth/password（current_password, "
                              "new_password），或打开 /password 页面")


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    """An error page or JSON answer; ``message`` is in the request's language already."""
    if _wants_html(request):
        return render(request, "error.html", getattr(request.state, "user", None),
                      status_code=status, status=status, message=message)
    return JSONResponse({"detail": message}, status_code=status)


def create_app(*, engine: Engine | None = None, database_url: str | None = None,
               clock: Callable[[], datetime] = utcnow, frontend: Path | None = None) -> FastAPI:
    """The web app over ``engine`` (default: the store of ``MUJUN_DATABASE_URL``); ``frontend``
    is the folder whose ``node_modules`` holds ECharts (default: ``web/frontend``)."""
    engine = engine or get_engine(database_url)
    web = get_web_settings()
    pool = JobPool(engine, workers=web.job_workers, memory_mb=web.job_memory_mb,
                   seconds=web.job_seconds)
    pool.recover()  # jobs a killed server left running are failed, at start-up

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # as many threads for the synchronous endpoints as the store's pool has connections
        # (store.db.POOL_SIZE + MAX_OVERFLOW), so no request waits for a connection
        anyio.to_thread.current_default_thread_limiter().total_tokens = web.web_threads
        pool.kick()  # jobs left queued by the previous server
        yield

    # the API's self-description is for developers, not served in production
    public_docs = get_settings().environment != "production"
    app = FastAPI(
        lifespan=lifespan,
        title="mujun 亩均论英雄",
        version="0.1.0",
        description="The county's 亩均效益 evaluation and 产业大脑: cockpit, enterprises, runs, "
                    "imports, policies. Sign in with POST /api/auth/login; send the returned "
                    "csrf_token as the X-CSRF-Token header on every POST.",
        docs_url="/docs" if public_docs else None,
        redoc_url="/redoc" if public_docs else None,
        openapi_url="/openapi.json" if public_docs else None,
    )
    app.state.sessionmaker = session_factory(engine)
    app.state.clock = clock
    app.state.frontend = frontend or assets.FRONTEND
    app.state.jobs = pool
    app.state.session_lifetime = timedelta(seconds=web.session_max_age)
    app.state.session_idle = timedelta(seconds=web.session_idle_timeout)
    app.add_middleware(
        SessionMiddleware,
        secret_key=get_settings().secret_key,
        session_cookie="mujun_session",
        max_age=web.session_max_age,
        same_site="lax",
        https_only=web.secure_cookie,
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        status = next((code for cls, code in _STATUS if isinstance(exc, cls)), 400)
        return _error(request, status, _translator(request).error(exc))

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _wants_html(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return JSONResponse({"detail": _translator(request)(N_("请先登录"))}, status_code=401)

    @app.exception_handler(PasswordChangeRequired)
    async def password_change_required(request: Request, exc: PasswordChangeRequired) -> Response:
        if _wants_html(request):
            return RedirectResponse("/password", status_code=303)
        return JSONResponse({"detail": _translator(request)(PASSWORD_CHANGE_REQUIRED)},
                            status_code=403)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        message = N_("页面已过期（CSRF 令牌缺失或不对），请刷新页面后重试")
        return _error(request, 403, _translator(request)(message))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = status_message(exc.status_code, exc.detail, _translator(request))
        if _wants_html(request):
            return _error(request, exc.status_code, message)
        return JSONResponse({"detail": message}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        tr = _translator(request)
        if _wants_html(request):
            return _error(request, 422, "；".join(validation_message(e, tr) for e in exc.errors()))
        return JSONResponse({"detail": jsonable_errors(exc, tr)}, status_code=422)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(assets.router)
    for module in (auth, cockpit, enterprises, land, land_reviews, disposal, monitoring, parcels,
                   projects, runs, imports, jobs, policies, service_requests, programmes, targets,
                   users):
        app.include_router(module.api)
        app.include_router(module.pages)
    if not assets.echarts_path(app.state.frontend).exists():
        log.warning(assets.missing_message(app.state.frontend))
    return app


def jsonable_errors(exc: RequestValidationError, tr: Translator) -> list[dict[str, Any]]:
    """FastAPI's shape (``loc``, ``msg``, ``type``), the message in the request's language."""
    return [{"loc": list(e["loc"]), "msg": validation_message(e, tr), "type": e["type"]}
            for e in exc.errors()]


def _translator(request: Request) -> Translator:
    return Translator(get_lang(request))
