"""Every table that holds rows of one user, and what GDPR export, anonymisation and deletion
do with it. The export, `erase` and `anonymize` all walk this one list, so a table added here
is covered by all three; tests/api/test_gdpr_coverage.py compares the list with the foreign
keys to `users` in information_schema and fails when a new table is missing.

Order matters for deletion: rows are removed top to bottom, then the users row. Entries go
before projects (log_entries.project_id is ON DELETE RESTRICT) and before tags (their
log_entry_tags links cascade from either side).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserTable:
    table: str
    user_column: str
    # The key in the export document (and the file name in the zip).
    section: str
    # Unique among one user's rows: the export streams in this order.
    order_by: str
    # Columns never exported: secrets, or what only identifies a token.
    omit: tuple[str, ...] = ()
    # Extra values computed per row (name -> SQL over alias `t`), e.g. an entry's tag names.
    extra: dict[str, str] = field(default_factory=dict)
    # "delete" the user's rows, or "detach" them (user column set NULL) when the row is shared
    # with other users and outlives one member.
    on_erase: str = "delete"
    # Anonymisation: "keep" the rows, "drop" them, or "scrub" the named text columns to ''.
    on_anonymize: str = "keep"
    scrub: tuple[str, ...] = ()


USERS = UserTable("users", "id", "user_profile", "id", omit=("password_hash",))

USER_TABLES: tuple[UserTable, ...] = (
    UserTable(
        "log_entries", "user_id", "log_entries", "id",
        extra={
            "project_name": "(SELECT p.name FROM projects p WHERE p.id = t.project_id)",
            "tags": "(SELECT coalesce(jsonb_agg(g.name ORDER BY g.name), '[]'::jsonb) "
                    "FROM log_entry_tags lt JOIN tags g ON g.id = lt.tag_id "
                    "WHERE lt.log_entry_id = t.id)",
        },
        on_anonymize="scrub", scrub=("description",)),
    UserTable("entry_idempotency_keys", "user_id", "entry_idempotency_keys", "key"),
    # Earlier versions of entries, kept an hour for undo. They hold the old descriptions,
    # so anonymisation drops them rather than scrubbing JSON.
    UserTable("entry_snapshots", "user_id", "entry_snapshots", "id", on_anonymize="drop"),
    # Which calendar occurrences were imported. Event UIDs can name the calendar's owner,
    # and the feed's URL would go on serving the entries: anonymisation drops both.
    UserTable("calendar_imported_events", "user_id", "calendar_imports", "event_key",
              on_anonymize="drop"),
    UserTable("calendar_feeds", "user_id", "calendar_feed", "user_id", omit=("token_hash",),
              on_anonymize="drop"),
    UserTable("active_timers", "user_id", "timers", "user_id",
              on_anonymize="scrub", scrub=("title", "description")),
    UserTable("projects", "owner_id", "projects", "id",
              on_anonymize="scrub", scrub=("description",)),
    UserTable("tags", "user_id", "tags", "id", on_anonymize="scrub", scrub=("description",)),
    # Reports are "insights" in the spec's UserDataExport; anonymisation removes them.
    UserTable("generated_insights", "user_id", "insights", "id", on_anonymize="drop"),
    # Week digests quote entry titles in their highlights; they are rebuilt on demand.
    UserTable("week_digests", "user_id", "week_digests", "week_start", on_anonymize="drop"),
    # Queued and finished work: report tasks carry entries, email tasks the old address.
    UserTable("tasks", "user_id", "tasks", "id", omit=("lease_owner",), on_anonymize="drop"),
    # Session metadata; current_jti is the live refresh token's id, so it stays out.
    UserTable("auth_sessions", "user_id", "sessions", "id", omit=("current_jti",),
              on_anonymize="scrub", scrub=("user_agent", "ip")),
    UserTable("refresh_token_denylist", "user_id", "refresh_token_history", "jti",
              omit=("jti",)),
    UserTable("scheduled_deletions", "user_id", "scheduled_deletions", "id"),
    UserTable("user_teams", "user_id", "team_memberships", "team_id"),
    # A team belongs to its members; the one who created it leaves only their name on it.
    UserTable("teams", "created_by", "teams_created", "id", on_erase="detach"),
)

# Tables with a user id but no foreign key to users, and why they are not the user's data.
NOT_USER_DATA: dict[str, str] = {
    "completed_deletions": "the record that a deletion ran; written only once the user is gone",
}


def all_tables() -> tuple[UserTable, ...]:
    return (USERS, *USER_TABLES)
