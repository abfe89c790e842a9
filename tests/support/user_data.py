"""A user with a row in every table that has a foreign key to users, and the list of those
tables read from information_schema (never kept by hand), for the GDPR tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.support.users import ApiUser, register

USER_FK_SQL = """
SELECT DISTINCT kcu.table_name AS table, kcu.column_name AS column
FROM information_schema.referential_constraints rc
JOIN information_schema.key_column_usage kcu
  ON kcu.constraint_schema = rc.constraint_schema AND kcu.constraint_name = rc.constraint_name
JOIN information_schema.key_column_usage ref
  ON ref.constraint_schema = rc.unique_constraint_schema
 AND ref.constraint_name = rc.unique_constraint_name
 AND ref.ordinal_position = kcu.position_in_unique_constraint
WHERE ref.table_name = 'users' AND ref.column_name = 'id'
  AND kcu.table_schema = current_schema()
ORDER BY 1, 2
"""


async def user_fk_columns(db) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to users(id)."""
    return [(r["table"], r["column"]) for r in await db.fetch(USER_FK_SQL)]


async def rows_per_table(db, user_id: str) -> dict[str, int]:
    counts = {f"{t}.{c}": await db.fetchval(f'SELECT count(*) FROM "{t}" WHERE "{c}" = $1::uuid',
                                            user_id)
              for t, c in await user_fk_columns(db)}
    counts["users.id"] = await db.fetchval("SELECT count(*) FROM users WHERE id = $1::uuid",
                                           user_id)
    return counts


async def _ok(r: httpx.Response, status: int = 201) -> dict:
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.text}"
    return r.json() if r.content else {}


# Tables no endpoint writes (yet): one row each, straight into the database.
SQL_SEEDERS = {
    "teams": ["INSERT INTO teams (name, description, created_by) "
              "VALUES ('Platform', 'the platform team', $1::uuid)"],
    "user_teams": ["INSERT INTO user_teams (user_id, team_id) "
                   "SELECT $1::uuid, id FROM teams WHERE created_by = $1::uuid LIMIT 1"],
    # Written when a worker completes a report; no worker runs in the GDPR tests.
    "week_digests": ["INSERT INTO week_digests (user_id, week_start, fingerprint, highlights) "
                     "VALUES ($1::uuid, DATE '2026-11-02', repeat('0', 64), "
                     "'[{\"entry_id\": \"x\", \"sentence\": \"Wrote the A-0 compiler.\"}]')"],
}


def _one_event_ics() -> bytes:
    """A meeting yesterday: inside the import's default window (the 90 days through today)."""
    day = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//EngLog tests//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uuid.uuid4()}@example.com\r\nDTSTAMP:{day}T080000Z\r\n"
        f"DTSTART:{day}T100000Z\r\nDTEND:{day}T103000Z\r\nSUMMARY:Design review\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n").encode()


async def seed_everything(client: httpx.AsyncClient, db) -> ApiUser:
    """Register a user and give them data in every user-keyed table, through the API where
    an endpoint writes the table."""
    user = await register(client, first_name="Grace", last_name="Hopper")
    project = await _ok(await user.post("/v1/projects", json={
        "name": "Compiler", "description": "secret project notes"}))
    await _ok(await user.post("/v1/tags", json={"name": "cobol", "description": "my tag"}))
    entry = await _ok(await client.post("/v1/logs", headers=user.headers | {
        "Idempotency-Key": f"k-{uuid.uuid4()}"}, json={
        "title": "=Write the A-0 compiler", "description": "private details of the day",
        "type": "code", "project_id": project["id"], "tags": ["cobol", "python"],
        "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:30:00+00:00"}))
    # An edit keeps the previous version for undo (entry_snapshots); this one changes no field.
    await _ok(await user.patch(f"/v1/logs/{entry['id']}", json={
        "title": "=Write the A-0 compiler"}), 200)
    await _ok(await user.post("/v1/timers/start", json={
        "title": "Debugging", "description": "a moth in relay 70"}))
    await _ok(await user.post("/v1/insights/generate", json={
        "report_type": "daily", "period_start": "2026-11-02", "period_end": "2026-11-02"}),
        202)
    login = await _ok(await client.post("/v1/auth/login", json={
        "email": user.email, "password": user.password}), 200)
    await _ok(await client.post("/v1/auth/refresh", json={
        "refresh_token": login["refresh_token"]}), 200)
    await _ok(await user.post("/v1/users/me/deletion", json={"after_days": 30}))
    await _ok(await client.post("/v1/import/calendar", headers=user.headers | {
        "content-type": "text/calendar"}, content=_one_event_ics()))
    await _ok(await user.post("/v1/users/me/calendar-feed"))
    for statements in SQL_SEEDERS.values():
        for sql in statements:
            await db.execute(sql, user.id)
    # Warm the caches derived from the user, so the deletion has Redis keys to remove.
    await _ok(await user.get("/v1/analytics/dashboard"), 200)
    await _ok(await user.get("/v1/auth/me"), 200)
    return user
