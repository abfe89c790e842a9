"""Report periods as inclusive local date ranges, and the rules for periods a user gives.

Without a period a report covers the current period of its type (daily = today, weekly =
Monday..Sunday of this week, sprint = the 14 days ending today, monthly/quarterly/annual =
the calendar month/quarter/year containing today). A given period comes as a pair of
bounds (dates or RFC 3339 timestamps, backend.api.periods), in order, not after the current
period, and spans about what the type says.

Reports are stored and composed by local day (generated_insights.period_start/period_end
are DATEs, as in the spec), so a timestamp range becomes the local days it spans, each end
moved to the nearest local midnight (backend.api.periods.covered_dates):
2026-11-16T00:00:00Z..2026-11-23T00:00:00Z is the 7 days 16..22 November.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from backend.api.errors import field_error
from backend.api.periods import covered_dates, nearest_local_date, resolve_span

SPRINT_DAYS = 14
NAMES = ("period_start", "period_end")

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


def resolve_period(report_type: str, start: date | datetime | None,
                   end: date | datetime | None, today: date, tz: str) -> tuple[date, date]:
    """The local dates to report on; raises a 422 naming the field when the period does not
    fit."""
    if start is None and end is None:
        return current_period(report_type, today)
    if start is None:
        raise field_error("period_start", "required when period_end is given")
    if end is None:
        raise field_error("period_end", "required when period_start is given")
    first, last = covered_dates(resolve_span(start, end, tz, names=NAMES), tz)
    if first > today:
        raise field_error("period_start", f"is in the future (today is {today.isoformat()})")
    latest = max(today, current_period(report_type, today)[1])
    if last > latest:
        raise field_error(
            "period_end", f"must not be after {latest.isoformat()} (the end of the current "
            f"{report_type} period)")
    low, high = SPANS[report_type]
    days = (last - first).days + 1
    if not low <= days <= high:
        want = f"{low} day" if low == high else f"{low} to {high} days"
        raise field_error(
            "period_end", f"a {report_type} report covers {want}; "
            f"{first.isoformat()}..{last.isoformat()} is {days} day{'s' if days != 1 else ''}")
    return first, last


def stored_dates_within(start: date | datetime | None, end: date | datetime | None,
                        tz: str) -> tuple[date | None, date | None]:
    """List filter bounds on the stored DATE periods, mapped like a report's own period, so
    filtering by the period a report was asked for finds it."""
    span = resolve_span(start, end, tz, names=NAMES)
    if span.start is not None and span.end is not None:
        return covered_dates(span, tz)
    return (None if span.start is None else nearest_local_date(span.start, tz),
            None if span.end is None else nearest_local_date(span.end, tz) - timedelta(days=1))
