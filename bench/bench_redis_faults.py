"""What a Redis outage adds to request latency: Redis up, gone (connection refused) and hung
(accepts connections, never answers), through a TCP proxy the benchmark owns.

    .venv/bin/python -m bench.bench_redis_faults [--requests 300] [--timeout-ms 200]

Prints p50/p99/max of GET /v1/auth/me and POST /v1/logs in each state, and the added p99
over "up". The target (issue 10): a hung Redis adds at most ~250 ms to any request; the
bound is ENGLOG_REDIS_TIMEOUT_MS (one timeout, then Redis is skipped for 2 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from urllib.parse import urlsplit

import httpx

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from bench.http_load import percentile
from tests.support.servers import ApiProcess, test_env
from tests.support.tcp_proxy import TcpProxy
from tests.support.users import register

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("ENGLOG_BENCH_REDIS", "redis://127.0.0.1:6379/0")
DB_URL = f"{PG}/englog_bench_redis_faults"
ENTRY = {"title": "Bench", "type": "code",
         "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}


async def measure(user, n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"GET /v1/auth/me": [], "POST /v1/logs": []}
    for _ in range(n):
        for name, call in (("GET /v1/auth/me", lambda: user.get("/v1/auth/me")),
                           ("POST /v1/logs", lambda: user.post("/v1/logs", json=ENTRY))):
            t0 = time.perf_counter()
            r = await call()
            out[name].append(time.perf_counter() - t0)
            assert r.status_code in (200, 201), r.text
    return out


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--timeout-ms", type=int, default=200)
    args = ap.parse_args()
    await drop_database(DB_URL)
    await create_database_if_missing(DB_URL)
    await apply_migrations(DB_URL)
    proxy = TcpProxy(urlsplit(REDIS).port or 6379).start()
    server = ApiProcess(test_env(DB_URL, f"englog-bench-rf-{os.getpid()}:",
                                 ENGLOG_REDIS_URL=f"redis://127.0.0.1:{proxy.port}/0",
                                 ENGLOG_REDIS_TIMEOUT_MS=str(args.timeout_ms)))
    server.start()
    results = {}
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
            user = await register(c)
            await measure(user, 20)  # warm-up
            results["up"] = await measure(user, args.requests)
            proxy.cut()
            results["gone"] = await measure(user, args.requests)
            proxy.hang()
            results["hung"] = await measure(user, args.requests)
            proxy.restore()
    finally:
        server.stop()
        proxy.stop()
        await drop_database(DB_URL)
    print(f"\nRedis faults, {args.requests} requests of each kind per state, Redis timeout "
          f"{args.timeout_ms} ms, {os.cpu_count()} cores")
    print(f"{'':10}{'request':18}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'+p99 vs up':>12}")
    for state, by_name in results.items():
        for name, lat in by_name.items():
            up99 = percentile(results["up"][name], 99)
            print(f"{state:10}{name:18}{percentile(lat, 50) * 1000:>9.1f}"
                  f"{percentile(lat, 99) * 1000:>9.1f}{max(lat) * 1000:>9.1f}"
                  f"{(percentile(lat, 99) - up99) * 1000:>+12.1f}")
    print("target: a hung Redis adds at most ~250 ms to a request (max column, hung rows)")


if __name__ == "__main__":
    asyncio.run(main())
