"""Idempotency keys for POST /v1/logs: a client that retries after an uncertain send (the
terminal UI's offline outbox) gets the entry it already created instead of a duplicate."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE entry_idempotency_keys (
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key             VARCHAR(100) NOT NULL,
    -- SET NULL, not CASCADE: a key whose entry was deleted stays spent, so a late retry
    -- does not bring the deleted entry back.
    log_entry_id    UUID REFERENCES log_entries(id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX entry_idempotency_keys_created_idx ON entry_idempotency_keys (created_at);
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return "DROP TABLE IF EXISTS entry_idempotency_keys;"
