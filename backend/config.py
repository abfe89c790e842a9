"""Settings from the environment (prefix ENGLOG_), with defaults that work on localhost."""

from __future__ import annotations

import logging
import secrets
from functools import lru_cache

from limits import parse as parse_limit
from pydantic import Field, field_validator
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
    # Login attempts per client IP across all accounts (a password-spraying IP), in Redis.
    login_ip_max_failures: int = 30
    login_ip_window_seconds: int = 900
    # Per account across all IPs, kept in PostgreSQL so a restart does not reset it: after
    # `login_lock_after` attempts without a success the account is locked for
    # `login_lock_seconds`, doubling with each further failure up to `login_lock_max_seconds`.
    # Attempts older than `login_failure_reset_seconds` are forgotten.
    login_lock_after: int = 10
    login_lock_seconds: int = 60
    login_lock_max_seconds: int = 900
    login_failure_reset_seconds: int = 3600
    # Concurrent argon2 computations; 0 = one per CPU core. Excess requests queue.
    argon2_max_concurrency: int = 0

    # Request rate limits ("N/second|minute|hour|day", the `limits` notation), kept in Redis.
    # Authenticated requests count per user, anonymous ones per client IP.
    rate_limits_enabled: bool = True
    rate_limit_read: str = "600/minute"
    rate_limit_write: str = "120/minute"
    rate_limit_anonymous: str = "60/minute"
    rate_limit_register: str = "10/hour"
    # Proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDR networks).
    trusted_proxies: str = ""

    # Redis calls give up after this long, so a hung Redis adds at most about this much
    # latency to a request before the API stops asking it for a while (fail open).
    redis_timeout_ms: int = 200
    # How long Redis may answer "this session is live" before PostgreSQL is asked again.
    session_cache_seconds: int = 60
    # Seconds to wait for a new PostgreSQL connection before answering 503.
    database_connect_timeout: float = 5.0

    # Bearer token that /metrics requires; empty (the default) hides /metrics (404).
    metrics_token: str = Field(default="", repr=False)

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

    @field_validator("rate_limit_read", "rate_limit_write", "rate_limit_anonymous",
                     "rate_limit_register")
    @classmethod
    def _limit(cls, v: str) -> str:
        try:
            parse_limit(v)
        except ValueError as exc:
            raise ValueError(f"{v!r} is not a rate limit like '120/minute'") from exc
        return v

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, v: str) -> str:
        from backend.api.clientip import parse_trusted

        parse_trusted(v)
        return v


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
