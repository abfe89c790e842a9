"""The quick-add line: `1h30 code "Fix token refresh race" @auth #bug-fix value:high`.

The parser is pure (the caller passes "now" in the user's timezone) so it is unit tested
and drives the live preview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

ACTIVITY_TYPES = ("meeting", "code", "debug", "docs", "mentoring", "review", "planning",
                  "learning", "ops", "admin")
VALUE_RATINGS = ("low", "medium", "high")
IMPACT_LEVELS = ("personal", "team", "product", "company")
TYPE_ALIASES = {"coding": "code", "meet": "meeting", "doc": "docs", "debugging": "debug",
                "mentor": "mentoring", "plan": "planning", "learn": "learning",
                "reviewing": "review"}
MAX_MINUTES = 24 * 60

SYNTAX_HELP = """\
Quick add turns one line into an entry. Parts may come in any order:

  duration   45m, 2h, 1h30, 1h30m, 1.5h          (required)
  type       meeting code debug docs mentoring review planning learning ops admin
  title      "quoted words" or the remaining bare words   (required)
  @project   a project, by name (case-insensitive)
  #tag       any number of tags
  value:     value:low|medium|high     (or v:)
  impact:    impact:personal|team|product|company   (or i:)
  when       `at 14:00` (start time), `yesterday`, `today`; without `at` it ends now

Example:  1h30 code "Fix token refresh race" @auth-modernization #bug-fix value:high impact:product
"""

_TOKEN = re.compile(r'"([^"]*)(?:"|$)|\'([^\']*)(?:\'|$)|(\S+)')
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h(?:(\d{1,2})m?)?|(\d+)m(?:in)?)$", re.I)
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)?$", re.I)


@dataclass
class QuickEntry:
    title: str = ""
    type: str | None = None
    minutes: int | None = None
    project: str | None = None
    tags: list[str] = field(default_factory=list)
    value_rating: str | None = None
    impact_level: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def body(self, project_id: str | None = None) -> dict[str, Any]:
        assert self.ok and self.start_time and self.end_time
        out: dict[str, Any] = {
            "title": self.title, "type": self.type,
            "start_time": self.start_time.isoformat(), "end_time": self.end_time.isoformat(),
            "tags": list(self.tags),
        }
        if project_id:
            out["project_id"] = project_id
        if self.value_rating:
            out["value_rating"] = self.value_rating
        if self.impact_level:
            out["impact_level"] = self.impact_level
        return out


def parse_duration(text: str) -> int | None:
    m = _DURATION.match(text)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    hours = float(m.group(1))
    mins = int(m.group(2) or 0)
    if mins >= 60:
        return None
    return round(hours * 60) + mins


def parse_clock(text: str) -> time | None:
    m = _CLOCK.match(text)
    if not m:
        return None
    hour, minute, ampm = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse(line: str, now: datetime, default_type: str | None = None) -> QuickEntry:
    """Parse a quick-add line. `now` must be aware, in the user's timezone."""
    q = QuickEntry()
    title_words: list[str] = []
    quoted: list[str] = []
    day_offset = 0
    at: time | None = None
    tokens = [(m.group(1) if m.group(1) is not None else m.group(2), m.group(3))
              for m in _TOKEN.finditer(line)]
    i = 0
    while i < len(tokens):
        quoted_text, word = tokens[i]
        i += 1
        if quoted_text is not None:
            quoted.append(quoted_text.strip())
            continue
        low = word.lower()
        if q.minutes is None and (mins := parse_duration(low)) is not None:
            q.minutes = mins
        elif q.type is None and (low in ACTIVITY_TYPES or low in TYPE_ALIASES):
            q.type = TYPE_ALIASES.get(low, low)
        elif word.startswith("@") and len(word) > 1:
            q.project = word[1:]
        elif word.startswith("#") and len(word) > 1:
            tag = word[1:].lower()
            if tag not in q.tags:
                q.tags.append(tag)
        elif ":" in low and low.split(":", 1)[0] in ("value", "v", "impact", "i"):
            key, val = low.split(":", 1)
            if key in ("value", "v"):
                if val in VALUE_RATINGS:
                    q.value_rating = val
                else:
                    q.errors.append(f"value must be one of {', '.join(VALUE_RATINGS)}")
            elif val in IMPACT_LEVELS:
                q.impact_level = val
            else:
                q.errors.append(f"impact must be one of {', '.join(IMPACT_LEVELS)}")
        elif low == "at" and i < len(tokens) and tokens[i][1] is not None:
            at = parse_clock(tokens[i][1])
            if at is None:
                q.errors.append(f"cannot read the time {tokens[i][1]!r} (use 14:00 or 2pm)")
            i += 1
        elif low == "yesterday":
            day_offset = -1
        elif low == "today":
            day_offset = 0
        else:
            title_words.append(word)

    q.title = " ".join([*quoted, *title_words]).strip()
    if q.type is None:
        q.type = default_type
    if q.minutes is None:
        q.errors.insert(0, "add a duration like 45m, 2h or 1h30")
    elif not 0 < q.minutes <= MAX_MINUTES:
        q.errors.insert(0, "the duration must be between 1 minute and 24 hours")
    if not q.title:
        q.errors.append("add a title (quoted or bare words)")
    if q.type is None:
        q.errors.append(f"add a type: {' '.join(ACTIVITY_TYPES)}")
    if q.minutes and q.minutes <= MAX_MINUTES:
        day = now + timedelta(days=day_offset)
        if at is not None:
            q.start_time = day.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
            q.end_time = q.start_time + timedelta(minutes=q.minutes)
        else:
            q.end_time = day.replace(second=0, microsecond=0)
            q.start_time = q.end_time - timedelta(minutes=q.minutes)
    return q
