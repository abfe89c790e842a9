"""Start real servers for tests: the API as a subprocess on a free port, against a test database."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s: {last}")


def die_with_parent() -> None:
    """Runs in the child before exec: SIGKILL it when the test process dies, so a crashed or
    killed pytest run leaves no servers behind (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)
    except OSError:
        pass


class ApiProcess:
    """`englog-api` in a subprocess. Restartable, so tests can take the server away."""

    def __init__(self, env: dict[str, str], port: int | None = None, log_path: Path | None = None):
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backend.main", "--no-migrate", "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
        try:
            # Generous: on a loaded 2-core machine a cold start takes well over 30 s.
            wait_http(self.url + "/live", timeout=120.0, proc=self.proc)
        except BaseException:
            # A server that never answered would otherwise live on, retrying a database the
            # fixture is about to drop, and slow every later test down.
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, requests in flight are cut off."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


METRICS_TOKEN = "test-metrics-token"
LOOSE_LIMITS = {
    "ENGLOG_RATE_LIMIT_READ": "1000000/minute",
    "ENGLOG_RATE_LIMIT_WRITE": "1000000/minute",
    "ENGLOG_RATE_LIMIT_ANONYMOUS": "1000000/minute",
    "ENGLOG_RATE_LIMIT_REGISTER": "1000000/minute",
    "ENGLOG_LOGIN_IP_MAX_FAILURES": "1000000",
}


def test_env(database_url: str, redis_prefix: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ENGLOG_DATABASE_URL=database_url,
        ENGLOG_REDIS_PREFIX=redis_prefix,
        ENGLOG_JWT_SECRET="test-secret-for-hs256-at-least-32-bytes-" + redis_prefix,
        ENGLOG_SCHEDULER_ENABLED="false",
        PYTHONUNBUFFERED="1",
        # The suite registers hundreds of users and posts thousands of requests from
        # 127.0.0.1; tests of the limits themselves start an API with tight ones
        # (tests/api/test_rate_limits.py, test_login_throttle.py).
        **LOOSE_LIMITS,
        ENGLOG_METRICS_TOKEN=METRICS_TOKEN,
        # The production default (200 ms) is a latency bound; on a busy 2-core CI box a
        # localhost connect once took longer, and the API then quietly ran degraded
        # (limiter open, caches skipped) under a test about something else. Tests of the
        # bound itself set it back (tests/faults/test_redis_faults.py).
        ENGLOG_REDIS_TIMEOUT_MS="2000",
    )
    env.update(extra)
    return env
