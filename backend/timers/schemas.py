"""Request and response bodies for /v1/timers: the entry draft of backend.logs.schemas,
with the timer's own rules (a running timer may have no title yet; stopping needs one)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from backend.api.timebounds import BoundedDatetime
from backend.db.models import ActivityType, ImpactLevel, ValueRating
from backend.logs.schemas import DraftPatch, EntryDraft, EntryWritten, no_nul

DraftTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(no_nul)
]


class TimerStart(EntryDraft):
    title: DraftTitle = ""
    type: ActivityType = Field(  # type: ignore[assignment]
        None, description="Defaults to your preference default_activity_type.")


class TimerPatch(DraftPatch):
    title: DraftTitle = None  # type: ignore[assignment]


class TimerEdit(TimerPatch):
    """PATCH /v1/timers/current: the draft's fields, and when the timer started."""

    started_at: BoundedDatetime = Field(  # type: ignore[assignment]
        None, description="Not in the future, and at most 24 hours ago (an entry lasts at "
        "most 24 hours, so an older start could never be stopped).")


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


class TimerSwitch(TimerStart):
    """POST /v1/timers/switch: the next timer's fields; `stopped` overrides fields of the
    entry logged from the running one (e.g. its title, if it had none)."""

    stopped: TimerPatch | None = None


class TimerRestart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: uuid.UUID | None = Field(
        None, description="The entry to continue; defaults to the one that ended last.")


class TimerSwitched(BaseModel):
    stopped: EntryWritten
    timer: TimerOut
