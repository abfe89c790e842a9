"""Analytics endpoints: dashboard, time distribution and weekly trends (all cached)."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import json

from backend.analytics import queries
from backend.analytics.cache import cached
from backend.analytics.periods import local_range, local_today, zone
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
     "`today` and `week` (Monday start) are always the current ones.")
@authenticated
async def dashboard(request: Request):
    q = parse_query(request, DateRangeQuery)
    user, tz = request.ctx.user, _tz(request)
    today = local_today(tz)
    start_date, end_date = q.resolve(today)

    async def compute() -> dict[str, Any]:
        start, end = local_range(start_date, end_date, tz)
        summary = await queries.period_summary(user.id, start, end, tz)
        return {**summary, **await queries.today_and_week(user.id, tz, today)}

    params = {"tz": tz, "today": today, "start": start_date, "end": end_date}
    return json(await _cached(request, "dashboard", params, compute))


@bp.get("/time-distribution")
@doc("Minutes and entries grouped by type, project, value, impact, tag, weekday, hour or day",
     tag=TAG, query=DistributionQuery, response=Distribution,
     description="Default period: the last 30 days through today, in your timezone. "
     "Fixed dimensions list every key (zeros included) in natural order; project and tag "
     "list the keys that occur, most minutes first. With group_by=tag an entry counts under "
     "each of its tags.")
@authenticated
async def time_distribution(request: Request):
    q = parse_query(request, DistributionQuery)
    user, tz = request.ctx.user, _tz(request)
    start_date, end_date = q.resolve(local_today(tz))

    async def compute() -> dict[str, Any]:
        start, end = local_range(start_date, end_date, tz)
        result = await queries.distribution(user.id, start, end, tz, q.group_by)
        return {"start_date": start_date.isoformat(), "end_date": end_date.isoformat(),
                **result}

    params = {"tz": tz, "start": start_date, "end": end_date, "group_by": q.group_by}
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
