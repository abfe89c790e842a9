"""Undo for entry edits and deletions: the row as it was before each change is kept in
entry_snapshots for UNDO_WINDOW, and restoring writes it back exactly: same id, same
fields, same tags, same created_at and updated_at.

The snapshot is taken by the server in the statement (or transaction) that changes the
entry, so a client cannot forge what gets restored, and users are isolated by user_id.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import orjson

from backend.api.errors import not_found
from backend.db.setup import db
from backend.logs import queries as sql

# Longer than any toast: a CLI `undo` a few minutes later must still work; short enough
# that old versions of an entry are not kept around.
UNDO_WINDOW = timedelta(hours=1)

_TAG_NAMES = """COALESCE((SELECT jsonb_agg(t.name ORDER BY t.name)
    FROM log_entry_tags lt JOIN tags t ON t.id = lt.tag_id
    WHERE lt.log_entry_id = e.id), '[]'::jsonb)"""

# The generated column is left out: it cannot be written back and follows from the times.
_ROW_JSON = "(to_jsonb(e) - 'duration_minutes')"

# Inside the caller's transaction, after the row is locked (PATCH/PUT).
SNAPSHOT_BEFORE_UPDATE = f"""INSERT INTO entry_snapshots (user_id, log_entry_id, reason, entry)
SELECT e.user_id, e.id, 'update', {_ROW_JSON} || jsonb_build_object('tags', {_TAG_NAMES})
FROM log_entries e WHERE e.id = $1 AND e.user_id = $2"""

# One statement: the snapshot exists exactly when the delete happened. RETURNING is computed
# before the tag links cascade away, so the tag names are still there to read.
DELETE_WITH_SNAPSHOT = f"""WITH gone AS (
    DELETE FROM log_entries e WHERE e.id = $1 AND e.user_id = $2
    RETURNING e.*, {_TAG_NAMES} AS tag_names
)
INSERT INTO entry_snapshots (user_id, log_entry_id, reason, entry)
SELECT g.user_id, g.id, 'delete',
       (to_jsonb(g) - 'duration_minutes' - 'tag_names') || jsonb_build_object('tags', g.tag_names)
FROM gone g
RETURNING log_entry_id"""

# The newest change of this entry still inside the window, taken off the stack: undoing
# again goes one change further back.
POP = """DELETE FROM entry_snapshots WHERE id = (
    SELECT id FROM entry_snapshots
    WHERE user_id = $1 AND log_entry_id = $2 AND taken_at > now() - $3::interval
    ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING entry"""

COLUMNS_SQL = """SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = 'log_entries' AND is_generated = 'NEVER'
ORDER BY ordinal_position"""

PURGE = "DELETE FROM entry_snapshots WHERE taken_at < now() - $1::interval"

_columns: list[str] | None = None


async def _entry_columns(conn: Any) -> list[str]:
    # Read from the schema, not written out here, so a column added to log_entries later is
    # restored too instead of being silently reset to its default.
    global _columns
    if _columns is None:
        _columns = [r["column_name"] for r in await conn.execute_query_dict(COLUMNS_SQL)]
    return _columns


def _upsert_sql(columns: list[str]) -> str:
    cols = ", ".join(columns)
    picked = ", ".join(f"r.{c}" for c in columns)
    updated = [c for c in columns if c not in ("id", "user_id")]
    # A deleted entry is inserted again; an edited one is overwritten (its owner only:
    # the WHERE keeps another user's row with that id untouched).
    return f"""INSERT INTO log_entries ({cols})
SELECT {picked} FROM jsonb_populate_record(NULL::log_entries, $1::jsonb) r
WHERE r.user_id = $2 AND r.id = $3
ON CONFLICT (id) DO UPDATE SET ({", ".join(updated)}) =
    ({", ".join(f"EXCLUDED.{c}" for c in updated)})
WHERE log_entries.user_id = EXCLUDED.user_id
RETURNING id"""


async def snapshot_before_update(conn: Any, user_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    await conn.execute_query(SNAPSHOT_BEFORE_UPDATE, [entry_id, user_id])


async def delete_entry(conn: Any, user_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    if not await conn.execute_query_dict(DELETE_WITH_SNAPSHOT, [entry_id, user_id]):
        raise not_found("Log entry")


async def restore_row(conn: Any, user_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    """Write back the newest snapshot of the entry (within UNDO_WINDOW) in the caller's
    transaction. IntegrityError: the entry's project has been deleted since."""
    rows = await conn.execute_query_dict(POP, [user_id, entry_id, UNDO_WINDOW])
    if not rows:
        raise not_found("A change to undo for this entry")
    snap = rows[0]["entry"]
    if isinstance(snap, str | bytes):  # asyncpg hands jsonb back as text
        snap = orjson.loads(snap)
    tags = snap.pop("tags", [])
    upsert = _upsert_sql(await _entry_columns(conn))
    if not await conn.execute_query_dict(upsert, [orjson.dumps(snap).decode(), user_id,
                                                  entry_id]):
        raise not_found("A change to undo for this entry")
    await conn.execute_query(sql.SET_TAGS, [entry_id, user_id, tags])


async def purge_expired() -> int:
    count, _ = await db().execute_query(PURGE, [UNDO_WINDOW])
    return int(count or 0)
