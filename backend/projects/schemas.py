"""Request and response bodies for /v1/projects."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.api.pagination import PageQuery
from backend.api.timebounds import BoundedDate
from backend.db.models import ProjectStatus

COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
_NOT_NULL = ("name", "description", "color", "status", "is_default")


def _lower(v: str) -> str:
    return v.lower()


def pg_text(v: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL or lone surrogates (JSON "\ud800"); refuse them here
    # instead of failing in the driver with a 500.
    if v is None:
        return v
    if "\x00" in v:
        raise ValueError("must not contain NUL characters")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return v


class ProjectBody(BaseModel):
    """POST and PUT: the whole project. Omitted optional fields take their defaults."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=100, description="Unique per user, any case.")
    description: str = Field("", max_length=2000)
    color: str = Field("#3b82f6", pattern=COLOR_PATTERN, description="#rrggbb")
    status: ProjectStatus = Field(
        ProjectStatus.active,
        description="'Archive' in the UI is status=completed (or on_hold).",
    )
    start_date: BoundedDate | None = Field(None, description="YYYY-MM-DD")
    end_date: BoundedDate | None = Field(None, description="YYYY-MM-DD, on or after "
                                         "start_date (checked with the stored start_date on "
                                         "PATCH)")
    is_default: bool = Field(False, description="Setting it clears the user's other default.")

    _color = field_validator("color")(_lower)
    _nul = field_validator("name", "description")(pg_text)


class ProjectPatch(BaseModel):
    """PATCH: only the fields sent change. start_date/end_date may be null to clear them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=2000)
    color: str | None = Field(None, pattern=COLOR_PATTERN)
    status: ProjectStatus | None = Field(None, description="completed or on_hold = archived")
    start_date: BoundedDate | None = None
    end_date: BoundedDate | None = None
    is_default: bool | None = None

    @field_validator(*_NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, v: object) -> object:
        # Validators run only on fields that were sent, so None here means an explicit null.
        if v is None:
            raise ValueError("must not be null")
        return v

    _nul = field_validator("name", "description")(pg_text)

    @field_validator("color")
    @classmethod
    def _color(cls, v: str | None) -> str | None:
        return v.lower() if v else v

    def changes(self) -> dict:
        return {k: getattr(self, k) for k in self.model_fields_set}


class ProjectListQuery(PageQuery):
    status: ProjectStatus | None = Field(None, description="Only projects with this status.")
    q: str | None = Field(None, min_length=1, max_length=100,
                          description="Case-insensitive substring of the name.")

    _nul = field_validator("q")(pg_text)


class ProjectOut(BaseModel):
    id: str
    name: str
    description: str
    color: str
    status: ProjectStatus
    start_date: date | None
    end_date: date | None
    is_default: bool
    created_at: str
    updated_at: str
    entry_count: int = Field(..., description="Entries in this project.")
    total_minutes: int = Field(..., description="Sum of their durations.")


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int
    limit: int
    offset: int


class ProjectStats(BaseModel):
    project_id: str
    total_minutes: int
    entry_count: int
    by_type: dict[str, int] = Field(..., description="Minutes per activity type (all types).")
    by_value: dict[str, int] = Field(..., description="Minutes per value rating.")
    by_impact: dict[str, int] = Field(..., description="Minutes per impact level.")
    first_activity: str | None = Field(None, description="Earliest entry start_time.")
    last_activity: str | None = Field(None, description="Latest entry end_time.")
