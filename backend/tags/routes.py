"""/v1/tags: predefined and own tags with per-user usage, popular tags, categories."""

from __future__ import annotations

import re
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from backend.api.changes import user_data_changed
from backend.api.docs import doc
from backend.api.pagination import PageQuery, page
from backend.api.validation import parse_body, parse_query
from backend.auth.guard import authenticated
from backend.projects.schemas import pg_text
from backend.tags import service
from backend.tags.names import normalize_tag

bp = Blueprint("tags", url_prefix="/v1/tags")

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


@bp.get("/")
@doc("List predefined and own tags with usage counts", tag="tags", query=TagListQuery,
     response=TagPage,
     description="Predefined tags (categories priority, technology, activity_focus, "
     "collaboration, skills) and the user's own tags. usage_count counts only this user's "
     "entries.")
@authenticated
async def list_tags(request: Request) -> HTTPResponse:
    q = parse_query(request, TagListQuery)
    items, total = await service.list_tags(
        request.ctx.user.id, mine=q.mine, category=q.category, q=q.q, sort=q.sort,
        limit=q.limit, offset=q.offset,
    )
    return json(page(items, total, q))


@bp.get("/popular")
@doc("The user's most-used tags in a recent window", tag="tags", query=PopularQuery,
     response=PopularPage,
     description="Counts this user's entries whose start_time is within the last `days` days "
     "(a rolling window ending now), most used first.")
@authenticated
async def popular(request: Request) -> HTTPResponse:
    q = parse_query(request, PopularQuery)
    items, total, since = await service.popular_tags(
        request.ctx.user.id, days=q.days, limit=q.limit, offset=q.offset
    )
    return json({**page(items, total, q), "days": q.days, "since": since})


@bp.get("/categories")
@doc("Tag categories with tag and usage counts", tag="tags", query=PageQuery,
     response=CategoryPage)
@authenticated
async def categories(request: Request) -> HTTPResponse:
    q = parse_query(request, PageQuery)
    items, total = await service.categories(request.ctx.user.id, limit=q.limit, offset=q.offset)
    return json(page(items, total, q))


@bp.post("/")
@doc("Create an own tag", tag="tags", body=TagBody, response=TagOut, status=201,
     errors=[409],
     description="The name is normalised (lowercase, spaces to '-'). 409 if the user already "
     "has the tag or it is a predefined tag.")
@authenticated
async def create_tag(request: Request) -> HTTPResponse:
    body = parse_body(request, TagBody)
    out = await service.create_tag(
        request.ctx.user.id, name=body.name, category=body.category, color=body.color.lower(),
        description=body.description,
    )
    await user_data_changed(request)
    return json(out, status=201)


@bp.delete("/<tag_id:uuid>")
@doc("Delete an own tag", tag="tags", status=204, errors=[403, 404],
     description="Removes the tag from the user's entries; the entries stay. Predefined "
     "tags cannot be deleted (403).")
@authenticated
async def delete_tag(request: Request, tag_id: uuid.UUID) -> HTTPResponse:
    await service.delete_tag(request.ctx.user.id, tag_id)
    await user_data_changed(request)
    return empty()
