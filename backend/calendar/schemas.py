"""Bodies of the calendar import and feed endpoints."""

from __future__ import annotations

import re
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.api.periods import PeriodBound, end_field, start_field
from backend.calendar.rules import MAX_RULES, MappingRule
from backend.db.models import ActivityType, ImpactLevel, ValueRating

KEY = re.compile(r"[0-9a-f]{32}")
MAX_SELECT = 5000


class ImportOptions(BaseModel):
    """Query parameters, or (with multipart) form fields beside `file`."""

    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(False, description="Answer with what would be created; write "
                          "nothing.")
    period_start: PeriodBound | None = start_field(
        "Events that start at or after it. Default: 89 days before period_end.")
    period_end: PeriodBound | None = end_field(
        "Events that start before it. Default: today (inclusive). At most 366 days.")
    select: list[str] | None = Field(
        None, max_length=MAX_SELECT,
        description="Only these event keys (from a dry run), comma-separated or repeated. "
        "Default: every new event.")
    rules: list[MappingRule] | None = Field(
        None, max_length=MAX_RULES,
        description="JSON array of mapping rules used instead of the built-in ones "
        "(GET /v1/import/calendar/rules), first match wins.")
    attendee_email: str | None = Field(
        None, max_length=255, description="Your address in the calendar, to find events "
        "you declined. Default: your account email.")
    project_id: uuid.UUID | None = Field(None, description="A project for every entry.")

    @field_validator("select")
    @classmethod
    def _keys(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        bad = [k for k in v if not KEY.fullmatch(k)]
        if bad:
            raise ValueError(f"not an event key: {bad[0][:40]!r} (32 hex digits)")
        return v


Status = Literal["new", "created", "duplicate", "skipped", "unselected"]
Reason = Literal["all_day", "cancelled", "transparent", "declined", "no_duration",
                 "too_long"]


class ImportEvent(BaseModel):
    key: str = Field(description="Stable id of the occurrence (UID + RECURRENCE-ID).")
    uid: str
    recurrence_id: str | None = Field(description="The occurrence of a recurring event.")
    title: str
    description: str
    start_time: str
    end_time: str
    duration_minutes: int
    type: ActivityType
    value_rating: ValueRating
    impact_level: ImpactLevel
    tags: list[str]
    rule: str | None = Field(description="The `contains` of the rule that matched.")
    status: Status = Field(description="new (a dry run would create it), created, duplicate "
                           "(imported before), skipped (see reason), unselected.")
    reason: Reason | None
    entry_id: str | None = Field(description="The entry created (status created).")


class ImportCounts(BaseModel):
    events: int
    new: int = Field(description="Events not imported before and not skipped.")
    created: int
    duplicate: int
    skipped: int
    unselected: int


class ImportResult(BaseModel):
    dry_run: bool
    period_start: str
    period_end: str
    counts: ImportCounts
    events: list[ImportEvent]


class RuleList(BaseModel):
    default_type: ActivityType
    default_value_rating: ValueRating
    default_impact_level: ImpactLevel
    rules: list[MappingRule]


class FeedCreated(BaseModel):
    url: str = Field(description="Subscribe to this URL; it is shown only now.")
    path: str
    created_at: str


class FeedStatus(BaseModel):
    enabled: bool
    created_at: str | None
    last_fetched_at: str | None
