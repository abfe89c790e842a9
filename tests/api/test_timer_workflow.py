"""Timer workflow (issue 12): switch (stop + start in one transaction), restart an earlier
entry, and editing a running timer's start time. Real API, real database, two users."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.users import register


@pytest.fixture
async def user(client):
    return await register(client)


@pytest.fixture
async def other(client):
    return await register(client)


def fields_of(r):
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return {e["field"] for e in r.json()["errors"]}


async def make_project(db, user, name=None):
    return str(await db.fetchval(
        "INSERT INTO projects (owner_id, name) VALUES ($1::uuid, $2) RETURNING id",
        user.id, name or f"p-{uuid.uuid4().hex[:8]}"))


async def timer_row(db, user):
    return await db.fetchrow("SELECT * FROM active_timers WHERE user_id = $1::uuid", user.id)


async def entry_rows(db, user):
    return await db.fetch("SELECT * FROM log_entries WHERE user_id = $1::uuid "
                          "ORDER BY start_time", user.id)


async def backdate(db, user, minutes):
    await db.execute("UPDATE active_timers SET started_at = started_at - make_interval(mins => $2)"
                     " WHERE user_id = $1::uuid", user.id, minutes)


# --- switch --------------------------------------------------------------------------------

async def test_switch_logs_the_running_timer_and_starts_the_next_at_the_same_instant(user, db):
    project = await make_project(db, user)
    assert (await user.post("/v1/timers/start", json={
        "title": "Write migration", "type": "code", "tags": ["db"]})).status_code == 201
    await backdate(db, user, 25)
    r = await user.post("/v1/timers/switch", json={
        "title": "Standup", "type": "meeting", "project_id": project, "tags": ["Daily"]})
    assert r.status_code == 201, r.text
    body = r.json()
    stopped, timer = body["stopped"], body["timer"]
    assert (stopped["title"], stopped["type"], stopped["tags"]) == ("Write migration", "code",
                                                                    ["db"])
    assert stopped["duration_minutes"] == 25 and stopped["overlaps"] == []
    assert (timer["title"], timer["type"], timer["project_id"], timer["tags"]) == (
        "Standup", "meeting", project, ["daily"])
    # No gap and no overlap: the next timer starts when the logged entry ends.
    assert timer["started_at"] == stopped["end_time"]
    [entry] = await entry_rows(db, user)
    row = await timer_row(db, user)
    assert str(entry["id"]) == stopped["id"] and entry["title"] == "Write migration"
    assert row["title"] == "Standup" and row["started_at"] == entry["end_time"]


async def test_switch_overrides_the_stopped_entry_and_needs_its_title(user, db):
    assert (await user.post("/v1/timers/start")).status_code == 201  # untitled
    before = await timer_row(db, user)
    r = await user.post("/v1/timers/switch", json={"title": "Next", "type": "review"})
    assert r.status_code == 422 and fields_of(r) == {"stopped.title"}
    # All or nothing: the untitled timer still runs, unchanged, and nothing was logged.
    assert dict(await timer_row(db, user)) == dict(before)
    assert await entry_rows(db, user) == []
    r = await user.post("/v1/timers/switch", json={
        "title": "Next", "type": "review", "stopped": {"title": "Triage", "type": "ops"}})
    assert r.status_code == 201, r.text
    assert (r.json()["stopped"]["title"], r.json()["stopped"]["type"]) == ("Triage", "ops")
    assert [e["title"] for e in await entry_rows(db, user)] == ["Triage"]
    assert (await timer_row(db, user))["title"] == "Next"


async def test_switch_to_another_users_project_changes_nothing(user, other, db):
    foreign = await make_project(db, other)
    assert (await user.post("/v1/timers/start", json={"title": "Keep"})).status_code == 201
    before = await timer_row(db, user)
    r = await user.post("/v1/timers/switch", json={"title": "x", "type": "code",
                                                   "project_id": foreign})
    assert r.status_code == 422 and fields_of(r) == {"project_id"}
    assert dict(await timer_row(db, user)) == dict(before)
    assert await entry_rows(db, user) == []


async def test_switch_without_a_running_timer_is_404_and_bad_bodies_are_422(user, db):
    r = await user.post("/v1/timers/switch", json={"title": "x", "type": "code"})
    assert r.status_code == 404
    assert await timer_row(db, user) is None and await entry_rows(db, user) == []
    assert (await user.post("/v1/timers/start", json={"title": "a"})).status_code == 201
    r = await user.post("/v1/timers/switch", json={"title": "x", "type": "nap"})
    assert r.status_code == 422 and fields_of(r) == {"type"}
    r = await user.post("/v1/timers/switch", json={"title": "x", "stopped": {"bogus": 1}})
    assert r.status_code == 422 and fields_of(r) == {"stopped.bogus"}
    assert (await timer_row(db, user))["title"] == "a"


async def test_switch_acts_only_on_the_callers_timer(user, other, db):
    assert (await other.post("/v1/timers/start", json={"title": "B's"})).status_code == 201
    before = await timer_row(db, other)
    r = await user.post("/v1/timers/switch", json={"title": "x", "type": "code"})
    assert r.status_code == 404
    assert dict(await timer_row(db, other)) == dict(before)
    assert await entry_rows(db, other) == []


# --- restart -------------------------------------------------------------------------------

async def _entry(user, title, start, minutes, **extra):
    r = await user.post("/v1/logs", json={
        "title": title, "type": "code", "start_time": start.isoformat(),
        "end_time": (start + timedelta(minutes=minutes)).isoformat(), **extra})
    assert r.status_code == 201, r.text
    return r.json()


async def test_restart_copies_the_entry_that_ended_last(user, db):
    project = await make_project(db, user)
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
    await _entry(user, "Older", base, 60)
    await _entry(user, "Latest", base + timedelta(hours=2), 30, project_id=project,
                 tags=["perf"], description="flame graphs", value_rating="high",
                 impact_level="product")
    r = await user.post("/v1/timers/restart")
    assert r.status_code == 201, r.text
    t = r.json()
    assert (t["title"], t["project_id"], t["tags"], t["description"], t["value_rating"],
            t["impact_level"]) == ("Latest", project, ["perf"], "flame graphs", "high",
                                   "product")
    row = await timer_row(db, user)
    assert row["title"] == "Latest" and str(row["project_id"]) == project
    assert abs(row["started_at"] - datetime.now(UTC)) < timedelta(minutes=5)


async def test_restart_a_chosen_entry_and_409_while_running(user, db):
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
    older = await _entry(user, "Older", base, 60)
    await _entry(user, "Latest", base + timedelta(hours=2), 30)
    r = await user.post("/v1/timers/restart", json={"entry_id": older["id"]})
    assert r.status_code == 201 and r.json()["title"] == "Older"
    r = await user.post("/v1/timers/restart")
    assert r.status_code == 409
    assert (await timer_row(db, user))["title"] == "Older"


async def test_restart_with_nothing_to_restart_is_404(user, db):
    assert (await user.post("/v1/timers/restart")).status_code == 404
    r = await user.post("/v1/timers/restart", json={"entry_id": str(uuid.uuid4())})
    assert r.status_code == 404
    r = await user.post("/v1/timers/restart", json={"entry_id": "not-a-uuid"})
    assert r.status_code == 422 and fields_of(r) == {"entry_id"}
    assert await timer_row(db, user) is None


async def test_restart_cannot_copy_another_users_entry(user, other, db):
    theirs = await _entry(other, "Secret project", datetime.now(UTC) - timedelta(hours=2), 30)
    r = await user.post("/v1/timers/restart", json={"entry_id": theirs["id"]})
    assert r.status_code == 404
    assert await timer_row(db, user) is None and await timer_row(db, other) is None


# --- editing the running timer -------------------------------------------------------------

async def test_running_timer_start_time_title_and_project_can_be_changed(user, db):
    project = await make_project(db, user)
    assert (await user.post("/v1/timers/start", json={"title": "first"})).status_code == 201
    earlier = (datetime.now(UTC) - timedelta(minutes=40)).replace(microsecond=0)
    r = await user.patch("/v1/timers/current", json={
        "started_at": earlier.isoformat(), "title": "Renamed", "project_id": project})
    assert r.status_code == 200, r.text
    t = r.json()
    assert datetime.fromisoformat(t["started_at"]) == earlier
    assert t["title"] == "Renamed" and t["project_id"] == project
    assert t["elapsed_seconds"] >= 40 * 60
    row = await timer_row(db, user)
    assert row["started_at"] == earlier and row["title"] == "Renamed"
    # Stopping logs from the edited start.
    r = await user.post("/v1/timers/stop")
    assert r.status_code == 201 and r.json()["duration_minutes"] >= 40
    [entry] = await entry_rows(db, user)
    assert entry["start_time"] == earlier


@pytest.mark.parametrize("started_at", [
    "in-the-future", "way-back", "1899-12-31T23:00:00Z", "3000-01-01T00:00:00Z",
    "2026-01-01T10:00:00", "yesterday", None])
async def test_bad_start_times_are_refused_and_change_nothing(user, db, started_at):
    now = datetime.now(UTC)
    value = {"in-the-future": (now + timedelta(minutes=10)).isoformat(),
             "way-back": (now - timedelta(hours=25)).isoformat()}.get(started_at, started_at)
    assert (await user.post("/v1/timers/start", json={"title": "t"})).status_code == 201
    before = await timer_row(db, user)
    r = await user.patch("/v1/timers/current", json={"started_at": value, "title": "changed"})
    assert r.status_code == 422, r.text
    assert fields_of(r) == {"started_at"}
    assert dict(await timer_row(db, user)) == dict(before)


async def test_editing_without_a_timer_or_another_users_timer(user, other, db):
    r = await user.patch("/v1/timers/current",
                         json={"started_at": datetime.now(UTC).isoformat()})
    assert r.status_code == 404
    assert (await other.post("/v1/timers/start", json={"title": "B"})).status_code == 201
    before = await timer_row(db, other)
    r = await user.patch("/v1/timers/current", json={"title": "hijack"})
    assert r.status_code == 404
    assert dict(await timer_row(db, other)) == dict(before)


async def test_the_next_timer_takes_the_users_defaults(user, db):
    r = await user.put("/v1/users/preferences", json={
        "default_activity_type": "debug", "default_value_rating": "high",
        "default_impact_level": "company"})
    assert r.status_code == 200, r.text
    assert (await user.post("/v1/timers/start", json={"title": "a", "type": "code"})
            ).status_code == 201
    r = await user.post("/v1/timers/switch", json={"title": "b"})
    assert r.status_code == 201, r.text
    row = await timer_row(db, user)
    assert (row["type"], row["value_rating"], row["impact_level"]) == ("debug", "high",
                                                                       "company")
