"""/v1/logs against the real API and database: CRUD, validation, tags, filters, bulk, isolation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.users import register

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def entry(**over):
    body = {
        "title": "Fix flaky login test",
        "type": "debug",
        "start_time": T0.isoformat(),
        "end_time": (T0 + timedelta(minutes=90)).isoformat(),
    }
    body.update(over)
    return body


async def make_project(db, user, name=None):
    return str(await db.fetchval(
        "INSERT INTO projects (owner_id, name) VALUES ($1::uuid, $2) RETURNING id",
        user.id, name or f"p-{uuid.uuid4().hex[:8]}"))


async def create(user, **over):
    r = await user.post("/v1/logs", json=entry(**over))
    assert r.status_code == 201, r.text
    return r.json()


def fields_of(r):
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return {e["field"] for e in r.json()["errors"]}


async def count_entries(db, user):
    return await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid", user.id)


# --- create / read / update / delete ---------------------------------------------------------

async def test_create_returns_entry_and_stores_row(alice, db):
    project = await make_project(db, alice, "Billing")
    r = await alice.post("/v1/logs", json=entry(
        title="  Fix flaky login test  ", description="race in fixture", project_id=project,
        tags=["Python", "My Thing"], value_rating="high", impact_level="team"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["title"] == "Fix flaky login test"
    assert (body["project_id"], body["project_name"]) == (project, "Billing")
    assert body["tags"] == ["my-thing", "python"]
    assert body["duration_minutes"] == 90
    assert datetime.fromisoformat(body["start_time"]) == T0
    # The spec's LogEntryResponse, plus the overlap warning of a write (SPEC_DIFFERENCES.md).
    assert set(body) == {"id", "title", "description", "type", "project_id", "project_name",
                         "tags", "start_time", "end_time", "duration_minutes", "value_rating",
                         "impact_level", "created_at", "updated_at", "overlaps"}
    assert body["overlaps"] == []
    row = await db.fetchrow("SELECT * FROM log_entries WHERE id = $1::uuid", body["id"])
    assert row["user_id"] == uuid.UUID(alice.id)
    assert row["title"] == "Fix flaky login test"
    assert row["description"] == "race in fixture"
    assert (row["type"], row["value_rating"], row["impact_level"]) == (
        "debug", "high", "team")
    assert row["duration_minutes"] == 90
    tags = await db.fetch("""SELECT t.name, t.user_id FROM log_entry_tags lt
        JOIN tags t ON t.id = lt.tag_id WHERE lt.log_entry_id = $1::uuid ORDER BY t.name""",
                          body["id"])
    assert [(t["name"], t["user_id"]) for t in tags] == [
        ("my-thing", uuid.UUID(alice.id)), ("python", None)]


async def test_defaults(alice):
    # value/impact left out take the user's preferences, which default to medium / team
    # (tests/api/test_draft_defaults.py covers preferences that were changed).
    body = await create(alice)
    assert body["value_rating"] == "medium"
    assert body["impact_level"] == "team"
    assert body["project_name"] is None and body["project_id"] is None
    assert body["tags"] == [] and body["description"] == ""


async def test_get_one(alice):
    created = await create(alice, tags=["sql"])
    r = await alice.get(f"/v1/logs/{created['id']}")
    assert r.status_code == 200
    assert r.json() == {k: v for k, v in created.items() if k != "overlaps"}


async def test_put_replaces_whole_entry(alice, db):
    project = await make_project(db, alice)
    created = await create(alice, project_id=project, tags=["go", "alpha"],
                           description="old", value_rating="high")
    new_start = T0 + timedelta(days=1)
    r = await alice.put(f"/v1/logs/{created['id']}", json=entry(
        title="Review PR", type="review", tags=["alpha", "beta"],
        start_time=new_start.isoformat(), end_time=(new_start + timedelta(hours=2)).isoformat()))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["title"] == "Review PR" and body["type"] == "review"
    assert body["project_id"] is None and body["description"] == ""
    assert body["value_rating"] == "medium"
    assert body["tags"] == ["alpha", "beta"]
    assert body["duration_minutes"] == 120
    assert body["created_at"] == created["created_at"]
    assert body["updated_at"] > created["updated_at"]
    row = await db.fetchrow("SELECT title, project_id, duration_minutes FROM log_entries "
                            "WHERE id = $1::uuid", created["id"])
    assert (row["title"], row["project_id"], row["duration_minutes"]) == ("Review PR", None, 120)
    names = await db.fetch("SELECT t.name FROM log_entry_tags lt JOIN tags t ON t.id = lt.tag_id "
                           "WHERE lt.log_entry_id = $1::uuid ORDER BY 1", created["id"])
    assert [n["name"] for n in names] == ["alpha", "beta"]


async def test_put_requires_full_body(alice):
    created = await create(alice)
    r = await alice.put(f"/v1/logs/{created['id']}", json={"title": "only title"})
    assert r.status_code == 422
    assert {"type", "start_time", "end_time"} <= fields_of(r)


async def test_patch_changes_only_given_fields(alice, db):
    project = await make_project(db, alice, "Infra")
    created = await create(alice, project_id=project, tags=["docker"], description="keep me")
    r = await alice.patch(f"/v1/logs/{created['id']}", json={"title": "Renamed",
                                                              "tags": ["docker", "k8s"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["title"] == "Renamed"
    assert body["description"] == "keep me"
    assert (body["project_id"], body["project_name"]) == (project, "Infra")
    assert body["tags"] == ["docker", "k8s"]
    assert body["start_time"] == created["start_time"]
    r = await alice.patch(f"/v1/logs/{created['id']}", json={"project_id": None})
    assert r.status_code == 200 and r.json()["project_name"] is None
    assert await db.fetchval("SELECT project_id FROM log_entries WHERE id = $1::uuid",
                             created["id"]) is None


async def test_patch_revalidates_merged_times(alice, db):
    created = await create(alice)
    r = await alice.patch(f"/v1/logs/{created['id']}",
                          json={"start_time": (T0 + timedelta(hours=3)).isoformat()})
    assert r.status_code == 422
    assert fields_of(r) == {"end_time"}
    row = await db.fetchrow("SELECT start_time FROM log_entries WHERE id = $1::uuid", created["id"])
    assert row["start_time"] == T0


@pytest.mark.parametrize("field", ["title", "type", "start_time", "tags"])
async def test_patch_null_for_required_field_is_422(alice, field):
    created = await create(alice)
    r = await alice.patch(f"/v1/logs/{created['id']}", json={field: None})
    assert r.status_code == 422
    assert fields_of(r) == {field}


async def test_delete(alice, db):
    created = await create(alice, tags=["go"])
    r = await alice.delete(f"/v1/logs/{created['id']}")
    assert r.status_code == 204
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE id = $1::uuid",
                             created["id"]) == 0
    assert (await alice.get(f"/v1/logs/{created['id']}")).status_code == 404
    assert (await alice.delete(f"/v1/logs/{created['id']}")).status_code == 404


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("raw", ["not-a-uuid", "123", str(uuid.uuid4())])
async def test_bad_or_unknown_id_is_404(alice, method, raw):
    kw = {"json": entry()} if method in ("put", "patch") else {}
    r = await getattr(alice, method)(f"/v1/logs/{raw}", **kw)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_requires_auth(client):
    assert (await client.get("/v1/logs")).status_code == 401
    assert (await client.post("/v1/logs", json=entry())).status_code == 401


async def test_writes_bump_data_version(alice, redis_client, redis_prefix):
    key = f"{redis_prefix}datav:{alice.id}"
    before = int(await redis_client.get(key) or 0)
    created = await create(alice)
    await alice.patch(f"/v1/logs/{created['id']}", json={"title": "x"})
    await alice.delete(f"/v1/logs/{created['id']}")
    assert int(await redis_client.get(key)) == before + 3


# --- validation -----------------------------------------------------------------------------

LONG = "x" * 201


@pytest.mark.parametrize(("over", "field"), [
    ({"title": "   "}, "title"),
    ({"title": LONG}, "title"),
    ({"title": None}, "title"),
    ({"description": "d" * 2001}, "description"),
    ({"type": "sleeping"}, "type"),
    ({"value_rating": "huge"}, "value_rating"),
    ({"impact_level": "galaxy"}, "impact_level"),
    ({"start_time": "2026-03-10T09:00:00"}, "start_time"),
    ({"end_time": "2026-03-10T10:00:00"}, "end_time"),
    ({"start_time": "yesterday"}, "start_time"),
    ({"end_time": T0.isoformat()}, "end_time"),
    ({"end_time": (T0 - timedelta(minutes=5)).isoformat()}, "end_time"),
    ({"end_time": (T0 + timedelta(hours=24, minutes=1)).isoformat()}, "end_time"),
    ({"tags": ["ok", "bad tag!"]}, "tags"),
    ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
    ({"tags": "python"}, "tags"),
    ({"project_id": "nope"}, "project_id"),
    ({"project_id": str(uuid.uuid4())}, "project_id"),
    ({"title": "a\x00b"}, "title"),
    ({"surprise": 1}, "surprise"),
])
async def test_create_validation(alice, db, over, field):
    before = await count_entries(db, alice)
    r = await alice.post("/v1/logs", json=entry(**over))
    assert r.status_code == 422, r.text
    assert field in fields_of(r)
    assert await count_entries(db, alice) == before


@pytest.mark.parametrize("missing", ["title", "type", "start_time", "end_time"])
async def test_required_fields(alice, missing):
    body = entry()
    del body[missing]
    r = await alice.post("/v1/logs", json=body)
    assert r.status_code == 422
    assert fields_of(r) == {missing}


async def test_exactly_24_hours_allowed(alice):
    body = await create(alice, end_time=(T0 + timedelta(hours=24)).isoformat())
    assert body["duration_minutes"] == 1440


async def test_non_json_body_is_400(alice):
    r = await alice.client.post("/v1/logs", content=b"{nope",
                                headers={**alice.headers, "content-type": "application/json"})
    assert r.status_code == 400


async def test_invalid_project_writes_no_tags(alice, db):
    name = f"fresh-{uuid.uuid4().hex[:8]}"
    r = await alice.post("/v1/logs", json=entry(project_id=str(uuid.uuid4()), tags=[name]))
    assert r.status_code == 422
    assert await db.fetchval("SELECT count(*) FROM tags WHERE name = $1", name) == 0


# --- tags -----------------------------------------------------------------------------------

async def test_tags_created_once_and_private(alice, bob, db):
    name = f"mytag-{uuid.uuid4().hex[:8]}"
    a1 = await create(alice, tags=[name])
    a2 = await create(alice, tags=[name.upper()])
    assert a1["tags"] == a2["tags"] == [name]
    assert await db.fetchval("SELECT count(*) FROM tags WHERE name = $1 AND user_id = $2::uuid",
                             name, alice.id) == 1
    b = await create(bob, tags=[name])
    assert b["tags"] == [name]
    owners = await db.fetch("SELECT user_id FROM tags WHERE name = $1", name)
    assert {o["user_id"] for o in owners} == {uuid.UUID(alice.id), uuid.UUID(bob.id)}
    bob_tag = await db.fetchval("""SELECT t.user_id FROM log_entry_tags lt
        JOIN tags t ON t.id = lt.tag_id WHERE lt.log_entry_id = $1::uuid""", b["id"])
    assert bob_tag == uuid.UUID(bob.id)


async def test_predefined_tag_reused(alice, db):
    predefined = await db.fetchval(
        "SELECT id FROM tags WHERE name = 'kubernetes' AND user_id IS NULL")
    created = await create(alice, tags=["Kubernetes", "#kubernetes"])
    assert created["tags"] == ["kubernetes"]
    linked = await db.fetch("SELECT tag_id FROM log_entry_tags WHERE log_entry_id = $1::uuid",
                            created["id"])
    assert [r["tag_id"] for r in linked] == [predefined]
    assert await db.fetchval("SELECT count(*) FROM tags WHERE name = 'kubernetes'") == 1


async def test_concurrent_first_use_of_a_tag(client, db):
    import asyncio

    user = await register(client)
    name = f"race-{uuid.uuid4().hex[:8]}"
    rs = await asyncio.gather(*[user.post("/v1/logs", json=entry(tags=[name, "other-" + name]))
                                for _ in range(8)])
    assert [r.status_code for r in rs] == [201] * 8
    assert all(r.json()["tags"] == sorted([name, "other-" + name]) for r in rs)
    assert await db.fetchval("SELECT count(*) FROM tags WHERE user_id = $1::uuid", user.id) == 2
    assert await db.fetchval("""SELECT count(*) FROM log_entry_tags lt JOIN log_entries e
        ON e.id = lt.log_entry_id WHERE e.user_id = $1::uuid""", user.id) == 16


# --- list: filters, sorting, pagination ------------------------------------------------------

async def listing(user, **params):
    r = await user.get("/v1/logs", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def titles(page):
    return [i["title"] for i in page["items"]]


async def test_list_timezone_date_filter(client):
    la = await register(client, timezone="America/Los_Angeles")
    # 06:30Z on the 10th is 23:30 on the 9th in Los Angeles.
    start = datetime(2026, 3, 10, 6, 30, tzinfo=UTC)
    await create(la, title="late night", start_time=start.isoformat(),
                 end_time=(start + timedelta(minutes=20)).isoformat())
    start2 = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    await create(la, title="tenth", start_time=start2.isoformat(),
                 end_time=(start2 + timedelta(minutes=20)).isoformat())
    assert titles(await listing(la, start_date="2026-03-09", end_date="2026-03-09")) == [
        "late night"]
    assert titles(await listing(la, start_date="2026-03-10", end_date="2026-03-10")) == ["tenth"]
    assert titles(await listing(la, start_date="2026-03-10")) == ["tenth"]
    assert titles(await listing(la, end_date="2026-03-09")) == ["late night"]


async def test_list_filters(client, db):
    u = await register(client)
    project = await make_project(db, u)
    await create(u, title="A code", type="code", project_id=project, tags=["python"],
                 value_rating="high", impact_level="team")
    await create(u, title="B meeting", type="meeting", tags=["stakeholder"],
                 description="Quarterly PLANNING sync")
    await create(u, title="C docs 100%", type="docs", value_rating="low",
                 impact_level="company", tags=["python", "documentation"])
    assert sorted(titles(await listing(u, project_id=project))) == ["A code"]
    assert sorted(titles(await listing(u, type="code,docs"))) == ["A code", "C docs 100%"]
    r = await u.get("/v1/logs", params=[("type", "code"), ("type", "meeting")])
    assert sorted(titles(r.json())) == ["A code", "B meeting"]
    assert sorted(titles(await listing(u, tags="python"))) == ["A code", "C docs 100%"]
    r = await u.get("/v1/logs", params=[("tags", "Stakeholder"), ("tags", "documentation")])
    assert sorted(titles(r.json())) == ["B meeting", "C docs 100%"]
    assert titles(await listing(u, value_rating="high")) == ["A code"]
    assert titles(await listing(u, impact_level="company")) == ["C docs 100%"]
    assert titles(await listing(u, q="planning")) == ["B meeting"]
    assert titles(await listing(u, q="b MEET")) == ["B meeting"]
    assert titles(await listing(u, q="100%")) == ["C docs 100%"]
    assert titles(await listing(u, q="%")) == ["C docs 100%"]
    assert titles(await listing(u, type="code", tags="python", value_rating="high")) == ["A code"]
    assert (await listing(u, q="zzz"))["total"] == 0


@pytest.mark.parametrize(("params", "field"), [
    ({"start_date": "2026-13-01"}, "start_date"),
    ({"start_date": "2026-03-10", "end_date": "2026-03-01"}, "end_date"),
    ({"type": "sleeping"}, "type.0"),
    ({"tags": "bad tag!"}, "tags"),
    ({"sort": "random"}, "sort"),
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"project_id": "x"}, "project_id"),
    ({"value_rating": "x"}, "value_rating"),
    ({"bogus": "1"}, "bogus"),
])
async def test_list_bad_query_is_422(alice, params, field):
    r = await alice.get("/v1/logs", params=params)
    assert r.status_code == 422
    assert field in fields_of(r)


async def test_list_sorting_and_pagination(client):
    u = await register(client)
    specs = [("bravo", 0, 30), ("alpha", 1, 90), ("charlie", 2, 10), ("delta", 3, 60)]
    for title, day, minutes in specs:
        s = T0 + timedelta(days=day)
        await create(u, title=title, start_time=s.isoformat(),
                     end_time=(s + timedelta(minutes=minutes)).isoformat())
    assert titles(await listing(u)) == ["delta", "charlie", "alpha", "bravo"]
    assert titles(await listing(u, sort="start_time")) == ["bravo", "alpha", "charlie", "delta"]
    assert titles(await listing(u, sort="duration")) == ["charlie", "bravo", "delta", "alpha"]
    assert titles(await listing(u, sort="-duration")) == ["alpha", "delta", "bravo", "charlie"]
    assert titles(await listing(u, sort="title")) == ["alpha", "bravo", "charlie", "delta"]
    assert titles(await listing(u, sort="created_at")) == ["bravo", "alpha", "charlie", "delta"]
    assert titles(await listing(u, sort="-created_at")) == ["delta", "charlie", "alpha", "bravo"]
    p1 = await listing(u, limit=3, offset=0, sort="title")
    p2 = await listing(u, limit=3, offset=3, sort="title")
    assert (p1["total"], p1["limit"], p1["offset"]) == (4, 3, 0)
    assert titles(p1) == ["alpha", "bravo", "charlie"] and titles(p2) == ["delta"]
    past = await listing(u, limit=3, offset=10)
    assert past["items"] == [] and past["total"] == 4


async def test_list_items_carry_project_and_tags(client, db):
    u = await register(client)
    project = await make_project(db, u, "Listed")
    await create(u, project_id=project, tags=["zeta", "go"])
    item = (await listing(u))["items"][0]
    assert (item["project_id"], item["project_name"]) == (project, "Listed")
    assert item["tags"] == ["go", "zeta"]


# --- bulk -----------------------------------------------------------------------------------

async def test_bulk_creates_all(client, db):
    u = await register(client)
    project = await make_project(db, u)
    items = [entry(title=f"item {i}", tags=["bulk-tag", "python"] if i % 2 else [],
                   project_id=project if i == 0 else None,
                   start_time=(T0 + timedelta(hours=i)).isoformat(),
                   end_time=(T0 + timedelta(hours=i, minutes=30)).isoformat())
             for i in range(5)]
    r = await u.post("/v1/logs/bulk", json={"entries": items})
    assert r.status_code == 201, r.text
    out = r.json()["items"]
    assert [e["title"] for e in out] == [f"item {i}" for i in range(5)]
    assert out[0]["project_id"] == project
    assert out[1]["tags"] == ["bulk-tag", "python"] and out[2]["tags"] == []
    assert await count_entries(db, u) == 5
    assert await db.fetchval("SELECT count(*) FROM tags WHERE user_id = $1::uuid", u.id) == 1


async def test_bulk_all_or_nothing(client, db):
    u = await register(client)
    good = entry(tags=["never-created"])
    bad_time = entry(end_time=T0.isoformat())
    bad_type = entry(type="nap")
    r = await u.post("/v1/logs/bulk",
                     json={"entries": [good, good, good, bad_time, good, bad_type]})
    assert r.status_code == 422
    assert fields_of(r) == {"entries.3.end_time", "entries.5.type"}
    assert await count_entries(db, u) == 0
    assert await db.fetchval("SELECT count(*) FROM tags WHERE user_id = $1::uuid", u.id) == 0


async def test_bulk_foreign_project_rejected_by_index(client, alice, db):
    u = await register(client)
    alices = await make_project(db, alice)
    mine = await make_project(db, u)
    r = await u.post("/v1/logs/bulk", json={"entries": [
        entry(project_id=mine), entry(project_id=alices), entry()]})
    assert r.status_code == 422
    assert fields_of(r) == {"entries.1.project_id"}
    assert await count_entries(db, u) == 0


@pytest.mark.parametrize("body", [{"entries": []}, {}, {"entries": "x"}, {"entries": [{}]}])
async def test_bulk_shape_errors(alice, body):
    r = await alice.post("/v1/logs/bulk", json=body)
    assert r.status_code == 422
    assert all(f.startswith("entries") for f in fields_of(r))


async def test_bulk_limit(alice, db):
    before = await count_entries(db, alice)
    r = await alice.post("/v1/logs/bulk", json={"entries": [entry()] * 501})
    assert r.status_code == 422 and fields_of(r) == {"entries"}
    assert await count_entries(db, alice) == before


# --- isolation ------------------------------------------------------------------------------

async def test_isolation_every_endpoint(alice, bob, db):
    project = await make_project(db, alice)
    mine = await create(alice, project_id=project, tags=["secret-tag"], title="alice only")
    url = f"/v1/logs/{mine['id']}"
    assert (await bob.get(url)).status_code == 404
    assert (await bob.put(url, json=entry(title="hacked"))).status_code == 404
    assert (await bob.patch(url, json={"title": "hacked"})).status_code == 404
    assert (await bob.delete(url)).status_code == 404
    assert (await bob.post(f"{url}/restore")).status_code == 404
    assert (await alice.get(url)).json() == {k: v for k, v in mine.items() if k != "overlaps"}
    row = await db.fetchrow("SELECT title, user_id FROM log_entries WHERE id = $1::uuid",
                            mine["id"])
    assert (row["title"], row["user_id"]) == ("alice only", uuid.UUID(alice.id))
    # bob's list never shows alice's entries, whatever the filter.
    for params in ({}, {"project_id": project}, {"tags": "secret-tag"}, {"q": "alice"}):
        page = await listing(bob, **params)
        assert mine["id"] not in [i["id"] for i in page["items"]]
    assert (await listing(bob, project_id=project))["total"] == 0


async def test_cannot_use_another_users_project(alice, bob, db):
    project = await make_project(db, alice)
    before = await count_entries(db, bob)
    r = await bob.post("/v1/logs", json=entry(project_id=project))
    assert r.status_code == 422 and fields_of(r) == {"project_id"}
    own = await create(bob)
    r = await bob.patch(f"/v1/logs/{own['id']}", json={"project_id": project})
    assert r.status_code == 422 and fields_of(r) == {"project_id"}
    r = await bob.put(f"/v1/logs/{own['id']}", json=entry(project_id=project))
    assert r.status_code == 422
    assert await count_entries(db, bob) == before + 1
    assert await db.fetchval("SELECT project_id FROM log_entries WHERE id = $1::uuid",
                             own["id"]) is None


async def test_openapi_documents_log_endpoints(client):
    spec = (await client.get("/docs/openapi.json")).json()
    paths = spec["paths"]
    ops = {(p, m) for p, item in paths.items() if p.startswith("/v1/logs") for m in item}
    assert {("/v1/logs", "get"), ("/v1/logs", "post"), ("/v1/logs/bulk", "post"),
            ("/v1/logs/{raw_id}", "put"), ("/v1/logs/{raw_id}", "patch"),
            ("/v1/logs/{raw_id}", "delete"), ("/v1/logs/{raw_id}", "get")} <= ops
    for path, method in ops:
        op = paths[path][method]
        assert op["security"] == [{"bearer": []}]
        # Only operations with nothing to validate but the id in their path may lack a 422.
        assert "422" in op["responses"] or (
            "{" in path and (method in ("get", "delete") or "requestBody" not in op))
    post = paths["/v1/logs"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"title", "type", "start_time", "end_time"} <= set(schema["required"])
    params = {p["name"] for p in paths["/v1/logs"]["get"]["parameters"]}
    assert {"start_date", "end_date", "type", "tags", "q", "sort", "limit", "offset"} <= params
