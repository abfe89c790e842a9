"""The running timer: one row per user in active_timers (PK user_id), so it survives
restarts and a second concurrent start loses on the primary key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from backend.api.errors import ApiError, field_error, not_found
from backend.db.setup import db
from backend.logs.schemas import MAX_DURATION, EntryCreate
from backend.logs.service import create_entry, validate
from backend.timers.schemas import (
    Backfill,
    TimerEdit,
    TimerRestart,
    TimerStart,
    TimerStop,
    TimerSwitch,
)

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

# The switch: the next timer starts at the instant ($9) the previous one was stopped.
START_AT = f"""INSERT INTO active_timers (user_id, title, description, type, project_id,
    tags, value_rating, impact_level, started_at)
SELECT $1, $2, $3, $4, $5, to_jsonb($6::text[]), $7, $8, $9
WHERE $5::uuid IS NULL OR EXISTS (SELECT 1 FROM projects WHERE id = $5 AND owner_id = $1)
ON CONFLICT (user_id) DO NOTHING
RETURNING {COLS}"""

# Restart: a new timer with what the entry said (the given one, or the one that ended last).
RESTART = f"""INSERT INTO active_timers (user_id, title, description, type, project_id,
    tags, value_rating, impact_level, started_at)
SELECT e.user_id, e.title, e.description, e.type, e.project_id,
    COALESCE((SELECT jsonb_agg(t.name ORDER BY t.name) FROM log_entry_tags lt
              JOIN tags t ON t.id = lt.tag_id WHERE lt.log_entry_id = e.id), '[]'::jsonb),
    e.value_rating, e.impact_level, clock_timestamp()
FROM log_entries e
WHERE e.user_id = $1 AND ($2::uuid IS NULL OR e.id = $2::uuid)
ORDER BY e.end_time DESC, e.id DESC LIMIT 1
ON CONFLICT (user_id) DO NOTHING
RETURNING {COLS}"""
HAS_TIMER = "SELECT 1 FROM active_timers WHERE user_id = $1"

CURRENT = f"SELECT {COLS} FROM active_timers WHERE user_id = $1"
UPDATE = f"""UPDATE active_timers SET title = $2, description = $3, type = $4,
    project_id = $5, tags = to_jsonb($6::text[]), value_rating = $7, impact_level = $8,
    started_at = $9
WHERE user_id = $1
RETURNING {COLS}"""
# Read in the same statement as the lock, so "in the future" uses the database's clock, the
# one that stamps started_at on start and end_time on stop.
LOCK = f"""SELECT {COLS}, clock_timestamp() AS now FROM active_timers WHERE user_id = $1
FOR UPDATE"""
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


def _check_started_at(started_at: datetime, now: datetime) -> None:
    if started_at > now:
        raise field_error("started_at", "must not be in the future")
    if now - started_at > MAX_DURATION:
        raise field_error("started_at", "must be within the last 24 hours: an entry can last "
                          "at most 24 hours")


async def update(user_id: uuid.UUID, body: TimerEdit) -> dict[str, Any]:
    """Change what the running timer says, or when it started; unsent fields stay."""
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(LOCK, [user_id])
        if not rows:
            raise not_found("Running timer")
        cur = rows[0]
        changes = body.model_dump(exclude_unset=True)
        if "started_at" in changes:
            if changes["started_at"] is None:
                raise field_error("started_at", "must be a timestamp")
            _check_started_at(changes["started_at"], cur["now"])
        pid = changes.get("project_id")
        if pid is not None and pid != cur["project_id"] and not await _owns(conn, user_id, pid):
            raise field_error("project_id", "no such project")
        merged = {f: cur[f] for f in (*FIELDS, "started_at")} | changes
        rows = await conn.execute_query_dict(
            UPDATE, [*_params(user_id, merged), merged["started_at"]])
        return timer_json(rows[0])


async def stop(user_id: uuid.UUID, body: TimerStop, tz: str) -> dict[str, Any]:
    """Delete the timer and create its entry in one transaction: any error (e.g. no title)
    rolls back and the timer keeps running. A concurrent second stop finds no row."""
    changes = body.model_dump(exclude_unset=True)
    end_time = changes.pop("end_time", None)
    async with in_transaction() as conn:
        t, entry = await _take_and_log(conn, user_id, changes, end_time, tz)
        return entry


async def _take_and_log(conn: Any, user_id: uuid.UUID, changes: dict[str, Any],
                        end_time: datetime | None, tz: str, prefix: str = ""
                        ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Remove the running timer and create its entry (in the caller's transaction):
    (the timer row with `now`, the entry with its overlaps). `prefix` names the fields in
    errors; `tz` is the user's timezone."""
    rows = await conn.execute_query_dict(TAKE, [user_id])
    if not rows:
        raise not_found("Running timer")
    t = rows[0]
    data = {f: t[f] for f in FIELDS} | changes
    if not str(data.get("title") or "").strip():
        raise field_error(f"{prefix}.title" if prefix else "title",
                          "a title is needed to log the timer: send one or PATCH the "
                          "running timer")
    data["start_time"] = t["started_at"]
    data["end_time"] = end_time or t["now"]
    entry = validate(EntryCreate, data, prefix)
    return t, await create_entry(user_id, entry, conn, tz=tz)


async def switch(user_id: uuid.UUID, body: TimerSwitch, tz: str) -> dict[str, Any]:
    """Stop the running timer and start the next one in one transaction, the next starting
    at the very instant the first stopped: either both happen or neither (a 422 on the
    stopped entry, e.g. no title, leaves the running timer as it was)."""
    stop_changes = body.stopped.model_dump(exclude_unset=True) if body.stopped else {}
    nxt = body.model_dump(exclude={"stopped"})
    async with in_transaction() as conn:
        t, entry = await _take_and_log(conn, user_id, stop_changes, None, tz, "stopped")
        rows = await conn.execute_query_dict(START_AT, [*_params(user_id, nxt), t["now"]])
        if not rows:  # the timer row was just taken, so only the project can be wrong
            raise field_error("project_id", "no such project")
        return {"stopped": entry,
                "timer": timer_json(rows[0])}


async def restart(user_id: uuid.UUID, body: TimerRestart) -> dict[str, Any]:
    """Start a timer saying what an earlier entry said (by default the one that ended last)."""
    conn = db()
    rows = await conn.execute_query_dict(RESTART, [user_id, body.entry_id])
    if rows:
        return timer_json(rows[0])
    if await conn.execute_query_dict(HAS_TIMER, [user_id]):
        raise _already_running()
    if body.entry_id is not None:
        raise not_found("Log entry")
    raise ApiError(404, "Not Found", "There is no earlier entry to restart.", kind="not-found")


async def cancel(user_id: uuid.UUID) -> None:
    if not await db().execute_query_dict(CANCEL, [user_id]):
        raise not_found("Running timer")


async def backfill(user_id: uuid.UUID, body: Backfill, tz: str) -> dict[str, Any]:
    data = body.model_dump(exclude={"minutes", "end_time"})
    end = body.end_time or datetime.now(UTC)
    data["end_time"] = end
    data["start_time"] = end - timedelta(minutes=body.minutes)
    return await create_entry(user_id, validate(EntryCreate, data), tz=tz)
