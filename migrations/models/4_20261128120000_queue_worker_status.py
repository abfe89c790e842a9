"""Task queue support: the latest health each worker reported, and a record of completed
GDPR deletions that outlives the user row (scheduled_deletions cascades with the user)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE IF NOT EXISTS worker_status (
    worker_id       VARCHAR(200) PRIMARY KEY,
    version         VARCHAR(100) NOT NULL DEFAULT '',
    llm_backend     VARCHAR(50)  NOT NULL DEFAULT '',
    llm_model       VARCHAR(200) NOT NULL DEFAULT '',
    llm_ok          BOOLEAN      NOT NULL DEFAULT FALSE,
    smtp_ok         BOOLEAN      NOT NULL DEFAULT FALSE,
    detail          TEXT         NOT NULL DEFAULT '',
    concurrency     INTEGER      NOT NULL DEFAULT 0,
    busy            INTEGER      NOT NULL DEFAULT 0,
    peer            VARCHAR(200) NOT NULL DEFAULT '',
    last_seen       TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- No foreign key on purpose: the user row is gone once the deletion has run.
CREATE TABLE IF NOT EXISTS completed_deletions (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL,
    requested_at    TIMESTAMPTZ NOT NULL,
    scheduled_for   TIMESTAMPTZ NOT NULL,
    completed_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    reason          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS completed_deletions_user_idx ON completed_deletions (user_id);
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS worker_status, completed_deletions;
"""
