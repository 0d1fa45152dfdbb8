"""Store settings (pydantic-settings), read from ``MUJUN_*`` environment variables or ``.env``.

The default store is a SQLite file in the working directory, so a single user needs no set-up;
``MUJUN_DATABASE_URL`` points the store at PostgreSQL for a multi-user deployment. Placeholder
secrets (``changethis`` and friends) are refused in production, as in full-stack-fastapi-template.
"""

from __future__ import annotations

import secrets
import warnings
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

PLACEHOLDER_SECRETS = frozenset({"changethis", "changeme", "secret", "password", "postgres"})
DEFAULT_DATABASE_URL = "sqlite:///mujun.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUJUN_", env_file=".env", extra="ignore")

    #: ``local`` tolerates placeholder secrets with a warning; ``production`` refuses them
    environment: Literal["local", "production"] = "local"
    #: SQLAlchemy URL; ``postgresql+psycopg://user:pass@host:5432/db`` for PostgreSQL
    database_url: str = DEFAULT_DATABASE_URL
    #: signs web sessions; generated per process when unset (sessions then end with the process)
    secret_key: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    #: the user the command line acts as (``--as`` overrides it)
    cli_user: str = "admin"
    #: upgrade the schema to the newest migration on first use
    auto_upgrade: bool = True

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        url = make_url(self.database_url)
        for name, value in (("MUJUN_SECRET_KEY", self.secret_key),
                            ("the password in MUJUN_DATABASE_URL", url.password)):
            if value is not None and str(value).lower() in PLACEHOLDER_SECRETS:
                message = f"{name} is the placeholder {str(value)!r}; set a real secret"
                if self.environment == "production":
                    raise ValueError(message)
                warnings.warn(message, stacklevel=2)
        return self

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"


@lru_cache
def get_settings() -> Settings:
    return Settings()
