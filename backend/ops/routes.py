"""Liveness, readiness and health. /health is degraded (200) when only Redis is down."""

from __future__ import annotations

import hmac
import logging

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from backend.api.errors import ApiError
from backend.db.setup import db
from backend.ops import metrics
from backend.queue.workers import list_workers

log = logging.getLogger("englog.ops")
bp = Blueprint("ops")


@bp.get("/live")
@openapi.summary("Liveness: the process answers")
@openapi.tag("ops")
async def live(request: Request):
    return json({"status": "ok"})


async def _db_ok() -> bool:
    try:
        await db().execute_query("SELECT 1")
        return True
    except Exception as exc:
        log.warning("database check failed: %r", exc)
        return False


@bp.get("/ready")
@openapi.summary("Readiness: PostgreSQL reachable")
@openapi.tag("ops")
async def ready(request: Request):
    ok = await _db_ok()
    return json({"status": "ready" if ok else "unavailable"}, status=200 if ok else 503)


@bp.get("/health")
@openapi.summary("Health of the API and its dependencies")
@openapi.tag("ops")
async def health(request: Request):
    db = await _db_ok()
    redis = await request.app.ctx.cache.ping()
    status = "ok" if db and redis else ("degraded" if db else "down")
    body = {"status": status, "database": "ok" if db else "down",
            "redis": "ok" if redis else "down"}
    # Workers report their health over gRPC (backend.queue.workers); stale = not heard from.
    body["workers"] = await list_workers() if db else []
    return json(body, status=200 if db else 503)


@bp.get("/metrics")
@openapi.exclude()
async def prometheus_metrics(request: Request):
    """Prometheus exposition. Hidden (404) unless ENGLOG_METRICS_TOKEN is set; then the
    scraper sends it as a bearer token. The reverse proxy does not forward /metrics either."""
    token = request.app.ctx.settings.metrics_token
    if not token:
        raise ApiError(404, "Not Found", "Requested URL /metrics not found", kind="not-found")
    sent = request.headers.get("authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise ApiError(401, "Unauthorized", "/metrics needs the metrics bearer token.",
                       kind="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return HTTPResponse(await metrics.render(),
                        content_type="text/plain; version=0.0.4; charset=utf-8")
