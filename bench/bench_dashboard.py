"""Dashboard latency over 25,000 entries spread across 10 years, cache cold and warm.

    .venv/bin/python -m bench.bench_dashboard [--entries 25000] [--requests 30] [--keep]

Builds its own database (englog_bench_dashboard), bulk-loads one user's entries with COPY,
runs the real API in a subprocess and times sequential GET requests. "cold" bumps the
user's data version before each request (what an entry write does), so every request
recomputes in PostgreSQL; "warm" repeats the same request, served from Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import redis.asyncio as aioredis

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from bench.http_load import percentile
from tests.support.servers import ApiProcess, test_env

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{PG}/englog_bench_dashboard"
REDIS_URL = os.environ.get("ENGLOG_BENCH_REDIS", "redis://127.0.0.1:6379/0")
TZ = "Europe/Berlin"
TYPES = ["meeting", "code", "debug", "docs", "mentoring", "review", "planning", "learning",
         "ops", "admin"]
TYPE_WEIGHTS = [15, 35, 10, 6, 4, 8, 6, 6, 6, 4]
YEARS_DAYS = 3652


def make_rows(user_id: uuid.UUID, projects: list[uuid.UUID | None], n: int, today: date
              ) -> list[tuple]:
    rng = random.Random(42)
    tz = ZoneInfo(TZ)
    first = today - timedelta(days=YEARS_DAYS - 1)
    rows = []
    for i in range(n):
        day = first + timedelta(days=rng.randrange(YEARS_DAYS))
        start = datetime(day.year, day.month, day.day, rng.randint(7, 19),
                         rng.choice((0, 15, 30, 45)), tzinfo=tz)
        minutes = rng.choice((15, 30, 45, 60, 90, 120, 180))
        rows.append((uuid.uuid4(), user_id, rng.choice(projects), f"Bench entry {i}",
                     rng.choices(TYPES, TYPE_WEIGHTS)[0], start, start + timedelta(minutes=minutes),
                     rng.choice(("low", "medium", "medium", "high")),
                     rng.choice(("personal", "team", "team", "product", "company"))))
    return rows


async def load(user_id: uuid.UUID, n: int, today: date) -> None:
    conn = await asyncpg.connect(DB_URL.replace("postgres://", "postgresql://", 1))
    try:
        projects: list[uuid.UUID | None] = [None]
        for name in ("Apollo", "Borealis", "Cygnus", "Draco", "Eridanus"):
            projects.append(await conn.fetchval(
                "INSERT INTO projects (owner_id, name) VALUES ($1, $2) RETURNING id",
                user_id, name))
        rows = make_rows(user_id, projects, n, today)
        await conn.copy_records_to_table(
            "log_entries", records=rows,
            columns=["id", "user_id", "project_id", "title", "type", "start_time",
                     "end_time", "value_rating", "impact_level"])
        # Tag a third of the entries, as real users do, so group_by=tag has work to do.
        tags = [r["id"] for r in await conn.fetch(
            "SELECT id FROM tags WHERE user_id IS NULL ORDER BY name LIMIT 8")]
        links = [(row[0], tags[i % len(tags)]) for i, row in enumerate(rows) if i % 3 == 0]
        await conn.copy_records_to_table("log_entry_tags", records=links,
                                         columns=["log_entry_id", "tag_id"])
        await conn.execute("ANALYZE log_entries; ANALYZE log_entry_tags")
    finally:
        await conn.close()


async def measure(client: httpx.AsyncClient, r: aioredis.Redis, datav_key: str, path: str,
                  params: dict, n: int, cold: bool) -> tuple[float, float]:
    lat = []
    resp = await client.get(path, params=params)  # fill the cache (and the server's pools)
    resp.raise_for_status()
    for _ in range(n):
        if cold:
            await r.incr(datav_key)
        t0 = time.perf_counter()
        resp = await client.get(path, params=params)
        lat.append(time.perf_counter() - t0)
        resp.raise_for_status()
    return percentile(lat, 50) * 1000, percentile(lat, 99) * 1000


async def main(entries: int, requests: int, keep: bool) -> None:
    await drop_database(DB_URL)
    await create_database_if_missing(DB_URL)
    await apply_migrations(DB_URL)
    prefix = f"englog-bench-dash-{os.getpid()}:"
    server = ApiProcess(test_env(DB_URL, prefix, ENGLOG_REDIS_URL=REDIS_URL))
    server.start()
    r = aioredis.from_url(REDIS_URL)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            creds = {"email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
                     "password": "benchmark-pass-1"}
            (await client.post("/v1/auth/register", json={**creds, "timezone": TZ})
             ).raise_for_status()
            reg = await client.post("/v1/auth/login", json=creds)
            reg.raise_for_status()
            user_id = uuid.UUID(reg.json()["user"]["id"])
            client.headers["Authorization"] = "Bearer " + reg.json()["access_token"]
            today = datetime.now(ZoneInfo(TZ)).date()
            t0 = time.perf_counter()
            await load(user_id, entries, today)
            print(f"loaded {entries} entries over {YEARS_DAYS} days in "
                  f"{time.perf_counter() - t0:.1f}s")
            ten_years = {"start_date": (today - timedelta(days=YEARS_DAYS - 1)).isoformat(),
                         "end_date": today.isoformat()}
            cases = [
                ("dashboard, 10 years", "/v1/analytics/dashboard", ten_years),
                ("dashboard, last 30 days", "/v1/analytics/dashboard", {}),
                ("time-distribution by tag, 10 years", "/v1/analytics/time-distribution",
                 {**ten_years, "group_by": "tag"}),
                ("productivity-trends, 104 weeks", "/v1/analytics/productivity-trends",
                 {"weeks": 104}),
            ]
            datav = f"{prefix}datav:{user_id}"
            print(f"\n{'request':<38}{'cache':<7}{'p50 ms':>9}{'p99 ms':>9}   (n={requests})")
            for label, path, params in cases:
                for cold in (True, False):
                    p50, p99 = await measure(client, r, datav, path, params, requests, cold)
                    print(f"{label:<38}{'cold' if cold else 'warm':<7}{p50:>9.1f}{p99:>9.1f}")
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            print(f"\n{stamp}, {os.cpu_count()} cores, 1 API worker, sequential requests")
    finally:
        keys = [k async for k in r.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await r.delete(*keys)
        await r.aclose()
        server.stop()
        if not keep:
            await drop_database(DB_URL)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=25_000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()
    asyncio.run(main(args.entries, args.requests, args.keep))
