"""A real API subprocess with its gRPC server on mutual TLS, certificates made by englog-certs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from englog.v1 import tasks_pb2_grpc as pb_grpc

from tests.support.certs import Pki, channel, make_pki
from tests.support.servers import ApiProcess, free_port

# Short leases and backoff keep the tests quick; the poll cap is far above any wait a test
# uses, so a long poll that returns a task was woken by NOTIFY or a due run_at, not by polling.
QUEUE_ENV = {
    "ENGLOG_QUEUE_LEASE_SECONDS": "2",
    "ENGLOG_QUEUE_BACKOFF_SECONDS": "0.2",
    "ENGLOG_QUEUE_BACKOFF_FACTOR": "4",
    "ENGLOG_QUEUE_SWEEP_SECONDS": "0.3",
    "ENGLOG_QUEUE_POLL_CAP_SECONDS": "600",
    "ENGLOG_QUEUE_WORKER_STALE_SECONDS": "60",
}


@dataclass
class GrpcApi:
    url: str
    target: str
    pki: Pki

    def worker_channel(self, name: str = "worker-1"):
        return channel(self.target, self.pki.ca, *self.pki.client(name))


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(Path(tmp_path_factory.mktemp("pki")), "worker-1", "worker-2")


def _grpc_api(api_env: dict[str, str], pki: Pki, log_dir: Path) -> Iterator[GrpcApi]:
    port = free_port()
    env = {**api_env, **pki.api_env(port), **QUEUE_ENV}
    server = ApiProcess(env, log_path=log_dir / "api.log")
    server.start()
    yield GrpcApi(url=server.url, target=f"127.0.0.1:{port}", pki=pki)
    server.stop()


@pytest.fixture(scope="session")
def grpc_api(api_env: dict[str, str], pki: Pki,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[GrpcApi]:
    yield from _grpc_api(api_env, pki, Path(tmp_path_factory.mktemp("grpc-api")))


@pytest.fixture(scope="session")
def grpc_api2(api_env: dict[str, str], pki: Pki,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[GrpcApi]:
    """A second API process on the same database: the deployment runs several."""
    yield from _grpc_api(api_env, pki, Path(tmp_path_factory.mktemp("grpc-api2")))


@pytest_asyncio.fixture(loop_scope="session")
async def queue(grpc_api: GrpcApi) -> AsyncIterator[pb_grpc.TaskQueueStub]:
    async with grpc_api.worker_channel("worker-1") as ch:
        yield pb_grpc.TaskQueueStub(ch)


@pytest_asyncio.fixture(loop_scope="session")
async def queue2(grpc_api: GrpcApi) -> AsyncIterator[pb_grpc.TaskQueueStub]:
    async with grpc_api.worker_channel("worker-2") as ch:
        yield pb_grpc.TaskQueueStub(ch)


@pytest_asyncio.fixture(loop_scope="session")
async def empty_queue(db, orm) -> None:
    """Tests here count tasks, so start without leftovers (e.g. welcome emails)."""
    await db.execute("DELETE FROM tasks WHERE status IN ('queued', 'running')")
