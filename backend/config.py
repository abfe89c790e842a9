"""Settings from the environment (prefix ENGLOG_), with defaults that work on localhost."""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger("englog.config")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGLOG_", env_file=None, extra="ignore")

    database_url: str = "postgres://postgres@127.0.0.1:5432/englog"
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Every Redis key gets this prefix, so tests (and several deployments) can share one Redis.
    redis_prefix: str = "englog:"

    jwt_secret: str = Field(default="", repr=False)
    access_token_minutes: int = 15
    refresh_token_days: int = 30

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    # Failed logins allowed per (account, IP) in the window before 429.
    login_max_failures: int = 5
    login_window_seconds: int = 60

    user_cache_seconds: int = 300
    analytics_cache_seconds: int = 3600

    # gRPC server for workers (mutual TLS). Empty cert paths disable it.
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50051
    grpc_ca_cert: str = ""
    grpc_server_cert: str = ""
    grpc_server_key: str = ""

    # The one API process holding the advisory lock enqueues recurring jobs.
    scheduler_enabled: bool = True


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    s = Settings()
    if not s.jwt_secret:
        # A per-process secret keeps a dev box working, but every restart logs everyone out
        # and several API processes would reject each other's tokens.
        s.jwt_secret = secrets.token_urlsafe(48)
        log.warning(
            "!!! ENGLOG_JWT_SECRET is not set: using a random development secret. "
            "Tokens will not survive a restart. Set ENGLOG_JWT_SECRET in production. !!!"
        )
    return s
