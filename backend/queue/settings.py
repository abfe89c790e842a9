"""Queue tunables (env prefix ENGLOG_QUEUE_), kept apart from backend.config so tests can
shrink leases and backoff without touching shared settings."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class QueueSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGLOG_QUEUE_", env_file=None, extra="ignore")

    lease_seconds: float = 60.0
    # Retry delay after attempt n is backoff_seconds * backoff_factor ** (n - 1).
    backoff_seconds: float = 5.0
    backoff_factor: float = 4.0
    # Longest a Claim may long-poll, whatever the worker asks for.
    max_wait_seconds: float = 60.0
    # Safety net if a NOTIFY is missed while the listener reconnects; not the waking path.
    poll_cap_seconds: float = 30.0
    # How often each API process returns expired leases to the queue.
    sweep_seconds: float = 5.0
    # A worker not heard from for this long is shown as stale in /health.
    worker_stale_seconds: float = 90.0
    # The in-process runner for API-side jobs (cleanup, deletions, weekly reports).
    api_runner_enabled: bool = True
    # How often the scheduler leader enqueues recurring jobs.
    scheduler_tick_seconds: float = 60.0


@lru_cache(maxsize=1)
def get_queue_settings() -> QueueSettings:
    return QueueSettings()
