"""process_analytics: plain aggregates over the entries the API sent (no LLM involved)."""

from __future__ import annotations

import json
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
    metrics = {
        "period": {"start": req.period_start, "end": req.period_end},
        "entries": len(req.entries),
        "total_minutes": total,
        "active_days": len(by_day),
        "by_type": dict(by_type.most_common()),
        "by_project": dict(by_project.most_common()),
        "by_day": dict(sorted(by_day.items())),
    }
    return pb.ProcessAnalyticsResponse(metrics_json=json.dumps(metrics, sort_keys=True))
