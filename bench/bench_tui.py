"""Terminal UI figures (not a test): start-up to an interactive dashboard, the entries
list with 10,000 entries (time to first rows, then paging through all of them), and the
shell verb `englog status` (a subprocess, as a prompt or tmux runs it; target < 150 ms).

    .venv/bin/python -m bench.bench_tui [--entries 10000] [--status-only]

Runs the real API on a private database and the app headless (Textual's pilot).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from tests.support.servers import ApiProcess, test_env
from tests.tui.conftest import make_app
from tui.config import Paths, Settings, save_settings
from tui.screens.dashboard import DashboardScreen
from tui.screens.entries import EntriesScreen
from tui.storage import write_private

PG = os.environ.get("ENGLOG_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{PG}/englog_bench_tui"
BASE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


async def until(pilot, predicate, limit: float = 120.0) -> None:
    deadline = time.perf_counter() + limit
    while not predicate():
        if time.perf_counter() > deadline:
            raise RuntimeError("timed out")
        await pilot.pause(0.01)


def seed(url: str, n: int) -> dict:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=url, timeout=120) as c:
        r = c.post("/v1/auth/register", json={"email": email, "password": "benchmark-pass-1",
                                              "first_name": "Bench", "last_name": "User",
                                              "timezone": "UTC"})
        r.raise_for_status()
        r = c.post("/v1/auth/login", json={"email": email, "password": "benchmark-pass-1"})
        r.raise_for_status()
        session = r.json()
        h = {"Authorization": "Bearer " + session["access_token"]}
        for chunk in range(0, n, 500):
            entries = []
            for i in range(chunk, min(n, chunk + 500)):
                start = BASE + timedelta(minutes=45 * i)
                entries.append({"title": f"Entry {i}", "type": "code",
                                "start_time": start.isoformat(),
                                "end_time": (start + timedelta(minutes=30)).isoformat(),
                                "tags": ["bench"]})
            c.post("/v1/logs/bulk", headers=h, json={"entries": entries}).raise_for_status()
    return session


async def measure(url: str, session: dict, n: int) -> None:
    root = Path(tempfile.mkdtemp())
    # Start-up: construct, mount, fetch timer + week, dashboard table filled.
    t0 = time.perf_counter()
    app = make_app(root, url, session, clock=BASE + timedelta(minutes=45 * (n - 1) + 40))
    async with app.run_test(size=(130, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                    and app.screen.query_one("#today").row_count > 0)
        startup = time.perf_counter() - t0

        t1 = time.perf_counter()
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, EntriesScreen) and app.screen.items)
        first = time.perf_counter() - t1
        screen = app.screen
        assert isinstance(screen, EntriesScreen)

        t2 = time.perf_counter()
        presses = 0
        while len(screen.items) < screen.total or \
                screen.query_one("#entries").cursor_row < screen.total - 1:
            await pilot.press("pagedown")
            presses += 1
        scroll = time.perf_counter() - t2
    print(f"start-up to interactive dashboard : {startup * 1000:8.0f} ms")
    print(f"entries list, first {len(screen.items[:200])} rows     : {first * 1000:8.0f} ms "
          f"(of {screen.total} entries)")
    print(f"page down through all {screen.total} rows : {scroll * 1000:8.0f} ms "
          f"({presses} presses, {scroll / presses * 1000:.1f} ms per page, "
          f"lazy pages of 200)")


def wall_ms(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(argv, env=env, capture_output=True, text=True)
        out.append((time.perf_counter() - t) * 1000)
        assert r.returncode == 0, r.stderr
    return out


def measure_status(url: str, session: dict, runs: int = 15) -> None:
    """`englog status` with a running timer, end to end (interpreter start, imports, token
    file, one GET /v1/timers/current), against `python -c pass` in the same run."""
    home = Path(tempfile.mkdtemp())
    paths = Paths(home / "englog")
    save_settings(paths, Settings(server_url=url))
    write_private(paths.tokens, {k: session[k] for k in ("access_token", "refresh_token",
                                                         "user")})
    httpx.post(f"{url}/v1/timers/start", json={"title": "Benchmark"},
               headers={"Authorization": "Bearer " + session["access_token"]})
    env = {**os.environ, "XDG_CONFIG_HOME": str(home)}
    # A user's `englog` runs from cached bytecode; a sandbox or CI that sets this would
    # recompile every tui module on every run (~20 ms more) and measure something else.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    englog = str(Path(sys.executable).with_name("englog"))
    wall_ms([englog, "status"], env, 2)  # warm the page cache and .pyc files
    status = wall_ms([englog, "status"], env, runs)
    bare = wall_ms([sys.executable, "-c", "pass"], env, runs)
    tui = wall_ms([sys.executable, "-c", "import tui.app"], env, 3)
    med, base = statistics.median(status), statistics.median(bare)
    print(f"englog status, median of {runs}        : {med:8.0f} ms (min {min(status):.0f}, "
          f"target < 150 ms)")
    print(f"  python -c pass, same run         : {base:8.0f} ms (status / bare interpreter "
          f"= {med / base:.1f}x)")
    print(f"  for scale: importing the TUI     : {statistics.median(tui):8.0f} ms "
          f"(what the verbs avoid)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--status-only", action="store_true",
                        help="only `englog status` (no 10,000-entry seeding)")
    args = parser.parse_args()

    async def prepare() -> None:
        await drop_database(DB_URL)
        await create_database_if_missing(DB_URL)
        await apply_migrations(DB_URL)

    asyncio.run(prepare())
    server = ApiProcess(test_env(DB_URL, f"englog-bench-tui-{os.getpid()}:"))
    server.start()
    try:
        t = time.perf_counter()
        session = seed(server.url, 0 if args.status_only else args.entries)
        if not args.status_only:
            print(f"seeded {args.entries} entries in {time.perf_counter() - t:.1f} s")
            asyncio.run(measure(server.url, session, args.entries))
        measure_status(server.url, session)
    finally:
        server.stop()
        asyncio.run(drop_database(DB_URL))


if __name__ == "__main__":
    main()
