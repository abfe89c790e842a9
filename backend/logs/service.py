"""Log entry reads and writes. Every write here is scoped to one user id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.api.errors import ApiError, field_error, not_found, pydantic_errors, validation_problem
from backend.api.periods import resolve_span
from backend.db.setup import db
from backend.insights.digests import forget_weeks, mondays_of
from backend.logs import insert_batch, snapshots
from backend.logs import queries as sql
from backend.logs.overlaps import overlaps_from_row
from backend.logs.schemas import EntryCreate, EntryPatch, EntryQuery
from backend.tags.resolve import resolve_tag_ids

M = TypeVar("M", bound=BaseModel)

MERGE_FIELDS = ("title", "description", "type", "project_id", "tags", "start_time",
                "end_time", "value_rating", "impact_level")


def validate(model: type[M], data: dict[str, Any], prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(pydantic_errors(exc, prefix)) from exc


def entry_json(row: dict[str, Any], tags: list[str] | None = None) -> dict[str, Any]:
    """The spec's LogEntryResponse. Times stay datetimes: every caller hands the dict to
    orjson, which writes them (RFC 3339, as isoformat would) in C; isoformat was about 4% of
    a POST /v1/logs. Ids are asyncpg's own UUID type, which orjson does not know."""
    pid = row["project_id"]
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "description": row["description"],
        "type": row["type"],
        "project_id": str(pid) if pid else None,
        "project_name": row["project_name"] if pid else None,
        "tags": list(row["tags"]) if tags is None else tags,
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "duration_minutes": row["duration_minutes"],
        "value_rating": row["value_rating"],
        "impact_level": row["impact_level"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _project_error() -> Exception:
    # Same answer for a missing project and another user's: ids cannot be probed.
    return field_error("project_id", "no such project")


def _fields(user_id: uuid.UUID, body: EntryCreate) -> list[Any]:
    return [user_id, body.project_id, body.title, body.description, body.type.value,
            body.start_time, body.end_time, body.value_rating.value, body.impact_level.value]


async def create_entry(user_id: uuid.UUID, body: EntryCreate, conn: Any = None, *,
                       tz: str) -> dict[str, Any]:
    """One statement: project ownership check, tag resolution, insert, tag links and the
    invalidation of its week's digest. The answer carries `overlaps`: the user's other
    entries overlapping it (a warning, read by the same statement). `tz`: the user's.

    Outside a transaction (`conn` None) the insert joins those of concurrent requests in one
    statement (insert_batch); inside one it is written on `conn` alone."""
    fields = _fields(user_id, body)
    [monday] = mondays_of([body.start_time], tz)
    try:
        if conn is None:
            row = await insert_batch.batcher.insert(fields, monday, body.tags)
        else:
            row = await insert_batch.insert_one(conn, fields, monday, body.tags)
    except IntegrityError as exc:  # the project was deleted while we inserted
        raise _project_error() from exc
    if row is None:
        raise _project_error()
    return entry_json(row, sorted(body.tags)) | {"overlaps": overlaps_from_row(row)}


async def get_entry(user_id: uuid.UUID, entry_id: uuid.UUID, conn: Any = None) -> dict[str, Any]:
    rows = await (conn or db()).execute_query_dict(sql.SELECT_ENTRY, [entry_id, user_id])
    if not rows:
        raise not_found("Log entry")
    return entry_json(rows[0])


async def update_entry(
    user_id: uuid.UUID, entry_id: uuid.UUID, body: EntryCreate | EntryPatch
) -> dict[str, Any]:
    """PUT (EntryCreate: full replacement) or PATCH (EntryPatch: merged over the row)."""
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(sql.LOCK_ENTRY, [entry_id, user_id])
        if not rows:
            raise not_found("Log entry")
        cur = rows[0]
        if isinstance(body, EntryPatch):
            # Re-validate the merged entry so cross-field rules (end after start, max
            # duration) hold for the result, not just for the fields sent.
            merged = {f: cur[f] for f in MERGE_FIELDS}
            merged["tags"] = list(cur["tags"])
            merged.update(body.model_dump(exclude_unset=True))
            new = validate(EntryCreate, merged)
        else:
            new = body
        if new.project_id is not None and new.project_id != cur["project_id"]:
            owned = await conn.execute_query_dict(sql.OWNED_PROJECTS, [user_id, [new.project_id]])
            if not owned:
                raise _project_error()
        # Kept for undo (POST /v1/logs/{id}/restore), in the same transaction as the change.
        await snapshots.snapshot_before_update(conn, user_id, entry_id)
        try:
            await conn.execute_query(sql.UPDATE_ENTRY, [entry_id, *_fields(user_id, new)])
        except IntegrityError as exc:
            raise _project_error() from exc
        if set(new.tags) != set(cur["tags"]):
            await conn.execute_query(sql.SET_TAGS, [entry_id, user_id, new.tags])
        # The week it left and the week it moved to both change.
        await forget_weeks(user_id, [cur["start_time"], new.start_time], conn)
        return await get_entry(user_id, entry_id, conn)


async def delete_entry(user_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    async with in_transaction() as conn:
        before = await _start_times(conn, user_id, entry_id)
        # Kept for undo: the snapshot is written by the same statement as the delete.
        await snapshots.delete_entry(conn, user_id, entry_id)
        await forget_weeks(user_id, before, conn)


async def _start_times(conn: Any, user_id: uuid.UUID, entry_id: uuid.UUID) -> list[datetime]:
    """The entry's current start (none if it is gone): its week's digest is about to change."""
    rows = await conn.execute_query_dict(
        "SELECT start_time FROM log_entries WHERE id = $1 AND user_id = $2", [entry_id, user_id])
    return [r["start_time"] for r in rows]


async def restore_entry(user_id: uuid.UUID, entry_id: uuid.UUID) -> dict[str, Any]:
    """Undo the newest edit or deletion of the entry: it comes back exactly as it was."""
    try:
        async with in_transaction() as conn:
            before = await _start_times(conn, user_id, entry_id)
            await snapshots.restore_row(conn, user_id, entry_id)
            entry = await get_entry(user_id, entry_id, conn)
            # The week it is back in, and the week an undone edit had moved it to.
            await forget_weeks(user_id, [*before, entry["start_time"]], conn)
            return entry
    except IntegrityError as exc:
        # The only reference that can have gone away meanwhile is the entry's project.
        raise ApiError(409, "Conflict", "The entry's project has been deleted since, so the "
                       "entry cannot be restored as it was.", kind="restore-conflict") from exc


async def list_entries(user_id: uuid.UUID, tz: str, q: EntryQuery) -> tuple[list[dict], int]:
    span = resolve_span(q.start_date, q.end_date, tz)
    page_sql, params, count_sql, count_params = sql.list_sql(user_id, q, span)
    conn = db()
    rows = await conn.execute_query_dict(page_sql, params)
    if rows:
        total = rows[0]["total"]
    elif q.offset == 0:
        total = 0
    else:  # past the end: the window count saw no rows, so count separately
        total = (await conn.execute_query_dict(count_sql, count_params))[0]["n"]
    return [entry_json(r) for r in rows], total


async def check_projects(user_id: uuid.UUID, entries: list[EntryCreate],
                         prefix: str = "entries") -> None:
    """422 naming each item whose project_id is not one of the user's."""
    wanted = list({e.project_id for e in entries if e.project_id is not None})
    if not wanted:
        return
    owned = {r["id"] for r in await db().execute_query_dict(sql.OWNED_PROJECTS,
                                                            [user_id, wanted])}
    errors = [
        {"field": f"{prefix}.{i}.project_id", "message": "no such project",
         "code": "unknown_project"}
        for i, e in enumerate(entries) if e.project_id is not None and e.project_id not in owned
    ]
    if errors:
        raise validation_problem(errors)


async def insert_entries(tx: Any, user_id: uuid.UUID,
                         entries: list[EntryCreate]) -> list[uuid.UUID]:
    """Insert checked entries with their tags inside the caller's transaction; their ids,
    in order."""
    ids = [uuid.uuid4() for _ in entries]
    names = sorted({t for e in entries for t in e.tags})
    tag_ids = await resolve_tag_ids(tx, user_id, names)
    await tx.execute_query(sql.BULK_INSERT, [
        user_id, ids,
        [e.project_id for e in entries],
        [e.title for e in entries],
        [e.description for e in entries],
        [e.type.value for e in entries],
        [e.start_time for e in entries],
        [e.end_time for e in entries],
        [e.value_rating.value for e in entries],
        [e.impact_level.value for e in entries],
    ])
    pairs = [(eid, tag_ids[t]) for eid, e in zip(ids, entries, strict=True) for t in e.tags]
    if pairs:
        await tx.execute_query(sql.LINK_PAIRS, [[p[0] for p in pairs], [p[1] for p in pairs]])
    await forget_weeks(user_id, [e.start_time for e in entries], tx)
    return ids


async def bulk_create(user_id: uuid.UUID, entries: list[EntryCreate]) -> list[dict[str, Any]]:
    """All or nothing: every item is checked before anything is written."""
    await check_projects(user_id, entries)
    try:
        async with in_transaction() as tx:
            ids = await insert_entries(tx, user_id, entries)
            rows = await tx.execute_query_dict(sql.SELECT_ENTRIES_BY_ID, [ids, user_id])
    except IntegrityError as exc:  # a project was deleted meanwhile
        raise field_error("entries", "a referenced project no longer exists") from exc
    return [entry_json(r) for r in rows]
