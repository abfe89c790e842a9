from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LogEntry(_message.Message):
    __slots__ = ("id", "title", "description", "type", "project", "tags", "start_time", "end_time", "duration_minutes", "value_rating", "impact_level")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    VALUE_RATING_FIELD_NUMBER: _ClassVar[int]
    IMPACT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    description: str
    type: str
    project: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    start_time: str
    end_time: str
    duration_minutes: int
    value_rating: str
    impact_level: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., type: _Optional[str] = ..., project: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., value_rating: _Optional[str] = ..., impact_level: _Optional[str] = ...) -> None: ...

class GenerateInsightRequest(_message.Message):
    __slots__ = ("insight_id", "user_id", "report_type", "period_start", "period_end", "user_name", "timezone", "facts_json", "entries", "include_projects", "focus_areas", "fingerprint")
    INSIGHT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    FACTS_JSON_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PROJECTS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_AREAS_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    insight_id: str
    user_id: str
    report_type: str
    period_start: str
    period_end: str
    user_name: str
    timezone: str
    facts_json: str
    entries: _containers.RepeatedCompositeFieldContainer[LogEntry]
    include_projects: _containers.RepeatedScalarFieldContainer[str]
    focus_areas: _containers.RepeatedScalarFieldContainer[str]
    fingerprint: str
    def __init__(self, insight_id: _Optional[str] = ..., user_id: _Optional[str] = ..., report_type: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., user_name: _Optional[str] = ..., timezone: _Optional[str] = ..., facts_json: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ..., include_projects: _Optional[_Iterable[str]] = ..., focus_areas: _Optional[_Iterable[str]] = ..., fingerprint: _Optional[str] = ...) -> None: ...

class GenerateInsightResponse(_message.Message):
    __slots__ = ("insight_id", "title", "content_markdown", "summary", "model", "backend", "prompt_tokens", "completion_tokens", "generation_ms", "dropped_sentences", "fingerprint")
    INSIGHT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_MARKDOWN_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    GENERATION_MS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_SENTENCES_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    insight_id: str
    title: str
    content_markdown: str
    summary: str
    model: str
    backend: str
    prompt_tokens: int
    completion_tokens: int
    generation_ms: int
    dropped_sentences: int
    fingerprint: str
    def __init__(self, insight_id: _Optional[str] = ..., title: _Optional[str] = ..., content_markdown: _Optional[str] = ..., summary: _Optional[str] = ..., model: _Optional[str] = ..., backend: _Optional[str] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., generation_ms: _Optional[int] = ..., dropped_sentences: _Optional[int] = ..., fingerprint: _Optional[str] = ...) -> None: ...

class SendEmailRequest(_message.Message):
    __slots__ = ("to", "subject", "text_body", "html_body", "kind", "user_id")
    TO_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_BODY_FIELD_NUMBER: _ClassVar[int]
    HTML_BODY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    to: str
    subject: str
    text_body: str
    html_body: str
    kind: str
    user_id: str
    def __init__(self, to: _Optional[str] = ..., subject: _Optional[str] = ..., text_body: _Optional[str] = ..., html_body: _Optional[str] = ..., kind: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class SendEmailResponse(_message.Message):
    __slots__ = ("accepted", "message_id")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    accepted: bool
    message_id: str
    def __init__(self, accepted: _Optional[bool] = ..., message_id: _Optional[str] = ...) -> None: ...

class ProcessAnalyticsRequest(_message.Message):
    __slots__ = ("user_id", "period_start", "period_end", "entries")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    period_start: str
    period_end: str
    entries: _containers.RepeatedCompositeFieldContainer[LogEntry]
    def __init__(self, user_id: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ...) -> None: ...

class ProcessAnalyticsResponse(_message.Message):
    __slots__ = ("metrics_json",)
    METRICS_JSON_FIELD_NUMBER: _ClassVar[int]
    metrics_json: str
    def __init__(self, metrics_json: _Optional[str] = ...) -> None: ...

class HealthCheckRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HealthCheckResponse(_message.Message):
    __slots__ = ("healthy", "status")
    HEALTHY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    healthy: bool
    status: str
    def __init__(self, healthy: _Optional[bool] = ..., status: _Optional[str] = ...) -> None: ...

class WorkerHealth(_message.Message):
    __slots__ = ("worker_id", "version", "llm_backend", "llm_model", "llm_ok", "smtp_ok", "detail", "concurrency", "busy")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    LLM_BACKEND_FIELD_NUMBER: _ClassVar[int]
    LLM_MODEL_FIELD_NUMBER: _ClassVar[int]
    LLM_OK_FIELD_NUMBER: _ClassVar[int]
    SMTP_OK_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    BUSY_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    version: str
    llm_backend: str
    llm_model: str
    llm_ok: bool
    smtp_ok: bool
    detail: str
    concurrency: int
    busy: int
    def __init__(self, worker_id: _Optional[str] = ..., version: _Optional[str] = ..., llm_backend: _Optional[str] = ..., llm_model: _Optional[str] = ..., llm_ok: _Optional[bool] = ..., smtp_ok: _Optional[bool] = ..., detail: _Optional[str] = ..., concurrency: _Optional[int] = ..., busy: _Optional[int] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ("id", "task_type", "attempt", "max_attempts", "lease_expires_at", "generate_insight", "send_email", "process_analytics")
    ID_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    GENERATE_INSIGHT_FIELD_NUMBER: _ClassVar[int]
    SEND_EMAIL_FIELD_NUMBER: _ClassVar[int]
    PROCESS_ANALYTICS_FIELD_NUMBER: _ClassVar[int]
    id: str
    task_type: str
    attempt: int
    max_attempts: int
    lease_expires_at: str
    generate_insight: GenerateInsightRequest
    send_email: SendEmailRequest
    process_analytics: ProcessAnalyticsRequest
    def __init__(self, id: _Optional[str] = ..., task_type: _Optional[str] = ..., attempt: _Optional[int] = ..., max_attempts: _Optional[int] = ..., lease_expires_at: _Optional[str] = ..., generate_insight: _Optional[_Union[GenerateInsightRequest, _Mapping]] = ..., send_email: _Optional[_Union[SendEmailRequest, _Mapping]] = ..., process_analytics: _Optional[_Union[ProcessAnalyticsRequest, _Mapping]] = ...) -> None: ...

class ClaimRequest(_message.Message):
    __slots__ = ("worker_id", "task_types", "wait_seconds", "health")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPES_FIELD_NUMBER: _ClassVar[int]
    WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    task_types: _containers.RepeatedScalarFieldContainer[str]
    wait_seconds: int
    health: WorkerHealth
    def __init__(self, worker_id: _Optional[str] = ..., task_types: _Optional[_Iterable[str]] = ..., wait_seconds: _Optional[int] = ..., health: _Optional[_Union[WorkerHealth, _Mapping]] = ...) -> None: ...

class ClaimResponse(_message.Message):
    __slots__ = ("has_task", "task", "lease_seconds")
    HAS_TASK_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    LEASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    has_task: bool
    task: Task
    lease_seconds: int
    def __init__(self, has_task: _Optional[bool] = ..., task: _Optional[_Union[Task, _Mapping]] = ..., lease_seconds: _Optional[int] = ...) -> None: ...

class RenewLeaseRequest(_message.Message):
    __slots__ = ("task_id", "worker_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    worker_id: str
    def __init__(self, task_id: _Optional[str] = ..., worker_id: _Optional[str] = ...) -> None: ...

class RenewLeaseResponse(_message.Message):
    __slots__ = ("ok", "lease_expires_at")
    OK_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    lease_expires_at: str
    def __init__(self, ok: _Optional[bool] = ..., lease_expires_at: _Optional[str] = ...) -> None: ...

class ProgressRequest(_message.Message):
    __slots__ = ("task_id", "worker_id", "percent", "stage")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    worker_id: str
    percent: int
    stage: str
    def __init__(self, task_id: _Optional[str] = ..., worker_id: _Optional[str] = ..., percent: _Optional[int] = ..., stage: _Optional[str] = ...) -> None: ...

class CompleteRequest(_message.Message):
    __slots__ = ("task_id", "worker_id", "generate_insight", "send_email", "process_analytics")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    GENERATE_INSIGHT_FIELD_NUMBER: _ClassVar[int]
    SEND_EMAIL_FIELD_NUMBER: _ClassVar[int]
    PROCESS_ANALYTICS_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    worker_id: str
    generate_insight: GenerateInsightResponse
    send_email: SendEmailResponse
    process_analytics: ProcessAnalyticsResponse
    def __init__(self, task_id: _Optional[str] = ..., worker_id: _Optional[str] = ..., generate_insight: _Optional[_Union[GenerateInsightResponse, _Mapping]] = ..., send_email: _Optional[_Union[SendEmailResponse, _Mapping]] = ..., process_analytics: _Optional[_Union[ProcessAnalyticsResponse, _Mapping]] = ...) -> None: ...

class FailRequest(_message.Message):
    __slots__ = ("task_id", "worker_id", "error", "retryable")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    worker_id: str
    error: str
    retryable: bool
    def __init__(self, task_id: _Optional[str] = ..., worker_id: _Optional[str] = ..., error: _Optional[str] = ..., retryable: _Optional[bool] = ...) -> None: ...

class FailResponse(_message.Message):
    __slots__ = ("will_retry", "attempts", "next_run_at")
    WILL_RETRY_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_AT_FIELD_NUMBER: _ClassVar[int]
    will_retry: bool
    attempts: int
    next_run_at: str
    def __init__(self, will_retry: _Optional[bool] = ..., attempts: _Optional[int] = ..., next_run_at: _Optional[str] = ...) -> None: ...

class Ack(_message.Message):
    __slots__ = ("ok", "detail")
    OK_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    detail: str
    def __init__(self, ok: _Optional[bool] = ..., detail: _Optional[str] = ...) -> None: ...

class WorkerTaskStats(_message.Message):
    __slots__ = ("task_type", "completed", "failed", "seconds_total")
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    SECONDS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    task_type: str
    completed: int
    failed: int
    seconds_total: float
    def __init__(self, task_type: _Optional[str] = ..., completed: _Optional[int] = ..., failed: _Optional[int] = ..., seconds_total: _Optional[float] = ...) -> None: ...

class WorkerMetrics(_message.Message):
    __slots__ = ("tasks", "llm_completion_tokens_total", "llm_generation_seconds_total", "llm_tokens_per_second", "uptime_seconds")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    LLM_COMPLETION_TOKENS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    LLM_GENERATION_SECONDS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    LLM_TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[WorkerTaskStats]
    llm_completion_tokens_total: int
    llm_generation_seconds_total: float
    llm_tokens_per_second: float
    uptime_seconds: float
    def __init__(self, tasks: _Optional[_Iterable[_Union[WorkerTaskStats, _Mapping]]] = ..., llm_completion_tokens_total: _Optional[int] = ..., llm_generation_seconds_total: _Optional[float] = ..., llm_tokens_per_second: _Optional[float] = ..., uptime_seconds: _Optional[float] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("health", "metrics")
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    health: WorkerHealth
    metrics: WorkerMetrics
    def __init__(self, health: _Optional[_Union[WorkerHealth, _Mapping]] = ..., metrics: _Optional[_Union[WorkerMetrics, _Mapping]] = ...) -> None: ...
