"""Auth housekeeping, run by the scheduler (backend.jobs.cleanup calls cleanup_denylist)."""

from __future__ import annotations

from backend.db.setup import db

# A denylist row matters only while the refresh token it names could still verify: after
# its exp, or `older_than_days` (the default refresh lifetime) after it was denylisted, it
# is dead weight; even then a replayed token is caught because it is not its session's
# current_jti. A session past expires_at can no longer refresh; a revoked one is kept
# `older_than_days` as a record of why it ended.
_CLEANUP = """
WITH d AS (
    DELETE FROM refresh_token_denylist
     WHERE denylisted_at < now() - make_interval(days => $1) OR expires_at < now()
    RETURNING 1
), s AS (
    DELETE FROM auth_sessions
     WHERE expires_at < now() OR revoked_at < now() - make_interval(days => $1)
    RETURNING 1
)
SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM s) AS deleted
"""


async def cleanup_denylist(older_than_days: int = 30) -> int:
    """Delete stale denylist rows and dead sessions; returns how many rows went."""
    rows = await db().execute_query_dict(_CLEANUP, [older_than_days])
    return int(rows[0]["deleted"])
