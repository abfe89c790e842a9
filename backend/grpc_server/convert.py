"""Task rows <-> englog.v1 messages. Payloads are stored as the proto message in dict form
(proto field names), so the API and the worker agree through tasks.proto alone."""

from __future__ import annotations

from englog.v1 import tasks_pb2 as pb
from englog.v1.task_types import PAYLOADS
from google.protobuf import json_format

__all__ = ["PAYLOADS", "task_to_proto", "result_of", "health_dict", "metrics_dict"]


def task_to_proto(row: dict) -> pb.Task:
    """Raises json_format.ParseError when the stored payload does not fit the message,
    including a key the message does not have: a misspelt key must not vanish silently."""
    payload = json_format.ParseDict(row["payload"] or {}, PAYLOADS[row["task_type"]]())
    task = pb.Task(
        id=str(row["id"]), task_type=row["task_type"], attempt=row["attempts"],
        max_attempts=row["max_attempts"],
        lease_expires_at=row["lease_expires_at"].isoformat() if row["lease_expires_at"] else "",
    )
    getattr(task, row["task_type"]).CopyFrom(payload)
    return task


def result_of(request: pb.CompleteRequest):
    """(result message or None, its dict form or None)."""
    which = request.WhichOneof("result")
    if which is None:
        return None, None
    msg = getattr(request, which)
    return msg, json_format.MessageToDict(msg, preserving_proto_field_name=True)


def health_dict(health: pb.WorkerHealth) -> dict:
    return {
        "version": health.version, "llm_backend": health.llm_backend,
        "llm_model": health.llm_model, "llm_ok": health.llm_ok, "smtp_ok": health.smtp_ok,
        "detail": health.detail, "concurrency": health.concurrency, "busy": health.busy,
    }


def metrics_dict(metrics: pb.WorkerMetrics) -> dict:
    """The worker's figures as stored in worker_status.metrics (read by backend.ops.metrics)."""
    return json_format.MessageToDict(metrics, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)
