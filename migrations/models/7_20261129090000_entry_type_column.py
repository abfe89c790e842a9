"""The entry's activity type is `type`, as in the product spec's `log_entries.type`.

The API speaks the spec's field names (issue 7), so the column follows and no layer has to
translate `activity_type` <-> `type`. PostgreSQL points the CHECK constraints and the
index log_entries_user_type_idx at the renamed column by itself; the constraints are renamed
too so their names say what they check (the index name already does).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE log_entries RENAME COLUMN activity_type TO type;
ALTER TABLE log_entries RENAME CONSTRAINT log_entries_activity_type_check TO log_entries_type_check;

ALTER TABLE active_timers RENAME COLUMN activity_type TO type;
ALTER TABLE active_timers RENAME CONSTRAINT active_timers_activity_type_check TO active_timers_type_check;
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
ALTER TABLE active_timers RENAME CONSTRAINT active_timers_type_check TO active_timers_activity_type_check;
ALTER TABLE active_timers RENAME COLUMN type TO activity_type;

ALTER TABLE log_entries RENAME CONSTRAINT log_entries_type_check TO log_entries_activity_type_check;
ALTER TABLE log_entries RENAME COLUMN type TO activity_type;
"""
