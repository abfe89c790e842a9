"""Request and response bodies for /v1/timers. Field rules are the log entry's."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from backend.api.timebounds import BoundedDatetime
from backend.db.models import ActivityType, ImpactLevel, ValueRating
from backend.logs.schemas import Description, TagList, Title, check_tags, no_nul

# A running timer may have no title yet; stopping it needs one.
DraftTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(no_nul)
]


class TimerStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: DraftTitle = ""
    description: Description = ""
    activity_type: ActivityType = ActivityType.code
    project_id: uuid.UUID | None = None
    tags: TagList = Field(default_factory=list)
    value_rating: ValueRating = ValueRating.medium
    impact_level: ImpactLevel = ImpactLevel.personal

    _tags = field_validator("tags")(check_tags)


class TimerPatch(BaseModel):
    """Fields to change; null is accepted only for project_id (detaches the project)."""

    model_config = ConfigDict(extra="forbid")

    # Defaults are not validated: absent stays None, an explicit null fails on that field.
    title: DraftTitle = None  # type: ignore[assignment]
    description: Description = None  # type: ignore[assignment]
    activity_type: ActivityType = None  # type: ignore[assignment]
    project_id: uuid.UUID | None = None
    tags: TagList = None  # type: ignore[assignment]
    value_rating: ValueRating = None  # type: ignore[assignment]
    impact_level: ImpactLevel = None  # type: ignore[assignment]

    _tags = field_validator("tags")(check_tags)


class TimerStop(TimerPatch):
    end_time: BoundedDatetime = Field(None, description="Defaults to now.")  # type: ignore[assignment]


class Backfill(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(..., ge=1, le=1440, description="How long it lasted (1-1440).")
    title: Title
    description: Description = ""
    activity_type: ActivityType
    project_id: uuid.UUID | None = None
    tags: TagList = Field(default_factory=list)
    value_rating: ValueRating = ValueRating.medium
    impact_level: ImpactLevel = ImpactLevel.personal
    end_time: BoundedDatetime | None = Field(None, description="When it ended; defaults to now.")

    _tags = field_validator("tags")(check_tags)


class TimerOut(BaseModel):
    title: str
    description: str
    activity_type: ActivityType
    project_id: uuid.UUID | None
    tags: list[str]
    value_rating: ValueRating
    impact_level: ImpactLevel
    started_at: datetime
    elapsed_seconds: int


class TimerCurrent(BaseModel):
    running: bool
    timer: TimerOut | None
