"""/v1/tags against the real API and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

PREDEFINED_CATEGORIES = {"priority", "technology", "activity_focus", "collaboration", "skills"}


async def add_entry(db, user_id, tag_ids, *, days_ago=1, minutes=60):
    """A tagged log entry written straight to SQL, as /v1/logs would store it."""
    start = datetime.now(UTC) - timedelta(days=days_ago)
    entry = await db.fetchval(
        "INSERT INTO log_entries (user_id, title, type, start_time, end_time) "
        "VALUES ($1::uuid, 'work', 'code', $2, $3) RETURNING id",
        user_id, start, start + timedelta(minutes=minutes),
    )
    for t in tag_ids:
        await db.execute("INSERT INTO log_entry_tags (log_entry_id, tag_id) VALUES ($1, $2::uuid)",
                         entry, t)
    return entry


async def predefined_id(db, name):
    return str(await db.fetchval("SELECT id FROM tags WHERE user_id IS NULL AND name = $1", name))


async def make(user, name, **fields):
    r = await user.post("/v1/tags", json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()


async def all_tags(user, **params):
    r = await user.get("/v1/tags", params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return r.json()


async def test_predefined_tags_listed_with_categories(alice, db):
    n = await db.fetchval("SELECT count(*) FROM tags WHERE user_id IS NULL")
    body = await all_tags(alice)
    assert n >= 30 and body["total"] == n and len(body["items"]) == n
    cats = {t["category"] for t in body["items"]}
    assert cats == PREDEFINED_CATEGORIES
    py = next(t for t in body["items"] if t["name"] == "python")
    assert py["is_predefined"] is True and py["usage_count"] == 0
    assert py["category"] == "technology"
    names = [t["name"] for t in body["items"]]
    assert names == sorted(names)


async def test_create_normalises_and_stores(alice, db):
    r = await alice.post("/v1/tags", json={"name": "  Release Train ", "category": "Team Rituals",
                                           "color": "#ABCDEF", "description": "quarterly"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["name"] == "release-train" and body["category"] == "team_rituals"
    assert body["color"] == "#abcdef" and body["usage_count"] == 0
    assert body["is_predefined"] is False
    stored = await db.fetchrow("SELECT * FROM tags WHERE id = $1::uuid", body["id"])
    assert str(stored["user_id"]) == alice.id and stored["name"] == "release-train"
    assert stored["description"] == "quarterly"


async def test_create_conflicts(alice, db):
    await make(alice, "oncall")
    r = await alice.post("/v1/tags", json={"name": "OnCall"})
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "name"
    r = await alice.post("/v1/tags", json={"name": "Python"})
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "name"
    assert "predefined" in r.json()["detail"]
    assert await db.fetchval("SELECT count(*) FROM tags WHERE user_id = $1::uuid", alice.id) == 1


@pytest.mark.parametrize("payload, field", [
    ({"name": "!!"}, "name"), ({"name": ""}, "name"), ({"name": "x" * 51}, "name"),
    ({}, "name"), ({"name": 5}, "name"),
    ({"name": "ok", "color": "grey"}, "color"),
    ({"name": "ok", "category": "9lives"}, "category"),
    ({"name": "ok", "description": "d" * 501}, "description"),
    ({"name": "ok", "user_id": None}, "user_id"),
    ({"name": "ok", "description": "a\x00"}, "description"),
    ({"name": "a\x00"}, "name"),
])
async def test_create_rejects_bad_input(alice, db, payload, field):
    r = await alice.post("/v1/tags", json=payload)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]
    assert await db.fetchval("SELECT count(*) FROM tags WHERE user_id = $1::uuid", alice.id) == 0


async def test_usage_counts_only_the_users_entries(alice, bob, db):
    py, sql = await predefined_id(db, "python"), await predefined_id(db, "sql")
    mine = await make(alice, "oncall")
    await add_entry(db, alice.id, [py, mine["id"]])
    await add_entry(db, alice.id, [py])
    for _ in range(3):
        await add_entry(db, bob.id, [py, sql])
    counts = {t["name"]: t["usage_count"] for t in (await all_tags(alice))["items"]}
    assert (counts["python"], counts["oncall"], counts["sql"]) == (2, 1, 0)
    counts = {t["name"]: t["usage_count"] for t in (await all_tags(bob))["items"]}
    assert (counts["python"], counts["sql"]) == (3, 3)
    assert "oncall" not in counts


async def test_list_filters_sort_and_pagination(alice, db):
    await make(alice, "oncall", category="ops_work")
    await make(alice, "pagerduty", category="ops_work")
    await add_entry(db, alice.id, [await predefined_id(db, "go")])
    await add_entry(db, alice.id, [await predefined_id(db, "go")])
    await add_entry(db, alice.id, [await predefined_id(db, "aws")])

    mine = await all_tags(alice, mine="true")
    assert [t["name"] for t in mine["items"]] == ["oncall", "pagerduty"] and mine["total"] == 2
    prio = await all_tags(alice, category="priority")
    assert {t["name"] for t in prio["items"]} == {"p0-critical", "p1-high", "p2-medium", "p3-low"}
    assert [t["name"] for t in (await all_tags(alice, q="DUTY"))["items"]] == ["pagerduty"]
    by_usage = await all_tags(alice, sort="-usage")
    assert [t["name"] for t in by_usage["items"][:2]] == ["go", "aws"]
    n = await db.fetchval("SELECT count(*) FROM tags WHERE user_id IS NULL")
    r = await alice.get("/v1/tags", params={"limit": 5, "offset": n})
    assert r.json()["total"] == n + 2 and len(r.json()["items"]) == 2


@pytest.mark.parametrize("params, field", [
    ({"sort": "usage"}, "sort"), ({"mine": "perhaps"}, "mine"), ({"limit": 201}, "limit"),
    ({"bogus": "1"}, "bogus"), ({"q": "\x00"}, "q"), ({"category": "x\x00"}, "category"),
])
async def test_list_rejects_bad_query(alice, params, field):
    r = await alice.get("/v1/tags", params=params)
    assert r.status_code == 422
    assert field in [e["field"] for e in r.json()["errors"]]


async def test_popular_counts_the_recent_window(alice, db):
    py, go = await predefined_id(db, "python"), await predefined_id(db, "go")
    mine = await make(alice, "oncall")
    await add_entry(db, alice.id, [py], days_ago=1, minutes=30)
    await add_entry(db, alice.id, [py, mine["id"]], days_ago=5, minutes=20)
    await add_entry(db, alice.id, [go], days_ago=10)
    for _ in range(3):
        await add_entry(db, alice.id, [go], days_ago=60)

    r = await alice.get("/v1/tags/popular")
    assert r.status_code == 200
    body = r.json()
    assert body["days"] == 30 and body["total"] == 3 and body["limit"] == 10
    assert [(t["name"], t["usage_count"]) for t in body["items"]] == [
        ("python", 2), ("go", 1), ("oncall", 1)]
    assert body["items"][0]["minutes"] == 50
    since = datetime.fromisoformat(body["since"])
    assert timedelta(days=29) < datetime.now(UTC) - since < timedelta(days=31)

    r = await alice.get("/v1/tags/popular", params={"days": 90, "limit": 1})
    assert [(t["name"], t["usage_count"]) for t in r.json()["items"]] == [("go", 4)]
    assert r.json()["total"] == 3
    r = await alice.get("/v1/tags/popular", params={"days": 0})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "days"


async def test_delete_own_tag_keeps_entries(alice, db):
    tag = await make(alice, "oncall")
    entry = await add_entry(db, alice.id, [tag["id"], await predefined_id(db, "sql")])
    r = await alice.delete(f"/v1/tags/{tag['id']}")
    assert r.status_code == 204
    assert await db.fetchval("SELECT count(*) FROM tags WHERE id = $1::uuid", tag["id"]) == 0
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE id = $1", entry) == 1
    assert await db.fetchval("SELECT count(*) FROM log_entry_tags WHERE log_entry_id = $1",
                             entry) == 1
    assert (await alice.delete(f"/v1/tags/{tag['id']}")).status_code == 404


async def test_predefined_tag_cannot_be_deleted(alice, db):
    py = await predefined_id(db, "python")
    r = await alice.delete(f"/v1/tags/{py}")
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await db.fetchval("SELECT count(*) FROM tags WHERE id = $1::uuid", py) == 1


async def test_categories_with_counts(alice, db):
    await make(alice, "oncall", category="ops_work")
    await make(alice, "misc")
    await add_entry(db, alice.id, [await predefined_id(db, "go"), await predefined_id(db, "sql")])
    r = await alice.get("/v1/tags/categories")
    assert r.status_code == 200
    body = r.json()
    cats = {c["category"]: (c["tag_count"], c["usage_count"]) for c in body["items"]}
    assert cats["technology"] == (9, 2)
    assert cats["priority"] == (4, 0)
    assert cats["ops_work"] == (1, 0) and cats[None] == (1, 0)
    assert body["total"] == len(cats) and body["items"][-1]["category"] is None
    assert set(cats) == PREDEFINED_CATEGORIES | {"ops_work", None}


async def test_writes_bump_data_version(alice, redis_client, redis_prefix):
    key = f"{redis_prefix}datav:{alice.id}"
    v0 = int(await redis_client.get(key) or 0)
    tag = await make(alice, "oncall")
    v1 = int(await redis_client.get(key) or 0)
    await alice.delete(f"/v1/tags/{tag['id']}")
    v2 = int(await redis_client.get(key) or 0)
    assert v0 < v1 < v2


async def test_bob_never_sees_or_changes_alices_tags(alice, bob, db):
    tag = await make(alice, "secret-project", category="hidden_cat")
    await add_entry(db, alice.id, [tag["id"]])
    assert (await bob.delete(f"/v1/tags/{tag['id']}")).status_code == 404
    assert await db.fetchval("SELECT count(*) FROM tags WHERE id = $1::uuid", tag["id"]) == 1
    assert await db.fetchval("SELECT count(*) FROM log_entry_tags WHERE tag_id = $1::uuid",
                             tag["id"]) == 1
    names = {t["name"] for t in (await all_tags(bob))["items"]}
    n = await db.fetchval("SELECT count(*) FROM tags WHERE user_id IS NULL")
    assert "secret-project" not in names and len(names) == n
    assert (await all_tags(bob, mine="true"))["items"] == []
    assert (await all_tags(bob, q="secret"))["items"] == []
    assert (await all_tags(bob, category="hidden_cat"))["total"] == 0
    assert (await bob.get("/v1/tags/popular")).json()["items"] == []
    cats = {c["category"] for c in (await bob.get("/v1/tags/categories")).json()["items"]}
    assert cats == PREDEFINED_CATEGORIES
    # The same name is free for bob, and his tag is a separate row.
    bobs = await make(bob, "secret-project")
    assert bobs["id"] != tag["id"]
    alice_names = [t["name"] for t in (await all_tags(alice, mine="true"))["items"]]
    assert alice_names == ["secret-project"]


async def test_requires_token(client):
    assert (await client.get("/v1/tags")).status_code == 401
    assert (await client.get("/v1/tags/popular")).status_code == 401
    assert (await client.post("/v1/tags", json={"name": "x"})).status_code == 401


async def test_openapi_documents_tag_endpoints(client):
    paths = (await client.get("/docs/openapi.json")).json()["paths"]
    for path, method in [("/v1/tags", "get"), ("/v1/tags", "post"), ("/v1/tags/popular", "get"),
                         ("/v1/tags/categories", "get"), ("/v1/tags/{tag_id}", "delete")]:
        op = paths[path][method]
        assert op["security"] == [{"bearer": []}], (path, method)
    assert "403" in paths["/v1/tags/{tag_id}"]["delete"]["responses"]


async def test_tags_created_by_the_logs_api_are_counted(alice, bob):
    r = await alice.post("/v1/logs", json={
        "title": "Fix", "type": "debug", "tags": ["Python", "Flaky Test"],
        "start_time": "2026-03-02T09:00:00Z", "end_time": "2026-03-02T10:00:00Z"})
    assert r.status_code == 201, r.text
    counts = {t["name"]: t["usage_count"] for t in (await all_tags(alice))["items"]}
    assert (counts["python"], counts["flaky-test"]) == (1, 1)
    mine = (await all_tags(alice, mine="true"))["items"]
    assert [t["name"] for t in mine] == ["flaky-test"]
    assert "flaky-test" not in {t["name"] for t in (await all_tags(bob))["items"]}
    r = await alice.post("/v1/tags", json={"name": "flaky test"})
    assert r.status_code == 409
