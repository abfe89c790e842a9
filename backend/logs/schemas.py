"""Request and response bodies for /v1/logs; the entry draft is shared with the timers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from backend.api.pagination import PageQuery
from backend.api.periods import PeriodBound, end_field, start_field
from backend.api.timebounds import BoundedDatetime
from backend.db.models import ActivityType, ImpactLevel, ValueRating
from backend.tags.names import normalize_tag, normalize_tags

MAX_DURATION = timedelta(hours=24)
MAX_BULK = 500


def no_nul(v: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here instead of failing in the driver.
    if "\x00" in v:
        raise ValueError("must not contain NUL characters")
    return v


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_nul),
]
Description = Annotated[str, StringConstraints(max_length=2000), AfterValidator(no_nul)]
TagList = Annotated[
    list[str], Field(max_length=100, description="Tag names; created on first use.")
]


def check_tags(v: list[str] | None) -> list[str] | None:
    return None if v is None else normalize_tags(v)


def check_end(end: datetime | None, info: ValidationInfo) -> datetime | None:
    # A field validator (not a model validator) so the error names end_time.
    start = info.data.get("start_time")
    if end is None or start is None:
        return end
    if end <= start:
        raise ValueError("must be after start_time")
    if end - start > MAX_DURATION:
        raise ValueError("an entry can last at most 24 hours")
    return end


class EntryDraft(BaseModel):
    """What an entry says, apart from its times: the one declaration of these fields, shared
    by entries (create, bulk, backfill) and timers (start). Field names are the spec's."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description = ""
    type: ActivityType
    project_id: uuid.UUID | None = None
    tags: TagList = Field(default_factory=list)
    # Left out, these take the user's preferences (with_defaults, called by the routes).
    # Defaults are not validated, so an absent field stays None while an explicit null is
    # refused on that field.
    value_rating: ValueRating = Field(  # type: ignore[assignment]
        None, description="Defaults to your preference default_value_rating.")
    impact_level: ImpactLevel = Field(  # type: ignore[assignment]
        None, description="Defaults to your preference default_impact_level.")

    _tags = field_validator("tags")(check_tags)

    def with_defaults(self, defaults: Mapping[str, str]) -> Self:
        """The draft with each of value_rating, impact_level and type that was left out
        filled from `defaults` (backend.users.schemas.draft_defaults)."""
        update = {f: kind(defaults[f]) for f, kind in _DEFAULTED.items()
                  if f in defaults and getattr(self, f, "") is None}
        return self.model_copy(update=update) if update else self


_DEFAULTED = {"value_rating": ValueRating, "impact_level": ImpactLevel, "type": ActivityType}


class DraftPatch(BaseModel):
    """The draft's fields, each optional; null is accepted only for project_id (detaches the
    project). Shared by PATCH /v1/logs/{id} and PATCH /v1/timers/current."""

    model_config = ConfigDict(extra="forbid")

    # Defaults are not validated, so an absent field stays None while an explicit null
    # for a required field fails type validation and is reported on that field.
    title: Title = None  # type: ignore[assignment]
    description: Description = None  # type: ignore[assignment]
    type: ActivityType = None  # type: ignore[assignment]
    project_id: uuid.UUID | None = None
    tags: TagList = None  # type: ignore[assignment]
    value_rating: ValueRating = None  # type: ignore[assignment]
    impact_level: ImpactLevel = None  # type: ignore[assignment]

    _tags = field_validator("tags")(check_tags)


class EntryCreate(EntryDraft):
    start_time: BoundedDatetime
    end_time: BoundedDatetime

    _end = field_validator("end_time")(check_end)


class EntryPatch(DraftPatch):
    """Every field optional; the merged entry is validated as a whole."""

    start_time: BoundedDatetime = None  # type: ignore[assignment]
    end_time: BoundedDatetime = None  # type: ignore[assignment]


class BulkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[EntryCreate] = Field(..., min_length=1, max_length=MAX_BULK)


class EntryOut(BaseModel):
    """The spec's LogEntryResponse."""

    id: uuid.UUID
    title: str
    description: str
    type: ActivityType
    project_id: uuid.UUID | None
    project_name: str | None
    tags: list[str]
    start_time: datetime
    end_time: datetime
    duration_minutes: int
    value_rating: ValueRating
    impact_level: ImpactLevel
    created_at: datetime
    updated_at: datetime


class EntryPage(BaseModel):
    items: list[EntryOut]
    total: int
    limit: int
    offset: int


class BulkOut(BaseModel):
    items: list[EntryOut]


SortKey = Literal[
    "start_time", "-start_time", "duration", "-duration", "created_at", "-created_at", "title"
]


class EntryFilters(BaseModel):
    """The filters of GET /v1/logs besides the period; GET /v1/export/json takes the same."""

    model_config = ConfigDict(extra="forbid")

    project_id: uuid.UUID | None = None
    type: list[ActivityType] | None = Field(None, description="Activity types (any of).")
    tags: list[str] | None = Field(
        None, description="Tag names (any of); repeat or comma-separate."
    )
    value_rating: ValueRating | None = None
    impact_level: ImpactLevel | None = None
    q: Annotated[str, AfterValidator(no_nul)] | None = Field(
        None, max_length=200, description="Text search in title/description."
    )

    @field_validator("tags")
    @classmethod
    def _norm_tags(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else [normalize_tag(t) for t in v]


class EntryQuery(PageQuery, EntryFilters):
    start_date: PeriodBound | None = start_field("Entries that start at or after it.")
    end_date: PeriodBound | None = end_field("Entries that start before it.")
    sort: SortKey = Field("-start_time", description="start_time|-start_time|duration|...")


class Overlap(BaseModel):
    """Another entry of yours whose time overlaps the one written or asked about."""

    id: uuid.UUID
    title: str
    start_time: datetime
    end_time: datetime


class EntryWritten(EntryOut):
    """The entry as written, with the other entries it overlaps: a warning, not an error."""

    overlaps: list[Overlap] = Field(
        description="Up to 10 of your other entries overlapping this one; "
        "GET /v1/logs/overlaps lists all.")


class OverlapQuery(PageQuery):
    start_time: BoundedDatetime = Field(..., description="Start of the span (RFC 3339).")
    end_time: BoundedDatetime = Field(..., description="End of the span; after start_time.")
    exclude_id: uuid.UUID | None = Field(
        None, description="An entry to leave out (the one being edited).")

    _end = field_validator("end_time")(check_end)


class OverlapPage(BaseModel):
    items: list[Overlap]
    total: int
    limit: int
    offset: int
