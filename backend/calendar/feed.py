"""The calendar feed: a secret URL serving the user's entries as an iCalendar file, for
Google Calendar, Outlook and the like to subscribe to.

The token in the URL is the only credential (calendar apps cannot send a bearer token), so
it is long and random (256 bits), and only its SHA-256 is stored: whoever reads the
database cannot subscribe. Creating a feed again replaces the hash, which kills the old URL.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import icalendar

from backend.db.setup import db
from backend.logs.queries import COLUMNS, TAGS_EXPR

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
# Subscribed calendars poll the whole file every few hours; about a year of entries (the
# newest 5,000) keeps it useful and small.
FEED_DAYS = 400
FEED_MAX_EVENTS = 5000
REFRESH = timedelta(hours=1)

_UPSERT = """INSERT INTO calendar_feeds (user_id, token_hash) VALUES ($1, $2)
ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now(),
    last_fetched_at = NULL
RETURNING created_at"""
_STATUS = "SELECT created_at, last_fetched_at FROM calendar_feeds WHERE user_id = $1"
_DELETE = "DELETE FROM calendar_feeds WHERE user_id = $1"
_OWNER = """UPDATE calendar_feeds f SET last_fetched_at = now()
FROM users u WHERE f.token_hash = $1 AND u.id = f.user_id AND u.is_active
RETURNING u.id, u.first_name, u.last_name, u.email"""
_ENTRIES = f"""SELECT {COLUMNS}, {TAGS_EXPR}
FROM log_entries e LEFT JOIN projects p ON p.id = e.project_id
WHERE e.user_id = $1 AND e.start_time >= $2
ORDER BY e.start_time DESC, e.id DESC LIMIT $3"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_path(token: str) -> str:
    return f"/v1/feeds/{token}.ics"


async def create(user_id: UUID) -> tuple[str, datetime]:
    """A new token for the user's feed (the old one stops working); the token is returned
    once and never stored."""
    token = secrets.token_urlsafe(32)
    rows = await db().execute_query_dict(_UPSERT, [user_id, token_hash(token)])
    return token, rows[0]["created_at"]


async def status(user_id: UUID) -> dict[str, Any] | None:
    rows = await db().execute_query_dict(_STATUS, [user_id])
    return rows[0] if rows else None


async def disable(user_id: UUID) -> None:
    await db().execute_query(_DELETE, [user_id])


async def owner(token: str) -> dict[str, Any] | None:
    """The active user whose feed this token opens, or None."""
    if not TOKEN.fullmatch(token):
        return None
    rows = await db().execute_query_dict(_OWNER, [token_hash(token)])
    return rows[0] if rows else None


def _event(row: dict[str, Any]) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", f"{row['id']}@englog")
    ev.add("dtstamp", row["updated_at"].astimezone(UTC))
    ev.add("created", row["created_at"].astimezone(UTC))
    ev.add("last-modified", row["updated_at"].astimezone(UTC))
    ev.add("dtstart", row["start_time"].astimezone(UTC))
    ev.add("dtend", row["end_time"].astimezone(UTC))
    ev.add("summary", row["title"])
    about = [f"Type: {row['type']}", f"Value: {row['value_rating']}",
             f"Impact: {row['impact_level']}"]
    if row["project_name"]:
        about.insert(1, f"Project: {row['project_name']}")
    if row["tags"]:
        about.append("Tags: " + ", ".join(row["tags"]))
    ev.add("description", "\n".join([*about, "", row["description"]]).strip())
    ev.add("categories", [row["type"], *row["tags"]])
    # Logged work is in the past and must not block anyone's free/busy time.
    ev.add("transp", "TRANSPARENT")
    return ev


async def ics(user: dict[str, Any], now: datetime | None = None) -> bytes:
    since = (now or datetime.now(UTC)) - timedelta(days=FEED_DAYS)
    rows = await db().execute_query_dict(_ENTRIES, [user["id"], since, FEED_MAX_EVENTS])
    cal = icalendar.Calendar()
    name = " ".join(p for p in (user["first_name"], user["last_name"]) if p) or user["email"]
    cal.add("prodid", "-//EngLog//Work log feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"EngLog: {name}")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    for row in reversed(rows):
        cal.add_component(_event(row))
    return cal.to_ical()
