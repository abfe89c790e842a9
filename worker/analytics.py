"""process_analytics: plain aggregates over the entries the API sent (no LLM involved)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from englog.v1 import tasks_pb2 as pb


def process_analytics(req: pb.ProcessAnalyticsRequest) -> pb.ProcessAnalyticsResponse:
    total = sum(e.duration_minutes for e in req.entries)
    by_type: Counter[str] = Counter()
    by_project: Counter[str] = Counter()
    by_day: Counter[str] = Counter()
    for e in req.entries:
        by_type[e.type or "other"] += e.duration_minutes
        by_project[e.project or "No project"] += e.duration_minutes
        try:
            by_day[datetime.fromisoformat(e.start_time).date().isoformat()] += e.duration_minutes
        except ValueError:
            pass
    return pb.ProcessAnalyticsResponse(
        period_start=req.period_start, period_end=req.period_end, entries=len(req.entries),
        total_minutes=total, active_days=len(by_day),
        by_type=[pb.Bucket(name=k, minutes=m) for k, m in by_type.most_common()],
        by_project=[pb.Bucket(name=k, minutes=m) for k, m in by_project.most_common()],
        by_day=[pb.Bucket(name=k, minutes=m) for k, m in sorted(by_day.items())],
    )
