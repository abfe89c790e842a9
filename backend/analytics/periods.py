"""Calendar periods in a user's timezone, as half-open [start, end) UTC instants.

Date filters are read in the user's timezone with the end date inclusive, so
2026-11-02..2026-11-08 in Europe/Berlin is [2026-11-01T23:00Z, 2026-11-08T23:00Z).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from backend.api.periods import day_start, zone

MAX_SPAN_DAYS = 3660

__all__ = ["MAX_SPAN_DAYS", "day_start", "local_dates", "local_range", "local_today",
           "week_start", "zone"]


def local_range(start_date: date, end_date: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) UTC instants covering start_date..end_date (inclusive) in `tz`; callers
    pass ordered dates (request periods are checked by backend.api.periods)."""
    return day_start(start_date, tz), day_start(end_date + timedelta(days=1), tz)


def local_today(tz: str, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(zone(tz)).date()


def week_start(d: date) -> date:
    """The Monday on or before `d` (weeks start on Monday)."""
    return d - timedelta(days=d.weekday())


def local_dates(start: datetime, end: datetime, tz: str) -> tuple[date, date, int]:
    """(first local date, last local date, number of local days) of [start, end)."""
    z = zone(tz)
    first = start.astimezone(z).date()
    last_instant = end.astimezone(z)
    last = last_instant.date()
    if last_instant.timetz().replace(tzinfo=None) == time(0) and end > start:
        # end is exclusive: a period ending at local midnight ends the day before.
        last -= timedelta(days=1)
    days = max((last - first).days + 1, 0) if end > start else 0
    return first, last, days
