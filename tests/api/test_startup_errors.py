"""A start that cannot work ends at once with one line: which service, which address, what to
check. (PostgreSQL unreachable used to print a 50-line traceback.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.servers import ROOT, free_port


def start(module: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def one_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0
    out = (proc.stdout + proc.stderr).strip()
    assert "Traceback" not in out, out
    assert len(out.splitlines()) == 1, out
    return out


@pytest.mark.parametrize(("override", "args", "expected"), [
    ({"ENGLOG_DATABASE_URL": "postgres://postgres@127.0.0.1:{port}/englog"}, (),
     ["PostgreSQL", "127.0.0.1:{port}", "unreachable", "ENGLOG_DATABASE_URL"]),
    ({"ENGLOG_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/englog_absent_{port}"},
     ("--no-migrate",), ["PostgreSQL", "no database", "--migrate-only"]),
    ({"ENGLOG_RATE_LIMIT_WRITE": "lots"}, (), ["ENGLOG_RATE_LIMIT_WRITE", "120/minute"]),
    ({"ENGLOG_TRUSTED_PROXIES": "10.0.0.0/33"}, (), ["ENGLOG_TRUSTED_PROXIES", "10.0.0.0/33"]),
    ({"ENGLOG_GRPC_CA_CERT": "/nonexistent/ca.crt", "ENGLOG_GRPC_SERVER_CERT": "/x",
      "ENGLOG_GRPC_SERVER_KEY": "/y"}, (), ["gRPC", "ENGLOG_GRPC_CA_CERT", "/nonexistent/ca.crt"]),
])
def test_api_start_errors_fit_on_one_line(api_env, override, args, expected) -> None:
    port = str(free_port())
    env = {**api_env, **{k: v.replace("{port}", port) for k, v in override.items()}}
    line = one_line(start("backend.main", env, "--port", str(free_port()), *args))
    assert line.startswith("englog-api: cannot start: ")
    for word in expected:
        assert word.replace("{port}", port) in line, line


def test_worker_start_errors_fit_on_one_line(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "ENGLOG_WORKER_CA_CERT": str(tmp_path / "missing-ca.crt"),
           "ENGLOG_WORKER_CLIENT_CERT": str(tmp_path / "w.crt"),
           "ENGLOG_WORKER_CLIENT_KEY": str(tmp_path / "w.key")}
    line = one_line(start("worker.main", env))
    assert line.startswith("englog-worker: cannot start: ")
    assert "ENGLOG_WORKER_CA_CERT" in line and "missing-ca.crt" in line
