"""Bodies for /v1/users: the profile and the known preference keys with their defaults."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.auth.schemas import UserOut, check_email, check_timezone
from backend.db.models import ActivityType, ImpactLevel, ValueRating

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Preferences(BaseModel):
    """Every preference a user can set. Unknown keys are rejected, so typos surface as 422s.

    As a PUT body every key is optional: the given keys are merged into the stored ones.
    """

    model_config = ConfigDict(extra="forbid")

    weekly_report_email: bool = Field(
        False, strict=True, description="Opt in to the weekly report email (Monday).")
    report_ready_email: bool = Field(
        True, strict=True, description="Email when a requested report is ready.")
    end_of_day_reminder_email: bool = Field(
        False, strict=True, description="Opt in to an email at end_of_day_reminder_time on "
        "each of end_of_day_reminder_days on which you have logged nothing.")
    end_of_day_reminder_time: str = Field(
        "17:30", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="HH:MM (24-hour) in your timezone.")
    end_of_day_reminder_days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]), max_length=7,
        description="Your workdays (default Monday to Friday).")

    @field_validator("end_of_day_reminder_days")
    @classmethod
    def _weekday_order(cls, v: list[str]) -> list[str]:
        # Stored once each, in week order, so equal settings compare equal.
        return [d for d in WEEKDAYS if d in v]
    week_start: Literal["monday", "sunday"] = "monday"
    default_activity_type: ActivityType = ActivityType.code
    default_value_rating: ValueRating = ValueRating.medium
    default_impact_level: ImpactLevel = ImpactLevel.team
    daily_goal_hours: float = Field(8.0, ge=0, le=24, strict=True, allow_inf_nan=False)
    theme: Literal["dark", "light"] = "dark"


PREFERENCE_DEFAULTS: dict[str, Any] = Preferences().model_dump(mode="json")


def effective_preferences(stored: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults overlaid with the stored known keys (keys no longer known are hidden)."""
    stored = stored or {}
    return {k: stored.get(k, v) for k, v in PREFERENCE_DEFAULTS.items()}


# Entry field -> the preference that gives its default.
_DRAFT_PREFERENCES = {"value_rating": "default_value_rating",
                      "impact_level": "default_impact_level",
                      "type": "default_activity_type"}


def draft_defaults(stored: dict[str, Any] | None) -> dict[str, str]:
    """What an entry or timer created without value_rating or impact_level (or a timer
    started without a type) gets: the user's preferences, so "default" means *their*
    default and not a constant of the API."""
    # The three keys alone, not effective_preferences(): this runs on every entry written.
    stored = stored or {}
    return {field: stored.get(key, PREFERENCE_DEFAULTS[key])
            for field, key in _DRAFT_PREFERENCES.items()}


class ProfileUpdate(BaseModel):
    """Omitted fields stay as they are. Changing the email needs `current_password`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: str = Field(None, max_length=100)
    last_name: str = Field(None, max_length=100)
    timezone: str = Field(None, max_length=64, description="IANA timezone name.")
    email: str = Field(None, max_length=255)
    current_password: str = Field(None, min_length=1, max_length=256,
                                  description="Required when `email` changes.")

    _email = field_validator("email")(check_email)
    _tz = field_validator("timezone")(check_timezone)


class ProfileOut(UserOut):
    """The spec's users row, without the password hash."""

    updated_at: str
    last_login_at: str | None = None
