"""Which of a user's entries overlap a span of time. Overlaps are a warning, never an error:
people do log a meeting inside a coding session on purpose, so writes are never refused."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from backend.db.setup import db
from backend.logs.schemas import MAX_DURATION

# Entries touch but do not overlap when one ends exactly when the next starts (half-open
# spans). No entry lasts more than MAX_DURATION, so only entries starting at most that long
# before `start` can reach into it: that lower bound lets log_entries_user_start_idx do the
# work instead of scanning every entry of the user.
_WHERE = """e.user_id = $1 AND e.start_time < $3 AND e.end_time > $2
    AND e.start_time >= $2 - $4::interval AND ($5::uuid IS NULL OR e.id <> $5::uuid)"""

PAGE_SQL = f"""SELECT e.id, e.title, e.start_time, e.end_time, count(*) OVER () AS total
FROM log_entries e WHERE {_WHERE}
ORDER BY e.start_time, e.id LIMIT $6 OFFSET $7"""

COUNT_SQL = f"SELECT count(*) AS n FROM log_entries e WHERE {_WHERE}"

# How many overlapping entries a write response lists (the query endpoint pages the rest).
IN_RESPONSE = 10


def overlap_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(row["id"]), "title": row["title"],
            "start_time": row["start_time"].isoformat(),
            "end_time": row["end_time"].isoformat()}


async def find(user_id: uuid.UUID, start: datetime, end: datetime,
               exclude: uuid.UUID | None = None, limit: int = IN_RESPONSE, offset: int = 0,
               conn: Any = None) -> tuple[list[dict[str, Any]], int]:
    """(a page of the user's entries overlapping [start, end), how many there are)."""
    conn = conn or db()
    params = [user_id, start, end, MAX_DURATION, exclude]
    rows = await conn.execute_query_dict(PAGE_SQL, [*params, limit, offset])
    if rows:
        total = rows[0]["total"]
    elif offset == 0:
        total = 0
    else:
        total = (await conn.execute_query_dict(COUNT_SQL, params))[0]["n"]
    return [overlap_json(r) for r in rows], total


async def with_overlaps(user_id: uuid.UUID, entry: dict[str, Any],
                        conn: Any = None) -> dict[str, Any]:
    """The entry as written, plus the other entries it overlaps (at most IN_RESPONSE)."""
    items, _ = await find(user_id, datetime.fromisoformat(entry["start_time"]),
                          datetime.fromisoformat(entry["end_time"]),
                          uuid.UUID(entry["id"]), conn=conn)
    return entry | {"overlaps": items}
