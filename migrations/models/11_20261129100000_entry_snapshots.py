"""What an entry looked like before its last edit or its deletion, so the change can be
undone exactly (same id, same tags, same created_at/updated_at).

- entry_snapshots: one row per PATCH/PUT/DELETE of an entry through /v1/logs, holding the
  whole previous row as JSON plus its tag names. POST /v1/logs/{id}/restore pops the newest
  one (a stack, so undoing twice goes back two changes). No foreign key to log_entries: the
  snapshot of a deleted entry must outlive it. Rows older than the undo window are removed
  by the cleanup job.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE entry_snapshots (
    id              BIGSERIAL PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    log_entry_id    UUID NOT NULL,
    reason          VARCHAR(10) NOT NULL CHECK (reason IN ('update', 'delete')),
    entry           JSONB NOT NULL,
    taken_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX entry_snapshots_entry_idx ON entry_snapshots (user_id, log_entry_id, id DESC);
CREATE INDEX entry_snapshots_taken_idx ON entry_snapshots (taken_at);
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS entry_snapshots;
"""
