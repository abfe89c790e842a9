"""The running timer: one row per user in active_timers (PK user_id), so it survives
restarts and a second concurrent start loses on the primary key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from backend.api.errors import ApiError, field_error, not_found
from backend.db.setup import db
from backend.logs.schemas import EntryCreate
from backend.logs.service import create_entry, validate
from backend.timers.schemas import Backfill, TimerPatch, TimerStart, TimerStop

FIELDS = ("title", "description", "type", "project_id", "tags", "value_rating",
          "impact_level")

COLS = """title, description, type, project_id,
    ARRAY(SELECT jsonb_array_elements_text(tags)) AS tags, value_rating, impact_level,
    started_at, GREATEST(0, floor(extract(epoch FROM clock_timestamp() - started_at)))::bigint
        AS elapsed_seconds"""

# ON CONFLICT on the user_id primary key: of two concurrent starts exactly one inserts.
START = f"""INSERT INTO active_timers (user_id, title, description, type, project_id,
    tags, value_rating, impact_level, started_at)
SELECT $1, $2, $3, $4, $5, to_jsonb($6::text[]), $7, $8, clock_timestamp()
WHERE $5::uuid IS NULL OR EXISTS (SELECT 1 FROM projects WHERE id = $5 AND owner_id = $1)
ON CONFLICT (user_id) DO NOTHING
RETURNING {COLS}"""

CURRENT = f"SELECT {COLS} FROM active_timers WHERE user_id = $1"
LOCK = f"SELECT {COLS} FROM active_timers WHERE user_id = $1 FOR UPDATE"
UPDATE = f"""UPDATE active_timers SET title = $2, description = $3, type = $4,
    project_id = $5, tags = to_jsonb($6::text[]), value_rating = $7, impact_level = $8
WHERE user_id = $1
RETURNING {COLS}"""
CANCEL = "DELETE FROM active_timers WHERE user_id = $1 RETURNING user_id"
TAKE = f"DELETE FROM active_timers WHERE user_id = $1 RETURNING {COLS}, clock_timestamp() AS now"
OWNS_PROJECT = "SELECT 1 FROM projects WHERE id = $1 AND owner_id = $2"


def timer_json(row: dict[str, Any]) -> dict[str, Any]:
    pid = row["project_id"]
    return {
        "title": row["title"],
        "description": row["description"],
        "type": row["type"],
        "project_id": str(pid) if pid else None,
        "tags": list(row["tags"]),
        "value_rating": row["value_rating"],
        "impact_level": row["impact_level"],
        "started_at": row["started_at"].isoformat(),
        "elapsed_seconds": int(row["elapsed_seconds"]),
    }


def _params(user_id: uuid.UUID, t: dict[str, Any]) -> list[Any]:
    return [user_id, t["title"], t["description"], str(t["type"]), t["project_id"],
            list(t["tags"]), str(t["value_rating"]), str(t["impact_level"])]


async def _owns(conn: Any, user_id: uuid.UUID, project_id: uuid.UUID) -> bool:
    return bool(await conn.execute_query_dict(OWNS_PROJECT, [project_id, user_id]))


def _already_running() -> ApiError:
    return ApiError(409, "Conflict", "A timer is already running; stop or cancel it first.",
                    kind="timer-running")


async def start(user_id: uuid.UUID, body: TimerStart) -> dict[str, Any]:
    conn = db()
    rows = await conn.execute_query_dict(START, _params(user_id, body.model_dump()))
    if rows:
        return timer_json(rows[0])
    if body.project_id is not None and not await _owns(conn, user_id, body.project_id):
        raise field_error("project_id", "no such project")
    raise _already_running()


async def current(user_id: uuid.UUID) -> dict[str, Any] | None:
    rows = await db().execute_query_dict(CURRENT, [user_id])
    return timer_json(rows[0]) if rows else None


async def update(user_id: uuid.UUID, body: TimerPatch) -> dict[str, Any]:
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(LOCK, [user_id])
        if not rows:
            raise not_found("Running timer")
        cur = rows[0]
        changes = body.model_dump(exclude_unset=True)
        pid = changes.get("project_id")
        if pid is not None and pid != cur["project_id"] and not await _owns(conn, user_id, pid):
            raise field_error("project_id", "no such project")
        merged = {f: cur[f] for f in FIELDS} | changes
        rows = await conn.execute_query_dict(UPDATE, _params(user_id, merged))
        return timer_json(rows[0])


async def stop(user_id: uuid.UUID, body: TimerStop) -> dict[str, Any]:
    """Delete the timer and create its entry in one transaction: any error (e.g. no title)
    rolls back and the timer keeps running. A concurrent second stop finds no row."""
    changes = body.model_dump(exclude_unset=True)
    end_time = changes.pop("end_time", None)
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(TAKE, [user_id])
        if not rows:
            raise not_found("Running timer")
        t = rows[0]
        data = {f: t[f] for f in FIELDS} | changes
        if not str(data.get("title") or "").strip():
            raise field_error("title", "a title is needed to log the timer: send one or "
                              "PATCH the running timer")
        data["start_time"] = t["started_at"]
        data["end_time"] = end_time or t["now"]
        entry = validate(EntryCreate, data)
        return await create_entry(user_id, entry, conn)


async def cancel(user_id: uuid.UUID) -> None:
    if not await db().execute_query_dict(CANCEL, [user_id]):
        raise not_found("Running timer")


async def backfill(user_id: uuid.UUID, body: Backfill) -> dict[str, Any]:
    data = body.model_dump(exclude={"minutes", "end_time"})
    end = body.end_time or datetime.now(UTC)
    data["end_time"] = end
    data["start_time"] = end - timedelta(minutes=body.minutes)
    return await create_entry(user_id, validate(EntryCreate, data))
