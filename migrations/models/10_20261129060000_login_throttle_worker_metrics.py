"""Failed-login counts per account that survive a restart, and the metrics each worker
reports in its heartbeat (shown on /metrics)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
-- Keyed by a keyed hash of the normalised email, so the table holds no addresses and works
-- the same for emails that have no account (a lock that only real accounts got would tell
-- which emails exist).
CREATE TABLE login_throttle (
    email_hash      CHAR(64) PRIMARY KEY,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until    TIMESTAMPTZ
);
CREATE INDEX login_throttle_last_attempt_idx ON login_throttle (last_attempt_at);
ALTER TABLE worker_status ADD COLUMN metrics JSONB NOT NULL DEFAULT '{}'::jsonb;
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS login_throttle;
ALTER TABLE worker_status DROP COLUMN IF EXISTS metrics;
"""
