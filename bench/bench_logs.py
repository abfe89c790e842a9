"""POST /v1/logs throughput and latency at 16 concurrent clients, against raw asyncpg
single-row inserts of the same rows at the same concurrency, on the same machine and run;
the API with its rate limiter on (every request counted in Redis, limits high enough
that none is refused) against the limiter switched off; and the ceiling: an empty Sanic
handler (bench/empty_sanic.py) answering the same requests from the same load generator.

    .venv/bin/python -m bench.bench_logs [--requests 4000] [--concurrency 16] [--workers 1]

Prints requests/s, p50/p99 latency, the ratio API/raw (target >= 0.4, issue 11), the ratio
API/empty handler, the ratio limiter on/off (target >= 0.9: the limiter costs at most 10%
of throughput), and where each request's CPU goes: the API, PostgreSQL, Redis, the load
generator and the whole machine (how near the cores are to saturation). Each figure is the
best of two runs, interleaved (raw, empty handler, API off, on; again with API on, off), so
drift in machine load hits every side alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from bench.http_load import json_post, percentile, run_load
from tests.support.servers import ROOT, ApiProcess, free_port, test_env, wait_http

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{PG}/englog_bench_logs"
BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _proc_stats() -> dict[int, tuple[str, int, float]]:
    """pid -> (command name, parent pid, user + system CPU seconds) of every process."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            raw = open(f"/proc/{name}/stat").read()
        except OSError:  # gone meanwhile
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        out[int(name)] = (comm, int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of: the API server (its process and any worker processes under
    it), PostgreSQL (all its processes), Redis, this process (the load generator), and the
    whole machine (busy time of all cores, kernel included). Per request, these show where
    a request's CPU goes and how close the machine is to saturation; unlike req/s they
    hardly move when other work shares the machine."""
    procs = _proc_stats()
    server = {server_pid}
    for _ in range(3):  # Sanic's manager -> worker processes
        server |= {pid for pid, (_, ppid, _) in procs.items() if ppid in server}
    busy = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    me = os.times()
    return {
        "api": sum(procs[p][2] for p in server if p in procs),
        "postgres": sum(c for comm, _, c in procs.values() if comm.startswith("postgres")),
        "redis": sum(c for comm, _, c in procs.values() if comm.startswith("redis-server")),
        "load generator": me.user + me.system,
        # user + nice + system + irq + softirq + steal, i.e. all but idle and iowait
        "machine": (sum(busy) - busy[3] - busy[4]) / os.sysconf("SC_CLK_TCK"),
    }


def cpu_per_request(before: dict[str, float], after: dict[str, float], n: int
                    ) -> dict[str, float]:
    return {k: (after[k] - before[k]) / n * 1e6 for k in before}


async def analyze() -> None:
    """Give the planner statistics, as autovacuum does on any table that grows. The
    database is new for every run: without them the plans cached while log_entries was
    empty stay in use, and one of them reads the overlap candidates through the
    (user, value, impact) index, i.e. every entry of the user, on every insert."""
    conn = await asyncpg.connect(DB_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def entry_body(i: int) -> dict:
    start = BASE + timedelta(minutes=30 * i)
    return {
        "title": f"Benchmark entry {i}",
        "description": "Measured by bench/bench_logs.py",
        "type": "code",
        "start_time": start.isoformat(),
        "end_time": (start + timedelta(minutes=25)).isoformat(),
        "value_rating": "high",
        "impact_level": "team",
        "tags": ["python", "performance"],
    }


async def login(url: str, http_timeout: float = 30) -> dict[str, str]:
    """Register a new user and log in: the bearer header for its requests."""
    creds = {"email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
             "password": "benchmark-pass-1"}
    async with httpx.AsyncClient(timeout=http_timeout) as client:
        (await client.post(url + "/v1/auth/register", json=creds)).raise_for_status()
        r = await client.post(url + "/v1/auth/login", json=creds)
    r.raise_for_status()
    return {"Authorization": "Bearer " + r.json()["access_token"]}


async def bench_api(total: int, concurrency: int, workers: int, limits: bool = True) -> dict:
    env = test_env(DB_URL, f"englog-bench-{os.getpid()}:", ENGLOG_WORKERS=str(workers),
                   ENGLOG_RATE_LIMITS_ENABLED=str(limits).lower())
    server = ApiProcess(env)
    server.start()
    try:
        headers = await login(server.url)
        host = f"127.0.0.1:{server.port}"
        bodies = [json.dumps(entry_body(i)).encode() for i in range(total + 200)]
        # Warm-up: JIT-free Python still has caches (prepared statements, pools) to fill.
        await run_load(server.url, lambda i: json_post(host, "/v1/logs", bodies[total + i % 200],
                                                       headers), 200, concurrency)
        await analyze()
        cpu0 = cpu_snapshot(server.proc.pid)
        wall, lat, statuses = await run_load(
            server.url, lambda i: json_post(host, "/v1/logs", bodies[i], headers), total,
            concurrency)
        cpu = cpu_per_request(cpu0, cpu_snapshot(server.proc.pid), total)
    finally:
        server.stop()
    assert statuses.get(201) == total, statuses
    return {"rps": total / wall, "p50": percentile(lat, 50), "p99": percentile(lat, 99),
            "cpu_us": cpu["api"], "cpu": cpu}


def start_empty_sanic(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "bench.empty_sanic", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{port}/live", proc=proc)
    return proc


async def bench_empty(total: int, concurrency: int) -> dict:
    """The same requests against a Sanic handler that does nothing: Sanic's own cost."""
    port = free_port()
    proc = start_empty_sanic(port)
    try:
        url = f"http://127.0.0.1:{port}"
        host = f"127.0.0.1:{port}"
        # A bearer header of a real token's size, so both parse the same bytes.
        headers = {"Authorization": "Bearer " + "x" * 280}
        bodies = [json.dumps(entry_body(i)).encode() for i in range(total + 200)]
        await run_load(url, lambda i: json_post(host, "/", bodies[total + i % 200], headers),
                       200, concurrency)
        cpu0 = cpu_snapshot(proc.pid)
        wall, lat, statuses = await run_load(
            url, lambda i: json_post(host, "/", bodies[i], headers), total, concurrency)
        cpu = cpu_per_request(cpu0, cpu_snapshot(proc.pid), total)
    finally:
        proc.terminate()
        proc.wait(10)
    assert statuses.get(201) == total, statuses
    return {"rps": total / wall, "p50": percentile(lat, 50), "p99": percentile(lat, 99),
            "cpu_us": cpu["api"], "cpu": cpu}


RAW_INSERT = ("INSERT INTO log_entries (user_id, title, description, type, start_time, "
              "end_time, value_rating, impact_level) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) "
              "RETURNING id")


def raw_row(user_id: uuid.UUID, i: int) -> tuple:
    b = entry_body(i)
    return (user_id, b["title"], b["description"], b["type"],
            datetime.fromisoformat(b["start_time"]), datetime.fromisoformat(b["end_time"]),
            b["value_rating"], b["impact_level"])


def statement_row(user_id: uuid.UUID, i: int) -> tuple:
    """The parameters POST /v1/logs passes to its statement for entry_body(i)."""
    from backend.insights.digests import mondays_of

    b = entry_body(i)
    start = datetime.fromisoformat(b["start_time"])
    return (user_id, None, b["title"], b["description"], b["type"], start,
            datetime.fromisoformat(b["end_time"]), b["value_rating"], b["impact_level"],
            mondays_of([start], "UTC"), sorted(b["tags"]))


async def bench_raw(total: int, concurrency: int, sql: str = RAW_INSERT,
                    make_row: Callable[[uuid.UUID, int], tuple] = raw_row) -> dict:
    """Raw asyncpg at the same concurrency as the API runs. By default the bare single-row
    insert; with the API's own statement (bench_raw_statement) what the database work alone
    allows, so API/that is the cost of everything around it (HTTP, auth, limits, validation,
    Redis)."""
    dsn = DB_URL.replace("postgres://", "postgresql://", 1)
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    user_id = await pool.fetchval(
        "INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id",
        f"raw-{uuid.uuid4().hex[:8]}@example.com")
    rows = [make_row(user_id, i) for i in range(total)]
    latencies: list[float] = []
    it = iter(rows)

    async def client() -> None:
        async with pool.acquire() as conn:
            for row in it:
                t0 = time.perf_counter()
                await conn.fetch(sql, *row)
                latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    await pool.close()
    return {"rps": total / wall, "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


async def bench_raw_statement(total: int, concurrency: int) -> dict:
    """Raw asyncpg running the statement POST /v1/logs runs for a lone insert (entry, tags,
    digest invalidation and overlaps in one INSERT), same rows. Under this load the API
    writes most entries in batches (backend/logs/insert_batch.py), so it can beat this."""
    from backend.logs import queries

    return await bench_raw(total, concurrency, queries.INSERT_ENTRY_TAGS, statement_row)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workers", type=int, default=1, help="Sanic worker processes")
    args = ap.parse_args()

    await drop_database(DB_URL)
    await create_database_if_missing(DB_URL)
    await apply_migrations(DB_URL)
    try:
        # Every figure is the best of two runs, the runs of each interleaved with the
        # others, so a disturbed run (this box shares its cores) favours neither side.
        raws: list[dict] = []
        statements: list[dict] = []
        ceilings: list[dict] = []
        runs: dict[bool, list[dict]] = {False: [], True: []}
        for limits in (False, True):
            raws.append(await bench_raw(args.requests, args.concurrency))
            statements.append(await bench_raw_statement(args.requests, args.concurrency))
            ceilings.append(await bench_empty(args.requests, args.concurrency))
            for limited in (limits, not limits):
                runs[limited].append(await bench_api(args.requests, args.concurrency,
                                                     args.workers, limited))
    finally:
        await drop_database(DB_URL)

    def best(rs: list[dict]) -> dict:
        return max(rs, key=lambda r: r["rps"])  # the least disturbed run of each

    raw, statement, ceiling = best(raws), best(statements), best(ceilings)
    api, off = best(runs[True]), best(runs[False])
    print(f"\nPOST /v1/logs vs raw asyncpg INSERT — {args.requests} requests, "
          f"{args.concurrency} concurrent clients, {args.workers} API worker(s), "
          f"{os.cpu_count()} cores")
    print(f"{'':26}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'server CPU us/req':>19}")
    for name, r in (("raw asyncpg", raw), ("raw asyncpg, API's SQL", statement),
                    ("empty Sanic handler", ceiling),
                    ("POST /v1/logs, limits on", api), ("POST /v1/logs, limits off", off)):
        cpu = f"{r['cpu_us']:>19.0f}" if "cpu_us" in r else f"{'-':>19}"
        print(f"{name:26}{r['rps']:>10.0f}{r['p50'] * 1000:>10.2f}{r['p99'] * 1000:>10.2f}"
              + cpu)
    print(f"\nCPU per request, us (POST /v1/logs limits on; empty handler), "
          f"{os.cpu_count()} cores:")
    for part in api["cpu"]:
        print(f"  {part:16}{api['cpu'][part]:>8.0f}{ceiling['cpu'][part]:>8.0f}")
    machine = api["cpu"]["machine"] * api["rps"] / 1e6
    print(f"  machine busy at that rate: {machine:.2f} of {os.cpu_count()} cores")
    print("all runs req/s: raw " + ", ".join(f"{r['rps']:.0f}" for r in raws)
          + "; on " + ", ".join(f"{r['rps']:.0f}" for r in runs[True])
          + "; off " + ", ".join(f"{r['rps']:.0f}" for r in runs[False]))
    print(f"ratio API/raw throughput: {api['rps'] / raw['rps']:.2f}  (target >= 0.4)")
    print(f"ratio API/raw asyncpg running the API's statement: "
          f"{api['rps'] / statement['rps']:.2f}")
    print(f"ratio API/empty Sanic handler throughput: {api['rps'] / ceiling['rps']:.2f}")
    print(f"ratio limits on/off throughput: {api['rps'] / off['rps']:.2f}  (target >= 0.9)")


if __name__ == "__main__":
    asyncio.run(main())
