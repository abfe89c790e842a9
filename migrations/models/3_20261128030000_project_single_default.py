"""At most one default project per user, enforced by the database.

The API clears the previous default in the same transaction as it sets a new one; this
partial unique index turns a lost race between two concurrent writers into a conflict
instead of two defaults.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
-- Keep the most recently updated default if a user somehow has several.
UPDATE projects p SET is_default = FALSE
WHERE p.is_default AND EXISTS (
    SELECT 1 FROM projects o
    WHERE o.owner_id = p.owner_id AND o.is_default AND o.id <> p.id
      AND (o.updated_at, o.id) > (p.updated_at, p.id)
);
CREATE UNIQUE INDEX projects_one_default_uq ON projects (owner_id) WHERE is_default;
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP INDEX IF EXISTS projects_one_default_uq;
"""
