"""Exports: CSV of 100,000 entries (time, and the API process's memory while it streams) and
the performance-review PDF of a year with 1,250 entries (time, pages, size).

    .venv/bin/python -m bench.bench_exports [--csv-entries 100000] [--pdf-entries 1250]
                                            [--pdf-out review.pdf] [--keep]

Builds its own database (englog_bench_exports), bulk-loads entries with COPY, runs the real
API in a subprocess and downloads the exports over HTTP. Memory is the API process's
resident set (VmRSS in /proc/<pid>/status) sampled every 10 ms during the request: "peak
growth" is the highest sample minus the resident set just before the request. A streamed
export should grow by a few batches, not by the size of the file.

Figures taken on a shared 2-core machine are provisional: re-run on a quiet one.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from pypdf import PdfReader

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from bench.bench_dashboard import TYPE_WEIGHTS, TYPES
from tests.support.servers import ApiProcess, test_env
from tests.support.users import register as register_user

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{PG}/englog_bench_exports"
REDIS_URL = os.environ.get("ENGLOG_BENCH_REDIS", "redis://127.0.0.1:6379/0")
TZ = "Europe/Berlin"
YEAR = 2025
TITLES = ("Fix token refresh race in the auth service", "Review PR: rate limiter middleware",
          "Sprint planning", "Debug flaky integration test", "Write ADR for the event bus",
          "1:1 with a junior engineer", "Überarbeitung der Zeitzonen-Logik",
          "Оптимизация запросов к базе данных", "Deploy release 2.4 to production",
          "Design review: search indexing")
NARRATIVE = "\n".join([
    "# Annual report, {year}", "", "## Summary", "", "| Measure | Value |", "| --- | --- |",
    "| Entries | {n} |", "", "## Key Accomplishments", "",
    "- This year the engineer fixed the token refresh race in the auth service. "
    "*(Fix token refresh race in the auth service, 3 Mar {year})*",
    "- This year the engineer reworked the timezone logic. "
    "*(Überarbeitung der Zeitzonen-Logik, 14 May {year})*",
    "- This year the engineer sped up the database queries. "
    "*(Оптимизация запросов к базе данных, 9 Sep {year})*", "", "## Patterns", "",
    "- Most of the year went into code, with steady review work. "
    "*(Review PR: rate limiter middleware, 40 entries, 7 Jan {year} to 18 Dec {year})*", "",
    "## Recommendations", "",
    "- Keep protecting long focus blocks for debugging work. "
    "*(Debug flaky integration test, 2 Jun {year})*", "", "---",
    "_Narrative worded by the embedded model SmolLM2-135M-Instruct and checked against "
    "your log._", ""])


def rows_for(user_id: uuid.UUID, projects: list[uuid.UUID | None], n: int,
             first: date, days: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    tz = ZoneInfo(TZ)
    out = []
    for i in range(n):
        day = first + timedelta(days=rng.randrange(days))
        start = datetime(day.year, day.month, day.day, rng.randint(8, 18),
                         rng.choice((0, 15, 30, 45)), tzinfo=tz)
        minutes = rng.choice((15, 30, 45, 60, 90, 120, 180))
        out.append((uuid.uuid4(), user_id, rng.choice(projects),
                    f"{rng.choice(TITLES)} #{i}", "Notes, with a comma and \"quotes\".",
                    rng.choices(TYPES, TYPE_WEIGHTS)[0], start,
                    start + timedelta(minutes=minutes),
                    rng.choice(("low", "medium", "medium", "high")),
                    rng.choice(("personal", "team", "team", "product", "company"))))
    return out


async def load(user_id: uuid.UUID, n: int, first: date, days: int, seed: int) -> None:
    conn = await asyncpg.connect(DB_URL.replace("postgres://", "postgresql://", 1))
    try:
        projects: list[uuid.UUID | None] = [None]
        for name in ("Auth modernization", "Search", "Billing", "Platform"):
            projects.append(await conn.fetchval(
                "INSERT INTO projects (owner_id, name) VALUES ($1, $2) RETURNING id",
                user_id, name))
        rows = rows_for(user_id, projects, n, first, days, seed)
        await conn.copy_records_to_table(
            "log_entries", records=rows,
            columns=["id", "user_id", "project_id", "title", "description", "type",
                     "start_time", "end_time", "value_rating", "impact_level"])
        tags = [r["id"] for r in await conn.fetch(
            "SELECT id FROM tags WHERE user_id IS NULL ORDER BY name LIMIT 6")]
        await conn.copy_records_to_table(
            "log_entry_tags", records=[(r[0], tags[i % len(tags)])
                                       for i, r in enumerate(rows) if i % 2 == 0],
            columns=["log_entry_id", "tag_id"])
        await conn.execute("ANALYZE log_entries; ANALYZE log_entry_tags")
    finally:
        await conn.close()


async def add_report(user_id: uuid.UUID, n: int) -> None:
    conn = await asyncpg.connect(DB_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(
            "INSERT INTO generated_insights (user_id, report_type, period_start, period_end, "
            "status, title, content, model, completed_at) VALUES ($1, 'annual', $2, $3, "
            "'completed', $4, $5, 'SmolLM2-135M-Instruct', now())", user_id,
            date(YEAR, 1, 1), date(YEAR, 12, 31), f"Annual report, {YEAR}",
            NARRATIVE.format(year=YEAR, n=n))
    finally:
        await conn.close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def timed_download(client: httpx.AsyncClient, url: str, params: dict,
                         pid: int) -> tuple[float, int, int, bytes | None, int]:
    """(seconds, bytes, peak RSS growth in KiB, body if small, RSS before in KiB)."""
    before = rss_kb(pid)
    peak = before
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(pid))
            await asyncio.sleep(0.01)

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    size = 0
    keep = bytearray()
    async with client.stream("GET", url, params=params) as r:
        r.raise_for_status()
        async for chunk in r.aiter_bytes():
            size += len(chunk)
            if size <= 50_000_000:
                keep += chunk
    seconds = time.perf_counter() - started
    done.set()
    await sampler
    return seconds, size, peak - before, bytes(keep), before


async def register(client: httpx.AsyncClient) -> tuple[uuid.UUID, dict[str, str]]:
    # Registering answers 202 without tokens (it must not reveal taken emails): log in too.
    user = await register_user(client, TZ, first_name="Ada", last_name="Lovelace")
    return uuid.UUID(user.id), {"Authorization": f"Bearer {user.access_token}"}


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv-entries", type=int, default=100_000)
    ap.add_argument("--pdf-entries", type=int, default=1250)
    ap.add_argument("--pdf-out", type=Path, default=None, help="also write the PDF here")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()

    await drop_database(DB_URL)
    await create_database_if_missing(DB_URL)
    await apply_migrations(DB_URL)
    env = test_env(DB_URL, f"englog-bench-exports-{os.getpid()}:",
                   ENGLOG_REDIS_URL=REDIS_URL)
    api = ApiProcess(env)
    api.start()
    assert api.proc is not None
    try:
        async with httpx.AsyncClient(base_url=api.url, timeout=600) as client:
            csv_user, csv_auth = await register(client)
            pdf_user, pdf_auth = await register(client)
            t = time.perf_counter()
            await load(csv_user, args.csv_entries, date(2016, 1, 1), 3650, seed=1)
            await load(pdf_user, args.pdf_entries, date(YEAR, 1, 1), 365, seed=2)
            await add_report(pdf_user, args.pdf_entries)
            print(f"loaded {args.csv_entries:,} + {args.pdf_entries:,} entries in "
                  f"{time.perf_counter() - t:.1f} s")

            client.headers.update(csv_auth)
            # One small request first, so imports and pools are warm in the API process.
            await client.get("/v1/export/csv", params={"period_start": "2016-01-01",
                                                       "period_end": "2016-01-02"})
            secs, size, growth, body, before = await timed_download(
                client, "/v1/export/csv", {}, api.proc.pid)
            rows = body.count(b"\r\n") - 1 if len(body) == size else None
            print(f"CSV export, {args.csv_entries:,} entries: {secs:.2f} s, "
                  f"{size / 1e6:.1f} MB ({size / secs / 1e6:.1f} MB/s), rows {rows}; API RSS "
                  f"{before / 1024:.0f} MiB before, peak growth {growth / 1024:.1f} MiB "
                  f"({growth * 1024 / size:.2f} bytes of memory per byte of CSV)")

            client.headers.update(pdf_auth)
            period = {"period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31"}
            timings = []
            for _ in range(3):
                secs, size, growth, body, _ = await timed_download(
                    client, "/v1/export/pdf", period, api.proc.pid)
                timings.append(secs)
            pages = len(PdfReader(io.BytesIO(body)).pages)
            print(f"PDF export, a year of {args.pdf_entries:,} entries: "
                  f"{min(timings):.2f} s best of 3 (all: "
                  f"{', '.join(f'{s:.2f}' for s in timings)} s), {pages} pages, "
                  f"{size / 1024:.0f} KiB, API RSS peak growth {growth / 1024:.1f} MiB")
            if args.pdf_out:
                args.pdf_out.write_bytes(body)
                print(f"wrote {args.pdf_out}")
    finally:
        api.stop()
        if not args.keep:
            await drop_database(DB_URL)
    print("Shared-machine figures: provisional; re-run on a quiet machine.")


if __name__ == "__main__":
    asyncio.run(main())
