"""/v1/timers against the real API and database: one running timer per user, stop/backfill
create entries, concurrency, and isolation."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.users import register


@pytest.fixture
async def user(client):
    # A fresh user per test: each test starts with no running timer.
    return await register(client)


async def make_project(db, user, name=None):
    return str(await db.fetchval(
        "INSERT INTO projects (owner_id, name) VALUES ($1::uuid, $2) RETURNING id",
        user.id, name or f"p-{uuid.uuid4().hex[:8]}"))


def fields_of(r):
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return {e["field"] for e in r.json()["errors"]}


async def timer_row(db, user):
    return await db.fetchrow("SELECT * FROM active_timers WHERE user_id = $1::uuid", user.id)


async def entries(db, user):
    return await db.fetch("SELECT * FROM log_entries WHERE user_id = $1::uuid", user.id)


async def backdate(db, user, minutes):
    await db.execute("UPDATE active_timers SET started_at = started_at - make_interval(mins => $2)"
                     " WHERE user_id = $1::uuid", user.id, minutes)


async def test_start_stores_timer_and_current_shows_it(user, db):
    project = await make_project(db, user, "Ops")
    r = await user.post("/v1/timers/start", json={
        "title": "Deploy", "type": "ops", "project_id": project,
        "tags": ["Docker", "rollout"], "impact_level": "team"})
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["title"] == "Deploy" and t["type"] == "ops"
    assert t["project_id"] == project and t["tags"] == ["docker", "rollout"]
    assert t["value_rating"] == "medium" and t["impact_level"] == "team"
    assert t["elapsed_seconds"] >= 0
    row = await timer_row(db, user)
    assert row["title"] == "Deploy" and str(row["project_id"]) == project
    assert datetime.fromisoformat(t["started_at"]) == row["started_at"]
    cur = (await user.get("/v1/timers/current")).json()
    assert cur["running"] is True
    assert cur["timer"]["title"] == "Deploy" and cur["timer"]["tags"] == ["docker", "rollout"]


async def test_start_without_body_uses_defaults(user, db):
    r = await user.post("/v1/timers/start")
    assert r.status_code == 201, r.text
    t = r.json()
    assert (t["title"], t["type"], t["tags"], t["project_id"]) == ("", "code", [], None)
    assert await timer_row(db, user) is not None


async def test_current_when_idle(user):
    r = await user.get("/v1/timers/current")
    assert r.status_code == 200
    assert r.json() == {"running": False, "timer": None}


async def test_second_start_is_409_and_keeps_first(user, db):
    assert (await user.post("/v1/timers/start", json={"title": "first"})).status_code == 201
    r = await user.post("/v1/timers/start", json={"title": "second"})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await timer_row(db, user))["title"] == "first"


async def test_concurrent_starts_exactly_one_wins(user, db):
    rs = await asyncio.gather(*[user.post("/v1/timers/start", json={"title": f"t{i}"})
                                for i in range(6)])
    assert sorted(r.status_code for r in rs) == [201] + [409] * 5
    winner = next(r for r in rs if r.status_code == 201).json()["title"]
    assert (await timer_row(db, user))["title"] == winner


async def test_stop_creates_entry_and_removes_timer(user, db, redis_client, redis_prefix):
    project = await make_project(db, user, "Core")
    await user.post("/v1/timers/start", json={"title": "Pairing", "type": "mentoring",
                                               "project_id": project, "tags": ["pair-programming"]})
    await backdate(db, user, 45)
    version = int(await redis_client.get(f"{redis_prefix}datav:{user.id}") or 0)
    r = await user.post("/v1/timers/stop")
    assert r.status_code == 201, r.text
    e = r.json()
    assert e["title"] == "Pairing" and e["type"] == "mentoring"
    assert (e["project_id"], e["project_name"]) == (project, "Core")
    assert e["tags"] == ["pair-programming"]
    assert e["duration_minutes"] == 45
    assert await timer_row(db, user) is None
    rows = await entries(db, user)
    assert len(rows) == 1 and str(rows[0]["id"]) == e["id"]
    assert rows[0]["duration_minutes"] == 45
    assert int(await redis_client.get(f"{redis_prefix}datav:{user.id}")) == version + 1
    assert (await user.get("/v1/timers/current")).json()["running"] is False


async def test_stop_overrides(user, db):
    await user.post("/v1/timers/start", json={"title": "draft", "tags": ["a"]})
    await backdate(db, user, 120)
    started = (await timer_row(db, user))["started_at"]
    end = started + timedelta(minutes=30)
    r = await user.post("/v1/timers/stop", json={
        "title": "Final title", "value_rating": "high", "tags": ["b"],
        "end_time": end.isoformat()})
    assert r.status_code == 201, r.text
    e = r.json()
    assert e["title"] == "Final title" and e["value_rating"] == "high" and e["tags"] == ["b"]
    assert datetime.fromisoformat(e["end_time"]) == end
    assert e["duration_minutes"] == 30


async def test_stop_without_title_is_422_and_timer_keeps_running(user, db):
    await user.post("/v1/timers/start", json={"tags": ["brand-new-tag"]})
    r = await user.post("/v1/timers/stop")
    assert r.status_code == 422
    assert fields_of(r) == {"title"}
    assert await timer_row(db, user) is not None
    assert await entries(db, user) == []
    r = await user.post("/v1/timers/stop", json={"title": "   "})
    assert r.status_code == 422 and fields_of(r) == {"title"}
    assert await timer_row(db, user) is not None
    r = await user.post("/v1/timers/stop", json={"title": "Now named"})
    assert r.status_code == 201
    assert len(await entries(db, user)) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"end_time": "2000-01-01T00:00:00Z"}, "end_time"),
    ({"end_time": "2030-01-01T00:00:00"}, "end_time"),
    ({"type": "nap"}, "type"),
    ({"tags": ["no way!"]}, "tags"),
    ({"extra": 1}, "extra"),
    ({"project_id": str(uuid.uuid4())}, "project_id"),
])
async def test_stop_validation_keeps_timer(user, db, body, field):
    await user.post("/v1/timers/start", json={"title": "x"})
    r = await user.post("/v1/timers/stop", json=body)
    assert r.status_code == 422
    assert field in fields_of(r)
    assert await timer_row(db, user) is not None
    assert await entries(db, user) == []


async def test_stop_after_more_than_a_day_needs_end_time(user, db):
    await user.post("/v1/timers/start", json={"title": "forgot it"})
    await backdate(db, user, 25 * 60)
    r = await user.post("/v1/timers/stop")
    assert r.status_code == 422 and fields_of(r) == {"end_time"}
    started = (await timer_row(db, user))["started_at"]
    r = await user.post("/v1/timers/stop",
                        json={"end_time": (started + timedelta(hours=2)).isoformat()})
    assert r.status_code == 201 and r.json()["duration_minutes"] == 120


async def test_stop_without_timer_is_404(user):
    r = await user.post("/v1/timers/stop", json={"title": "x"})
    assert r.status_code == 404


async def test_concurrent_stops_create_one_entry(user, db):
    await user.post("/v1/timers/start", json={"title": "once"})
    rs = await asyncio.gather(*[user.post("/v1/timers/stop") for _ in range(4)])
    assert sorted(r.status_code for r in rs) == [201, 404, 404, 404]
    assert len(await entries(db, user)) == 1


async def test_patch_running_timer(user, db):
    project = await make_project(db, user)
    await user.post("/v1/timers/start", json={"title": "a", "tags": ["x"], "project_id": project})
    r = await user.patch("/v1/timers/current", json={"title": "b", "type": "review"})
    assert r.status_code == 200, r.text
    t = r.json()
    assert (t["title"], t["type"], t["tags"], t["project_id"]) == (
        "b", "review", ["x"], project)
    r = await user.patch("/v1/timers/current", json={"project_id": None, "tags": []})
    assert r.status_code == 200
    row = await timer_row(db, user)
    assert (row["title"], row["type"], row["project_id"]) == ("b", "review", None)
    stopped = (await user.post("/v1/timers/stop")).json()
    assert stopped["title"] == "b" and stopped["tags"] == [] and stopped["project_name"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"title": None}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"type": "nap"}, "type"),
    ({"started_at": "2026-01-01T00:00:00Z"}, "started_at"),
    ({"project_id": str(uuid.uuid4())}, "project_id"),
])
async def test_patch_validation(user, db, body, field):
    await user.post("/v1/timers/start", json={"title": "keep"})
    r = await user.patch("/v1/timers/current", json=body)
    assert r.status_code == 422 and field in fields_of(r)
    assert (await timer_row(db, user))["title"] == "keep"


async def test_patch_without_timer_is_404(user):
    assert (await user.patch("/v1/timers/current", json={"title": "x"})).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"type": "nap"}, "type"),
    ({"title": "x" * 201}, "title"),
    ({"tags": ["bad tag!"]}, "tags"),
    ({"project_id": "nope"}, "project_id"),
    ({"project_id": str(uuid.uuid4())}, "project_id"),
    ({"started_at": "2026-01-01T00:00:00Z"}, "started_at"),
])
async def test_start_validation(user, db, body, field):
    r = await user.post("/v1/timers/start", json=body)
    assert r.status_code == 422 and field in fields_of(r)
    assert await timer_row(db, user) is None


async def test_cancel(user, db):
    await user.post("/v1/timers/start", json={"title": "nope"})
    r = await user.post("/v1/timers/cancel")
    assert r.status_code == 204
    assert await timer_row(db, user) is None
    assert await entries(db, user) == []
    assert (await user.post("/v1/timers/cancel")).status_code == 404
    assert (await user.post("/v1/timers/start", json={"title": "again"})).status_code == 201


async def test_timer_survives_api_restart(api_server, client, db):
    # The timer is a PostgreSQL row, not process or Redis state.
    u = await register(client)
    await u.post("/v1/timers/start", json={"title": "across restart"})
    api_server.stop()
    api_server.start()
    cur = (await u.get("/v1/timers/current")).json()
    assert cur["running"] is True and cur["timer"]["title"] == "across restart"


async def test_backfill(user, db):
    end = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    r = await user.post("/v1/timers/backfill", json={
        "minutes": 45, "title": "Incident review", "type": "review",
        "tags": ["incident"], "end_time": end.isoformat()})
    assert r.status_code == 201, r.text
    e = r.json()
    assert datetime.fromisoformat(e["end_time"]) == end
    assert datetime.fromisoformat(e["start_time"]) == end - timedelta(minutes=45)
    assert e["duration_minutes"] == 45 and e["tags"] == ["incident"]
    rows = await entries(db, user)
    assert len(rows) == 1 and rows[0]["duration_minutes"] == 45


async def test_backfill_defaults_to_ending_now(user, db):
    r = await user.post("/v1/timers/backfill",
                        json={"minutes": 1440, "title": "Whole day", "type": "planning"})
    assert r.status_code == 201, r.text
    e = r.json()
    assert e["duration_minutes"] == 1440
    end = datetime.fromisoformat(e["end_time"])
    now = await db.fetchval("SELECT now()")
    assert abs((now - end).total_seconds()) < 300


@pytest.mark.parametrize(("body", "field"), [
    ({"minutes": 0}, "minutes"),
    ({"minutes": 1441}, "minutes"),
    ({"minutes": "lots"}, "minutes"),
    ({"title": ""}, "title"),
    ({"type": None}, "type"),
    ({"end_time": "2026-03-10T12:00:00"}, "end_time"),
    ({"project_id": str(uuid.uuid4())}, "project_id"),
    ({"oops": True}, "oops"),
])
async def test_backfill_validation(user, db, body, field):
    r = await user.post("/v1/timers/backfill",
                        json={"minutes": 30, "title": "t", "type": "code", **body})
    assert r.status_code == 422 and field in fields_of(r)
    assert await entries(db, user) == []


async def test_isolation(client, db):
    alice, bob = await register(client), await register(client)
    project = await make_project(db, alice)
    await alice.post("/v1/timers/start", json={"title": "alice's", "project_id": project})
    # bob sees no timer, cannot change, stop or cancel alice's.
    assert (await bob.get("/v1/timers/current")).json() == {"running": False, "timer": None}
    assert (await bob.patch("/v1/timers/current", json={"title": "x"})).status_code == 404
    assert (await bob.post("/v1/timers/stop", json={"title": "x"})).status_code == 404
    assert (await bob.post("/v1/timers/cancel")).status_code == 404
    row = await timer_row(db, alice)
    assert row["title"] == "alice's"
    # alice's timer does not block bob, and bob cannot attach alice's project.
    r = await bob.post("/v1/timers/start", json={"project_id": project})
    assert r.status_code == 422 and fields_of(r) == {"project_id"}
    assert (await bob.post("/v1/timers/start", json={"title": "bob's"})).status_code == 201
    r = await bob.patch("/v1/timers/current", json={"project_id": project})
    assert r.status_code == 422
    r = await bob.post("/v1/timers/backfill", json={"minutes": 5, "title": "t",
                                                     "type": "code",
                                                     "project_id": project})
    assert r.status_code == 422 and fields_of(r) == {"project_id"}
    assert (await timer_row(db, alice))["title"] == "alice's"
    assert (await timer_row(db, bob))["project_id"] is None
    assert await entries(db, bob) == []


async def test_requires_auth(client):
    for method, url in [("post", "/v1/timers/start"), ("get", "/v1/timers/current"),
                        ("patch", "/v1/timers/current"), ("post", "/v1/timers/stop"),
                        ("post", "/v1/timers/cancel"), ("post", "/v1/timers/backfill")]:
        assert (await getattr(client, method)(url)).status_code == 401
