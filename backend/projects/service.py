"""Project storage: SQL for reads with per-project aggregates, and transactional writes.

Writes merge the request into the stored row and then write the whole row, so PUT and
PATCH share one path and the cross-field rules (dates, single default) see final values.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.api.errors import ApiError, field_error, not_found
from backend.api.periods import end_before_start, resolve_span
from backend.db.models import ActivityType, ImpactLevel, ValueRating
from backend.db.setup import db as _db
from backend.projects.schemas import ProjectListQuery

FIELDS = ("name", "description", "color", "status", "start_date", "end_date", "is_default")

# Entries are counted only when they belong to the project's owner, so a stray reference
# can never leak another user's numbers into a project.
_SELECT = """
SELECT p.id, p.name, p.description, p.color, p.status, p.start_date, p.end_date,
       p.is_default, p.created_at, p.updated_at,
       COALESCE(s.entry_count, 0) AS entry_count, COALESCE(s.total_minutes, 0) AS total_minutes
FROM projects p
LEFT JOIN LATERAL (
    SELECT count(*) AS entry_count, sum(e.duration_minutes) AS total_minutes
    FROM log_entries e
    WHERE e.project_id = p.id AND e.user_id = p.owner_id
) s ON TRUE
"""

_FILTER = """
WHERE p.owner_id = $1
  AND ($2::text IS NULL OR p.status = $2)
  AND ($3::text IS NULL OR strpos(lower(p.name), lower($3)) > 0)
"""



def project_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "description": row["description"],
        "color": row["color"],
        "status": row["status"],
        "start_date": row["start_date"].isoformat() if row["start_date"] else None,
        "end_date": row["end_date"].isoformat() if row["end_date"] else None,
        "is_default": row["is_default"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        "entry_count": int(row["entry_count"]),
        "total_minutes": int(row["total_minutes"]),
    }


async def list_projects(user_id: uuid.UUID, q: ProjectListQuery) -> tuple[list[dict], int]:
    status = q.status.value if q.status else None
    args = [user_id, status, q.q]
    total = await _db().execute_query_dict(f"SELECT count(*) AS n FROM projects p {_FILTER}", args)
    rows = await _db().execute_query_dict(
        f"{_SELECT} {_FILTER} ORDER BY p.is_default DESC, lower(p.name), p.id "
        "LIMIT $4 OFFSET $5",
        [*args, q.limit, q.offset],
    )
    return [project_json(r) for r in rows], int(total[0]["n"])


async def _fetch(conn: BaseDBAsyncClient, user_id: uuid.UUID, project_id: uuid.UUID) -> dict:
    rows = await conn.execute_query_dict(
        f"{_SELECT} WHERE p.id = $1 AND p.owner_id = $2", [project_id, user_id]
    )
    if not rows:
        raise not_found("Project")
    return project_json(rows[0])


async def get_project(user_id: uuid.UUID, project_id: uuid.UUID) -> dict:
    return await _fetch(_db(), user_id, project_id)


def _value(v: Any) -> Any:
    return v.value if hasattr(v, "value") else v


async def save_project(
    user_id: uuid.UUID, project_id: uuid.UUID | None, changes: dict[str, Any]
) -> dict:
    """Create (project_id None, `changes` holds every field) or update a project.

    Raises ApiError 404 (not the user's), 409 (name taken) or 422 (dates)."""
    try:
        async with in_transaction() as conn:
            values = {k: _value(v) for k, v in changes.items()}
            if project_id is not None:
                rows = await conn.execute_query_dict(
                    "SELECT name, description, color, status, start_date, end_date, is_default "
                    "FROM projects WHERE id = $1 AND owner_id = $2 FOR UPDATE",
                    [project_id, user_id],
                )
                if not rows:
                    raise not_found("Project")
                values = {**rows[0], **values}
            # A project's dates are a date range like any request period: one rule, one message.
            resolve_span(values.get("start_date"), values.get("end_date"), "UTC")
            if values.get("is_default"):
                await _clear_default(conn, user_id, project_id)
            params = [values[f] for f in FIELDS]
            if project_id is None:
                rows = await conn.execute_query_dict(
                    "INSERT INTO projects (owner_id, name, description, color, status, "
                    "start_date, end_date, is_default) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                    "RETURNING id",
                    [user_id, *params],
                )
                project_id = rows[0]["id"]
            else:
                await conn.execute_query(
                    "UPDATE projects SET name = $3, description = $4, color = $5, status = $6, "
                    "start_date = $7, end_date = $8, is_default = $9, updated_at = now() "
                    "WHERE id = $1 AND owner_id = $2",
                    [project_id, user_id, *params],
                )
            return await _fetch(conn, user_id, project_id)
    except IntegrityError as exc:
        raise _conflict(exc) from exc


async def _clear_default(
    conn: BaseDBAsyncClient, user_id: uuid.UUID, keep: uuid.UUID | None
) -> None:
    # Serialise default changes per user so two concurrent "make default" requests queue
    # instead of one failing on projects_one_default_uq.
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock(hashtextextended('project-default:' || $1::text, 0))",
        [str(user_id)],
    )
    await conn.execute_query(
        "UPDATE projects SET is_default = FALSE, updated_at = now() "
        "WHERE owner_id = $1 AND is_default AND ($2::uuid IS NULL OR id <> $2)",
        [user_id, keep],
    )


def _conflict(exc: IntegrityError) -> ApiError:
    constraint = getattr(exc.__cause__, "constraint_name", None)
    if constraint == "projects_owner_name_uq":
        return ApiError(409, "Conflict", "You already have a project with this name.",
                        kind="project-name-taken",
                        errors=[{"field": "name", "message": "already used by another project"}])
    if constraint == "projects_dates_ck":
        return field_error("end_date", end_before_start("start_date"))
    if constraint == "projects_one_default_uq":
        return ApiError(409, "Conflict", "Another request changed the default project; retry.",
                        kind="default-project-conflict",
                        errors=[{"field": "is_default", "message": "changed concurrently"}])
    return ApiError(409, "Conflict", "The project could not be saved: it conflicts with "
                    "stored data.", kind="conflict")


async def delete_project(user_id: uuid.UUID, project_id: uuid.UUID) -> None:
    try:
        async with in_transaction() as conn:
            # FOR UPDATE blocks a concurrent entry insert (its FK check needs a key-share
            # lock on this row), so the count below cannot go stale before the delete.
            rows = await conn.execute_query_dict(
                "SELECT id FROM projects WHERE id = $1 AND owner_id = $2 FOR UPDATE",
                [project_id, user_id],
            )
            if not rows:
                raise not_found("Project")
            await _refuse_if_used(conn, project_id)
            await conn.execute_query("DELETE FROM projects WHERE id = $1", [project_id])
    except IntegrityError as exc:  # an entry slipped in after all: report it the same way
        await _refuse_if_used(_db(), project_id)
        raise _conflict(exc) from exc


async def _refuse_if_used(conn: BaseDBAsyncClient, project_id: uuid.UUID) -> None:
    rows = await conn.execute_query_dict(
        "SELECT count(*) AS n FROM log_entries WHERE project_id = $1", [project_id]
    )
    n = int(rows[0]["n"])
    if n:
        raise ApiError(
            409, "Conflict",
            f"This project still has {n} log entr{'y' if n == 1 else 'ies'}. Move them to "
            "another project or delete them, then delete the project.",
            kind="project-has-entries", extra={"entry_count": n},
        )


# GROUPING() bits, type first: 0b011 = grouped by type, 0b101 by value,
# 0b110 by impact, 0b111 the grand total.
_STATS_SQL = """
SELECT type, value_rating, impact_level,
       GROUPING(type, value_rating, impact_level) AS g,
       count(*) AS n, COALESCE(sum(duration_minutes), 0) AS minutes,
       min(start_time) AS first_at, max(end_time) AS last_at
FROM log_entries
WHERE user_id = $1 AND project_id = $2
GROUP BY GROUPING SETS ((type), (value_rating), (impact_level), ())
"""


async def project_stats(user_id: uuid.UUID, project_id: uuid.UUID) -> dict[str, Any]:
    exists = await _db().execute_query_dict(
        "SELECT 1 FROM projects WHERE id = $1 AND owner_id = $2", [project_id, user_id]
    )
    if not exists:
        raise not_found("Project")
    rows = await _db().execute_query_dict(_STATS_SQL, [user_id, project_id])
    out: dict[str, Any] = {
        "project_id": str(project_id),
        "total_minutes": 0, "entry_count": 0,
        "by_type": dict.fromkeys((t.value for t in ActivityType), 0),
        "by_value": dict.fromkeys((v.value for v in ValueRating), 0),
        "by_impact": dict.fromkeys((i.value for i in ImpactLevel), 0),
        "first_activity": None, "last_activity": None,
    }
    for r in rows:
        minutes = int(r["minutes"])
        if r["g"] == 0b011:
            out["by_type"][r["type"]] = minutes
        elif r["g"] == 0b101:
            out["by_value"][r["value_rating"]] = minutes
        elif r["g"] == 0b110:
            out["by_impact"][r["impact_level"]] = minutes
        elif r["g"] == 0b111:
            out["total_minutes"] = minutes
            out["entry_count"] = int(r["n"])
            out["first_activity"] = r["first_at"].isoformat() if r["first_at"] else None
            out["last_activity"] = r["last_at"].isoformat() if r["last_at"] else None
    return out
