"""Report periods as inclusive local date ranges, and the rules for dates a user gives.

Without dates a report covers the current period of its type (daily = today, weekly =
Monday..Sunday of this week, sprint = the 14 days ending today, monthly/quarterly/annual =
the calendar month/quarter/year containing today). Given dates must come as a pair, in
order, not after the current period, and span about what the type says.
"""

from __future__ import annotations

from datetime import date, timedelta

from backend.api.errors import field_error
from backend.api.timebounds import MIN_DATE

SPRINT_DAYS = 14
EARLIEST = MIN_DATE

# (min, max) days a given period may span: lenient enough for short sprints, holidays and
# "the month so far", strict enough that "annual" over three days is caught as a mistake.
SPANS: dict[str, tuple[int, int]] = {
    "daily": (1, 1),
    "weekly": (5, 7),
    "sprint": (7, 28),
    "monthly": (28, 31),
    "quarterly": (84, 92),
    "annual": (360, 366),
}


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def current_period(report_type: str, today: date) -> tuple[date, date]:
    """The period of `report_type` containing `today` (sprint: the 14 days ending today)."""
    if report_type == "daily":
        return today, today
    if report_type == "weekly":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if report_type == "sprint":
        return today - timedelta(days=SPRINT_DAYS - 1), today
    if report_type == "monthly":
        return today.replace(day=1), _month_end(today.year, today.month)
    if report_type == "quarterly":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return date(today.year, first_month, 1), _month_end(today.year, first_month + 2)
    if report_type == "annual":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    raise ValueError(f"unknown report type {report_type!r}")


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same number of days immediately before start..end."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def resolve_period(report_type: str, start: date | None, end: date | None,
                   today: date) -> tuple[date, date]:
    """The period to report on; raises a 422 naming the field when given dates do not fit."""
    if start is None and end is None:
        return current_period(report_type, today)
    if start is None:
        raise field_error("period_start", "required when period_end is given")
    if end is None:
        raise field_error("period_end", "required when period_start is given")
    if start < EARLIEST:
        raise field_error("period_start", f"must be on or after {EARLIEST.isoformat()}")
    if start > today:
        raise field_error("period_start", f"is in the future (today is {today.isoformat()})")
    if end < start:
        raise field_error("period_end", "must be on or after period_start")
    latest = max(today, current_period(report_type, today)[1])
    if end > latest:
        raise field_error(
            "period_end", f"must not be after {latest.isoformat()} (the end of the current "
            f"{report_type} period)")
    low, high = SPANS[report_type]
    days = (end - start).days + 1
    if not low <= days <= high:
        want = f"{low} day" if low == high else f"{low} to {high} days"
        raise field_error(
            "period_end", f"a {report_type} report covers {want}; "
            f"{start.isoformat()}..{end.isoformat()} is {days} day{'s' if days != 1 else ''}")
    return start, end
