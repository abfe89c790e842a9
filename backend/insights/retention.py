"""How long generated reports are kept; the insights domain owns `generated_insights`."""

from __future__ import annotations

from backend.db.setup import db


async def delete_finished_reports(older_than_days: int) -> int:
    # Only finished reports: a queued/running one belongs to a live task.
    count, _ = await db().execute_query(
        "DELETE FROM generated_insights WHERE status IN ('completed', 'failed') "
        "AND created_at < now() - make_interval(days => $1)", [older_than_days])
    return int(count or 0)
