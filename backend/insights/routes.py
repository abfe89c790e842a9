"""/v1/insights: ask for a report, follow its progress, read and delete reports."""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import time
import uuid

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json
from sanic_ext import openapi

from backend.analytics.periods import local_today
from backend.api.docs import doc, oas_schema
from backend.api.errors import not_found
from backend.api.pagination import page
from backend.api.validation import parse_body, parse_query
from backend.auth.guard import authenticated
from backend.insights import service, views
from backend.insights.periods import resolve_period, stored_dates_within
from backend.insights.schemas import (
    GenerateBody,
    InsightAccepted,
    InsightOut,
    InsightPage,
    InsightQuery,
)

log = logging.getLogger("englog.insights")

bp = Blueprint("insights", url_prefix="/v1/insights")

TAG = "insights"
POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
# A stream is bounded so a forgotten client does not hold a connection for ever; a client
# that still wants updates reconnects (the first event repeats the current state).
MAX_STREAM_SECONDS = 900.0


def insight_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise not_found("Report") from None


@bp.post("/generate")
@openapi.response(200, {"application/json": oas_schema(InsightOut)},
                  "The finished report for exactly this data (cached: true)")
@doc("Generate a report", tag=TAG, body=GenerateBody, response=InsightAccepted, status=202,
     errors=[429],
     description="The period: period_start and period_end, each a date (both days "
     "included, your timezone) or an RFC 3339 timestamp (half-open [start, end)); a report "
     "covers the local days the period spans, each end moved to the nearest local midnight. "
     "Without them: the current period of the type, in your timezone. 202 with "
     "the queued report (follow links.events), or 200 with the finished report and "
     "cached: true when one exists for exactly the same data. 422 when the period has no "
     "entries or a date does not fit the type. 429 with Retry-After while 5 of your reports "
     "are still queued or running.")
@authenticated
async def generate(request: Request) -> HTTPResponse:
    body = parse_body(request, GenerateBody)
    user = request.ctx.user
    report_type = body.report_type.value
    start, end = resolve_period(report_type, body.period_start, body.period_end,
                                local_today(user.timezone), user.timezone)
    projects = await service.resolve_projects(user.id, body.include_projects)
    outcome = await service.submit(
        service.Owner.of(user), report_type, start, end, include_projects=projects,
        focus_areas=body.focus_areas, cache=request.app.ctx.cache)
    return json(outcome.body, status=200 if outcome.cached else 202)


@bp.get("/")
@doc("List your reports", tag=TAG, query=InsightQuery, response=InsightPage,
     description="Newest first, without the report body (GET /v1/insights/{id} has it). "
     "Filters: type (report type), status, and period_start/period_end: reports whose "
     "period lies within them (dates inclusive, timestamps [start, end)).")
@authenticated
async def list_insights(request: Request) -> HTTPResponse:
    q = parse_query(request, InsightQuery)
    user = request.ctx.user
    within = stored_dates_within(q.period_start, q.period_end, user.timezone)
    items, total = await service.list_insights(
        user.id, q.type.value if q.type else None, q.status, within, q.limit, q.offset)
    return json(page(items, total, q))


@bp.get("/<raw_id>")
@doc("Get one report", tag=TAG, response=InsightOut, errors=[404],
     description="Content (Markdown), facts, metadata, status, progress, stage and error.")
@authenticated
async def get(request: Request, raw_id: str) -> HTTPResponse:
    row = await views.fetch_one(request.ctx.user.id, insight_id(raw_id))
    if row is None:
        raise not_found("Report")
    return json(views.full_json(row))


@bp.delete("/<raw_id>")
@doc("Delete a report", tag=TAG, status=204, errors=[404],
     description="A report no worker has picked up yet is also taken off the queue.")
@authenticated
async def delete(request: Request, raw_id: str) -> HTTPResponse:
    if not await service.delete_insight(request.ctx.user.id, insight_id(raw_id),
                                        request.app.ctx.cache):
        raise not_found("Report")
    return empty()


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {jsonlib.dumps(data)}\n\n"


@bp.get("/<raw_id>/events")
@doc("Follow a report's progress (Server-Sent Events)", tag=TAG, errors=[404],
     description="text/event-stream. An event `progress` with {status, progress, stage} "
     "whenever one changes (the first one is the current state), then `completed` or "
     "`failed` (with error) and the stream ends. Comments keep the connection alive. "
     "The stream ends with `timeout` after 15 minutes; reconnect to continue.")
@authenticated
async def events(request: Request, raw_id: str) -> HTTPResponse | None:
    user_id, iid = request.ctx.user.id, insight_id(raw_id)
    row = await views.fetch_one(user_id, iid)
    if row is None:
        raise not_found("Report")
    response = await request.respond(
        content_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    started = last_sent = time.monotonic()
    last: dict | None = None
    try:
        while True:
            now = time.monotonic()
            if row is None:
                await response.send(_sse("deleted", {"status": "deleted"}))
                break
            state = views.event_json(row)
            if state["status"] in views.TERMINAL:
                await response.send(_sse(state["status"], state))
                break
            if state != last:
                await response.send(_sse("progress", state))
                last, last_sent = state, now
            elif now - last_sent >= KEEPALIVE_SECONDS:
                await response.send(": keep-alive\n\n")
                last_sent = now
            if now - started >= MAX_STREAM_SECONDS:
                await response.send(_sse("timeout", state))
                break
            await asyncio.sleep(POLL_SECONDS)
            row = await views.fetch_one(user_id, iid)
        await response.eof()
    except ConnectionError:
        log.debug("events client for %s went away", iid)
    return None
