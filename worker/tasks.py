"""Run one claimed task and produce the CompleteRequest result, or raise TaskError."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from englog.v1 import tasks_pb2 as pb
from google.protobuf.message import Message

from worker.analytics import process_analytics
from worker.email import SmtpConfig, send_email
from worker.email.sender import EmailError
from worker.llm import LLMBackend, LLMError, RetryableLLMError
from worker.reports import ReportOptions, generate_report
from worker.reports.usage import ProgressFn


class TaskError(Exception):
    def __init__(self, message: str, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


@dataclass
class TaskContext:
    backend: LLMBackend
    smtp: SmtpConfig
    report_options: ReportOptions


async def _generate_insight(task: pb.Task, ctx: TaskContext, progress: ProgressFn):
    return await generate_report(task.generate_insight, ctx.backend, progress,
                                 ctx.report_options)


async def _send_email(task: pb.Task, ctx: TaskContext, progress: ProgressFn):
    return await send_email(task.send_email, ctx.smtp)


async def _process_analytics(task: pb.Task, ctx: TaskContext, progress: ProgressFn):
    return process_analytics(task.process_analytics)


# One handler per payload field of englog.v1.Task; the result goes into the CompleteRequest
# field of the same name. tests/worker/test_task_types.py checks this covers every task type.
HANDLERS: dict[str, Callable[[pb.Task, TaskContext, ProgressFn], Awaitable[Message]]] = {
    "generate_insight": _generate_insight,
    "send_email": _send_email,
    "process_analytics": _process_analytics,
}


async def run_task(task: pb.Task, ctx: TaskContext, progress: ProgressFn) -> dict:
    """The `result` oneof of CompleteRequest as keyword arguments."""
    kind = task.WhichOneof("payload")
    handler = HANDLERS.get(kind or "")
    if handler is None:
        raise TaskError(f"unsupported task {task.task_type!r} (payload {kind})", retryable=False)
    try:
        return {kind: await handler(task, ctx, progress)}
    except RetryableLLMError as exc:
        raise TaskError(str(exc), retryable=True) from exc
    except LLMError as exc:
        raise TaskError(str(exc), retryable=False) from exc
    except EmailError as exc:
        raise TaskError(str(exc), retryable=exc.retryable) from exc
