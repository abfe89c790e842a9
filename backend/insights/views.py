"""Reading insight rows and shaping them as JSON; the Redis cache key of a finished report.

The row's own status says queued until the worker first reports progress, and a retry
looks the same as the first wait. The task it is linked to knows better, so the status a
client sees is derived from both, in SQL, so that list filters and display agree.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from backend.cache.redis import Cache
from backend.db.setup import db

TERMINAL = ("completed", "failed")
CACHE_TTL_SECONDS = 7 * 24 * 3600

EFFECTIVE_STATUS = """
CASE WHEN gi.status IN ('completed', 'failed') THEN gi.status
     WHEN t.status IN ('failed', 'cancelled') THEN 'failed'
     WHEN t.status = 'running' THEN 'running'
     WHEN t.status = 'queued' AND t.attempts > 0 THEN 'queued'
     ELSE gi.status END
"""

_COLUMNS = f"""
gi.id, gi.report_type, gi.period_start, gi.period_end, gi.status AS stored_status,
gi.progress, gi.stage, gi.title, gi.summary, gi.error, gi.created_at, gi.updated_at,
gi.completed_at, gi.metadata, t.status AS task_status, t.attempts AS task_attempts,
t.last_error AS task_error, ({EFFECTIVE_STATUS}) AS status
"""
_FULL_COLUMNS = _COLUMNS + """,
gi.content, gi.facts, gi.options, gi.fingerprint, gi.model, gi.prompt_tokens,
gi.completion_tokens, gi.generation_ms
"""
_FROM = "FROM generated_insights gi LEFT JOIN tasks t ON t.id = gi.task_id"

ONE_SQL = f"SELECT {_FULL_COLUMNS} {_FROM} WHERE gi.id = $1 AND gi.user_id = $2"

_FILTERS = f"""
WHERE gi.user_id = $1 AND ($2::text IS NULL OR gi.report_type = $2)
  AND ($3::text IS NULL OR ({EFFECTIVE_STATUS}) = $3)
  AND ($4::date IS NULL OR gi.period_start >= $4) AND ($5::date IS NULL OR gi.period_end <= $5)
"""
LIST_SQL = (f"SELECT {_COLUMNS} {_FROM} {_FILTERS} "
            "ORDER BY gi.created_at DESC, gi.id DESC LIMIT $6 OFFSET $7")
COUNT_SQL = f"SELECT count(*)::int AS n {_FROM} {_FILTERS}"


def links(insight_id: Any) -> dict[str, str]:
    base = f"/v1/insights/{insight_id}"
    return {"self": base, "events": base + "/events"}


def cache_key(cache: Cache, user_id: Any, report_type: str, start: Any, end: Any,
              fingerprint: str) -> str:
    return cache.key("insight", user_id, report_type, start, end, fingerprint)


def _json_field(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else (value or {})


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _progress_view(row: dict[str, Any]) -> tuple[int, str, str | None]:
    """(progress, stage, error) as the client should see them."""
    status, error = row["status"], row["error"]
    progress, stage = row["progress"], row["stage"]
    if status == "failed" and not error:
        error = row["task_error"] or "Report generation failed."
    elif status == "queued" and (row["task_attempts"] or 0) > 0:
        # Requeued after a failed attempt: say so, the first wait looks the same otherwise.
        stage = f"retrying after attempt {row['task_attempts']} failed"
        if row["task_error"]:
            stage = f"{stage}: {row['task_error']}"[:200]
    elif status == "running" and row["stored_status"] == "queued":
        stage = "started"
    if status == "completed":
        progress = 100
    return progress, stage, error


def summary_json(row: dict[str, Any]) -> dict[str, Any]:
    progress, stage, error = _progress_view(row)
    return {
        "id": str(row["id"]),
        "report_type": row["report_type"],
        "period_start": row["period_start"].isoformat(),
        "period_end": row["period_end"].isoformat(),
        "status": row["status"],
        "progress": progress,
        "stage": stage,
        "title": row["title"],
        "summary": row["summary"],
        "error": error,
        "created_at": _iso(row["created_at"]),
        "completed_at": _iso(row["completed_at"]),
        "links": links(row["id"]),
    }


def full_json(row: dict[str, Any]) -> dict[str, Any]:
    metadata = _json_field(row["metadata"])
    return {
        **summary_json(row),
        "content": row["content"],
        "facts": _json_field(row["facts"]),
        "metadata": metadata,
        "options": _json_field(row["options"]),
        "fingerprint": row["fingerprint"],
        "model": row["model"],
        "prompt_tokens": row["prompt_tokens"],
        "completion_tokens": row["completion_tokens"],
        "generation_ms": row["generation_ms"],
        "attempts": int(row["task_attempts"] or metadata.get("attempts") or 0),
        "sentence_checks": metadata.get("sentence_checks") or [],
        "updated_at": _iso(row["updated_at"]),
        "cached": False,
    }


def event_json(row: dict[str, Any]) -> dict[str, Any]:
    progress, stage, error = _progress_view(row)
    out: dict[str, Any] = {"status": row["status"], "progress": progress, "stage": stage}
    if row["status"] == "failed":
        out["error"] = error
    return out


async def fetch_one(user_id: UUID, insight_id: UUID, conn: Any = None) -> dict[str, Any] | None:
    rows = await db(conn).execute_query_dict(ONE_SQL, [insight_id, user_id])
    return rows[0] if rows else None
