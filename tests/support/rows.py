"""Rows written straight into the test database, for tests whose subject is what the API
computes from them (analytics, report facts), not how it stores them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta


async def add_project(db, user_id: str, name: str) -> uuid.UUID:
    return await db.fetchval(
        "INSERT INTO projects (owner_id, name) VALUES ($1::uuid, $2) RETURNING id", user_id, name)


async def add_entry(db, user_id: str, start: datetime, minutes: int, activity: str,
                    value: str = "medium", impact: str = "personal",
                    project: uuid.UUID | None = None, tags: tuple[str, ...] = (),
                    title: str | None = None) -> uuid.UUID:
    """One entry (duration_minutes is the generated column), with predefined tags by name."""
    entry_id = await db.fetchval(
        "INSERT INTO log_entries (user_id, project_id, title, type, start_time, "
        "end_time, value_rating, impact_level) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8) "
        "RETURNING id",
        user_id, project, title or f"{activity} {start:%m-%d %H:%M}", activity, start,
        start + timedelta(minutes=minutes), value, impact)
    for tag in tags:
        await db.execute(
            "INSERT INTO log_entry_tags (log_entry_id, tag_id) "
            "SELECT $1, id FROM tags WHERE name = $2 AND user_id IS NULL", entry_id, tag)
    return entry_id
