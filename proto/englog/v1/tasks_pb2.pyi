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

class PeriodInfo(_message.Message):
    __slots__ = ("start", "end", "days", "timezone")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    start: str
    end: str
    days: int
    timezone: str
    def __init__(self, start: _Optional[str] = ..., end: _Optional[str] = ..., days: _Optional[int] = ..., timezone: _Optional[str] = ...) -> None: ...

class UserInfo(_message.Message):
    __slots__ = ("name", "timezone")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    name: str
    timezone: str
    def __init__(self, name: _Optional[str] = ..., timezone: _Optional[str] = ...) -> None: ...

class Totals(_message.Message):
    __slots__ = ("entries", "minutes", "hours", "active_days")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_DAYS_FIELD_NUMBER: _ClassVar[int]
    entries: int
    minutes: int
    hours: float
    active_days: int
    def __init__(self, entries: _Optional[int] = ..., minutes: _Optional[int] = ..., hours: _Optional[float] = ..., active_days: _Optional[int] = ...) -> None: ...

class Bucket(_message.Message):
    __slots__ = ("name", "minutes", "entries", "project_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    minutes: int
    entries: int
    project_id: str
    def __init__(self, name: _Optional[str] = ..., minutes: _Optional[int] = ..., entries: _Optional[int] = ..., project_id: _Optional[str] = ...) -> None: ...

class Metrics(_message.Message):
    __slots__ = ("average_daily_hours", "peak_productivity_hour", "most_productive_day", "activity_efficiency_score", "focus_time_percentage", "collaboration_ratio", "high_value_percentage", "company_impact_ratio", "value_impact_score")
    AVERAGE_DAILY_HOURS_FIELD_NUMBER: _ClassVar[int]
    PEAK_PRODUCTIVITY_HOUR_FIELD_NUMBER: _ClassVar[int]
    MOST_PRODUCTIVE_DAY_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_EFFICIENCY_SCORE_FIELD_NUMBER: _ClassVar[int]
    FOCUS_TIME_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    COLLABORATION_RATIO_FIELD_NUMBER: _ClassVar[int]
    HIGH_VALUE_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    COMPANY_IMPACT_RATIO_FIELD_NUMBER: _ClassVar[int]
    VALUE_IMPACT_SCORE_FIELD_NUMBER: _ClassVar[int]
    average_daily_hours: float
    peak_productivity_hour: int
    most_productive_day: str
    activity_efficiency_score: float
    focus_time_percentage: float
    collaboration_ratio: float
    high_value_percentage: float
    company_impact_ratio: float
    value_impact_score: float
    def __init__(self, average_daily_hours: _Optional[float] = ..., peak_productivity_hour: _Optional[int] = ..., most_productive_day: _Optional[str] = ..., activity_efficiency_score: _Optional[float] = ..., focus_time_percentage: _Optional[float] = ..., collaboration_ratio: _Optional[float] = ..., high_value_percentage: _Optional[float] = ..., company_impact_ratio: _Optional[float] = ..., value_impact_score: _Optional[float] = ...) -> None: ...

class TopEntry(_message.Message):
    __slots__ = ("title", "minutes", "type", "value", "impact", "project", "date")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    IMPACT_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    title: str
    minutes: int
    type: str
    value: str
    impact: str
    project: str
    date: str
    def __init__(self, title: _Optional[str] = ..., minutes: _Optional[int] = ..., type: _Optional[str] = ..., value: _Optional[str] = ..., impact: _Optional[str] = ..., project: _Optional[str] = ..., date: _Optional[str] = ...) -> None: ...

class TypeCount(_message.Message):
    __slots__ = ("entries", "minutes")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    entries: int
    minutes: int
    def __init__(self, entries: _Optional[int] = ..., minutes: _Optional[int] = ...) -> None: ...

class Change(_message.Message):
    __slots__ = ("minutes", "entries")
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    minutes: float
    entries: float
    def __init__(self, minutes: _Optional[float] = ..., entries: _Optional[float] = ...) -> None: ...

class PreviousPeriod(_message.Message):
    __slots__ = ("start", "end", "totals", "change_pct")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    CHANGE_PCT_FIELD_NUMBER: _ClassVar[int]
    start: str
    end: str
    totals: Totals
    change_pct: Change
    def __init__(self, start: _Optional[str] = ..., end: _Optional[str] = ..., totals: _Optional[_Union[Totals, _Mapping]] = ..., change_pct: _Optional[_Union[Change, _Mapping]] = ...) -> None: ...

class ReportFacts(_message.Message):
    __slots__ = ("facts_version", "report_type", "user", "period", "projects_filter", "totals", "by_type", "by_value", "by_impact", "by_project", "metrics", "top_high_value", "top_high_impact", "counts", "previous_period")
    class CountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: TypeCount
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[TypeCount, _Mapping]] = ...) -> None: ...
    FACTS_VERSION_FIELD_NUMBER: _ClassVar[int]
    REPORT_TYPE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PROJECTS_FILTER_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    BY_TYPE_FIELD_NUMBER: _ClassVar[int]
    BY_VALUE_FIELD_NUMBER: _ClassVar[int]
    BY_IMPACT_FIELD_NUMBER: _ClassVar[int]
    BY_PROJECT_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    TOP_HIGH_VALUE_FIELD_NUMBER: _ClassVar[int]
    TOP_HIGH_IMPACT_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PERIOD_FIELD_NUMBER: _ClassVar[int]
    facts_version: int
    report_type: str
    user: UserInfo
    period: PeriodInfo
    projects_filter: _containers.RepeatedScalarFieldContainer[str]
    totals: Totals
    by_type: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_value: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_impact: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_project: _containers.RepeatedCompositeFieldContainer[Bucket]
    metrics: Metrics
    top_high_value: _containers.RepeatedCompositeFieldContainer[TopEntry]
    top_high_impact: _containers.RepeatedCompositeFieldContainer[TopEntry]
    counts: _containers.MessageMap[str, TypeCount]
    previous_period: PreviousPeriod
    def __init__(self, facts_version: _Optional[int] = ..., report_type: _Optional[str] = ..., user: _Optional[_Union[UserInfo, _Mapping]] = ..., period: _Optional[_Union[PeriodInfo, _Mapping]] = ..., projects_filter: _Optional[_Iterable[str]] = ..., totals: _Optional[_Union[Totals, _Mapping]] = ..., by_type: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_value: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_impact: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_project: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., metrics: _Optional[_Union[Metrics, _Mapping]] = ..., top_high_value: _Optional[_Iterable[_Union[TopEntry, _Mapping]]] = ..., top_high_impact: _Optional[_Iterable[_Union[TopEntry, _Mapping]]] = ..., counts: _Optional[_Mapping[str, TypeCount]] = ..., previous_period: _Optional[_Union[PreviousPeriod, _Mapping]] = ...) -> None: ...

class Highlight(_message.Message):
    __slots__ = ("entry_id", "sentence", "title", "date", "score")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    SENTENCE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    sentence: str
    title: str
    date: str
    score: float
    def __init__(self, entry_id: _Optional[str] = ..., sentence: _Optional[str] = ..., title: _Optional[str] = ..., date: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...

class WeekDigest(_message.Message):
    __slots__ = ("week_start", "fingerprint", "facts", "highlights")
    WEEK_START_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    HIGHLIGHTS_FIELD_NUMBER: _ClassVar[int]
    week_start: str
    fingerprint: str
    facts: ReportFacts
    highlights: _containers.RepeatedCompositeFieldContainer[Highlight]
    def __init__(self, week_start: _Optional[str] = ..., fingerprint: _Optional[str] = ..., facts: _Optional[_Union[ReportFacts, _Mapping]] = ..., highlights: _Optional[_Iterable[_Union[Highlight, _Mapping]]] = ...) -> None: ...

class GenerateInsightRequest(_message.Message):
    __slots__ = ("insight_id", "user_id", "report_type", "period_start", "period_end", "user_name", "timezone", "entries", "include_projects", "focus_areas", "fingerprint", "digests", "facts", "weeks_to_digest")
    INSIGHT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PROJECTS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_AREAS_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    DIGESTS_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    WEEKS_TO_DIGEST_FIELD_NUMBER: _ClassVar[int]
    insight_id: str
    user_id: str
    report_type: str
    period_start: str
    period_end: str
    user_name: str
    timezone: str
    entries: _containers.RepeatedCompositeFieldContainer[LogEntry]
    include_projects: _containers.RepeatedScalarFieldContainer[str]
    focus_areas: _containers.RepeatedScalarFieldContainer[str]
    fingerprint: str
    digests: _containers.RepeatedCompositeFieldContainer[WeekDigest]
    facts: ReportFacts
    weeks_to_digest: _containers.RepeatedCompositeFieldContainer[WeekDigest]
    def __init__(self, insight_id: _Optional[str] = ..., user_id: _Optional[str] = ..., report_type: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., user_name: _Optional[str] = ..., timezone: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ..., include_projects: _Optional[_Iterable[str]] = ..., focus_areas: _Optional[_Iterable[str]] = ..., fingerprint: _Optional[str] = ..., digests: _Optional[_Iterable[_Union[WeekDigest, _Mapping]]] = ..., facts: _Optional[_Union[ReportFacts, _Mapping]] = ..., weeks_to_digest: _Optional[_Iterable[_Union[WeekDigest, _Mapping]]] = ...) -> None: ...

class SectionCheck(_message.Message):
    __slots__ = ("section", "kept", "regenerated", "replaced")
    SECTION_FIELD_NUMBER: _ClassVar[int]
    KEPT_FIELD_NUMBER: _ClassVar[int]
    REGENERATED_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    section: str
    kept: int
    regenerated: int
    replaced: int
    def __init__(self, section: _Optional[str] = ..., kept: _Optional[int] = ..., regenerated: _Optional[int] = ..., replaced: _Optional[int] = ...) -> None: ...

class GenerateInsightResponse(_message.Message):
    __slots__ = ("insight_id", "title", "content_markdown", "summary", "model", "backend", "prompt_tokens", "completion_tokens", "generation_ms", "dropped_sentences", "fingerprint", "new_digests", "sentence_checks", "model_calls")
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
    NEW_DIGESTS_FIELD_NUMBER: _ClassVar[int]
    SENTENCE_CHECKS_FIELD_NUMBER: _ClassVar[int]
    MODEL_CALLS_FIELD_NUMBER: _ClassVar[int]
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
    new_digests: _containers.RepeatedCompositeFieldContainer[WeekDigest]
    sentence_checks: _containers.RepeatedCompositeFieldContainer[SectionCheck]
    model_calls: int
    def __init__(self, insight_id: _Optional[str] = ..., title: _Optional[str] = ..., content_markdown: _Optional[str] = ..., summary: _Optional[str] = ..., model: _Optional[str] = ..., backend: _Optional[str] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., generation_ms: _Optional[int] = ..., dropped_sentences: _Optional[int] = ..., fingerprint: _Optional[str] = ..., new_digests: _Optional[_Iterable[_Union[WeekDigest, _Mapping]]] = ..., sentence_checks: _Optional[_Iterable[_Union[SectionCheck, _Mapping]]] = ..., model_calls: _Optional[int] = ...) -> None: ...

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
    __slots__ = ("period_start", "period_end", "entries", "total_minutes", "active_days", "by_type", "by_project", "by_day")
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_MINUTES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_DAYS_FIELD_NUMBER: _ClassVar[int]
    BY_TYPE_FIELD_NUMBER: _ClassVar[int]
    BY_PROJECT_FIELD_NUMBER: _ClassVar[int]
    BY_DAY_FIELD_NUMBER: _ClassVar[int]
    period_start: str
    period_end: str
    entries: int
    total_minutes: int
    active_days: int
    by_type: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_project: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_day: _containers.RepeatedCompositeFieldContainer[Bucket]
    def __init__(self, period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., entries: _Optional[int] = ..., total_minutes: _Optional[int] = ..., active_days: _Optional[int] = ..., by_type: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_project: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_day: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ...) -> None: ...

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
