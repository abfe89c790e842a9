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


# (method, route, status) -> its counter and histogram children. prometheus_client's
# labels() validates, locks and hashes on every call; the set of label tuples is small and
# fixed by the routes, so each pair is looked up once.
_children: dict[tuple[str, str, str], tuple] = {}


def _series(labels: tuple[str, str, str]) -> tuple:
    found = _children.get(labels)
    if found is None:
        found = _children[labels] = (HTTP_REQUESTS.labels(*labels),
                                     HTTP_LATENCY.labels(*labels))
    return found


def install(app: Sanic) -> None:
    # Plain functions, not coroutines: Sanic calls either, and these never wait, so each
    # response skips a coroutine object and an await.
    @app.on_request(priority=100)  # first, so the time includes the other middleware
    def _start_clock(request: Request) -> None:
        request.ctx.started = time.perf_counter()

    @app.on_response(priority=100)
    def _observe(request: Request, response: HTTPResponse) -> None:
        started = getattr(request.ctx, "started", None)
        count, latency = _series((request.method, route_label(request), str(response.status)))
        count.inc()
        if started is not None:
            latency.observe(time.perf_counter() - started)
