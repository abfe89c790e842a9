"""Reading an ICS file: parse it (icalendar), check that its recurrences are bounded, and
expand them within a window (recurring-ical-events: RRULE, RDATE, EXDATE and moved or
cancelled occurrences by RECURRENCE-ID, in each event's own TZID/VTIMEZONE, so a weekly
10:00 New York meeting stays at 10:00 local across a DST change).

Everything here raises IcsError with a message for the user; the route turns it into a 422.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import icalendar
import recurring_ical_events

# An event's occurrences in the window become entries one by one: a file asking for more
# is refused instead of flooding the log.
MAX_EVENTS = 2000
# Upper bound on the recurrence steps dateutil may take for one file (from each series'
# DTSTART to the window's end): a rule like FREQ=SECONDLY, or a 1970 hourly rule, would
# otherwise run for minutes before the first occurrence in the window.
MAX_RECURRENCE_STEPS = 200_000
UNIT_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400,
                "WEEKLY": 7 * 86400, "MONTHLY": 28 * 86400, "YEARLY": 365 * 86400}
# BYxxx parts multiply the occurrences of a period at most by their number of values.
EXPANDING_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
                   "BYWEEKNO", "BYMONTH")


class IcsError(ValueError):
    """The file cannot be imported; the message says why, for the user."""


@dataclass
class Occurrence:
    uid: str
    recurrence_id: str  # "" for an event that does not recur
    summary: str
    description: str
    start: datetime | date
    end: datetime | date
    status: str
    transparent: bool
    attendees: list[tuple[str, str]] = field(default_factory=list)  # (address, PARTSTAT)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def key(self) -> str:
        """The stable id of this occurrence: a digest of UID and RECURRENCE-ID."""
        raw = f"{self.uid}\x1f{self.recurrence_id}".encode()
        return hashlib.sha256(raw).hexdigest()[:32]


def _label(component: Any) -> str:
    uid = str(component.get("UID", "") or "").strip()
    summary = str(component.get("SUMMARY", "") or "").strip()
    return f"event {uid or summary or '(no UID)'!r}"[:200]


def parse(data: bytes) -> icalendar.Calendar:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IcsError(f"the file is not UTF-8 text (byte {exc.start})") from None
    if "BEGIN:VCALENDAR" not in text[:4096].upper():
        raise IcsError("not an iCalendar file: it does not start with BEGIN:VCALENDAR")
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError and friends with a useful text
        raise IcsError(f"the calendar cannot be parsed: {exc}") from None
    if not calendars:
        raise IcsError("no complete VCALENDAR: END:VCALENDAR is missing (is the file cut "
                       "short?)")
    if len(calendars) > 1:
        raise IcsError(f"expected one VCALENDAR, found {len(calendars)}")
    cal = calendars[0]
    for component in cal.walk("VEVENT"):
        if component.errors:
            prop, message = component.errors[0]
            raise IcsError(f"{_label(component)}: {prop}: {message}")
        if "DTSTART" not in component:
            raise IcsError(f"{_label(component)} has no DTSTART")
    return cal


def _as_utc(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _steps(component: Any, window_end: datetime) -> int:
    """An upper bound on the recurrence steps of one event up to `window_end`."""
    rules = component.get("RRULE")
    if rules is None:
        return 1
    dtstart = _as_utc(component["DTSTART"].dt)
    total = 0
    for rule in rules if isinstance(rules, list) else [rules]:
        freq = (rule.get("FREQ") or [""])[0]
        if freq not in UNIT_SECONDS:
            raise IcsError(f"{_label(component)}: RRULE has no valid FREQ")
        interval = max(int((rule.get("INTERVAL") or [1])[0] or 1), 1)
        until = rule.get("UNTIL")
        end = min(window_end, _as_utc(until[0])) if until else window_end
        seconds = max((end - dtstart).total_seconds(), 0)
        periods = math.floor(seconds / (UNIT_SECONDS[freq] * interval)) + 1
        per_period = math.prod(len(rule.get(part) or [None]) for part in EXPANDING_PARTS)
        steps = periods * per_period
        count = rule.get("COUNT")
        total += min(steps, int(count[0])) if count else steps
    return total


def check_recurrences(cal: icalendar.Calendar, window_end: datetime) -> None:
    total = 0
    for component in cal.walk("VEVENT"):
        steps = _steps(component, window_end)
        total += steps
        if total > MAX_RECURRENCE_STEPS:
            raise IcsError(f"{_label(component)} recurs too often to expand (about "
                           f"{steps:,} occurrences up to the end of the period; at most "
                           f"{MAX_RECURRENCE_STEPS:,} per file)")


def _recurring_uids(cal: icalendar.Calendar) -> set[str]:
    return {str(c.get("UID", "")) for c in cal.walk("VEVENT")
            if any(p in c for p in ("RRULE", "RDATE", "RECURRENCE-ID"))}


def _recurrence_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _attendees(component: Any) -> list[tuple[str, str]]:
    raw = component.get("ATTENDEE") or []
    out = []
    for a in raw if isinstance(raw, list) else [raw]:
        address = str(a).strip().lower().removeprefix("mailto:")
        partstat = str(getattr(a, "params", {}).get("PARTSTAT", "")).upper()
        out.append((address, partstat))
    return out


def _localize(value: date | datetime, tz: tzinfo) -> date | datetime:
    # A floating time (no TZID, no Z) is the user's own local time.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value


def _end_of(component: Any, start: date | datetime) -> date | datetime:
    if "DTEND" in component:
        return component["DTEND"].dt
    if "DURATION" in component:
        return start + component["DURATION"].dt
    # RFC 5545: without DTEND or DURATION a timed event ends when it starts, a day lasts a day.
    return start if isinstance(start, datetime) else start + timedelta(days=1)


def _occurrence(c: Any, tz: tzinfo, recurring: set[str]) -> Occurrence:
    begin = _localize(c["DTSTART"].dt, tz)
    uid = str(c.get("UID", "") or "").strip()
    if not uid:  # RFC 5545 requires one; without it the event's content identifies it
        uid = "no-uid:" + hashlib.sha256(
            f"{c.get('SUMMARY', '')}|{begin.isoformat()}".encode()).hexdigest()[:32]
    rid = c.get("RECURRENCE-ID")
    return Occurrence(
        uid=uid[:1000],
        # recurring-ical-events stamps every occurrence with a RECURRENCE-ID; only a
        # recurring series needs it to tell its occurrences apart. A single event keeps
        # its key when it is moved.
        recurrence_id=_recurrence_text(rid.dt) if rid is not None and uid in recurring else "",
        summary=str(c.get("SUMMARY", "") or ""),
        description=str(c.get("DESCRIPTION", "") or ""),
        start=begin,
        end=_localize(_end_of(c, c["DTSTART"].dt), tz),
        status=str(c.get("STATUS", "") or "").upper(),
        transparent=str(c.get("TRANSP", "") or "").upper() == "TRANSPARENT",
        attendees=_attendees(c),
    )


def expand(cal: icalendar.Calendar, start: datetime, end: datetime,
           tz: tzinfo) -> list[Occurrence]:
    """Occurrences that start in [start, end), sorted by start; at most MAX_EVENTS."""
    out: list[Occurrence] = []
    try:
        check_recurrences(cal, end)
        recurring = _recurring_uids(cal)
        # Series by series (the query's public `series`), so that counting stops at the cap
        # instead of first materialising every occurrence of the window.
        for series in recurring_ical_events.of(cal).series:
            for occurrence in series.between(start, end):
                occ = _occurrence(occurrence.as_component(False), tz, recurring)
                if not start <= _as_utc(occ.start) < end:
                    continue  # began before the window: it belongs to the period before
                out.append(occ)
                if len(out) > MAX_EVENTS:
                    raise IcsError(f"the file has more than {MAX_EVENTS:,} events in the "
                                   "period; import a shorter period")
    except IcsError:
        raise
    except Exception as exc:  # InvalidCalendar, bad rule strings, end before start...
        raise IcsError(f"the recurrences cannot be expanded: {exc}") from None
    out.sort(key=lambda o: (_as_utc(o.start), o.key))
    return out
