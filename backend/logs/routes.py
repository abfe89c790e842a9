"""/v1/logs: the activity log (CRUD, filtered list, all-or-nothing bulk create)."""

from __future__ import annotations

import uuid

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from backend.api.changes import user_data_changed
from backend.api.docs import doc
from backend.api.errors import not_found
from backend.api.pagination import page
from backend.api.validation import parse_body, parse_query
from backend.auth.guard import authenticated
from backend.logs import idempotency, overlaps, service
from backend.logs.schemas import (
    BulkCreate,
    BulkOut,
    EntryCreate,
    EntryOut,
    EntryPage,
    EntryPatch,
    EntryQuery,
    EntryWritten,
    OverlapPage,
    OverlapQuery,
)
from backend.users.schemas import draft_defaults

bp = Blueprint("logs", url_prefix="/v1/logs")

TAG = "logs"


def entry_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        # A malformed id cannot name an entry: answer like any other unknown id.
        raise not_found("Log entry") from None



@bp.post("/")
@doc("Log an activity", tag=TAG, body=EntryCreate, response=EntryWritten, status=201,
     errors=[409],
     description="Tags are names; unknown ones become your own tags. Errors name the field. "
     "`overlaps` lists your other entries whose time overlaps it (a warning; it is saved). "
     "With an `Idempotency-Key` header, a repeated request returns the entry the first one "
     "created (200, header Idempotent-Replayed: true) instead of creating another.")
@authenticated
async def create(request: Request) -> HTTPResponse:
    body = parse_body(request, EntryCreate).with_defaults(
        draft_defaults(request.ctx.user.preferences))
    user_id, tz = request.ctx.user.id, request.ctx.user.timezone
    key = idempotency.parse_key(request.headers.get("idempotency-key"))
    if key is None:
        entry = await service.create_entry(user_id, body, tz=tz)
    else:
        entry, created = await idempotency.create_once(
            user_id, key, lambda conn: service.create_entry(user_id, body, conn, tz=tz),
            lambda entry_id, conn: service.get_entry(user_id, entry_id, conn))
        if not created:
            return json(await overlaps.with_overlaps(user_id, entry), status=200,
                        headers={"Idempotent-Replayed": "true"})
    await user_data_changed(request)
    return json(entry, status=201)


@bp.get("/")
@doc("List your entries", tag=TAG, query=EntryQuery, response=EntryPage,
     description="Entries whose start_time lies in the period. start_date/end_date take a date "
     "(read in your timezone, both days included) or an RFC 3339 timestamp (half-open "
     "[start, end)). Default sort -start_time.")
@authenticated
async def list_entries(request: Request) -> HTTPResponse:
    q = parse_query(request, EntryQuery, lists=("tags", "type"))
    user = request.ctx.user
    items, total = await service.list_entries(user.id, user.timezone, q)
    return json(page(items, total, q))


@bp.post("/bulk")
@doc("Create many entries at once (all or nothing)", tag=TAG, body=BulkCreate,
     response=BulkOut, status=201,
     description="Up to 500 entries. If any is invalid nothing is written and the 422 names "
     "each bad item as entries.<index>.<field>.")
@authenticated
async def bulk(request: Request) -> HTTPResponse:
    body = parse_body(request, BulkCreate)
    defaults = draft_defaults(request.ctx.user.preferences)
    entries = [e.with_defaults(defaults) for e in body.entries]
    items = await service.bulk_create(request.ctx.user.id, entries)
    await user_data_changed(request)
    return json({"items": items}, status=201)


@bp.get("/overlaps")
@doc("Your entries overlapping a span", tag=TAG, query=OverlapQuery, response=OverlapPage,
     description="Ask before saving: the entries whose time overlaps [start_time, end_time) "
     "(touching ends do not overlap), oldest first; exclude_id leaves out the entry being "
     "edited. Saving an overlapping entry is allowed; this only warns.")
@authenticated
async def list_overlaps(request: Request) -> HTTPResponse:
    q = parse_query(request, OverlapQuery)
    items, total = await overlaps.find(request.ctx.user.id, q.start_time, q.end_time,
                                       q.exclude_id, q.limit, q.offset)
    return json(page(items, total, q))


@bp.get("/<raw_id>")
@doc("Get one entry", tag=TAG, response=EntryOut, errors=[404])
@authenticated
async def get(request: Request, raw_id: str) -> HTTPResponse:
    return json(await service.get_entry(request.ctx.user.id, entry_id(raw_id)))


@bp.put("/<raw_id>")
@doc("Replace an entry", tag=TAG, body=EntryCreate, response=EntryWritten, errors=[404],
     description="The previous version is kept for an hour: POST .../restore undoes this.")
@authenticated
async def replace(request: Request, raw_id: str) -> HTTPResponse:
    eid = entry_id(raw_id)
    body = parse_body(request, EntryCreate).with_defaults(
        draft_defaults(request.ctx.user.preferences))
    entry = await service.update_entry(request.ctx.user.id, eid, body)
    await user_data_changed(request)
    return json(await overlaps.with_overlaps(request.ctx.user.id, entry))


@bp.patch("/<raw_id>")
@doc("Change some fields of an entry", tag=TAG, body=EntryPatch, response=EntryWritten,
     errors=[404], description="project_id: null detaches the project; tags replaces the set. "
     "The previous version is kept for an hour: POST .../restore undoes this.")
@authenticated
async def patch(request: Request, raw_id: str) -> HTTPResponse:
    eid = entry_id(raw_id)
    body = parse_body(request, EntryPatch)
    entry = await service.update_entry(request.ctx.user.id, eid, body)
    await user_data_changed(request)
    return json(await overlaps.with_overlaps(request.ctx.user.id, entry))


@bp.delete("/<raw_id>")
@doc("Delete an entry", tag=TAG, status=204, errors=[404],
     description="The entry is kept for an hour: POST .../restore brings it back.")
@authenticated
async def delete(request: Request, raw_id: str) -> HTTPResponse:
    await service.delete_entry(request.ctx.user.id, entry_id(raw_id))
    await user_data_changed(request)
    return empty()


@bp.post("/<raw_id>/restore")
@doc("Undo the last edit or deletion of an entry", tag=TAG, response=EntryOut,
     errors=[404, 409],
     description="Brings the entry back exactly as it was before its newest PATCH, PUT or "
     "DELETE of the last hour: same id, fields, tags, created_at and updated_at. Each call "
     "undoes one more change. 404 when there is nothing left to undo; 409 when the entry's "
     "project has been deleted since.")
@authenticated
async def restore(request: Request, raw_id: str) -> HTTPResponse:
    entry = await service.restore_entry(request.ctx.user.id, entry_id(raw_id))
    await user_data_changed(request)
    return json(entry)
