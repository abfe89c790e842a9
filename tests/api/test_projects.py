"""/v1/projects against the real API and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def add_entry(db, user_id, project_id, *, start=T0, minutes=60, kind="code",
                    value="medium", impact="personal"):
    """A log entry written straight to SQL, as /v1/logs would store it."""
    return await db.fetchval(
        "INSERT INTO log_entries (user_id, project_id, title, type, start_time, "
        "end_time, value_rating, impact_level) VALUES ($1::uuid, $2::uuid, 'work', $3, $4, $5, "
        "$6, $7) RETURNING id",
        user_id, project_id, kind, start, start + timedelta(minutes=minutes), value, impact,
    )


async def make(user, name="Apollo", **fields):
    r = await user.post("/v1/projects", json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()


async def row(db, project_id):
    return await db.fetchrow("SELECT * FROM projects WHERE id = $1::uuid", project_id)


async def data_version(redis_client, redis_prefix, user_id) -> int:
    raw = await redis_client.get(f"{redis_prefix}datav:{user_id}")
    return int(raw or 0)


async def test_create_stores_row_and_returns_all_fields(alice, db):
    r = await alice.post("/v1/projects", json={
        "name": "  Apollo  ", "description": "Moon", "color": "#AABBCC", "status": "on_hold",
        "start_date": "2026-01-01", "end_date": "2026-06-30", "is_default": True,
    })
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"id", "name", "description", "color", "status", "start_date",
                         "end_date", "is_default", "created_at", "updated_at", "entry_count",
                         "total_minutes"}
    assert body["name"] == "Apollo"
    assert body["color"] == "#aabbcc"
    assert (body["start_date"], body["end_date"]) == ("2026-01-01", "2026-06-30")
    assert (body["entry_count"], body["total_minutes"]) == (0, 0)
    stored = await row(db, body["id"])
    assert str(stored["owner_id"]) == alice.id
    assert stored["name"] == "Apollo" and stored["status"] == "on_hold"
    assert stored["is_default"] is True
    assert str(stored["end_date"]) == "2026-06-30"


async def test_create_minimal_uses_defaults(alice, db):
    body = await make(alice, "Minimal")
    assert body["status"] == "active" and body["color"] == "#3b82f6"
    assert body["description"] == "" and body["is_default"] is False
    assert body["start_date"] is None and body["end_date"] is None
    assert (await row(db, body["id"]))["status"] == "active"


@pytest.mark.parametrize("payload, field", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({}, "name"),
    ({"name": "P", "description": "d" * 2001}, "description"),
    ({"name": "P", "color": "blue"}, "color"),
    ({"name": "P", "color": "#12345"}, "color"),
    ({"name": "P", "status": "archived"}, "status"),
    ({"name": "P", "start_date": "2026-02-30"}, "start_date"),
    ({"name": "P", "start_date": "2026-05-01", "end_date": "2026-04-30"}, "end_date"),
    ({"name": "P", "is_default": "maybe"}, "is_default"),
    ({"name": "P", "owner_id": "00000000-0000-0000-0000-000000000000"}, "owner_id"),
    ({"name": "a\x00b"}, "name"),
])
async def test_create_rejects_bad_input_naming_the_field(alice, db, payload, field):
    r = await alice.post("/v1/projects", json=payload)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]
    assert await db.fetchval("SELECT count(*) FROM projects WHERE owner_id = $1::uuid",
                             alice.id) == 0


async def test_lone_surrogate_is_a_clear_400_not_500(alice, db):
    # The JSON parser (orjson) refuses text that cannot be UTF-8: a malformed body.
    raw = b'{"name": "P", "description": "x\\ud800"}'
    r = await alice.client.post("/v1/projects", content=raw, headers={
        **alice.headers, "content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await db.fetchval("SELECT count(*) FROM projects WHERE owner_id = $1::uuid",
                             alice.id) == 0


async def test_non_object_body_is_400(alice):
    r = await alice.post("/v1/projects", json=["name"])
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_duplicate_name_ignoring_case_is_409_on_create_and_rename(alice, bob, db):
    await make(alice, "Apollo")
    other = await make(alice, "Gemini")
    r = await alice.post("/v1/projects", json={"name": "APOLLO"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "name"
    r = await alice.patch(f"/v1/projects/{other['id']}", json={"name": "apollo"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "name"
    assert (await row(db, other["id"]))["name"] == "Gemini"
    # Names are per user: bob may use the same one.
    await make(bob, "Apollo")


async def test_only_one_default_per_user(alice, bob, db):
    a = await make(alice, "A", is_default=True)
    bobs = await make(bob, "B0", is_default=True)
    b = await make(alice, "B", is_default=True)
    assert (await row(db, a["id"]))["is_default"] is False
    assert (await row(db, b["id"]))["is_default"] is True
    r = await alice.patch(f"/v1/projects/{a['id']}", json={"is_default": True})
    assert r.status_code == 200 and r.json()["is_default"] is True
    defaults = await db.fetch(
        "SELECT id FROM projects WHERE owner_id = $1::uuid AND is_default", alice.id)
    assert [str(d["id"]) for d in defaults] == [a["id"]]
    # A failed write that would set the default clears nothing.
    r = await alice.patch(f"/v1/projects/{b['id']}", json={"is_default": True, "name": "A"})
    assert r.status_code == 409
    assert (await row(db, a["id"]))["is_default"] is True
    assert (await row(db, bobs["id"]))["is_default"] is True


async def test_get_returns_project_with_totals(alice, db):
    p = await make(alice)
    await add_entry(db, alice.id, p["id"], minutes=90)
    await add_entry(db, alice.id, p["id"], minutes=30)
    r = await alice.get(f"/v1/projects/{p['id']}")
    assert r.status_code == 200
    assert (r.json()["entry_count"], r.json()["total_minutes"]) == (2, 120)


async def test_list_filters_paginates_and_counts(alice, db):
    apollo = await make(alice, "Apollo")
    gemini = await make(alice, "Gemini", status="completed")
    await make(alice, "Mercury Seven")
    await add_entry(db, alice.id, apollo["id"], minutes=45)
    await add_entry(db, alice.id, apollo["id"], minutes=15, start=T0 + timedelta(days=1))
    await add_entry(db, alice.id, gemini["id"], minutes=10)
    await add_entry(db, alice.id, None, minutes=500)

    r = await alice.get("/v1/projects")
    body = r.json()
    assert body["total"] == 3 and (body["limit"], body["offset"]) == (50, 0)
    by_name = {p["name"]: p for p in body["items"]}
    assert [p["name"] for p in body["items"]] == ["Apollo", "Gemini", "Mercury Seven"]
    assert (by_name["Apollo"]["entry_count"], by_name["Apollo"]["total_minutes"]) == (2, 60)
    assert (by_name["Gemini"]["entry_count"], by_name["Gemini"]["total_minutes"]) == (1, 10)
    assert by_name["Mercury Seven"]["entry_count"] == 0

    r = await alice.get("/v1/projects", params={"status": "completed"})
    assert [p["name"] for p in r.json()["items"]] == ["Gemini"]
    r = await alice.get("/v1/projects", params={"q": "MERC"})
    assert [p["name"] for p in r.json()["items"]] == ["Mercury Seven"]
    r = await alice.get("/v1/projects", params={"limit": 1, "offset": 1})
    assert r.json()["total"] == 3
    assert [p["name"] for p in r.json()["items"]] == ["Gemini"]


@pytest.mark.parametrize("params, field", [
    ({"status": "archived"}, "status"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"),
    ({"limit": "ten"}, "limit"), ({"colour": "x"}, "colour"), ({"q": "a\x00"}, "q"),
])
async def test_list_rejects_bad_query(alice, params, field):
    r = await alice.get("/v1/projects", params=params)
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]


async def test_default_project_listed_first(alice):
    await make(alice, "Alpha")
    await make(alice, "Zulu", is_default=True)
    r = await alice.get("/v1/projects")
    assert [p["name"] for p in r.json()["items"]] == ["Zulu", "Alpha"]


async def test_put_replaces_every_field(alice, db):
    p = await make(alice, "Apollo", description="old", color="#000000",
                   start_date="2026-01-01")
    r = await alice.put(f"/v1/projects/{p['id']}", json={"name": "Apollo 2", "status": "completed"})
    assert r.status_code == 200, r.text
    stored = await row(db, p["id"])
    assert stored["name"] == "Apollo 2" and stored["status"] == "completed"
    assert stored["description"] == "" and stored["color"] == "#3b82f6"
    assert stored["start_date"] is None
    assert stored["updated_at"] > stored["created_at"]
    r = await alice.put(f"/v1/projects/{p['id']}", json={"description": "no name"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"


async def test_patch_changes_only_sent_fields(alice, db):
    p = await make(alice, "Apollo", description="keep", start_date="2026-01-01")
    r = await alice.patch(f"/v1/projects/{p['id']}", json={"color": "#FF0000"})
    assert r.status_code == 200
    stored = await row(db, p["id"])
    assert stored["color"] == "#ff0000" and stored["description"] == "keep"
    assert str(stored["start_date"]) == "2026-01-01"
    r = await alice.patch(f"/v1/projects/{p['id']}", json={"start_date": None})
    assert r.status_code == 200 and r.json()["start_date"] is None


async def test_patch_checks_end_date_against_stored_start(alice, db):
    p = await make(alice, "Apollo", start_date="2026-05-01")
    r = await alice.patch(f"/v1/projects/{p['id']}", json={"end_date": "2026-04-01"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "end_date"
    assert (await row(db, p["id"]))["end_date"] is None


@pytest.mark.parametrize("payload, field", [
    ({"name": None}, "name"), ({"status": None}, "status"), ({"status": "done"}, "status"),
    ({"color": "#zzzzzz"}, "color"), ({"is_default": None}, "is_default"),
    ({"id": "x"}, "id"),
])
async def test_patch_rejects_bad_input(alice, db, payload, field):
    p = await make(alice, "Apollo")
    r = await alice.patch(f"/v1/projects/{p['id']}", json=payload)
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]
    stored = await row(db, p["id"])
    assert stored["name"] == "Apollo" and stored["status"] == "active"


async def test_archive_is_status_completed(alice):
    p = await make(alice, "Apollo")
    await make(alice, "Gemini")
    r = await alice.patch(f"/v1/projects/{p['id']}", json={"status": "completed"})
    assert r.json()["status"] == "completed"
    r = await alice.get("/v1/projects", params={"status": "active"})
    assert [x["name"] for x in r.json()["items"]] == ["Gemini"]


async def test_delete_with_entries_is_409_and_keeps_everything(alice, db):
    p = await make(alice, "Apollo")
    e1 = await add_entry(db, alice.id, p["id"])
    await add_entry(db, alice.id, p["id"])
    r = await alice.delete(f"/v1/projects/{p['id']}")
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["entry_count"] == 2
    assert "move" in r.json()["detail"].lower()
    assert await row(db, p["id"]) is not None
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE project_id = $1::uuid",
                             p["id"]) == 2
    await db.execute("DELETE FROM log_entries WHERE project_id = $1::uuid", p["id"])
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE id = $1", e1) == 0
    r = await alice.delete(f"/v1/projects/{p['id']}")
    assert r.status_code == 204
    assert await row(db, p["id"]) is None


async def test_delete_empty_project_and_missing_ids(alice, db):
    p = await make(alice, "Apollo")
    assert (await alice.delete(f"/v1/projects/{p['id']}")).status_code == 204
    assert await row(db, p["id"]) is None
    assert (await alice.delete(f"/v1/projects/{p['id']}")).status_code == 404
    assert (await alice.get(f"/v1/projects/{p['id']}")).status_code == 404
    assert (await alice.get("/v1/projects/not-a-uuid")).status_code == 404


async def test_stats_match_hand_computed_numbers(alice, db):
    p = await make(alice, "Apollo")
    other = await make(alice, "Other")
    await add_entry(db, alice.id, p["id"], start=T0, minutes=60, kind="code",
                    value="high", impact="team")
    await add_entry(db, alice.id, p["id"], start=T0 + timedelta(days=1), minutes=30,
                    kind="code", value="low", impact="personal")
    await add_entry(db, alice.id, p["id"], start=T0 + timedelta(days=3), minutes=45,
                    kind="review", value="high", impact="product")
    await add_entry(db, alice.id, other["id"], start=T0 + timedelta(days=9), minutes=999)
    r = await alice.get(f"/v1/projects/{p['id']}/stats")
    assert r.status_code == 200
    s = r.json()
    assert s["project_id"] == p["id"]
    assert (s["entry_count"], s["total_minutes"]) == (3, 135)
    assert s["by_type"]["code"] == 90 and s["by_type"]["review"] == 45
    assert s["by_type"]["meeting"] == 0 and sum(s["by_type"].values()) == 135
    assert s["by_value"] == {"low": 30, "medium": 0, "high": 105}
    assert s["by_impact"] == {"personal": 30, "team": 60, "product": 45, "company": 0}
    assert datetime.fromisoformat(s["first_activity"]) == T0
    assert datetime.fromisoformat(s["last_activity"]) == T0 + timedelta(days=3, minutes=45)


async def test_stats_of_empty_project(alice):
    p = await make(alice, "Apollo")
    s = (await alice.get(f"/v1/projects/{p['id']}/stats")).json()
    assert (s["entry_count"], s["total_minutes"]) == (0, 0)
    assert s["first_activity"] is None and s["last_activity"] is None
    assert set(s["by_value"].values()) == {0}


async def test_writes_bump_data_version(alice, redis_client, redis_prefix):
    v0 = await data_version(redis_client, redis_prefix, alice.id)
    p = await make(alice, "Apollo")
    v1 = await data_version(redis_client, redis_prefix, alice.id)
    await alice.patch(f"/v1/projects/{p['id']}", json={"color": "#000000"})
    v2 = await data_version(redis_client, redis_prefix, alice.id)
    await alice.put(f"/v1/projects/{p['id']}", json={"name": "Apollo"})
    v3 = await data_version(redis_client, redis_prefix, alice.id)
    await alice.delete(f"/v1/projects/{p['id']}")
    v4 = await data_version(redis_client, redis_prefix, alice.id)
    assert v0 < v1 < v2 < v3 < v4


async def test_requires_token(client):
    assert (await client.get("/v1/projects")).status_code == 401
    assert (await client.post("/v1/projects", json={"name": "x"})).status_code == 401


async def test_bob_cannot_see_or_change_alices_project(alice, bob, db):
    p = await make(alice, "Apollo", description="secret", is_default=True)
    await add_entry(db, alice.id, p["id"], minutes=30)
    before = dict(await row(db, p["id"]))
    url = f"/v1/projects/{p['id']}"
    assert (await bob.get(url)).status_code == 404
    assert (await bob.get(url + "/stats")).status_code == 404
    assert (await bob.put(url, json={"name": "Mine"})).status_code == 404
    assert (await bob.patch(url, json={"name": "Mine"})).status_code == 404
    assert (await bob.patch(url, json={"is_default": False})).status_code == 404
    assert (await bob.delete(url)).status_code == 404
    listed = (await bob.get("/v1/projects")).json()
    assert listed["total"] == 0 and listed["items"] == []
    assert (await bob.get("/v1/projects", params={"q": "apo"})).json()["items"] == []
    await make(bob, "Bob's", is_default=True)
    assert dict(await row(db, p["id"])) == before
    assert (await alice.get(url)).json()["entry_count"] == 1


async def test_database_refuses_a_second_default(alice, db):
    import asyncpg

    await make(alice, "A", is_default=True)
    with pytest.raises(asyncpg.UniqueViolationError):
        await db.execute("INSERT INTO projects (owner_id, name, is_default) "
                         "VALUES ($1::uuid, 'B', TRUE)", alice.id)


async def test_openapi_documents_project_endpoints(client):
    spec = (await client.get("/docs/openapi.json")).json()
    paths = spec["paths"]
    ops = {("/v1/projects", "get"), ("/v1/projects", "post"),
           ("/v1/projects/{project_id}", "get"), ("/v1/projects/{project_id}", "put"),
           ("/v1/projects/{project_id}", "patch"), ("/v1/projects/{project_id}", "delete"),
           ("/v1/projects/{project_id}/stats", "get")}
    for path, method in ops:
        op = paths[path][method]
        assert op["security"] == [{"bearer": []}], (path, method)
        assert "401" in op["responses"]
    assert "entry_count" in paths["/v1/projects/{project_id}"]["delete"]["description"]
    assert "409" in paths["/v1/projects/{project_id}"]["delete"]["responses"]


async def test_entries_written_through_the_logs_api_count(alice, bob, db):
    p = await make(alice, "Apollo")
    r = await alice.post("/v1/logs", json={
        "title": "Ship it", "type": "code", "project_id": p["id"],
        "start_time": "2026-03-02T09:00:00Z", "end_time": "2026-03-02T10:15:00Z"})
    assert r.status_code == 201, r.text
    got = (await alice.get(f"/v1/projects/{p['id']}")).json()
    assert (got["entry_count"], got["total_minutes"]) == (1, 75)
    assert (await alice.get(f"/v1/projects/{p['id']}/stats")).json()["by_type"]["code"] == 75
    assert (await alice.delete(f"/v1/projects/{p['id']}")).status_code == 409
    # bob cannot file an entry under alice's project either.
    r = await bob.post("/v1/logs", json={
        "title": "Sneak", "type": "code", "project_id": p["id"],
        "start_time": "2026-03-02T09:00:00Z", "end_time": "2026-03-02T10:00:00Z"})
    assert r.status_code in (404, 422)
    assert (await alice.get(f"/v1/projects/{p['id']}")).json()["entry_count"] == 1
