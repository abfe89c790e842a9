"""Bodies and answers of the GDPR endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_AFTER_DAYS = 90


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["json", "zip"] = Field(
        "json", description="`json`: one document. `zip`: one JSON and one CSV file per "
        "section, plus manifest.json.")


class PasswordConfirmation(BaseModel):
    """Irreversible changes ask for the password again: a stolen access token is not enough."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(..., min_length=1, max_length=256)


class DeletionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after_days: int = Field(..., ge=1, le=MAX_AFTER_DAYS, strict=True,
                            description=f"Delete the account this many days from now "
                            f"(1..{MAX_AFTER_DAYS}); cancel any time before.")
    reason: str = Field("", max_length=1000, description="Optional, kept with the record.")


class DeletionOut(BaseModel):
    id: str
    status: Literal["pending"]
    requested_at: str
    scheduled_for: str
    reason: str


class AnonymizedOut(BaseModel):
    status: Literal["anonymized"]
    revoked_sessions: int
