"""Claim loop: long-poll the API for tasks, run them under a renewed lease, report back.

The worker dials out (mutual TLS) and never listens. Every RPC failure is treated as "the API
is away for now": back off and try again. A task whose lease is lost is abandoned without a
Complete/Fail, because another worker may already own it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from pathlib import Path

import grpc
from englog.v1 import tasks_pb2 as pb
from englog.v1 import tasks_pb2_grpc as pb_grpc

from worker.config import WorkerSettings
from worker.health import HealthMonitor
from worker.metrics import WorkerStats
from worker.tasks import TaskContext, TaskError, run_task

log = logging.getLogger("englog.worker")

RPC_TIMEOUT_S = 30.0


def make_channel(s: WorkerSettings) -> grpc.aio.Channel:
    if not s.tls_configured:
        raise SystemExit("englog-worker: cannot start: it needs ENGLOG_WORKER_CA_CERT, "
                         "ENGLOG_WORKER_CLIENT_CERT and ENGLOG_WORKER_CLIENT_KEY: the API "
                         "accepts mutual TLS only")
    pem = {}
    for var, path in (("CA_CERT", s.ca_cert), ("CLIENT_KEY", s.client_key),
                      ("CLIENT_CERT", s.client_cert)):
        try:
            pem[var] = Path(path).read_bytes()
        except OSError as exc:
            raise SystemExit(f"englog-worker: cannot start: ENGLOG_WORKER_{var}={path} cannot "
                             f"be read ({exc.strerror}): check the path and permissions") from None
    creds = grpc.ssl_channel_credentials(
        root_certificates=pem["CA_CERT"], private_key=pem["CLIENT_KEY"],
        certificate_chain=pem["CLIENT_CERT"],
    )
    options = [
        # Idle long polls cross NATs and proxies; keepalives stop them being silently dropped.
        ("grpc.keepalive_time_ms", 30_000),
        ("grpc.keepalive_timeout_ms", 10_000),
        ("grpc.max_receive_message_length", 64 * 1024 * 1024),  # an annual report's entries
        ("grpc.max_send_message_length", 64 * 1024 * 1024),
    ]
    if s.server_name:
        options.append(("grpc.ssl_target_name_override", s.server_name))
    return grpc.aio.secure_channel(s.api_address, creds, options=options)


class Runner:
    def __init__(self, settings: WorkerSettings, ctx: TaskContext, health: HealthMonitor,
                 channel: grpc.aio.Channel, stats: WorkerStats | None = None):
        self.s = settings
        self.stats = stats or WorkerStats()
        self.ctx = ctx
        self.health = health
        self.channel = channel
        self.stub = pb_grpc.TaskQueueStub(channel)
        self.stopping = asyncio.Event()
        self._idle: dict[int, asyncio.Task] = {}
        self.completed = 0
        self.failed = 0

    # --- lifecycle -------------------------------------------------------------------------

    def stop(self) -> None:
        """SIGTERM: stop claiming; running tasks get the grace period, then are released."""
        if not self.stopping.is_set():
            log.info("stopping: no new claims; finishing running tasks")
            self.stopping.set()
            for claim in list(self._idle.values()):
                claim.cancel()

    async def run(self) -> None:
        await self.health.refresh()
        log.info("worker %s: %s", self.s.worker_id, self.health.detail)
        beat = asyncio.create_task(self._heartbeat_loop())
        loops = [asyncio.create_task(self._claim_loop(i)) for i in range(self.s.concurrency)]
        try:
            await asyncio.gather(*loops)
        finally:
            beat.cancel()
            await asyncio.gather(beat, return_exceptions=True)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopping.wait(), seconds)
        except TimeoutError:
            pass

    # --- claiming --------------------------------------------------------------------------

    async def _claim_loop(self, slot: int) -> None:
        backoff = 0.5
        while not self.stopping.is_set():
            request = pb.ClaimRequest(worker_id=self.s.worker_id, task_types=self.s.task_types,
                                      wait_seconds=self.s.claim_wait_seconds,
                                      health=self.health.message())
            claim = asyncio.ensure_future(
                self.stub.Claim(request, timeout=self.s.claim_wait_seconds + RPC_TIMEOUT_S))
            self._idle[slot] = claim
            try:
                resp = await claim
            except asyncio.CancelledError:
                if self.stopping.is_set():
                    return
                raise
            except grpc.aio.AioRpcError as exc:
                # Under TLS 1.3 a rejected client certificate looks like a dropped socket.
                hint = (" (is the API up, and is this worker's certificate signed by the "
                        "API's CA?)" if exc.code() == grpc.StatusCode.UNAVAILABLE else "")
                log.warning("claim failed (%s: %s)%s; retrying in %.1fs", exc.code().name,
                            exc.details(), hint, backoff)
                await self._sleep(backoff * random.uniform(0.8, 1.2))
                backoff = min(backoff * 2, self.s.reconnect_max_seconds)
                continue
            finally:
                self._idle.pop(slot, None)
            backoff = 0.5
            if resp.has_task:
                await self._execute(resp.task, resp.lease_seconds)

    # --- running one task ------------------------------------------------------------------

    async def _execute(self, task: pb.Task, lease_seconds: int) -> None:
        log.info("task %s (%s) attempt %d/%d", task.id, task.task_type, task.attempt,
                 task.max_attempts)
        self.health.busy += 1
        started = asyncio.get_running_loop().time()
        ok = False
        lost = asyncio.Event()
        work = asyncio.create_task(run_task(task, self.ctx, self._progress_fn(task)))
        renew = asyncio.create_task(self._renew_loop(task, lease_seconds, lost, work))
        stop_watch = asyncio.create_task(self._release_on_shutdown(work))
        try:
            result = await work
        except asyncio.CancelledError:
            if lost.is_set():
                log.warning("task %s: lease lost; abandoned without reporting", task.id)
            else:
                await self._fail(task, "worker shut down before finishing", retryable=True)
            return
        except TaskError as exc:
            await self._fail(task, str(exc), exc.retryable)
            return
        except Exception as exc:  # a bug or an unexpected library error: let attempts decide
            log.exception("task %s crashed", task.id)
            await self._fail(task, f"{type(exc).__name__}: {exc}", retryable=True)
            return
        else:
            ok = True
        finally:
            renew.cancel()
            stop_watch.cancel()
            self.health.busy -= 1
            if not lost.is_set():  # a task lost to another worker is not ours to count
                self.stats.task_finished(task.task_type,
                                         asyncio.get_running_loop().time() - started, ok)
        await self._call("Complete", pb.CompleteRequest(task_id=task.id,
                                                        worker_id=self.s.worker_id, **result))
        self.completed += 1
        log.info("task %s completed", task.id)

    async def _release_on_shutdown(self, work: asyncio.Task) -> None:
        await self.stopping.wait()
        try:
            await asyncio.wait_for(asyncio.shield(work), self.s.shutdown_grace_seconds)
        except TimeoutError:
            work.cancel()  # _execute then fails it as retryable, releasing it to others
        except BaseException:  # noqa: S110 - the task's own outcome is handled in _execute
            pass

    async def _renew_loop(self, task: pb.Task, lease_seconds: int, lost: asyncio.Event,
                          work: asyncio.Task) -> None:
        lease = lease_seconds or 60
        interval = min(self.s.lease_renew_seconds, max(lease / 3, 0.5))
        last_ok = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(interval)
            try:
                resp = await self.stub.RenewLease(
                    pb.RenewLeaseRequest(task_id=task.id, worker_id=self.s.worker_id),
                    timeout=min(RPC_TIMEOUT_S, lease))
            except grpc.aio.AioRpcError as exc:
                log.warning("renew %s failed: %s", task.id, exc.code().name)
                # Without a confirmed renewal past the lease, assume another worker has it.
                if asyncio.get_running_loop().time() - last_ok > lease:
                    lost.set()
                    work.cancel()
                    return
                continue
            if not resp.ok:
                lost.set()
                work.cancel()
                return
            last_ok = asyncio.get_running_loop().time()

    def _progress_fn(self, task: pb.Task):
        sent: list[tuple[int, str]] = []

        async def progress(percent: int, stage: str) -> None:
            if sent and sent[-1] == (percent, stage):
                return
            sent.append((percent, stage))
            try:
                await self.stub.ReportProgress(
                    pb.ProgressRequest(task_id=task.id, worker_id=self.s.worker_id,
                                       percent=percent, stage=stage), timeout=10)
            except grpc.aio.AioRpcError as exc:  # progress is advisory; never fail the task
                log.debug("progress for %s not delivered: %s", task.id, exc.code().name)

        return progress

    async def _fail(self, task: pb.Task, error: str, retryable: bool) -> None:
        self.failed += 1
        log.warning("task %s failed (retryable=%s): %s", task.id, retryable, error)
        await self._call("Fail", pb.FailRequest(task_id=task.id, worker_id=self.s.worker_id,
                                                error=error[:2000], retryable=retryable))

    async def _call(self, method: str, request) -> None:
        """Complete/Fail carry the result: retry through short API outages (both idempotent)."""
        delay = 0.5
        for attempt in range(8):
            try:
                await getattr(self.stub, method)(request, timeout=RPC_TIMEOUT_S)
                return
            except grpc.aio.AioRpcError as exc:
                if exc.code() not in (grpc.StatusCode.UNAVAILABLE,
                                      grpc.StatusCode.DEADLINE_EXCEEDED) or attempt == 7:
                    log.error("%s(%s) failed: %s %s", method, request.task_id,
                              exc.code().name, exc.details())
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)

    # --- heartbeat -------------------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                msg = await self.health.refresh()
                await self.stub.Heartbeat(
                    pb.HeartbeatRequest(health=msg, metrics=self.stats.message()), timeout=10)
            except grpc.aio.AioRpcError as exc:
                log.debug("heartbeat not delivered: %s", exc.code().name)
            await self._sleep(self.s.heartbeat_seconds)
