"""Calendar periods in a user's timezone, as half-open [start, end) UTC instants.

Date filters are read in the user's timezone with the end date inclusive, so
2026-11-02..2026-11-08 in Europe/Berlin is [2026-11-01T23:00Z, 2026-11-08T23:00Z).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_SPAN_DAYS = 3660


def zone(tz: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ValueError (not a KeyError subclass) when unknown."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {tz!r}") from exc


def day_start(d: date, tz: str) -> datetime:
    """The UTC instant at which local date `d` begins."""
    return datetime.combine(d, time(0), zone(tz)).astimezone(UTC)


def local_range(start_date: date, end_date: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) UTC instants covering start_date..end_date (inclusive) in `tz`."""
    if end_date < start_date:
        raise ValueError("end_date is before start_date")
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
