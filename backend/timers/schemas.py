"""Request and response bodies for /v1/timers: the entry draft of backend.logs.schemas,
with the timer's own rules (a running timer may have no title yet; stopping needs one)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from backend.api.timebounds import BoundedDatetime
from backend.db.models import ActivityType, ImpactLevel, ValueRating
from backend.logs.schemas import DraftPatch, EntryDraft, no_nul

DraftTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(no_nul)
]


class TimerStart(EntryDraft):
    title: DraftTitle = ""
    type: ActivityType = Field(  # type: ignore[assignment]
        None, description="Defaults to your preference default_activity_type.")


class TimerPatch(DraftPatch):
    title: DraftTitle = None  # type: ignore[assignment]


class TimerStop(TimerPatch):
    end_time: BoundedDatetime = Field(None, description="Defaults to now.")  # type: ignore[assignment]


class Backfill(EntryDraft):
    minutes: int = Field(..., ge=1, le=1440, description="How long it lasted (1-1440).")
    end_time: BoundedDatetime | None = Field(None, description="When it ended; defaults to now.")


class TimerOut(BaseModel):
    title: str
    description: str
    type: ActivityType
    project_id: uuid.UUID | None
    tags: list[str]
    value_rating: ValueRating
    impact_level: ImpactLevel
    started_at: datetime
    elapsed_seconds: int


class TimerCurrent(BaseModel):
    running: bool
    timer: TimerOut | None
