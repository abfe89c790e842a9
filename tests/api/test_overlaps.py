"""Overlap warnings (issue 12): writes answer which other entries overlap, and
GET /v1/logs/overlaps asks before saving. Overlapping entries are still saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.users import register


@pytest.fixture
async def user(client):
    return await register(client)


@pytest.fixture
async def other(client):
    return await register(client)


def span(start: str, end: str, title: str = "entry", **extra):
    return {"title": title, "type": "code", "start_time": f"2026-11-16T{start}:00Z",
            "end_time": f"2026-11-16T{end}:00Z", **extra}


async def add(user, start, end, title="entry"):
    r = await user.post("/v1/logs", json=span(start, end, title))
    assert r.status_code == 201, r.text
    return r.json()


def ids(items):
    return [i["id"] for i in items]


async def test_create_reports_overlaps_and_still_saves(user, db):
    a = await add(user, "09:00", "10:00", "Standup block")
    b = await add(user, "10:00", "11:00", "Touching, not overlapping")
    assert a["overlaps"] == [] and b["overlaps"] == []
    r = await user.post("/v1/logs", json=span("09:30", "10:15", "Call"))
    assert r.status_code == 201, r.text
    c = r.json()
    assert ids(c["overlaps"]) == [a["id"], b["id"]]
    assert c["overlaps"][0] == {"id": a["id"], "title": "Standup block",
                                "start_time": "2026-11-16T09:00:00+00:00",
                                "end_time": "2026-11-16T10:00:00+00:00"}
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                             user.id) == 3


async def test_update_reports_overlaps_excluding_itself(user):
    a = await add(user, "09:00", "10:00")
    b = await add(user, "12:00", "13:00")
    r = await user.patch(f"/v1/logs/{b['id']}", json={"start_time": "2026-11-16T09:45:00Z"})
    assert r.status_code == 200, r.text
    assert ids(r.json()["overlaps"]) == [a["id"]]
    r = await user.put(f"/v1/logs/{b['id']}", json=span("10:00", "10:30"))
    assert r.status_code == 200 and r.json()["overlaps"] == []


async def test_query_before_saving_with_exclude_and_pages(user):
    a = await add(user, "09:00", "10:00")
    b = await add(user, "09:30", "11:00")
    c = await add(user, "10:30", "12:00")
    q = {"start_time": "2026-11-16T09:45:00Z", "end_time": "2026-11-16T10:45:00Z"}
    r = await user.get("/v1/logs/overlaps", params=q)
    assert r.status_code == 200, r.text
    body = r.json()
    assert ids(body["items"]) == [a["id"], b["id"], c["id"]] and body["total"] == 3
    r = await user.get("/v1/logs/overlaps", params={**q, "exclude_id": b["id"]})
    assert ids(r.json()["items"]) == [a["id"], c["id"]]
    r = await user.get("/v1/logs/overlaps", params={**q, "limit": 1, "offset": 1})
    assert ids(r.json()["items"]) == [b["id"]] and r.json()["total"] == 3
    r = await user.get("/v1/logs/overlaps", params={**q, "limit": 1, "offset": 5})
    assert r.json()["items"] == [] and r.json()["total"] == 3


async def test_an_entry_reaching_in_from_the_day_before_is_found(user):
    r = await user.post("/v1/logs", json={
        "title": "On call", "type": "ops", "start_time": "2026-11-15T12:00:00Z",
        "end_time": "2026-11-16T11:00:00Z"})
    assert r.status_code == 201
    long = r.json()
    r = await user.get("/v1/logs/overlaps", params={"start_time": "2026-11-16T10:00:00Z",
                                                    "end_time": "2026-11-16T10:30:00Z"})
    assert ids(r.json()["items"]) == [long["id"]]


@pytest.mark.parametrize("params, field", [
    ({"end_time": "2026-11-16T10:00:00Z"}, "start_time"),
    ({"start_time": "2026-11-16T10:00:00Z", "end_time": "2026-11-16T09:00:00Z"}, "end_time"),
    ({"start_time": "2026-11-16T10:00:00", "end_time": "2026-11-16T11:00:00Z"}, "start_time"),
    ({"start_time": "1800-01-01T10:00:00Z", "end_time": "2026-11-16T11:00:00Z"}, "start_time"),
    ({"start_time": "2026-11-16T10:00:00Z", "end_time": "2026-11-16T11:00:00Z",
      "exclude_id": "nope"}, "exclude_id"),
])
async def test_bad_queries_are_422_naming_the_field(user, params, field):
    r = await user.get("/v1/logs/overlaps", params=params)
    assert r.status_code == 422, r.text
    assert field in {e["field"] for e in r.json()["errors"]}


async def test_other_users_entries_never_overlap(user, other):
    await add(other, "09:00", "10:00", "B's secret meeting")
    r = await user.post("/v1/logs", json=span("09:00", "10:00"))
    assert r.status_code == 201 and r.json()["overlaps"] == []
    r = await user.get("/v1/logs/overlaps", params={"start_time": "2026-11-16T08:00:00Z",
                                                    "end_time": "2026-11-16T12:00:00Z"})
    assert [i["title"] for i in r.json()["items"]] == ["entry"]


async def test_timer_stop_and_backfill_report_overlaps(user, db):
    now = datetime.now(UTC).replace(microsecond=0)
    r = await user.post("/v1/logs", json={
        "title": "Earlier", "type": "code", "start_time": (now - timedelta(hours=1)).isoformat(),
        "end_time": (now - timedelta(minutes=10)).isoformat()})
    earlier = r.json()
    r = await user.post("/v1/timers/backfill", json={"title": "Call", "type": "meeting",
                                                     "minutes": 30})
    assert r.status_code == 201 and ids(r.json()["overlaps"]) == [earlier["id"]]
    call = r.json()
    assert (await user.post("/v1/timers/start", json={"title": "t"})).status_code == 201
    await db.execute("UPDATE active_timers SET started_at = now() - interval '20 minutes' "
                     "WHERE user_id = $1::uuid", user.id)
    r = await user.post("/v1/timers/stop")
    assert r.status_code == 201
    assert set(ids(r.json()["overlaps"])) == {earlier["id"], call["id"]}


async def test_a_tagged_entry_in_a_project_lists_at_most_ten_overlaps_oldest_first(user):
    """The insert reads its overlaps in the same statement: with tags and a project (the
    other form of that statement) too, never itself, and capped at ten in start order."""
    r = await user.post("/v1/projects", json={"name": "Billing"})
    assert r.status_code == 201, r.text
    project = r.json()["id"]
    added = [await add(user, f"{9 + i // 6:02d}:{i % 6 * 10:02d}", "12:00", f"e{i}")
             for i in range(12)]
    r = await user.post("/v1/logs", json=span("08:30", "11:59", "Long call", tags=["calls"],
                                              project_id=project))
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["project_name"] == "Billing" and got["tags"] == ["calls"]
    assert ids(got["overlaps"]) == [a["id"] for a in added[:10]]
    assert got["id"] not in ids(got["overlaps"])
    assert got["overlaps"][0]["start_time"] == "2026-11-16T09:00:00+00:00"
