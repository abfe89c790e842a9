"""Request and response bodies for /v1/insights."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from backend.api.pagination import PageQuery
from backend.api.periods import PeriodBound, end_field, start_field
from backend.db.models import ReportType
from backend.logs.schemas import no_nul

MAX_FOCUS_AREAS = 10
MAX_INCLUDE_PROJECTS = 20

FocusArea = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(no_nul),
]
ProjectRefText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(no_nul),
]
Status = Literal["queued", "running", "completed", "failed"]


PERIOD_AS_DATES = ("A report covers whole days in your timezone: a timestamp range becomes "
                   "the local days it spans, each end moved to the nearest local midnight.")


class SectionCheck(BaseModel):
    section: str
    kept: int
    regenerated: int
    replaced: int


class GenerateBody(BaseModel):
    """The spec's InsightRequest."""

    model_config = ConfigDict(extra="forbid")

    report_type: ReportType
    period_start: PeriodBound | None = start_field(
        "Give period_start and period_end together, or neither (the current period).")
    period_end: PeriodBound | None = end_field(PERIOD_AS_DATES)
    include_projects: list[ProjectRefText] = Field(
        default_factory=list, max_length=MAX_INCLUDE_PROJECTS,
        description="Your project ids or names the narrative should concentrate on.")
    focus_areas: list[FocusArea] = Field(
        default_factory=list, max_length=MAX_FOCUS_AREAS,
        description="Up to 10 themes (each up to 100 characters) the narrative should cover.")


class InsightQuery(PageQuery):
    type: ReportType | None = Field(None, description="Report type (the spec's ?type=).")
    status: Status | None = None
    period_start: PeriodBound | None = start_field(
        "Only reports whose period starts on or after it. " + PERIOD_AS_DATES)
    period_end: PeriodBound | None = end_field("Only reports whose period ends by it.")


class Links(BaseModel):
    self: str
    events: str


class InsightAccepted(BaseModel):
    id: uuid.UUID
    status: Status
    report_type: ReportType
    period_start: date
    period_end: date
    progress: int
    stage: str
    cached: bool = False
    links: Links


class InsightSummary(BaseModel):
    id: uuid.UUID
    report_type: ReportType
    period_start: date
    period_end: date
    status: Status
    progress: int
    stage: str
    title: str
    summary: str
    error: str | None
    created_at: datetime
    completed_at: datetime | None
    links: Links


class InsightOut(InsightSummary):
    content: str = Field(description="The report as Markdown.")
    facts: dict[str, Any] = Field(description="Figures computed by the API; the report's "
                                  "numbers all come from here.")
    metadata: dict[str, Any]
    options: dict[str, Any]
    fingerprint: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    generation_ms: int
    attempts: int
    sentence_checks: list[SectionCheck] = Field(
        default_factory=list, description="Per narrative section, how many generated "
        "sentences passed the check first time (kept), after one regeneration (regenerated), "
        "or were replaced by a plain sentence built from the facts (replaced).")
    updated_at: datetime
    cached: bool = False


class InsightPage(BaseModel):
    items: list[InsightSummary]
    total: int
    limit: int
    offset: int
