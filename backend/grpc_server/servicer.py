"""englog.v1.TaskQueue: the calls a worker makes. Worker task types only; API-side jobs never
leave the API because workers hold no database credentials."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import grpc
from englog.v1 import tasks_pb2 as pb
from englog.v1 import tasks_pb2_grpc as pb_grpc
from google.protobuf import json_format

from backend.grpc_server.convert import (
    PAYLOADS,
    health_dict,
    metrics_dict,
    result_of,
    task_to_proto,
)
from backend.queue import service, workers
from backend.queue.claiming import claim_wait
from backend.queue.notify import TaskNotifier
from backend.queue.settings import QueueSettings

log = logging.getLogger("englog.grpc")


def _peer_name(context: grpc.aio.ServicerContext) -> str:
    names = (context.auth_context() or {}).get("x509_common_name") or []
    return names[0].decode() if names else context.peer()


async def _task_id(raw: str, context: grpc.aio.ServicerContext) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "task_id is not a UUID")


async def _worker_id(raw: str, context: grpc.aio.ServicerContext) -> str:
    if not raw:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "worker_id is required")
    return raw[:200]


class TaskQueueServicer(pb_grpc.TaskQueueServicer):
    def __init__(self, notifier: TaskNotifier | None, settings: QueueSettings,
                 cache: Any = None):
        self.notifier = notifier
        self.settings = settings
        self.cache = cache  # handed to completion handlers (a finished report is cached)

    async def _record(self, worker_id: str, health: pb.WorkerHealth, context,
                      metrics: dict | None = None) -> None:
        try:
            await workers.record_health(worker_id, health_dict(health), _peer_name(context),
                                        metrics)
        except Exception:  # health bookkeeping must never cost the worker its task
            log.exception("could not record health of %s", worker_id)

    async def Claim(self, request: pb.ClaimRequest, context) -> pb.ClaimResponse:
        worker_id = await _worker_id(request.worker_id or request.health.worker_id, context)
        if request.HasField("health"):
            await self._record(worker_id, request.health, context)
        wanted = list(request.task_types) or list(PAYLOADS)
        types = [t for t in wanted if t in PAYLOADS]
        lease = int(self.settings.lease_seconds)
        if not types:
            return pb.ClaimResponse(has_task=False, lease_seconds=lease)
        deadline = time.monotonic() + request.wait_seconds
        while True:
            row = await claim_wait(self.notifier, worker_id, types,
                                   max(0.0, deadline - time.monotonic()), self.settings)
            if row is None:
                return pb.ClaimResponse(has_task=False, lease_seconds=lease)
            try:
                task = task_to_proto(row)
            except json_format.ParseError as exc:
                # Retrying cannot fix a payload that does not fit the contract.
                log.error("task %s has a malformed payload: %s", row["id"], exc)
                await service.fail(row["id"], worker_id, f"malformed payload: {exc}",
                                   retryable=False, backoff_seconds=0, backoff_factor=1)
                continue
            log.info("task %s (%s) claimed by %s, attempt %d", row["id"], row["task_type"],
                     worker_id, row["attempts"])
            return pb.ClaimResponse(has_task=True, task=task, lease_seconds=lease)

    async def RenewLease(self, request: pb.RenewLeaseRequest, context) -> pb.RenewLeaseResponse:
        task_id = await _task_id(request.task_id, context)
        until = await service.renew(task_id, request.worker_id,
                                    lease_seconds=self.settings.lease_seconds)
        if until is None:
            return pb.RenewLeaseResponse(ok=False)
        return pb.RenewLeaseResponse(ok=True, lease_expires_at=until.isoformat())

    async def ReportProgress(self, request: pb.ProgressRequest, context) -> pb.Ack:
        task_id = await _task_id(request.task_id, context)
        ok = await service.report_progress(task_id, request.worker_id, request.percent,
                                           request.stage)
        return pb.Ack(ok=ok, detail="" if ok else "lease not held")

    async def Complete(self, request: pb.CompleteRequest, context) -> pb.Ack:
        task_id = await _task_id(request.task_id, context)
        msg, result = result_of(request)
        row = await service.get_task(task_id)
        if row is None:
            return pb.Ack(ok=False, detail="no such task")
        which = request.WhichOneof("result")
        if which is not None and which != row["task_type"]:
            return pb.Ack(ok=False, detail=f"result {which} does not match {row['task_type']}")
        try:
            ok = await service.complete(task_id, request.worker_id, result, msg,
                                        cache=self.cache)
        except Exception as exc:
            # The handler's transaction rolled back: the task is still running under this
            # worker's lease, so the worker may report Fail (or the lease expires and it retries).
            log.exception("completing task %s failed", task_id)
            return pb.Ack(ok=False, detail=f"result could not be stored: {exc}")
        return pb.Ack(ok=ok, detail="" if ok else "lease not held")

    async def Fail(self, request: pb.FailRequest, context) -> pb.FailResponse:
        task_id = await _task_id(request.task_id, context)
        out = await service.fail(task_id, request.worker_id, request.error or "unknown error",
                                 retryable=request.retryable,
                                 backoff_seconds=self.settings.backoff_seconds,
                                 backoff_factor=self.settings.backoff_factor)
        return pb.FailResponse(
            will_retry=out.will_retry, attempts=out.attempts,
            next_run_at=out.next_run_at.isoformat() if out.next_run_at else "")

    async def Heartbeat(self, request: pb.HeartbeatRequest, context) -> pb.Ack:
        worker_id = await _worker_id(request.health.worker_id, context)
        metrics = (metrics_dict(request.metrics) if request.HasField("metrics") else None)
        await self._record(worker_id, request.health, context, metrics)
        return pb.Ack(ok=True)

    async def Check(self, request: pb.HealthCheckRequest, context) -> pb.HealthCheckResponse:
        return pb.HealthCheckResponse(healthy=True, status="ok")
