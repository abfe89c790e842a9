"""Calendar import's memory of what it created, and the calendar feed's secret token.

- calendar_imported_events: one row per calendar occurrence (UID + RECURRENCE-ID) a user has
  imported, so importing the same file again creates nothing twice. event_key is a digest
  of UID and RECURRENCE-ID (UIDs have no length limit; the key does). The entry link is SET
  NULL, not CASCADE: an imported entry the user deleted stays imported, so a later import
  of the same calendar does not bring it back.
- calendar_feeds: at most one feed per user; only the SHA-256 of the token is stored, so a
  database leak does not leak subscribable URLs. Rotating replaces the hash (the old URL
  dies); deleting the row disables the feed.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
CREATE TABLE calendar_imported_events (
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_key       CHAR(32) NOT NULL,
    uid             VARCHAR(1000) NOT NULL,
    recurrence_id   VARCHAR(64) NOT NULL DEFAULT '',
    log_entry_id    UUID REFERENCES log_entries(id) ON DELETE SET NULL,
    imported_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, event_key)
);
CREATE INDEX calendar_imported_events_entry_idx ON calendar_imported_events (log_entry_id);

CREATE TABLE calendar_feeds (
    user_id         UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash      CHAR(64) NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_fetched_at TIMESTAMPTZ
);
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
DROP TABLE IF EXISTS calendar_feeds;
DROP TABLE IF EXISTS calendar_imported_events;
"""
