"""Analytics endpoints: dashboard, time distribution and weekly trends (all cached)."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import json

from backend.analytics import queries
from backend.analytics.cache import cached
from backend.analytics.periods import local_dates, local_today, zone
from backend.analytics.schemas import (
    Dashboard,
    DateRangeQuery,
    Distribution,
    DistributionQuery,
    Trends,
    TrendsQuery,
)
from backend.api.docs import doc
from backend.api.validation import parse_query
from backend.auth.guard import authenticated

bp = Blueprint("analytics", url_prefix="/v1/analytics")
TAG = "analytics"


def _tz(request: Request) -> str:
    tz = request.ctx.user.timezone or "UTC"
    try:
        zone(tz)
    except ValueError:
        # Registration validates the timezone; an unknown stored name must not become a 500.
        return "UTC"
    return tz


async def _cached(request: Request, kind: str, params: dict[str, Any], compute) -> Any:
    app = request.app
    return await cached(app.ctx.cache, request.ctx.user.id, kind, params,
                        app.ctx.settings.analytics_cache_seconds, compute)


@bp.get("/dashboard")
@doc("Dashboard: period totals, distributions, the 9 metrics, today and this week",
     tag=TAG, query=DateRangeQuery, response=Dashboard,
     description="Default period: the last 30 days through today, in your timezone. "
     "start_date/end_date take a date (both days included) or an RFC 3339 timestamp "
     "(half-open [start, end)). `today` and `week` (Monday start) are always the current ones.")
@authenticated
async def dashboard(request: Request):
    q = parse_query(request, DateRangeQuery)
    user, tz = request.ctx.user, _tz(request)
    today = local_today(tz)
    span = q.resolve(tz, today)

    async def compute() -> dict[str, Any]:
        summary = await queries.period_summary(user.id, span.start, span.end, tz)
        return {**summary, **await queries.today_and_week(user.id, tz, today)}

    params = {"tz": tz, "today": today, "start": span.start, "end": span.end}
    return json(await _cached(request, "dashboard", params, compute))


@bp.get("/time-distribution")
@doc("Minutes and entries grouped by type, project, value, impact, tag, weekday, hour or day",
     tag=TAG, query=DistributionQuery, response=Distribution,
     description="Default period: the last 30 days through today, in your timezone. "
     "start_date/end_date take a date (both days included) or an RFC 3339 timestamp "
     "(half-open [start, end)). Fixed dimensions list every key (zeros included) in natural "
     "order; project and tag list the keys that occur, most minutes first. With group_by=tag "
     "an entry counts under each of its tags.")
@authenticated
async def time_distribution(request: Request):
    q = parse_query(request, DistributionQuery)
    user, tz = request.ctx.user, _tz(request)
    span = q.resolve(tz, local_today(tz))

    async def compute() -> dict[str, Any]:
        result = await queries.distribution(user.id, span.start, span.end, tz, q.group_by)
        first, last, _ = local_dates(span.start, span.end, tz)
        return {"start": span.start.isoformat(), "end": span.end.isoformat(),
                "start_date": first.isoformat(), "end_date": last.isoformat(), **result}

    params = {"tz": tz, "start": span.start, "end": span.end, "group_by": q.group_by}
    return json(await _cached(request, "distribution", params, compute))


@bp.get("/productivity-trends")
@doc("Weekly totals for the last N weeks (Monday start, your timezone), oldest first",
     tag=TAG, query=TrendsQuery, response=Trends,
     description="Weeks without entries appear with zeros; the last bucket is this week.")
@authenticated
async def productivity_trends(request: Request):
    q = parse_query(request, TrendsQuery)
    user, tz = request.ctx.user, _tz(request)
    today = local_today(tz)

    async def compute() -> dict[str, Any]:
        return {"timezone": tz,
                "weeks": await queries.weekly_trends(user.id, q.weeks, tz, today)}

    params = {"tz": tz, "today": today, "weeks": q.weeks}
    return json(await _cached(request, "trends", params, compute))
