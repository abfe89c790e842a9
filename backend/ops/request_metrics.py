"""Request count and latency by route template (never the raw path: ids would make every
request its own time series) and status."""

from __future__ import annotations

import re
import time
from functools import lru_cache

from sanic import HTTPResponse, Request, Sanic

from backend.ops.metrics import HTTP_LATENCY, HTTP_REQUESTS


@lru_cache(maxsize=512)
def _template(path: str) -> str:
    # "v1/logs/<raw_id:str>" -> "/v1/logs/<raw_id>"
    return "/" + re.sub(r"<(\w+):[^>]*>", r"<\1>", path.lstrip("/"))


def route_label(request: Request) -> str:
    route = request.route
    return _template(route.path) if route is not None else "unmatched"


def install(app: Sanic) -> None:
    @app.on_request(priority=100)  # first, so the time includes the other middleware
    async def _start_clock(request: Request) -> None:
        request.ctx.started = time.perf_counter()

    @app.on_response(priority=100)
    async def _observe(request: Request, response: HTTPResponse) -> None:
        started = getattr(request.ctx, "started", None)
        labels = (request.method, route_label(request), str(response.status))
        HTTP_REQUESTS.labels(*labels).inc()
        if started is not None:
            HTTP_LATENCY.labels(*labels).observe(time.perf_counter() - started)
