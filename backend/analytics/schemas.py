"""Query and response models of the analytics endpoints (responses document the OpenAPI spec)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.analytics.periods import MAX_SPAN_DAYS
from backend.api.errors import field_error
from backend.api.timebounds import MAX_DATE, MIN_DATE, RANGE_TEXT, BoundedDate

DEFAULT_DAYS = 30


class DateRangeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: BoundedDate | None = Field(
        None, description="First day (YYYY-MM-DD, your timezone). Default: 29 days before "
        "end_date."
    )
    end_date: BoundedDate | None = Field(
        None, description="Last day, inclusive (YYYY-MM-DD, your timezone). Default: today."
    )

    def resolve(self, today: date) -> tuple[date, date]:
        """The inclusive local date range, defaults applied; 422 naming the field if invalid."""
        span = timedelta(days=DEFAULT_DAYS - 1)
        end = self.end_date or today
        if self.end_date is None and self.start_date and self.start_date > today:
            # A future start alone means "30 days from then", not an inverted range.
            end = self.start_date + span
        start = self.start_date or end - span
        for name, d in (("start_date", start), ("end_date", end)):
            if not MIN_DATE <= d <= MAX_DATE:
                raise field_error(name, RANGE_TEXT)
        if end < start:
            raise field_error("end_date", "must be on or after start_date")
        if (end - start).days + 1 > MAX_SPAN_DAYS:
            raise field_error("end_date", f"the period may span at most {MAX_SPAN_DAYS} days")
        return start, end


class DistributionQuery(DateRangeQuery):
    group_by: Literal["type", "project", "value", "impact", "tag", "weekday", "hour", "day"] = (
        Field("type", description="type, project, value, impact, tag, weekday, hour or day.")
    )


class TrendsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weeks: int = Field(12, ge=1, le=104, description="Number of weeks (1-104), newest last.")


# --- responses ---------------------------------------------------------------------------

class Period(BaseModel):
    start: str = Field(description="Inclusive start instant (RFC 3339, UTC).")
    end: str = Field(description="Exclusive end instant (RFC 3339, UTC).")
    timezone: str
    days: int
    start_date: str
    end_date: str = Field(description="Last local day, inclusive.")


class Totals(BaseModel):
    entries: int
    minutes: int
    hours: float
    active_days: int


class ProjectMinutes(BaseModel):
    project_id: str | None
    name: str
    minutes: int
    entries: int


class Metrics(BaseModel):
    average_daily_hours: float
    peak_hour: int | None
    most_productive_day: str | None
    efficiency_score: float
    focus_time_pct: float
    collaboration_ratio: float
    high_value_pct: float
    company_product_impact_ratio: float
    value_impact_score: float


class PeriodSummary(BaseModel):
    period: Period
    totals: Totals
    by_type: dict[str, int] = Field(description="Minutes for each of the 10 activity types.")
    by_project: list[ProjectMinutes]
    by_value: dict[str, int]
    by_impact: dict[str, int]
    metrics: Metrics


class Today(BaseModel):
    date: str
    minutes: int
    entries: int


class Week(BaseModel):
    week_start: str = Field(description="Monday of the current week, your timezone.")
    minutes: int
    entries: int
    by_type: dict[str, int]


class Dashboard(PeriodSummary):
    today: Today
    week: Week


class DistributionItem(BaseModel):
    key: str | int | None = Field(
        description="type/value/impact name, project id, tag name, ISO weekday 1-7, hour 0-23 "
        "or YYYY-MM-DD; null for no project / untagged."
    )
    label: str
    minutes: int
    entries: int
    pct: float = Field(description="Percent of the period's total minutes.")


class Distribution(BaseModel):
    group_by: str
    total_minutes: int
    items: list[DistributionItem]


class TrendWeek(BaseModel):
    week_start: str
    minutes: int
    entries: int
    high_value_pct: float
    by_type: dict[str, int]


class Trends(BaseModel):
    timezone: str
    weeks: list[TrendWeek]
