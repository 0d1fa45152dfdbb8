"""Web settings (``MUJUN_*`` environment variables), beside the store's.

Several workers behind a load balancer must share ``MUJUN_SECRET_KEY`` (the session cookie is
signed with it) and ``MUJUN_DATABASE_URL`` (PostgreSQL; the sessions themselves live there).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from mujun.store.settings import get_settings


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUJUN_", env_file=".env", extra="ignore")

    #: send the session cookie over HTTPS only; default: on in production, off locally
    cookie_secure: bool | None = None
    #: a signed-in session ends this long after sign-in, whatever the activity (seconds)
    session_max_age: int = 8 * 3600
    #: job worker processes (imports, runs) this web process runs at once
    job_workers: int = 2
    #: each job process's memory (address space, MB) and time (s) before it is stopped
    job_memory_mb: int = 4096
    job_seconds: int = 900
    #: threads serving the synchronous endpoints; the store's connection pool is as large
    web_threads: int = 40
    #: ... and earlier after this long without a request (seconds)
    session_idle_timeout: int = 3600

    @property
    def secure_cookie(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return get_settings().environment == "production"


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()
