"""Link each generated insight to the task that produces it.

The insight row alone cannot tell "waiting for a worker" from "a worker has it" (or "retrying
after an error"): that state lives on the task. The link lets GET/events show it, and lets a
deleted report cancel its still-queued task. ON DELETE SET NULL because finished tasks are
cleaned up after 30 days while reports are kept for a year.

The partial index serves the cache lookup: a completed report of the same user, type,
period and data fingerprint.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE generated_insights
    ADD COLUMN IF NOT EXISTS task_id UUID REFERENCES tasks(id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS generated_insights_task_idx
    ON generated_insights (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS generated_insights_fingerprint_idx
    ON generated_insights (user_id, fingerprint) WHERE status IN ('queued', 'running', 'completed');
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP INDEX IF EXISTS generated_insights_fingerprint_idx;
DROP INDEX IF EXISTS generated_insights_task_idx;
ALTER TABLE generated_insights DROP COLUMN IF EXISTS task_id;
"""
