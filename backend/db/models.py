"""Tortoise models mirroring migrations/models/*.py (the migrations are the source of truth).

log_entries.duration_minutes is a generated column, so it is deliberately absent here:
Tortoise would try to write it. Read it through raw SQL or compute it from the times.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ActivityType(StrEnum):
    meeting = "meeting"
    code = "code"
    debug = "debug"
    docs = "docs"
    mentoring = "mentoring"
    review = "review"
    planning = "planning"
    learning = "learning"
    ops = "ops"
    admin = "admin"


class ValueRating(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class ImpactLevel(StrEnum):
    personal = "personal"
    team = "team"
    product = "product"
    company = "company"


class ProjectStatus(StrEnum):
    active = "active"
    completed = "completed"
    on_hold = "on_hold"
    cancelled = "cancelled"


class ReportType(StrEnum):
    daily = "daily"
    weekly = "weekly"
    sprint = "sprint"
    monthly = "monthly"
    quarterly = "quarterly"
    annual = "annual"


class User(Model):
    id = fields.UUIDField(primary_key=True)
    email = fields.CharField(max_length=255)
    password_hash = fields.CharField(max_length=255)
    first_name = fields.CharField(max_length=100, default="")
    last_name = fields.CharField(max_length=100, default="")
    timezone = fields.CharField(max_length=64, default="UTC")
    preferences = fields.JSONField(default=dict)
    is_active = fields.BooleanField(default=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "users"


class AuthSession(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="sessions", on_delete=fields.CASCADE)
    current_jti = fields.UUIDField()
    user_agent = fields.CharField(max_length=255, default="")
    ip = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "auth_sessions"


class RefreshTokenDenylist(Model):
    jti = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name=False, on_delete=fields.CASCADE)
    session_id = fields.UUIDField(null=True)
    reason = fields.CharField(max_length=32, default="rotated")
    expires_at = fields.DatetimeField()
    denylisted_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_token_denylist"


class Project(Model):
    id = fields.UUIDField(primary_key=True)
    owner = fields.ForeignKeyField("models.User", related_name="projects", on_delete=fields.CASCADE)
    # The spec's teams/user_teams tables stay in the schema (migration 0, with this column's
    # foreign key) but nothing in the API uses them yet, so they have no ORM classes.
    team_id = fields.UUIDField(null=True)
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    color = fields.CharField(max_length=7, default="#3b82f6")
    status = fields.CharField(max_length=20, default=ProjectStatus.active.value)
    start_date = fields.DateField(null=True)
    end_date = fields.DateField(null=True)
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "projects"


class Tag(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="tags", null=True, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=50)
    category = fields.CharField(max_length=30, null=True)
    color = fields.CharField(max_length=7, default="#6b7280")
    description = fields.TextField(default="")
    is_predefined = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tags"


class LogEntry(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="log_entries", on_delete=fields.CASCADE
    )
    project = fields.ForeignKeyField(
        "models.Project", related_name="log_entries", null=True, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    type = fields.CharField(max_length=20)
    start_time = fields.DatetimeField()
    end_time = fields.DatetimeField()
    value_rating = fields.CharField(max_length=10, default=ValueRating.medium.value)
    impact_level = fields.CharField(max_length=10, default=ImpactLevel.personal.value)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    tags: fields.ManyToManyRelation[Tag] = fields.ManyToManyField(
        "models.Tag",
        related_name="log_entries",
        through="log_entry_tags",
        forward_key="tag_id",
        backward_key="log_entry_id",
    )

    class Meta:
        table = "log_entries"

    @property
    def duration_minutes(self) -> int:
        # Same rounding as the generated column's numeric::integer cast (half away from zero),
        # so a response computed here never disagrees with SQL aggregates.
        minutes = (self.end_time - self.start_time).total_seconds() / 60
        return int(minutes + 0.5) if minutes >= 0 else -int(-minutes + 0.5)


class ActiveTimer(Model):
    user = fields.OneToOneField(
        "models.User", related_name="timer", primary_key=True, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200, default="")
    description = fields.TextField(default="")
    type = fields.CharField(max_length=20, default=ActivityType.code.value)
    project = fields.ForeignKeyField(
        "models.Project", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    tags = fields.JSONField(default=list)
    value_rating = fields.CharField(max_length=10, default=ValueRating.medium.value)
    impact_level = fields.CharField(max_length=10, default=ImpactLevel.personal.value)
    started_at = fields.DatetimeField()

    class Meta:
        table = "active_timers"


class GeneratedInsight(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="insights", on_delete=fields.CASCADE)
    report_type = fields.CharField(max_length=20)
    period_start = fields.DateField()
    period_end = fields.DateField()
    status = fields.CharField(max_length=20, default="queued")
    title = fields.CharField(max_length=200, default="")
    content = fields.TextField(default="")
    summary = fields.TextField(default="")
    facts = fields.JSONField(default=dict)
    metadata = fields.JSONField(default=dict)
    options = fields.JSONField(default=dict)
    fingerprint = fields.CharField(max_length=64, default="")
    model = fields.CharField(max_length=200, default="")
    prompt_tokens = fields.IntField(default=0)
    completion_tokens = fields.IntField(default=0)
    generation_ms = fields.IntField(default=0)
    progress = fields.IntField(default=0)
    stage = fields.CharField(max_length=100, default="")
    error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    completed_at = fields.DatetimeField(null=True)
    task_id = fields.UUIDField(null=True)  # migration 5; FK to tasks, ON DELETE SET NULL

    class Meta:
        table = "generated_insights"


class Task(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="tasks", null=True, on_delete=fields.CASCADE
    )
    task_type = fields.CharField(max_length=50)
    payload = fields.JSONField(default=dict)
    result = fields.JSONField(null=True)
    status = fields.CharField(max_length=20, default="queued")
    priority = fields.IntField(default=100)
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField(default=3)
    run_at = fields.DatetimeField()
    lease_owner = fields.CharField(max_length=200, null=True)
    lease_expires_at = fields.DatetimeField(null=True)
    progress = fields.IntField(default=0)
    stage = fields.CharField(max_length=100, default="")
    last_error = fields.TextField(null=True)
    dedupe_key = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "tasks"


class ScheduledDeletion(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.OneToOneField(
        "models.User", related_name="scheduled_deletion", on_delete=fields.CASCADE
    )
    requested_at = fields.DatetimeField(auto_now_add=True)
    scheduled_for = fields.DatetimeField()
    status = fields.CharField(max_length=20, default="pending")
    reason = fields.TextField(default="")

    class Meta:
        table = "scheduled_deletions"
