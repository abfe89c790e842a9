"""Formatting helpers shared by several screens."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tui.quickadd import ACTIVITY_TYPES, IMPACT_LEVELS, VALUE_RATINGS

if TYPE_CHECKING:
    from tui.app import EngLogApp

TYPE_OPTIONS = [(t, t) for t in ACTIVITY_TYPES]
VALUE_OPTIONS = [(v, v) for v in VALUE_RATINGS]
IMPACT_OPTIONS = [(v, v) for v in IMPACT_LEVELS]


def hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def hm(minutes: float | int | None) -> str:
    m = int(round(minutes or 0))
    return f"{m // 60}h{m % 60:02d}" if m >= 60 else f"{m}m"


def entries_count(n: int) -> str:
    """"1 entry", "2 entries": the count and the noun, agreed."""
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def week_bounds(today: date, week_start: str | None) -> tuple[date, date]:
    first = 6 if (week_start or "").lower().startswith("sun") else 0
    start = today - timedelta(days=(today.weekday() - first) % 7)
    return start, start + timedelta(days=6)


def period_bounds(period: str, today: date, week_start: str | None = None
                  ) -> tuple[date | None, date | None]:
    if period == "today":
        return today, today
    if period == "yesterday":
        d = today - timedelta(days=1)
        return d, d
    if period == "week":
        return week_bounds(today, week_start)
    if period == "last_week":
        s, e = week_bounds(today - timedelta(days=7), week_start)
        return s, e
    if period == "month":
        return today.replace(day=1), today
    if period == "30d":
        return today - timedelta(days=29), today
    if period == "year":
        return today.replace(month=1, day=1), today
    return None, None


PERIOD_OPTIONS = [("All time", "all"), ("Today", "today"), ("Yesterday", "yesterday"),
                  ("This week", "week"), ("Last week", "last_week"), ("This month", "month"),
                  ("Last 30 days", "30d"), ("This year", "year")]


def entry_time_range(app: EngLogApp, e: dict[str, Any]) -> str:
    start: datetime = app.local(e["start_time"])
    end: datetime = app.local(e["end_time"])
    return f"{start:%H:%M}–{end:%H:%M}"
