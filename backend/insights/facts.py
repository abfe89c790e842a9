"""A report's facts: every figure the narrative may state, computed here and not by the LLM.

Built on analytics.period_summary (totals, distributions, the 9 metrics), plus the top
high-value and high-impact entries, mentoring/review counts and the comparison with the
previous period of the same length. Plain JSON values only (ints, floats, strings, null).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from backend.analytics.metrics import pct
from backend.analytics.periods import local_range
from backend.analytics.queries import PROJECTS_FILTER, period_summary
from backend.db.setup import db
from backend.insights.fingerprint import FACTS_VERSION
from backend.insights.periods import previous_period

TOP_N = 5
COUNTED_TYPES = ("mentoring", "review")

_TOP_SQL = """
SELECT le.title, le.duration_minutes AS minutes, le.type AS type,
       le.value_rating AS value, le.impact_level AS impact, p.name AS project,
       (le.start_time AT TIME ZONE $4)::date AS day
FROM log_entries le
LEFT JOIN projects p ON p.id = le.project_id
WHERE le.user_id = $1 AND le.start_time >= $2 AND le.start_time < $3 AND {where}
  AND {projects}
ORDER BY le.duration_minutes DESC, le.start_time, le.id
LIMIT {limit}
"""

_COUNTS_SQL = f"""
SELECT le.type AS type, count(*)::int AS entries,
       sum(le.duration_minutes)::bigint AS minutes
FROM log_entries le
WHERE le.user_id = $1 AND le.start_time >= $2 AND le.start_time < $3
  AND le.type = ANY($4::text[]) AND {PROJECTS_FILTER.format(n=5)}
GROUP BY le.type
"""


async def _fetch(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return await db().execute_query_dict(sql, params)


def _top_item(r: dict[str, Any]) -> dict[str, Any]:
    return {"title": r["title"], "minutes": int(r["minutes"]), "type": r["type"],
            "value": r["value"], "impact": r["impact"], "project": r["project"],
            "date": r["day"].isoformat()}


async def _top(user_id: UUID, bounds: tuple, tz: str, where: str,
               projects: list[str] | None) -> list[dict[str, Any]]:
    sql = _TOP_SQL.format(where=where, limit=TOP_N, projects=PROJECTS_FILTER.format(n=5))
    return [_top_item(r) for r in await _fetch(sql, [user_id, *bounds, tz, projects])]


def change_pct(current: int, previous: int) -> float | None:
    """Percent change from previous to current; null when there is nothing to compare with."""
    if not previous:
        return None
    return pct(current - previous, previous)


async def build_facts(user_id: UUID, *, report_type: str, start: date, end: date, tz: str,
                      user_name: str, projects: list[str] | None = None) -> dict[str, Any]:
    """`projects` (names of the user's projects) restricts every figure to those projects."""
    projects = list(projects) if projects else None
    bounds = local_range(start, end, tz)
    summary = await period_summary(user_id, *bounds, tz, projects)
    prev_start, prev_end = previous_period(start, end)
    prev_totals = (await period_summary(user_id, *local_range(prev_start, prev_end, tz),
                                        tz, projects))["totals"]
    high_value = await _top(user_id, bounds, tz, "le.value_rating = 'high'", projects)
    high_impact = await _top(user_id, bounds, tz, "le.impact_level IN ('company', 'product')",
                             projects)
    counted = {r["type"]: r for r in await _fetch(
        _COUNTS_SQL, [user_id, *bounds, list(COUNTED_TYPES), projects])}
    totals = summary["totals"]
    return {
        "facts_version": FACTS_VERSION,
        "report_type": report_type,
        "user": {"name": user_name, "timezone": tz},
        "period": {"start": start.isoformat(), "end": end.isoformat(),
                   "days": (end - start).days + 1, "timezone": tz},
        "projects_filter": projects or [],
        "totals": totals,
        "by_type": summary["by_type"],
        "by_value": summary["by_value"],
        "by_impact": summary["by_impact"],
        "by_project": [{"project_id": p["project_id"], "name": p["name"],
                        "minutes": p["minutes"], "entries": p["entries"]}
                       for p in summary["by_project"]],
        "metrics": summary["metrics"],
        "top_high_value": high_value,
        "top_high_impact": high_impact,
        "counts": {t: {"entries": int(counted[t]["entries"]) if t in counted else 0,
                       "minutes": int(counted[t]["minutes"]) if t in counted else 0}
                   for t in COUNTED_TYPES},
        "previous_period": {
            "start": prev_start.isoformat(), "end": prev_end.isoformat(),
            "totals": prev_totals,
            "change_pct": {"minutes": change_pct(totals["minutes"], prev_totals["minutes"]),
                           "entries": change_pct(totals["entries"], prev_totals["entries"])},
        },
    }
