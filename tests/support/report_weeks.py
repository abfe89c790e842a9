"""The faithfulness fixture weeks (tests/fixtures/report_weeks/*.json) and what they imply.

Each file is one realistic week of entries in the API's entry shape (title, description,
type, project_name, tags, start_time, end_time, value_rating, impact_level; plus a
fixture-local id) and an `expect` block: the week's top two entries by the ranking rule
below. `load_weeks()` returns them as `Week`s, which also give:
  - create_bodies(project_ids): bodies for POST /v1/logs (projects are created by name first);
  - log_entries(): the entries as englog.v1.LogEntry, the shape the worker receives;
  - evidence(): the entries as the sentence checker's EvidenceEntry;
  - facts(): the report facts the API would send for the week, computed here in Python with
    the API's own metric code (backend.analytics.metrics), in build_facts' shape.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from englog.v1 import tasks_pb2 as pb

from backend.analytics.metrics import (
    FOCUS_MIN_MINUTES,
    FOCUS_TYPES,
    IMPACT_WEIGHTS,
    VALUE_WEIGHTS,
    compute_metrics,
    ratio,
)
from backend.db.models import ActivityType, ImpactLevel, ValueRating
from worker.reports.checker import EvidenceEntry

WEEKS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "report_weeks"
NO_PROJECT = "(no project)"  # backend.analytics.queries.NO_PROJECT


def minutes(entry: dict[str, Any]) -> int:
    start = datetime.fromisoformat(entry["start_time"])
    end = datetime.fromisoformat(entry["end_time"])
    return int((end - start).total_seconds() // 60)


def score(entry: dict[str, Any]) -> int:
    """The accomplishments rule of issue 8: value x impact x minutes."""
    return (VALUE_WEIGHTS[entry["value_rating"]] * IMPACT_WEIGHTS[entry["impact_level"]]
            * minutes(entry))


def ranked(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries by score, highest first; ties go to the more recent (later start)."""
    by_recency = sorted(entries, key=lambda e: e["start_time"], reverse=True)
    return sorted(by_recency, key=score, reverse=True)  # stable: keeps recency within ties


@dataclass(frozen=True)
class Week:
    name: str
    summary: str
    timezone: str
    start: date
    end: date
    entries: tuple[dict[str, Any], ...]
    expect_top: tuple[str, ...]  # ids of the top two entries, in rank order
    path: Path

    @classmethod
    def load(cls, path: Path) -> Week:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(name=doc["name"], summary=doc["summary"], timezone=doc["timezone"],
                   start=date.fromisoformat(doc["period"]["start"]),
                   end=date.fromisoformat(doc["period"]["end"]),
                   entries=tuple(doc["entries"]),
                   expect_top=tuple(t["id"] for t in doc["expect"]["top_two"]), path=path)

    @property
    def expect_titles(self) -> list[str]:
        """Titles of the top two (entries created through the API get new ids)."""
        return [self.entry(i)["title"] for i in self.expect_top]

    def entry(self, entry_id: str) -> dict[str, Any]:
        return next(e for e in self.entries if e["id"] == entry_id)

    @property
    def projects(self) -> list[str]:
        return sorted({e["project_name"] for e in self.entries if e["project_name"]})

    def create_bodies(self, project_ids: dict[str, str]) -> list[dict[str, Any]]:
        """POST /v1/logs bodies; project_ids maps each of `projects` to its id."""
        return [{"title": e["title"], "description": e["description"], "type": e["type"],
                 "project_id": project_ids[e["project_name"]] if e["project_name"] else None,
                 "tags": e["tags"], "start_time": e["start_time"], "end_time": e["end_time"],
                 "value_rating": e["value_rating"], "impact_level": e["impact_level"]}
                for e in self.entries]

    def log_entries(self) -> list[pb.LogEntry]:
        return [pb.LogEntry(id=e["id"], title=e["title"], description=e["description"],
                            type=e["type"], project=e["project_name"] or "", tags=e["tags"],
                            start_time=e["start_time"], end_time=e["end_time"],
                            duration_minutes=minutes(e), value_rating=e["value_rating"],
                            impact_level=e["impact_level"]) for e in self.entries]

    def evidence(self) -> list[EvidenceEntry]:
        return [EvidenceEntry.from_log_entry(e) for e in self.log_entries()]

    def evidence_for(self, *ids: str) -> list[EvidenceEntry]:
        return [e for e in self.evidence() if e.id in ids]

    @cached_property
    def _facts(self) -> dict[str, Any]:
        return _facts(self)

    def facts(self) -> dict[str, Any]:
        """build_facts' shape for this week (a fresh copy: callers may edit it)."""
        return json.loads(json.dumps(self._facts))


def load_weeks() -> list[Week]:
    return [Week.load(p) for p in sorted(WEEKS_DIR.glob("*.json"))]


def _top(entries: list[dict[str, Any]], keep) -> list[dict[str, Any]]:
    # backend.insights.facts._TOP_SQL: longest first, then start, at most 5.
    chosen = sorted((e for e in entries if keep(e)),
                    key=lambda e: (-minutes(e), e["start_time"], e["id"]))[:5]
    return [{"title": e["title"], "minutes": minutes(e), "type": e["type"],
             "value": e["value_rating"], "impact": e["impact_level"],
             "project": e["project_name"], "date": e["start_time"][:10]} for e in chosen]


def _facts(week: Week) -> dict[str, Any]:
    """What backend.insights.facts.build_facts returns for these entries (UTC weeks, no
    entries in the previous week, no project filter)."""
    entries = list(week.entries)
    total = sum(minutes(e) for e in entries)
    by_type = Counter({t.value: 0 for t in ActivityType})
    by_value = Counter({v.value: 0 for v in ValueRating})
    by_impact = Counter({i.value: 0 for i in ImpactLevel})
    by_hour: Counter[int] = Counter()
    by_dow: Counter[int] = Counter()
    projects: dict[str, list[int]] = {}
    focus = vi = 0
    for e in entries:
        m = minutes(e)
        start = datetime.fromisoformat(e["start_time"])
        by_type[e["type"]] += m
        by_value[e["value_rating"]] += m
        by_impact[e["impact_level"]] += m
        by_hour[start.hour] += m
        by_dow[start.isoweekday()] += m
        p = projects.setdefault(e["project_name"] or NO_PROJECT, [0, 0])
        p[0] += m
        p[1] += 1
        if e["type"] in FOCUS_TYPES and m >= FOCUS_MIN_MINUTES:
            focus += m
        vi += m * VALUE_WEIGHTS[e["value_rating"]] * IMPACT_WEIGHTS[e["impact_level"]]
    active_days = len({e["start_time"][:10] for e in entries})
    metrics = compute_metrics(total_minutes=total, active_days=active_days,
                              by_type=dict(by_type), by_value=dict(by_value),
                              by_impact=dict(by_impact), by_hour=dict(by_hour),
                              by_isodow=dict(by_dow), focus_minutes=focus,
                              value_impact_sum=vi)
    totals = {"entries": len(entries), "minutes": total, "hours": ratio(total, 60, 2),
              "active_days": active_days}
    days = (week.end - week.start).days + 1
    prev_start = week.start.fromordinal(week.start.toordinal() - days)
    prev_end = week.start.fromordinal(week.start.toordinal() - 1)
    counted = {t: [e for e in entries if e["type"] == t] for t in ("mentoring", "review")}
    return {
        "facts_version": 1,
        "report_type": "weekly",
        "user": {"name": "Alex Doe", "timezone": week.timezone},
        "period": {"start": week.start.isoformat(), "end": week.end.isoformat(),
                   "days": days, "timezone": week.timezone},
        "projects_filter": [],
        "totals": totals,
        "by_type": dict(by_type),
        "by_value": dict(by_value),
        "by_impact": dict(by_impact),
        "by_project": [{"project_id": None if name == NO_PROJECT else f"p-{name}",
                        "name": name, "minutes": m, "entries": n}
                       for name, (m, n) in sorted(projects.items(),
                                                  key=lambda kv: (-kv[1][0], kv[0].lower()))],
        "metrics": metrics,
        "top_high_value": _top(entries, lambda e: e["value_rating"] == "high"),
        "top_high_impact": _top(entries, lambda e: e["impact_level"] in ("company", "product")),
        "counts": {t: {"entries": len(es), "minutes": sum(minutes(e) for e in es)}
                   for t, es in counted.items()},
        "previous_period": {
            "start": prev_start.isoformat(), "end": prev_end.isoformat(),
            "totals": {"entries": 0, "minutes": 0, "hours": 0.0, "active_days": 0},
            "change_pct": {"minutes": None, "entries": None},
        },
    }
