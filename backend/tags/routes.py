"""/v1/tags: predefined and own tags with per-user usage, popular tags, categories."""

from __future__ import annotations

import uuid

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from backend.api.changes import user_data_changed
from backend.api.docs import doc
from backend.api.pagination import PageQuery, page
from backend.api.validation import parse_body, parse_query
from backend.auth.guard import authenticated
from backend.tags import service
from backend.tags.schemas import (
    CategoryPage,
    PopularPage,
    PopularQuery,
    TagBody,
    TagListQuery,
    TagOut,
    TagPage,
)

bp = Blueprint("tags", url_prefix="/v1/tags")

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
