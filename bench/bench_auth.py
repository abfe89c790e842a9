"""Timing of the account endpoints an attacker probes.

1. Register: a new email vs one that already has an account (the answers must not tell
   them apart; issue 10 measured 117 ms vs 2 ms, a 50-fold difference).
2. Login of a real user alone, and while 32 clients flood logins for emails that have no
   account (issue 10 measured 120 ms rising to about 3 s).

    .venv/bin/python -m bench.bench_auth [--samples 20] [--flood 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid

import httpx

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from tests.support.servers import ApiProcess, test_env

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{PG}/englog_bench_auth"
PASSWORD = "bench-auth-password-1"


async def timed(coro) -> tuple[float, httpx.Response]:
    t0 = time.perf_counter()
    r = await coro
    return time.perf_counter() - t0, r


async def register_times(c: httpx.AsyncClient, samples: int) -> tuple[list[float], list[float]]:
    taken = f"taken-{uuid.uuid4().hex[:8]}@example.com"
    await c.post("/v1/auth/register", json={"email": taken, "password": PASSWORD})
    new, existing = [], []
    for _ in range(samples):  # interleaved, so load drift hits both alike
        dt, r = await timed(c.post("/v1/auth/register", json={
            "email": f"new-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD}))
        assert r.status_code == 202, r.text
        new.append(dt)
        dt, r = await timed(c.post("/v1/auth/register", json={"email": taken,
                                                              "password": PASSWORD}))
        assert r.status_code == 202, r.text
        existing.append(dt)
    return new, existing


async def login_times(c: httpx.AsyncClient, email: str, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        dt, r = await timed(c.post("/v1/auth/login", json={"email": email, "password": PASSWORD}))
        assert r.status_code == 200, r.text
        out.append(dt)
    return out


async def flood(url: str, stop: asyncio.Event, n: int) -> int:
    sent = 0

    async def one() -> None:
        nonlocal sent
        async with httpx.AsyncClient(base_url=url, timeout=60) as c:
            while not stop.is_set():
                await c.post("/v1/auth/login", json={
                    "email": f"ghost-{uuid.uuid4().hex}@example.com", "password": "nope-nope"})
                sent += 1

    await asyncio.gather(*(one() for _ in range(n)))
    return sent


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms"


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--flood", type=int, default=32)
    args = ap.parse_args()
    await drop_database(DB_URL)
    await create_database_if_missing(DB_URL)
    await apply_migrations(DB_URL)
    server = ApiProcess(test_env(DB_URL, f"englog-bench-auth-{os.getpid()}:"))
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
            new, existing = await register_times(c, args.samples)
            email = f"real-{uuid.uuid4().hex[:8]}@example.com"
            await c.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
            alone = await login_times(c, email, args.samples)
            stop = asyncio.Event()
            flooding = asyncio.create_task(flood(server.url, stop, args.flood))
            await asyncio.sleep(1.0)
            under = await login_times(c, email, args.samples)
            stop.set()
            sent = await flooding
    finally:
        server.stop()
        await drop_database(DB_URL)
    print(f"\nAccount endpoints, {args.samples} samples each, {os.cpu_count()} cores")
    print(f"register, new email       {ms(new)}")
    print(f"register, existing email  {ms(existing)}")
    ratio = statistics.median(existing) / statistics.median(new)
    print(f"ratio existing/new (p50): {ratio:.2f}  (target: about 1; never 50-fold)")
    print(f"login alone               {ms(alone)}")
    print(f"login under flood         {ms(under)}   ({args.flood} clients, {sent} unknown-email "
          "logins)")
    slowdown = statistics.median(under) / statistics.median(alone)
    print(f"ratio under flood/alone (p50): {slowdown:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
