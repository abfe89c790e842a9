"""Which of a user's entries overlap a span of time. Overlaps are a warning, never an error:
people do log a meeting inside a coding session on purpose, so writes are never refused."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from backend.db.setup import db
from backend.logs.schemas import MAX_DURATION

# How many overlapping entries a write response lists (the query endpoint pages the rest).
IN_RESPONSE = 10

# Entries touch but do not overlap when one ends exactly when the next starts (half-open
# spans). No entry lasts more than MAX_DURATION, so only entries starting at most that long
# before `start` can reach into it: that lower bound lets log_entries_user_start_idx do the
# work instead of scanning every entry of the user.
def overlap_where(alias: str, user: str, start: str, end: str) -> str:
    """SQL condition: the row `alias` of log_entries is one of `user`'s entries overlapping
    [start, end) (placeholders or SQL expressions)."""
    reach = int(MAX_DURATION.total_seconds())
    return (f"{alias}.user_id = {user} AND {alias}.start_time < {end} "
            f"AND {alias}.end_time > {start} "
            f"AND {alias}.start_time >= {start} - interval '{reach} seconds'")


_WHERE = overlap_where("e", "$1", "$2", "$3") + " AND ($4::uuid IS NULL OR e.id <> $4::uuid)"


def overlaps_in_insert(user: str, start: str, end: str) -> str:
    """Select-list text for an INSERT ... RETURNING statement's final SELECT: the first
    IN_RESPONSE overlapping entries as one array of (id, title, start_time, end_time)
    records named `overlaps` (NULL when none), from one index range scan. The statement's
    snapshot predates its own insert, so the new entry is never among them. Read back with
    overlaps_from_row."""
    return f"""(SELECT array_agg(row(ov.id, ov.title, ov.start_time, ov.end_time)
                        ORDER BY ov.start_time, ov.id)
     FROM (SELECT o.id, o.title, o.start_time, o.end_time FROM log_entries o
           WHERE {overlap_where('o', user, start, end)}
           ORDER BY o.start_time, o.id LIMIT {IN_RESPONSE}) ov) AS overlaps"""


def overlaps_in_batch_insert(batch: str, row: str) -> str:
    """overlaps_in_insert for one row `row` of a batch insert whose rows are the relation
    `batch` (columns id, user_id, title, start_time, end_time and n, the row's place in
    the batch). Besides the stored entries, a row sees the same user's rows earlier in the
    batch, so a batch reports exactly what inserting its rows one after another would."""
    stored = overlap_where("o", f"{row}.user_id", f"{row}.start_time", f"{row}.end_time")
    return f"""(SELECT array_agg(row(ov.id, ov.title, ov.start_time, ov.end_time)
                        ORDER BY ov.start_time, ov.id)
     FROM (SELECT * FROM (
               (SELECT o.id, o.title, o.start_time, o.end_time FROM log_entries o
                WHERE {stored} ORDER BY o.start_time, o.id LIMIT {IN_RESPONSE})
               UNION ALL
               SELECT b.id, b.title, b.start_time, b.end_time FROM {batch} b
               WHERE b.user_id = {row}.user_id AND b.n < {row}.n
                 AND b.start_time < {row}.end_time AND b.end_time > {row}.start_time) u
           ORDER BY u.start_time, u.id LIMIT {IN_RESPONSE}) ov) AS overlaps"""


def overlaps_from_row(row: dict[str, Any]) -> list[dict[str, Any]]:
    # asyncpg reads an array of anonymous records as tuples; array_agg of no rows is NULL.
    return [overlap_json({"id": i, "title": t, "start_time": s, "end_time": e})
            for i, t, s, e in row["overlaps"] or ()]


PAGE_SQL = f"""SELECT e.id, e.title, e.start_time, e.end_time, count(*) OVER () AS total
FROM log_entries e WHERE {_WHERE}
ORDER BY e.start_time, e.id LIMIT $5 OFFSET $6"""

COUNT_SQL = f"SELECT count(*) AS n FROM log_entries e WHERE {_WHERE}"


def overlap_json(row: dict[str, Any]) -> dict[str, Any]:
    # Times for orjson to write, as in logs.service.entry_json.
    return {"id": str(row["id"]), "title": row["title"], "start_time": row["start_time"],
            "end_time": row["end_time"]}


async def find(user_id: uuid.UUID, start: datetime, end: datetime,
               exclude: uuid.UUID | None = None, limit: int = IN_RESPONSE, offset: int = 0,
               conn: Any = None) -> tuple[list[dict[str, Any]], int]:
    """(a page of the user's entries overlapping [start, end), how many there are)."""
    conn = conn or db()
    params = [user_id, start, end, exclude]
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
    items, _ = await find(user_id, entry["start_time"], entry["end_time"],
                          uuid.UUID(entry["id"]), conn=conn)
    return entry | {"overlaps": items}
