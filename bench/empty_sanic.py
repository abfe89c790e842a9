"""The ceiling for bench_logs: a Sanic app whose one handler answers POST / with a constant
JSON body, run the way englog-api runs (one process, no access log). Whatever EngLog's API
spends per request on top of this is our code; this part is Sanic's own.

    .venv/bin/python -m bench.empty_sanic --port 8123
"""

from __future__ import annotations

import argparse

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

BODY = {"id": "00000000-0000-0000-0000-000000000000", "title": "Benchmark entry"}


def create_app() -> Sanic:
    app = Sanic("empty_ceiling")

    @app.post("/")
    async def handler(request: Request) -> HTTPResponse:
        return json(BODY, status=201)

    @app.get("/live")
    async def live(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    app = create_app()
    app.prepare(host="127.0.0.1", port=args.port, access_log=False, single_process=True,
                motd=False)
    Sanic.serve_single(primary=app)


if __name__ == "__main__":
    main()
