"""Stored week digests: the reusable summary of one closed week of one user's log (issue 8).

A digest is the worker's typed facts and cited highlights for one ISO week (Monday..Sunday in
the user's timezone), keyed by (user_id, week_start). `fingerprint` is the API's hash of that
week's entries when the digest was asked for (backend.insights.digests): a digest whose
fingerprint no longer matches the week's entries is stale and is never sent to the worker.
Entry writes also delete the digests of the weeks they touch, so stale rows do not pile up.

Months, quarters and years are not stored: they are composed from these rows by code on each
request (see backend/insights/digests.py), so nothing above the week can go stale on its own.
The row CASCADEs with its user; highlights quote entry titles, so GDPR covers the table.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE week_digests (
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    week_start  DATE NOT NULL CHECK (extract(isodow FROM week_start) = 1),
    fingerprint CHAR(64) NOT NULL,
    facts       JSONB NOT NULL DEFAULT '{}'::jsonb,
    highlights  JSONB NOT NULL DEFAULT '[]'::jsonb,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, week_start)
);
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS week_digests;
"""
