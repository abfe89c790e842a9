"""Undo (issue 12): POST /v1/logs/{id}/restore brings an entry back exactly as it was
before its last edit or deletion: same id, fields, tags, created_at and updated_at."""

from __future__ import annotations

import uuid

import pytest

from tests.support.users import register

ENTRY = {"title": "Fix the refresh race", "description": "token reuse", "type": "code",
         "tags": ["bug-fix", "auth"], "start_time": "2026-11-16T09:00:00Z",
         "end_time": "2026-11-16T10:30:00Z", "value_rating": "high", "impact_level": "product"}


@pytest.fixture
async def user(client):
    return await register(client)


@pytest.fixture
async def other(client):
    return await register(client)


async def stored(db, entry_id):
    """Everything stored about the entry: its row and its tag links."""
    row = await db.fetchrow("SELECT * FROM log_entries WHERE id = $1::uuid", entry_id)
    tags = await db.fetch("SELECT t.name FROM log_entry_tags lt JOIN tags t ON t.id = lt.tag_id "
                          "WHERE lt.log_entry_id = $1::uuid ORDER BY t.name", entry_id)
    return (dict(row) if row else None), [t["name"] for t in tags]


async def create(user, db, **extra):
    project = await db.fetchval(
        "INSERT INTO projects (owner_id, name) VALUES ($1::uuid, $2) RETURNING id",
        user.id, f"p-{uuid.uuid4().hex[:8]}")
    r = await user.post("/v1/logs", json={**ENTRY, "project_id": str(project), **extra})
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_deleted_entry_comes_back_exactly_with_its_id_and_tags(user, db):
    entry = await create(user, db)
    before_row, before_tags = await stored(db, entry["id"])
    before_api = (await user.get(f"/v1/logs/{entry['id']}")).json()

    assert (await user.delete(f"/v1/logs/{entry['id']}")).status_code == 204
    assert await stored(db, entry["id"]) == (None, [])

    r = await user.post(f"/v1/logs/{entry['id']}/restore")
    assert r.status_code == 200, r.text
    assert r.json() == before_api
    assert await stored(db, entry["id"]) == (before_row, before_tags)
    assert before_tags == ["auth", "bug-fix"]
    # Restored once: nothing more to undo.
    assert (await user.post(f"/v1/logs/{entry['id']}/restore")).status_code == 404


async def test_an_edit_is_undone_by_writing_back_the_previous_version(user, db):
    entry = await create(user, db)
    before_row, before_tags = await stored(db, entry["id"])
    r = await user.patch(f"/v1/logs/{entry['id']}", json={
        "title": "Renamed", "tags": ["other"], "project_id": None,
        "end_time": "2026-11-16T11:00:00Z"})
    assert r.status_code == 200, r.text
    after_row, _ = await stored(db, entry["id"])
    assert after_row["title"] == "Renamed" and after_row["updated_at"] > before_row["updated_at"]

    r = await user.post(f"/v1/logs/{entry['id']}/restore")
    assert r.status_code == 200, r.text
    assert r.json()["title"] == ENTRY["title"]
    # Exactly: updated_at too goes back to what it was.
    assert await stored(db, entry["id"]) == (before_row, before_tags)


async def test_undo_walks_back_one_change_at_a_time(user, db):
    entry = await create(user, db)
    v0 = await stored(db, entry["id"])
    assert (await user.put(f"/v1/logs/{entry['id']}",
                           json={**ENTRY, "title": "v1", "tags": []})).status_code == 200
    v1 = await stored(db, entry["id"])
    assert (await user.delete(f"/v1/logs/{entry['id']}")).status_code == 204

    assert (await user.post(f"/v1/logs/{entry['id']}/restore")).status_code == 200
    assert await stored(db, entry["id"]) == v1
    assert (await user.post(f"/v1/logs/{entry['id']}/restore")).status_code == 200
    assert await stored(db, entry["id"]) == v0
    assert (await user.post(f"/v1/logs/{entry['id']}/restore")).status_code == 404
    assert await stored(db, entry["id"]) == v0


async def test_another_user_cannot_restore_or_see_a_deleted_entry(user, other, db):
    entry = await create(user, db)
    assert (await user.delete(f"/v1/logs/{entry['id']}")).status_code == 204
    snapshots = await db.fetchval("SELECT count(*) FROM entry_snapshots WHERE user_id = $1::uuid",
                                  user.id)
    r = await other.post(f"/v1/logs/{entry['id']}/restore")
    assert r.status_code == 404
    assert await stored(db, entry["id"]) == (None, [])
    assert await db.fetchval("SELECT count(*) FROM entry_snapshots WHERE user_id = $1::uuid",
                             user.id) == snapshots == 1
    # The owner still can.
    assert (await user.post(f"/v1/logs/{entry['id']}/restore")).status_code == 200


async def test_another_user_cannot_undo_an_edit(user, other, db):
    entry = await create(user, db)
    assert (await user.patch(f"/v1/logs/{entry['id']}", json={"title": "mine"})).status_code \
        == 200
    edited = await stored(db, entry["id"])
    assert (await other.post(f"/v1/logs/{entry['id']}/restore")).status_code == 404
    assert await stored(db, entry["id"]) == edited


async def test_restore_of_unknown_ids_and_outside_the_window(user, db):
    assert (await user.post(f"/v1/logs/{uuid.uuid4()}/restore")).status_code == 404
    assert (await user.post("/v1/logs/not-a-uuid/restore")).status_code == 404
    entry = await create(user, db)
    assert (await user.delete(f"/v1/logs/{entry['id']}")).status_code == 204
    await db.execute("UPDATE entry_snapshots SET taken_at = now() - interval '2 hours' "
                     "WHERE log_entry_id = $1::uuid", entry["id"])
    assert (await user.post(f"/v1/logs/{entry['id']}/restore")).status_code == 404
    assert await stored(db, entry["id"]) == (None, [])


async def test_restore_when_the_project_was_deleted_since_is_409(user, db):
    entry = await create(user, db)
    assert (await user.delete(f"/v1/logs/{entry['id']}")).status_code == 204
    await db.execute("DELETE FROM projects WHERE id = $1::uuid", entry["project_id"])
    r = await user.post(f"/v1/logs/{entry['id']}/restore")
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await stored(db, entry["id"]) == (None, [])
    # The snapshot stays: nothing was partly done.
    assert await db.fetchval("SELECT count(*) FROM entry_snapshots WHERE log_entry_id = "
                             "$1::uuid", entry["id"]) == 1


async def test_restore_refreshes_analytics(user, db):
    entry = await create(user, db, start_time="2026-11-17T09:00:00Z",
                         end_time="2026-11-17T10:00:00Z")
    period = {"start_date": "2026-11-17", "end_date": "2026-11-17"}
    first = (await user.get("/v1/analytics/time-distribution", params=period)).json()
    assert (await user.delete(f"/v1/logs/{entry['id']}")).status_code == 204
    gone = (await user.get("/v1/analytics/time-distribution", params=period)).json()
    assert gone != first
    assert (await user.post(f"/v1/logs/{entry['id']}/restore")).status_code == 200
    assert (await user.get("/v1/analytics/time-distribution", params=period)).json() == first
