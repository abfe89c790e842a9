"""Synthetic log entries and the facts the API would compute for them (test and bench data)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from englog.v1 import tasks_pb2 as pb
from google.protobuf import json_format

TYPES = ("code", "debug", "review", "meeting", "docs", "planning", "mentoring", "learning")
PROJECTS = ("Atlas API", "Billing", "Search", "Mobile App")
VALUES = ("low", "medium", "high")
IMPACTS = ("personal", "team", "product", "company")
TITLES = {
    "code": ["Implement OAuth refresh flow", "Add invoice export endpoint",
             "Refactor search indexer"],
    "debug": ["Fix race in payment webhook", "Investigate memory leak in worker"],
    "review": ["Review pagination PR", "Review schema migration"],
    "meeting": ["Sprint planning", "Architecture sync"],
    "docs": ["Write API migration guide", "Document deploy runbook"],
    "planning": ["Plan Q3 search roadmap", "Break down billing epic"],
    "mentoring": ["Pair with junior on testing", "Mentor intern on SQL"],
    "learning": ["Study PostgreSQL partitioning", "Read about gRPC streaming"],
}

# The week of the small report: (day offset, start hour, type, project, minutes, value, impact)
WEEK = [
    (0, 9, "planning", "Atlas API", 60, "medium", "team"),
    (0, 10, "code", "Atlas API", 150, "high", "product"),
    (0, 14, "review", "Billing", 45, "medium", "team"),
    (1, 9, "code", "Atlas API", 180, "high", "product"),
    (1, 13, "meeting", "", 60, "low", "team"),
    (1, 15, "debug", "Billing", 90, "high", "company"),
    (2, 9, "mentoring", "", 60, "medium", "team"),
    (2, 10, "code", "Search", 120, "high", "product"),
    (2, 14, "docs", "Atlas API", 75, "medium", "team"),
    (3, 9, "code", "Search", 165, "high", "product"),
    (3, 14, "review", "Search", 30, "medium", "team"),
    (3, 15, "learning", "", 45, "low", "personal"),
    (4, 9, "debug", "Billing", 105, "high", "company"),
    (4, 11, "meeting", "", 30, "low", "team"),
    (4, 14, "code", "Atlas API", 135, "high", "product"),
]


def entry(i: int, day: date, hour: int, kind: str, project: str, minutes: int, value: str,
          impact: str, title: str | None = None) -> pb.LogEntry:
    start = datetime(day.year, day.month, day.day, hour)
    return pb.LogEntry(
        id=f"e{i}", title=title or TITLES[kind][i % len(TITLES[kind])], description="",
        type=kind, project=project, start_time=start.isoformat() + "+00:00",
        end_time=(start + timedelta(minutes=minutes)).isoformat() + "+00:00",
        duration_minutes=minutes, value_rating=value, impact_level=impact)


def week_entries(monday: date = date(2024, 3, 4)) -> list[pb.LogEntry]:
    return [entry(i, monday + timedelta(days=d), h, k, p, m, v, im)
            for i, (d, h, k, p, m, v, im) in enumerate(WEEK)]


def random_entries(start: date, days: int, count: int, seed: int = 7) -> list[pb.LogEntry]:
    rng = random.Random(seed)
    workdays = [start + timedelta(days=i) for i in range(days)
                if (start + timedelta(days=i)).weekday() < 5]
    out = []
    for i in range(count):
        kind = rng.choice(TYPES)
        out.append(entry(i, rng.choice(workdays), rng.randint(8, 17), kind, rng.choice(PROJECTS),
                         rng.choice((30, 45, 60, 90, 120)), rng.choice(VALUES),
                         rng.choice(IMPACTS)))
    return sorted(out, key=lambda e: e.start_time)


def _r(x: float, places: int) -> float:
    return round(x + 1e-9, places)


def facts_for(entries: list[pb.LogEntry], start: date, end: date, tz: str = "UTC") -> dict:
    """The facts the API sends, as an englog.v1.ReportFacts dict (period, totals,
    distributions, the 9 metrics, tops...)."""
    total = sum(e.duration_minutes for e in entries)
    days = {e.start_time[:10] for e in entries}
    by = defaultdict(Counter)
    projects: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    hours, weekdays = Counter(), Counter()
    focus = vi = 0
    vw = {"low": 1, "medium": 2, "high": 3}
    iw = {"personal": 1, "team": 2, "product": 3, "company": 4}
    for e in entries:
        by["type"][e.type] += e.duration_minutes
        by["value"][e.value_rating] += e.duration_minutes
        by["impact"][e.impact_level] += e.duration_minutes
        projects[e.project or "No project"][0] += e.duration_minutes
        projects[e.project or "No project"][1] += 1
        start_dt = datetime.fromisoformat(e.start_time)
        hours[start_dt.hour] += e.duration_minutes
        weekdays[start_dt.strftime("%A")] += e.duration_minutes
        if e.type in ("code", "debug", "docs", "planning", "learning") \
                and e.duration_minutes >= 60:
            focus += e.duration_minutes
        vi += e.duration_minutes * vw[e.value_rating] * iw[e.impact_level]

    def pct(x: float) -> float:
        return _r(100 * x / total, 1) if total else 0.0

    def top(key) -> list[dict]:
        best = sorted(entries, key=lambda e: (-key(e), -e.duration_minutes))[:3]
        return [{"title": e.title, "project": e.project, "minutes": e.duration_minutes,
                 "type": e.type, "value": e.value_rating, "impact": e.impact_level,
                 "date": e.start_time[:10]} for e in best]

    def buckets(counter: Counter) -> list[dict]:
        return [{"name": k, "minutes": m} for k, m in counter.items()]

    def count(kind: str) -> dict:
        return {"entries": sum(e.type == kind for e in entries),
                "minutes": sum(e.duration_minutes for e in entries if e.type == kind)}

    collab = sum(by["type"][t] for t in ("meeting", "mentoring", "review"))
    high = by["value"]["high"]
    metrics = {
        "average_daily_hours": _r(total / 60 / len(days), 2) if days else 0,
        "most_productive_day": max(weekdays, key=weekdays.get) if weekdays else "",
        "activity_efficiency_score": pct(by["type"]["code"] + by["type"]["debug"]
                                         + by["type"]["docs"]),
        "focus_time_percentage": pct(focus),
        "collaboration_ratio": _r(collab / total, 3) if total else 0,
        "high_value_percentage": pct(high),
        "company_impact_ratio": pct(by["impact"]["company"] + by["impact"]["product"]),
        "value_impact_score": _r(100 * vi / (total * 12), 1) if total else 0,
    }
    if hours:
        metrics["peak_productivity_hour"] = max(hours, key=lambda h: (hours[h], -h))
    return {
        "report_type": "weekly",
        "user": {"name": "Alex Doe", "timezone": tz},
        "period": {"start": start.isoformat(), "end": end.isoformat(), "timezone": tz,
                   "days": (end - start).days + 1},
        "totals": {"entries": len(entries), "minutes": total, "hours": _r(total / 60, 2),
                   "active_days": len(days)},
        "by_type": buckets(by["type"]),
        "by_project": [{"name": n, "minutes": m, "entries": c}
                       for n, (m, c) in sorted(projects.items(), key=lambda kv: -kv[1][0])],
        "by_value": buckets(by["value"]),
        "by_impact": buckets(by["impact"]),
        "metrics": metrics,
        "top_high_value": top(lambda e: vw[e.value_rating]),
        "top_high_impact": top(lambda e: iw[e.impact_level]),
        "counts": {"mentoring": count("mentoring"), "review": count("review")},
        "previous_period": {
            "totals": {"entries": 12, "minutes": 1200, "hours": 20, "active_days": 4},
            "change_pct": {"entries": _r(100 * (len(entries) - 12) / 12, 1),
                           "minutes": _r(100 * (total - 1200) / 1200, 1)}},
    }


def facts_message(entries: list[pb.LogEntry], start: date, end: date,
                  tz: str = "UTC") -> pb.ReportFacts:
    return json_format.ParseDict(facts_for(entries, start, end, tz), pb.ReportFacts())


def insight_request(entries: list[pb.LogEntry], start: date, end: date, report_type: str,
                    **kw) -> pb.GenerateInsightRequest:
    return pb.GenerateInsightRequest(
        insight_id="ins-1", user_id="u-1", report_type=report_type,
        period_start=start.isoformat(), period_end=end.isoformat(), user_name="Alex Doe",
        timezone="UTC", facts=facts_message(entries, start, end), entries=entries,
        fingerprint="fp-123", **kw)
