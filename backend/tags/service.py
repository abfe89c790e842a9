"""Tag queries: the predefined tags plus the user's own, with usage counted over the user's
entries only. Predefined tags are shared rows, so their counts are always computed per user."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from backend.api.errors import ApiError, not_found
from backend.db.setup import db as _db

# Usage of every tag by this user's entries ($1 is always the user id).
_USAGE = """
LEFT JOIN (
    SELECT et.tag_id, count(*) AS n
    FROM log_entry_tags et JOIN log_entries e ON e.id = et.log_entry_id
    WHERE e.user_id = $1
    GROUP BY et.tag_id
) u ON u.tag_id = t.id
"""

_VISIBLE = "(t.user_id = $1 OR (t.user_id IS NULL AND NOT $2::bool))"

_LIST_FILTER = f"""
WHERE {_VISIBLE}
  AND ($3::text IS NULL OR t.category = $3)
  AND ($4::text IS NULL OR strpos(t.name, $4) > 0)
"""

_ORDER = {
    "name": "t.name, t.is_predefined DESC, t.id",
    "-usage": "usage_count DESC, t.name, t.id",
}



def tag_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "category": row["category"],
        "color": row["color"],
        "description": row["description"],
        "is_predefined": row["is_predefined"],
        "created_at": row["created_at"].isoformat(),
        "usage_count": int(row["usage_count"]),
    }


async def list_tags(
    user_id: uuid.UUID, *, mine: bool, category: str | None, q: str | None, sort: str,
    limit: int, offset: int,
) -> tuple[list[dict], int]:
    args = [user_id, mine, category, q.strip().lower() if q else None]
    total = await _db().execute_query_dict(
        f"SELECT count(*) AS n FROM tags t {_LIST_FILTER}", args
    )
    rows = await _db().execute_query_dict(
        f"SELECT t.*, COALESCE(u.n, 0) AS usage_count FROM tags t {_USAGE} {_LIST_FILTER} "
        f"ORDER BY {_ORDER[sort]} LIMIT $5 OFFSET $6",
        [*args, limit, offset],
    )
    return [tag_json(r) for r in rows], int(total[0]["n"])


_POPULAR_FROM = """
FROM log_entry_tags et
JOIN log_entries e ON e.id = et.log_entry_id
JOIN tags t ON t.id = et.tag_id
WHERE e.user_id = $1
  AND e.start_time >= now() - make_interval(days => $2)
  AND (t.user_id IS NULL OR t.user_id = $1)
"""


async def popular_tags(
    user_id: uuid.UUID, *, days: int, limit: int, offset: int
) -> tuple[list[dict], int, str]:
    total = await _db().execute_query_dict(
        f"SELECT count(DISTINCT et.tag_id) AS n, "
        f"(now() - make_interval(days => $2)) AS since {_POPULAR_FROM}",
        [user_id, days],
    )
    rows = await _db().execute_query_dict(
        f"SELECT t.id, t.name, t.category, t.color, t.is_predefined, "
        f"count(*) AS usage_count, COALESCE(sum(e.duration_minutes), 0) AS minutes "
        f"{_POPULAR_FROM} GROUP BY t.id "
        f"ORDER BY usage_count DESC, minutes DESC, t.name LIMIT $3 OFFSET $4",
        [user_id, days, limit, offset],
    )
    items = [
        {"id": str(r["id"]), "name": r["name"], "category": r["category"], "color": r["color"],
         "is_predefined": r["is_predefined"], "usage_count": int(r["usage_count"]),
         "minutes": int(r["minutes"])}
        for r in rows
    ]
    return items, int(total[0]["n"]), total[0]["since"].isoformat()


async def categories(user_id: uuid.UUID, *, limit: int, offset: int) -> tuple[list[dict], int]:
    visible = "WHERE (t.user_id = $1 OR t.user_id IS NULL)"
    total = await _db().execute_query_dict(
        f"SELECT count(DISTINCT t.category) + bool_or(t.category IS NULL)::int AS n "
        f"FROM tags t {visible}",
        [user_id],
    )
    rows = await _db().execute_query_dict(
        f"SELECT t.category, count(*) AS tag_count, COALESCE(sum(u.n), 0) AS usage_count "
        f"FROM tags t {_USAGE} {visible} GROUP BY t.category "
        f"ORDER BY t.category NULLS LAST LIMIT $2 OFFSET $3",
        [user_id, limit, offset],
    )
    items = [
        {"category": r["category"], "tag_count": int(r["tag_count"]),
         "usage_count": int(r["usage_count"])}
        for r in rows
    ]
    return items, int(total[0]["n"] or 0)


def _name_taken(message: str, kind: str) -> ApiError:
    return ApiError(409, "Conflict", message, kind=kind,
                    errors=[{"field": "name", "message": message}])


async def create_tag(
    user_id: uuid.UUID, *, name: str, category: str | None, color: str, description: str
) -> dict:
    db = _db()
    if await db.execute_query_dict(
        "SELECT 1 FROM tags WHERE user_id IS NULL AND name = $1", [name]
    ):
        raise _name_taken(f"'{name}' is a predefined tag; use it as it is.", "tag-predefined")
    try:
        rows = await db.execute_query_dict(
            "INSERT INTO tags (user_id, name, category, color, description, is_predefined) "
            "VALUES ($1, $2, $3, $4, $5, FALSE) RETURNING *, 0 AS usage_count",
            [user_id, name, category, color, description],
        )
    except IntegrityError as exc:
        raise _name_taken(f"You already have a tag named '{name}'.", "tag-name-taken") from exc
    return tag_json(rows[0])


async def delete_tag(user_id: uuid.UUID, tag_id: uuid.UUID) -> None:
    db = _db()
    rows = await db.execute_query_dict("SELECT user_id FROM tags WHERE id = $1", [tag_id])
    if not rows or (rows[0]["user_id"] is not None and rows[0]["user_id"] != user_id):
        raise not_found("Tag")
    if rows[0]["user_id"] is None:
        raise ApiError(403, "Forbidden", "Predefined tags are shared and cannot be deleted.",
                       kind="tag-predefined")
    # log_entry_tags rows go with it (ON DELETE CASCADE); the entries themselves stay.
    await db.execute_query("DELETE FROM tags WHERE id = $1 AND user_id = $2", [tag_id, user_id])
