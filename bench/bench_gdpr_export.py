"""GET /v1/users/me/export of a user with many entries: time, size, and how much the API
process's memory grows, for the JSON document and the zip (JSON + CSV per section). The
baseline is PostgreSQL alone writing the same entry rows as JSON (COPY ... TO STDOUT).

    .venv/bin/python -m bench.bench_gdpr_export [--entries 100000]

The export streams, so the API's peak memory should stay flat as --entries grows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import asyncpg
import httpx

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from tests.support.servers import ApiProcess, test_env
from tests.support.users import register

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{PG}/englog_bench_gdpr"


def _kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


async def _seed(dsn: str, user_id: str, entries: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            """
            INSERT INTO log_entries (user_id, title, description, type, start_time, end_time,
                                     value_rating, impact_level)
            SELECT $1::uuid, 'Benchmark entry ' || i, 'Exported by bench/bench_gdpr_export.py',
                   'code', ts, ts + interval '25 minutes', 'high', 'team'
            FROM generate_series(1, $2::int) AS i,
                 LATERAL (SELECT timestamptz '2020-01-06 09:00Z' + i * interval '30 minutes') t(ts)
            """, user_id, entries)
        await conn.execute(
            "INSERT INTO log_entry_tags (log_entry_id, tag_id) SELECT e.id, t.id "
            "FROM log_entries e, tags t WHERE e.user_id = $1::uuid AND t.name = 'python' "
            "AND t.user_id IS NULL", user_id)
    finally:
        await conn.close()


async def _baseline(dsn: str, user_id: str) -> tuple[float, int]:
    conn = await asyncpg.connect(dsn)
    size = 0

    async def sink(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)

    try:
        started = time.perf_counter()
        await conn.copy_from_query(
            "SELECT to_jsonb(t)::text FROM log_entries t WHERE user_id = $1::uuid ORDER BY id",
            user_id, output=sink)
        return time.perf_counter() - started, size
    finally:
        await conn.close()


async def _export(url: str, headers: dict, fmt: str, pid: int) -> dict:
    rss_before = _kib(pid, "VmRSS")
    peak = rss_before
    size = 0
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=600) as client, client.stream(
            "GET", url + "/v1/users/me/export", params={"format": fmt}, headers=headers) as r:
        r.raise_for_status()
        async for chunk in r.aiter_raw():
            size += len(chunk)
            peak = max(peak, _kib(pid, "VmRSS"))
    return {"seconds": time.perf_counter() - started, "bytes": size,
            "rss_growth_mib": (peak - rss_before) / 1024}


async def main(entries: int) -> None:
    dsn = DB_URL.replace("postgres://", "postgresql://", 1)
    await drop_database(DB_URL)
    await create_database_if_missing(DB_URL)
    await apply_migrations(DB_URL)
    server = ApiProcess(test_env(DB_URL, f"englog-bench-gdpr-{os.getpid()}:"))
    server.start()
    try:
        # Registering answers 202 without tokens (it must not reveal taken emails): log in too.
        async with httpx.AsyncClient(base_url=server.url) as client:
            user = await register(client)
        user_id = user.id
        headers = {"Authorization": "Bearer " + user.access_token}
        await _seed(dsn, user_id, entries)
        base_s, base_bytes = await _baseline(dsn, user_id)
        print(f"entries: {entries}")
        print(f"baseline COPY to_jsonb: {base_s:.2f} s, {base_bytes / 2**20:.1f} MiB")
        for fmt in ("json", "zip"):
            out = await _export(server.url, headers, fmt, server.proc.pid)
            peak = _kib(server.proc.pid, "VmHWM") / 1024
            print(f"export {fmt}: {out['seconds']:.2f} s ({out['seconds'] / base_s:.1f}x "
                  f"baseline), {out['bytes'] / 2**20:.1f} MiB, API RSS growth "
                  f"{out['rss_growth_mib']:.1f} MiB (peak {peak:.0f} MiB since start)")
    finally:
        server.stop()
        await drop_database(DB_URL)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().entries))
