"""GET /v1/export/json as a streamed document: one JSON object whose `entries` array is
written batch by batch. Entries, projects and tags have the same shape as GET /v1/logs,
GET /v1/projects and GET /v1/tags answer with, so an integration parses one format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson

from backend.api.periods import Span
from backend.exports.entries import entry_batches
from backend.logs.schemas import EntryFilters
from backend.logs.service import entry_json
from backend.projects.schemas import ProjectListQuery
from backend.projects.service import list_projects
from backend.tags.service import list_tags

PAGE = 200
FORMAT_VERSION = 1


async def all_projects(user_id: UUID) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        items, total = await list_projects(user_id, ProjectListQuery(limit=PAGE, offset=len(out)))
        out += items
        if not items or len(out) >= total:
            return out


async def all_tags(user_id: UUID) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        items, total = await list_tags(user_id, mine=False, category=None, q=None, sort="name",
                                       limit=PAGE, offset=len(out))
        out += items
        if not items or len(out) >= total:
            return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def document(user_id: UUID, tz: str, span: Span,
                   filters: EntryFilters) -> AsyncIterator[bytes]:
    head = {
        "format_version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "timezone": tz,
        "period": {"start": _iso(span.start), "end": _iso(span.end)},
        "filters": filters.model_dump(mode="json", exclude_none=True),
        "projects": await all_projects(user_id),
        "tags": await all_tags(user_id),
    }
    # Everything up to the closing brace, then the entries array in its place.
    opening = orjson.dumps(head)[:-1] + b',"entries":['
    yield opening
    first = True
    async for rows in entry_batches(user_id, span, filters):
        body = b",".join(orjson.dumps(entry_json(r)) for r in rows)
        yield body if first else b"," + body
        first = False
    yield b"]}"
