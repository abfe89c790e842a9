"""Request and response bodies for /v1/tags."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.api.pagination import PageQuery
from backend.projects.schemas import pg_text
from backend.tags.names import normalize_tag

CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


def _category(v: str | None) -> str | None:
    if v is None:
        return None
    norm = re.sub(r"[\s-]+", "_", v.strip().lower())
    if not CATEGORY_RE.match(norm):
        raise ValueError("use 1-30 lowercase letters, digits or '_', starting with a letter")
    return norm


class TagBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=100, description="Normalised: ' Bug Fix' -> 'bug-fix'.")
    category: str | None = Field(None, max_length=30, examples=["technology"])
    color: str = Field("#6b7280", pattern=r"^#[0-9a-fA-F]{6}$")
    description: str = Field("", max_length=500)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return normalize_tag(v)

    _cat = field_validator("category")(_category)
    _nul = field_validator("description")(pg_text)


class TagListQuery(PageQuery):
    category: str | None = Field(None, max_length=30, description="Exact category.")
    q: str | None = Field(None, min_length=1, max_length=50, description="Substring of the name.")
    mine: bool = Field(False, description="Only the user's own tags (no predefined ones).")
    sort: Literal["name", "-usage"] = Field("name", description="name or -usage")

    _nul = field_validator("category", "q")(pg_text)


class PopularQuery(PageQuery):
    days: int = Field(30, ge=1, le=3660, description="Window: entries started in the last N days.")
    limit: int = Field(10, ge=1, le=100, description="How many tags (1-100).")


class TagOut(BaseModel):
    id: str
    name: str
    category: str | None
    color: str
    description: str
    is_predefined: bool
    created_at: str
    usage_count: int = Field(..., description="How many of this user's entries use it.")


class TagPage(BaseModel):
    items: list[TagOut]
    total: int
    limit: int
    offset: int


class PopularTag(BaseModel):
    id: str
    name: str
    category: str | None
    color: str
    is_predefined: bool
    usage_count: int
    minutes: int = Field(..., description="Total minutes of those entries.")


class PopularPage(BaseModel):
    items: list[PopularTag]
    total: int
    limit: int
    offset: int
    days: int
    since: str


class CategoryOut(BaseModel):
    category: str | None
    tag_count: int
    usage_count: int


class CategoryPage(BaseModel):
    items: list[CategoryOut]
    total: int
    limit: int
    offset: int
