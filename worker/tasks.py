"""Run one claimed task and produce the CompleteRequest result, or raise TaskError."""

from __future__ import annotations

from dataclasses import dataclass

from englog.v1 import tasks_pb2 as pb

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


async def run_task(task: pb.Task, ctx: TaskContext, progress: ProgressFn) -> dict:
    """The `result` oneof of CompleteRequest as keyword arguments."""
    kind = task.WhichOneof("payload")
    try:
        if kind == "generate_insight":
            result = await generate_report(task.generate_insight, ctx.backend, progress,
                                           ctx.report_options)
            return {"generate_insight": result}
        if kind == "send_email":
            return {"send_email": await send_email(task.send_email, ctx.smtp)}
        if kind == "process_analytics":
            return {"process_analytics": process_analytics(task.process_analytics)}
    except RetryableLLMError as exc:
        raise TaskError(str(exc), retryable=True) from exc
    except LLMError as exc:
        raise TaskError(str(exc), retryable=False) from exc
    except EmailError as exc:
        raise TaskError(str(exc), retryable=exc.retryable) from exc
    raise TaskError(f"unsupported task {task.task_type!r} (payload {kind})", retryable=False)
