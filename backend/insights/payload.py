"""The generate_insight task payload: GenerateInsightRequest in dict form (proto field names).

The facts travel typed (englog.v1.ReportFacts), not as JSON in a string: the dict build_facts
returns is reshaped here into that message's form, and the queue checks the whole payload
against the message when it is enqueued, so a key the message lacks is an error, not lost.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.analytics.queries import IMPACTS, TYPES, VALUES
from backend.insights.facts import COUNTED_TYPES


def _buckets(minutes_by_name: dict[str, int], order: list[str]) -> list[dict[str, Any]]:
    # The dimension's own order (as the enums declare it), not the dict's: a JSONB round
    # trip reorders keys, and the same facts must make the same message.
    return [{"name": k, "minutes": int(minutes_by_name[k])} for k in order
            if k in minutes_by_name]


def _without_nulls(d: dict[str, Any]) -> dict[str, Any]:
    # JSON null means "no value" in the facts (no peak hour, no project, no change).
    return {k: v for k, v in d.items() if v is not None}


def facts_message(facts: dict[str, Any]) -> dict[str, Any]:
    """build_facts' dict as an englog.v1.ReportFacts dict."""
    prev = facts["previous_period"]
    return {
        "facts_version": facts["facts_version"],
        "report_type": facts["report_type"],
        "user": facts["user"],
        "period": facts["period"],
        "projects_filter": facts["projects_filter"],
        "totals": facts["totals"],
        "by_type": _buckets(facts["by_type"], TYPES),
        "by_value": _buckets(facts["by_value"], VALUES),
        "by_impact": _buckets(facts["by_impact"], IMPACTS),
        "by_project": [_without_nulls({"name": p["name"], "minutes": p["minutes"],
                                       "entries": p["entries"], "project_id": p["project_id"]})
                       for p in facts["by_project"]],
        "metrics": _without_nulls(facts["metrics"]),
        "top_high_value": [_without_nulls(t) for t in facts["top_high_value"]],
        "top_high_impact": [_without_nulls(t) for t in facts["top_high_impact"]],
        "counts": {t: facts["counts"][t] for t in COUNTED_TYPES if t in facts["counts"]},
        "previous_period": {"start": prev["start"], "end": prev["end"], "totals": prev["totals"],
                            "change_pct": _without_nulls(prev["change_pct"])},
    }


def insight_payload(*, insight_id: Any, user_id: Any, user_name: str, timezone: str,
                    report_type: str, start: date, end: date, facts: dict[str, Any],
                    entries: list[dict], options: dict[str, Any],
                    fingerprint: str) -> dict[str, Any]:
    return {
        "insight_id": str(insight_id), "user_id": str(user_id), "report_type": report_type,
        "period_start": start.isoformat(), "period_end": end.isoformat(),
        "user_name": user_name, "timezone": timezone, "facts": facts_message(facts),
        "entries": entries, "include_projects": options["include_projects"],
        "focus_areas": options["focus_areas"], "fingerprint": fingerprint,
    }
