"""Query and response models of the analytics endpoints (responses document the OpenAPI spec)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.analytics.periods import MAX_SPAN_DAYS
from backend.api.errors import field_error
from backend.api.periods import (
    PeriodBound,
    Span,
    check_order,
    end_field,
    end_instant,
    start_field,
    start_instant,
)

DEFAULT_DAYS = 30
NAMES = ("start_date", "end_date")


def _days_away(bound: date | datetime, sign: int) -> date | datetime:
    """The other end of a default 30-day period: a date range includes both days (29 days
    apart), a timestamp range is half-open (30 days apart)."""
    days = DEFAULT_DAYS if isinstance(bound, datetime) else DEFAULT_DAYS - 1
    return bound + sign * timedelta(days=days)


class DateRangeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: PeriodBound | None = start_field("Default: 30 days before end_date.")
    end_date: PeriodBound | None = end_field("Default: today (inclusive).")

    def resolve(self, tz: str, today: date) -> Span:
        """The period as instants, defaults applied; 422 naming the field if invalid."""
        start, end = self.start_date, self.end_date
        if end is None:
            end = today
            if start is not None and start_instant(start, tz) >= end_instant(today, tz):
                # A future start alone means "30 days from then", not an inverted range.
                end = _days_away(start, +1)
        if start is None:
            start = _days_away(end, -1)
        result = check_order(Span(start_instant(start, tz), end_instant(end, tz)), NAMES)
        assert result.start is not None and result.end is not None
        if result.end - result.start > timedelta(days=MAX_SPAN_DAYS):
            raise field_error("end_date", f"the period may span at most {MAX_SPAN_DAYS} days")
        return result


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
    """The spec's ProductivityMetrics; definitions in backend/analytics/metrics.py."""

    average_daily_hours: float = Field(description="Total hours / days with entries.")
    peak_productivity_hour: int | None = Field(
        description="Local hour 0-23 with the most minutes (earliest on a tie); null if none.")
    most_productive_day: str | None = Field(
        description="Weekday with the most minutes (Monday first on a tie); null if none.")
    activity_efficiency_score: float = Field(
        description="Percent of minutes in code, debug and docs entries.")
    focus_time_percentage: float = Field(
        description="Percent of minutes in code/debug/docs/planning/learning entries of at "
        "least 60 minutes.")
    collaboration_ratio: float = Field(
        description="Meeting + mentoring + review minutes / total minutes, 0..1.")
    high_value_percentage: float = Field(description="Percent of minutes rated high value.")
    company_impact_ratio: float = Field(
        description="Percent of minutes with company or product impact.")
    value_impact_score: float = Field(
        description="0-100: value weight (1-3) x impact weight (1-4) / 12, weighted by minutes.")


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
    start: str = Field(description="Inclusive start instant (RFC 3339, UTC).")
    end: str = Field(description="Exclusive end instant (RFC 3339, UTC).")
    start_date: str = Field(description="First local day the period touches.")
    end_date: str = Field(description="Last local day the period touches, inclusive.")
    group_by: str
    total_minutes: int
    items: list[DistributionItem]


class TrendWeek(BaseModel):
    week_start: str
    minutes: int
    entries: int
    high_value_percentage: float
    by_type: dict[str, int]


class Trends(BaseModel):
    timezone: str
    weeks: list[TrendWeek]
