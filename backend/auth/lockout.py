"""Per-account login throttle across all IPs, kept in PostgreSQL (it must survive a restart
and a Redis outage; architecture: PostgreSQL holds anything security-relevant).

Every attempt reserves a slot before the password is checked, in one atomic upsert, so a
burst of parallel guesses cannot all slip in before the first failure is written. The
`login_lock_after`-th attempt without a success locks the account for `login_lock_seconds`;
each attempt after a lock has run out locks it again for twice as long, up to
`login_lock_max_seconds`. While locked every attempt gets 429 and is not counted, and the
password is not checked, so guessing stops. A success deletes the row.

The real owner gets in once the current lock runs out (at most `login_lock_max_seconds`).
An attacker can keep re-locking an account by guessing once per lock period; what they
cannot do is guess more than about one password per lock period. That denial of service
is the price of a lock that works across IPs (written down in README).
"""

from __future__ import annotations

import hashlib
import hmac
import math

from backend.api.errors import ApiError
from backend.config import Settings
from backend.db.setup import db

# This attempt's number: counting restarts after `login_failure_reset_seconds` of quiet.
_N = ("(CASE WHEN t.last_attempt_at < now() - make_interval(secs => $5) THEN 1 "
      "ELSE t.attempts + 1 END)")
_RESERVE = f"""
INSERT INTO login_throttle AS t (email_hash, attempts, last_attempt_at, locked_until)
VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $3) END)
ON CONFLICT (email_hash) DO UPDATE SET
    attempts = {_N},
    last_attempt_at = now(),
    locked_until = CASE WHEN {_N} >= $2 THEN now() + make_interval(
        secs => least($4::float8, $3::float8 * power(2, {_N} - $2))) END
  WHERE t.locked_until IS NULL OR t.locked_until <= now()
RETURNING attempts
"""

_LOCKED_FOR = """
SELECT extract(epoch FROM locked_until - now())::float8 AS seconds
  FROM login_throttle WHERE email_hash = $1
"""


def email_key(settings: Settings, email: str) -> str:
    # Keyed, so the table cannot be reversed with a list of known addresses.
    return hmac.new(settings.jwt_secret.encode(), email.strip().lower().encode(),
                    hashlib.sha256).hexdigest()


def locked(seconds: int) -> ApiError:
    return ApiError(
        429, "Too Many Requests",
        f"Too many failed logins for this account. Try again in {seconds} seconds.",
        kind="account-locked", headers={"Retry-After": str(seconds)},
        extra={"retry_after": seconds})


async def reserve(settings: Settings, key: str) -> None:
    """Count this attempt against the account; 429 with Retry-After while it is locked."""
    conn = db()
    rows = await conn.execute_query_dict(_RESERVE, [
        key, settings.login_lock_after, float(settings.login_lock_seconds),
        float(settings.login_lock_max_seconds), float(settings.login_failure_reset_seconds)])
    if rows:
        return
    left = await conn.execute_query_dict(_LOCKED_FOR, [key])
    seconds = left[0]["seconds"] if left else 1.0
    raise locked(max(1, math.ceil(seconds or 1.0)))


async def succeeded(key: str) -> None:
    await db().execute_query(
        "DELETE FROM login_throttle WHERE email_hash = $1", [key])


async def cleanup(older_than_seconds: int) -> int:
    """Forget accounts with no attempt for a while and no lock in force."""
    rows = await db().execute_query_dict(
        "WITH d AS (DELETE FROM login_throttle WHERE last_attempt_at < now() - "
        "make_interval(secs => $1) AND (locked_until IS NULL OR locked_until < now()) "
        "RETURNING 1) SELECT count(*) AS n FROM d", [float(older_than_seconds)])
    return int(rows[0]["n"])
