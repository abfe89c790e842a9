"""The quick-add line: `1h30 code "Fix token refresh race" @auth #bug-fix value:high`.

The one parser for the TUI's quick add and `englog add`. It is pure (the caller passes "now"
in the user's timezone, the known projects and the user's preferences) so it is unit tested
and drives the live preview. It imports nothing heavy: the shell verbs load it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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
  @project   a project, by name: case and spaces/hyphens don't matter
             (@auth-modernization finds "Auth Modernization"); @"quoted name" works too
  #tag       any number of tags
  value:     value:low|medium|high     (or v:)
  impact:    impact:personal|team|product|company   (or i:)
  when       `at 14:00` (start time), `yesterday`, `today`; without `at` it ends now

Example:  1h30 code "Fix token refresh race" @auth-modernization #bug-fix value:high impact:product
"""

# A quoted @project, a quoted title, or a bare word.
_TOKEN = re.compile(r'@"([^"]*)(?:"|$)|@\'([^\']*)(?:\'|$)'
                    r'|"([^"]*)(?:"|$)|\'([^\']*)(?:\'|$)|(\S+)')
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h(?:(\d{1,2})m?)?|(\d+)m(?:in)?)$", re.I)
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)?$", re.I)


@dataclass
class QuickEntry:
    title: str = ""
    type: str | None = None
    minutes: int | None = None
    # As typed until resolved against the user's projects, then the project's own name.
    project: str | None = None
    project_id: str | None = None
    # Set when @name matched no project: the name to offer creating (the UI asks first).
    unknown_project: str | None = None
    tags: list[str] = field(default_factory=list)
    # As typed; None means the server applies the user's preference (shown by *_shown).
    value_rating: str | None = None
    impact_level: str | None = None
    default_value_rating: str | None = None
    default_impact_level: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def value_shown(self) -> str | None:
        """What the entry will be saved with: the typed value, else the user's default."""
        return self.value_rating or self.default_value_rating

    @property
    def impact_shown(self) -> str | None:
        return self.impact_level or self.default_impact_level

    def body(self, project_id: str | None = None) -> dict[str, Any]:
        """The POST /v1/logs body. value/impact are sent only when typed, so the server
        applies the user's current preferences to the rest (even for a queued entry)."""
        assert self.ok and self.start_time and self.end_time
        out: dict[str, Any] = {
            "title": self.title, "type": self.type,
            "start_time": self.start_time.isoformat(), "end_time": self.end_time.isoformat(),
            "tags": list(self.tags),
        }
        if project_id := project_id or self.project_id:
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


def project_key(name: str) -> str:
    """Project names compare case-insensitively, with runs of spaces, hyphens and
    underscores equivalent: "Auth Modernization" == "auth-modernization"."""
    return re.sub(r"[\s_-]+", " ", name).strip().casefold()


class AmbiguousProject(ValueError):
    def __init__(self, name: str, matches: list[Mapping[str, Any]]):
        names = ", ".join(f"“{p['name']}”" for p in matches)
        super().__init__(f"“{name}” matches several projects ({names}): quote the exact name")


def find_project(name: str, projects: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The project called `name` (see project_key), or None. Among several projects whose
    names differ only in case or separators, the exact spelling wins, then an active one;
    AmbiguousProject if that still leaves more than one."""
    key = project_key(name)
    matches = [p for p in projects if project_key(str(p.get("name", ""))) == key]
    for narrow in (lambda p: p["name"] == name, lambda p: p["name"].casefold() == name.casefold(),
                   lambda p: p.get("status", "active") == "active"):
        if len(matches) > 1 and (better := [p for p in matches if narrow(p)]):
            matches = better
    if len(matches) > 1:
        raise AmbiguousProject(name, matches)
    return matches[0] if matches else None


def parse(line: str, now: datetime, default_type: str | None = None,
          projects: Iterable[Mapping[str, Any]] | None = None,
          defaults: Mapping[str, Any] | None = None) -> QuickEntry:
    """Parse a quick-add line. `now` must be aware, in the user's timezone.

    `projects` (the user's, with id and name) resolves @project to project_id; when it is
    None the project stays as typed. `defaults` are the user's preferences
    (default_activity_type, default_value_rating, default_impact_level), shown in the preview
    for what the line leaves out.
    """
    defaults = defaults or {}
    default_type = default_type or defaults.get("default_activity_type")
    q = QuickEntry(default_value_rating=defaults.get("default_value_rating"),
                   default_impact_level=defaults.get("default_impact_level"))
    title_words: list[str] = []
    quoted: list[str] = []
    day_offset = 0
    at: time | None = None
    tokens = [(m.group(1) if m.group(1) is not None else m.group(2),
               m.group(3) if m.group(3) is not None else m.group(4), m.group(5))
              for m in _TOKEN.finditer(line)]
    i = 0
    while i < len(tokens):
        quoted_project, quoted_text, word = tokens[i]
        i += 1
        if quoted_project is not None:
            if quoted_project.strip():
                q.project = quoted_project.strip()
            continue
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
        elif low == "at" and i < len(tokens) and tokens[i][2] is not None:
            at = parse_clock(tokens[i][2])
            if at is None:
                q.errors.append(f"cannot read the time {tokens[i][2]!r} (use 14:00 or 2pm)")
            i += 1
        elif low == "yesterday":
            day_offset = -1
        elif low == "today":
            day_offset = 0
        else:
            title_words.append(word)

    q.title = " ".join([*quoted, *title_words]).strip()
    if q.project and projects is not None:
        _resolve_project(q, projects)
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


def _resolve_project(q: QuickEntry, projects: Iterable[Mapping[str, Any]]) -> None:
    assert q.project
    try:
        found = find_project(q.project, projects)
    except AmbiguousProject as exc:
        q.errors.append(str(exc))
        return
    if found is None:
        q.unknown_project = q.project
        q.errors.append(f"no project named “{q.project}”")
        return
    q.project, q.project_id = str(found["name"]), str(found["id"])
