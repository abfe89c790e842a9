"""Request and response bodies for /v1/auth."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from backend.api.errors import ApiError
from backend.auth.password_policy import check_new_password

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_ZONES = available_timezones()


def check_timezone(v: str) -> str:
    if v not in _ZONES:
        raise ValueError(f"'{v}' is not an IANA timezone name, e.g. 'Europe/Berlin' or 'UTC'")
    return v


def check_email(v: str) -> str:
    v = v.strip()
    if len(v) > 255 or not EMAIL_RE.match(v):
        raise ValueError("must be a valid email address")
    return v.lower()


def email_taken() -> ApiError:
    # Only for an authenticated email change (which needs the current password); register
    # answers the same whether or not the address is taken.
    return ApiError(409, "Conflict", "An account with this email already exists.",
                    kind="email-taken",
                    errors=[{"field": "email", "message": "already registered"}])


Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class RegisterBody(BaseModel):
    # No model-wide whitespace stripping: a password is used exactly as typed (after NFKC),
    # the same at register and at login.
    model_config = ConfigDict(extra="forbid")

    email: str = Field(..., max_length=255, examples=["ada@example.com"])
    password: str = Field(..., min_length=10, max_length=256,
                          description="At least 10 characters, used exactly as typed; not "
                          "one of the most common passwords.")
    first_name: Name = ""
    last_name: Name = ""
    timezone: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        "UTC", max_length=64, description="IANA timezone name.")

    _email = field_validator("email")(check_email)
    _tz = field_validator("timezone")(check_timezone)

    @field_validator("password")
    @classmethod
    def _password(cls, v: str, info: ValidationInfo) -> str:
        return check_new_password(v, info.data.get("email"))


class RegisterAccepted(BaseModel):
    status: str = "accepted"
    detail: str


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(..., max_length=255)
    password: str = Field(..., min_length=1, max_length=256)


class RefreshBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(..., min_length=1, max_length=4096)


class UserOut(BaseModel):
    id: str
    email: str
    first_name: str
    last_name: str
    timezone: str
    preferences: dict
    created_at: str


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int = Field(..., description="Access-token lifetime in seconds.")
    user: UserOut


class LogoutAllOut(BaseModel):
    revoked_sessions: int = Field(..., description="Sessions that were still live.")
