"""A whole EngLog deployment for end-to-end tests: its own database (so no other test's
queued tasks compete for the worker), the API with gRPC on mutual TLS, and real
`englog-worker` processes that dial it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from backend.db.setup import drop_database
from tests.support.certs import Pki, make_pki
from tests.support.servers import ROOT, ApiProcess, die_with_parent, free_port


@dataclass
class Stack:
    api: ApiProcess
    pki: Pki
    grpc_target: str
    database_url: str
    tmp: Path
    workers: list[subprocess.Popen] = field(default_factory=list)

    def worker_env(self, cert: str = "worker-1", worker_id: str | None = None,
                   **env: str) -> dict[str, str]:
        """A worker's environment: this stack's API and CA, the client certificate `cert`."""
        crt, key = self.pki.client(cert)
        wenv = {k: v for k, v in os.environ.items()
                if not k.startswith("ENGLOG_WORKER_") and k != "OLLAMA_HOST"}
        wenv.update({
            "ENGLOG_WORKER_API_ADDRESS": self.grpc_target,
            "ENGLOG_WORKER_CA_CERT": str(self.pki.ca),
            "ENGLOG_WORKER_CLIENT_CERT": str(crt),
            "ENGLOG_WORKER_CLIENT_KEY": str(key),
            "ENGLOG_WORKER_WORKER_ID": worker_id or cert,
            "ENGLOG_WORKER_CLAIM_WAIT_SECONDS": "5",
            "ENGLOG_WORKER_HEARTBEAT_SECONDS": "2",
            "ENGLOG_WORKER_N_THREADS": "2",
            **env,
        })
        return wenv

    def worker_log(self, worker_id: str) -> Path:
        return self.tmp / f"worker-{worker_id}.log"

    def spawn_worker(self, env: dict[str, str]) -> subprocess.Popen:
        log = open(self.worker_log(env["ENGLOG_WORKER_WORKER_ID"]), "ab")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "worker.main"], env=env, cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=die_with_parent)
        self.workers.append(proc)
        return proc

    def start_worker(self, name: str = "worker-1", worker_id: str | None = None,
                     **env: str) -> subprocess.Popen:
        return self.spawn_worker(self.worker_env(name, worker_id, **env))

    def stop(self) -> None:
        for w in self.workers:
            if w.poll() is None:
                w.terminate()
        for w in self.workers:
            try:
                w.wait(30)
            except subprocess.TimeoutExpired:
                w.kill()
        self.api.stop()


def start_stack(base_env: dict[str, str], tmp: Path, db_suffix: str,
                worker_names: tuple[str, ...] = ("worker-1",), **api_env: str) -> Stack:
    base_url = base_env["ENGLOG_DATABASE_URL"]
    database_url = f"{base_url}_{db_suffix}"

    async def _drop() -> None:
        await drop_database(database_url)

    asyncio.run(_drop()) if not _loop_running() else _run_in_thread(_drop)
    # Migrate in a subprocess, as a deployment does: aerich re-initialises Tortoise's global
    # connection registry and closes it afterwards, which broke the session's in-process ORM
    # for every later test (the gRPC and queue tests) when this ran inside pytest.
    subprocess.run([sys.executable, "-m", "backend.main", "--migrate-only"], cwd=ROOT,
                   env={**base_env, "ENGLOG_DATABASE_URL": database_url}, check=True,
                   capture_output=True, timeout=300)
    pki = make_pki(tmp / "pki", *worker_names)
    grpc_port = free_port()
    env = {**base_env, "ENGLOG_DATABASE_URL": database_url,
           "ENGLOG_REDIS_PREFIX": base_env["ENGLOG_REDIS_PREFIX"] + db_suffix + ":",
           **pki.api_env(grpc_port), **api_env}
    api = ApiProcess(env, log_path=tmp / "api.log")
    api.start()
    return Stack(api=api, pki=pki, grpc_target=f"127.0.0.1:{grpc_port}",
                 database_url=database_url, tmp=tmp)


def drop_stack_database(stack: Stack) -> None:
    async def _drop() -> None:
        await drop_database(stack.database_url)

    asyncio.run(_drop()) if not _loop_running() else _run_in_thread(_drop)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
        return True
    except RuntimeError:
        return False


def _run_in_thread(coro_fn) -> None:
    import threading

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro_fn())
        except BaseException as exc:  # re-raised in the caller
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]
