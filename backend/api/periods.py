"""Period bounds in requests: one type, one rule and one message for every endpoint.

Every `period_start`/`period_end` and `start_date`/`end_date`, in bodies and query strings,
takes either an RFC 3339 timestamp or a plain date (YYYY-MM-DD):

- a timestamp is an instant, and a timestamp range is half-open, [start, end);
- a date is a whole day in the user's timezone: a start date begins at that day's local
  midnight and an end date ends at the next one, so a date range includes both days.

Each bound converts to an instant on its own, so mixed ranges follow the same rule. The only
order check is that the end instant comes after the start instant, with one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PlainValidator, WithJsonSchema

from backend.api.errors import field_error
from backend.api.timebounds import check_date, check_datetime

START_RULE = ("An RFC 3339 timestamp (e.g. 2026-11-16T00:00:00Z), inclusive, or a date "
              "(YYYY-MM-DD) meaning from the start of that day in your timezone.")
END_RULE = ("An RFC 3339 timestamp, exclusive: the period is [start, end). Or a date "
            "(YYYY-MM-DD), inclusive: up to the end of that day in your timezone.")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def end_before_start(start_field: str) -> str:
    """The one message for a period whose end does not come after its start."""
    return f"must be after {start_field} (a date counts as its whole day)"


def _in_range(d: date) -> None:
    # The one supported range (backend.api.timebounds); it ends far from date.max, so "the
    # day after" an end date always exists.
    check_date(d)


def parse_bound(value: Any) -> date | datetime:
    """A date (YYYY-MM-DD) or a timezone-aware datetime (RFC 3339); ValueError otherwise."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        _in_range(value)
        return value
    elif isinstance(value, str):
        text = value.strip()
        if _DATE.fullmatch(text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a valid date") from None
            _in_range(day)
            return day
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("must be an RFC 3339 timestamp (2026-11-16T00:00:00Z) or a "
                             "date (2026-11-16)") from None
    else:
        raise ValueError("must be a string: an RFC 3339 timestamp or a date")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("a timestamp needs a UTC offset (RFC 3339), e.g. 2026-11-16T00:00:00Z")
    return check_datetime(parsed)


PeriodBound = Annotated[
    date | datetime,
    PlainValidator(parse_bound),
    WithJsonSchema({"oneOf": [{"type": "string", "format": "date-time"},
                              {"type": "string", "format": "date"}]}),
]


def start_field(description: str = "", **kw: Any) -> Any:
    """A pydantic Field for a period start, its description stating the rule."""
    return Field(None, description=" ".join(filter(None, (START_RULE, description))), **kw)


def end_field(description: str = "", **kw: Any) -> Any:
    return Field(None, description=" ".join(filter(None, (END_RULE, description))), **kw)


def zone(tz: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ValueError (not a KeyError subclass) when unknown."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {tz!r}") from exc


def day_start(d: date, tz: str) -> datetime:
    """The UTC instant at which local date `d` begins."""
    return datetime.combine(d, time(0), zone(tz)).astimezone(UTC)


def start_instant(bound: date | datetime, tz: str) -> datetime:
    if isinstance(bound, datetime):
        return bound.astimezone(UTC)
    return day_start(bound, tz)


def end_instant(bound: date | datetime, tz: str) -> datetime:
    if isinstance(bound, datetime):
        return bound.astimezone(UTC)
    return day_start(bound + timedelta(days=1), tz)


@dataclass(frozen=True)
class Span:
    """A resolved period: UTC instants, start inclusive and end exclusive (None = open)."""

    start: datetime | None
    end: datetime | None


def check_order(span: Span, names: tuple[str, str]) -> Span:
    """The span, or a 422 naming the end field when the end does not come after the start."""
    if span.start is not None and span.end is not None and span.end <= span.start:
        raise field_error(names[1], end_before_start(names[0]))
    return span


def resolve_span(start: date | datetime | None, end: date | datetime | None, tz: str, *,
                 names: tuple[str, str] = ("start_date", "end_date")) -> Span:
    """Both bounds as instants in `tz` (None stays open), in order."""
    return check_order(Span(None if start is None else start_instant(start, tz),
                            None if end is None else end_instant(end, tz)), names)


def nearest_local_date(instant: datetime, tz: str) -> date:
    """The local date whose midnight is nearest to `instant` (the earlier one on a tie)."""
    local = instant.astimezone(zone(tz))
    day = local.date()
    after = day_start(day + timedelta(days=1), tz)
    return day + timedelta(days=1) if after - instant < instant - day_start(day, tz) else day


def covered_dates(span: Span, tz: str) -> tuple[date, date]:
    """The local dates a closed span stands for, where a period must be whole days (stored
    reports): each end moves to the nearest local midnight, so 2026-11-16T00:00:00Z ..
    2026-11-23T00:00:00Z is 16..22 November in any timezone within 12 hours of UTC. A span
    too short to reach a whole day that way is the local day holding its midpoint."""
    assert span.start is not None and span.end is not None
    first = nearest_local_date(span.start, tz)
    last = nearest_local_date(span.end, tz) - timedelta(days=1)
    if last < first:
        first = last = (span.start + (span.end - span.start) / 2).astimezone(zone(tz)).date()
    return first, last
