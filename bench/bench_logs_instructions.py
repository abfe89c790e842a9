"""Instructions per POST /v1/logs, counted by valgrind's callgrind in the API process.

Requests per second on a shared 2-core box swing +-20% from run to run; an instruction count
does not: the same code, requests and data give the same figure within about 0.5%, whatever
else the machine is doing. So this is the figure to compare two versions of the hot path by
(bench/bench_logs.py says what they mean in throughput). The API runs under callgrind
(about 50x slower); after a warm-up the counters are zeroed, the requests sent one after
another (each request pays its own Redis and PostgreSQL round trips, as on an idle server),
and the counts dumped.

    .venv/bin/python -m bench.bench_logs_instructions [--requests 300]

Prints instructions per request; the dump is kept for callgrind_annotate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backend.db.setup import apply_migrations, create_database_if_missing, drop_database
from bench.bench_logs import PG, entry_body, login
from bench.http_load import json_post, run_load
from tests.support.servers import ROOT, free_port, test_env, wait_http

DB_URL = f"{PG}/englog_bench_instructions"


def start_under_callgrind(port: int, out: Path) -> subprocess.Popen:
    env = test_env(DB_URL, f"englog-instr-{os.getpid()}:", ENGLOG_WORKERS="1")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-m",
         "backend.main", "--no-migrate", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(f"http://127.0.0.1:{port}/live", timeout=900, proc=proc)
    return proc


def callgrind_control(flag: str, pid: int) -> None:
    """-z: zero the counters; -d: dump them (to <out>.1 the first time)."""
    subprocess.run(["callgrind_control", flag, str(pid)], check=True, capture_output=True)


def instructions(out: Path) -> int:
    # The dump taken after the requests is the first numbered part; the file written at
    # exit holds the shutdown.
    time.sleep(1)
    match = re.search(r"^summary: (\d+)", Path(f"{out}.1").read_text(), re.M)
    assert match, "no callgrind summary"
    return int(match.group(1))


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    n = args.requests

    out = Path(tempfile.mkdtemp(prefix="englog-callgrind-")) / "callgrind.out"
    await drop_database(DB_URL)
    await create_database_if_missing(DB_URL)
    await apply_migrations(DB_URL)
    port = free_port()
    url, host = f"http://127.0.0.1:{port}", f"127.0.0.1:{port}"
    proc = start_under_callgrind(port, out)
    try:
        # Generous: argon2 under valgrind takes a while.
        headers = await login(url, http_timeout=300)
        bodies = [json.dumps(entry_body(i)).encode() for i in range(n + 100)]
        await run_load(url, lambda i: json_post(host, "/v1/logs", bodies[n + i], headers),
                       100, 1)
        callgrind_control("-z", proc.pid)
        _, _, statuses = await run_load(
            url, lambda i: json_post(host, "/v1/logs", bodies[i], headers), n, 1)
        callgrind_control("-d", proc.pid)
    finally:
        proc.terminate()
        proc.wait(120)
        await drop_database(DB_URL)
    assert statuses.get(201) == n, statuses
    total = instructions(out)
    print(f"POST /v1/logs, {n} sequential requests under callgrind: "
          f"{total / n:,.0f} instructions per request")
    print(f"dump: {out}.1 (callgrind_annotate --inclusive=yes {out}.1)")


if __name__ == "__main__":
    asyncio.run(main())
