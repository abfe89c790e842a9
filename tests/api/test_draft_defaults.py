"""Entries, backfills and timers created without value_rating / impact_level (or a timer
without a type) take the user's preferences (issue 12, bug 5). Checked on the stored rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.users import ApiUser, register

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
PREFS = {"default_value_rating": "high", "default_impact_level": "company",
         "default_activity_type": "review"}


def entry(**over):
    return {"title": "Fix flaky login test", "type": "debug", "start_time": T0.isoformat(),
            "end_time": (T0 + timedelta(minutes=90)).isoformat(), **over}


@pytest.fixture
async def user(client) -> ApiUser:
    u = await register(client)
    r = await u.put("/v1/users/preferences", json=PREFS)
    assert r.status_code == 200, r.text
    return u


async def stored(db, entry_id: str) -> tuple[str, str, str]:
    row = await db.fetchrow("SELECT value_rating, impact_level, type FROM log_entries "
                            "WHERE id = $1::uuid", entry_id)
    return row["value_rating"], row["impact_level"], row["type"]


async def test_entry_without_value_and_impact_takes_the_preferences(user, db):
    r = await user.post("/v1/logs", json=entry())
    assert r.status_code == 201, r.text
    assert (r.json()["value_rating"], r.json()["impact_level"]) == ("high", "company")
    assert await stored(db, r.json()["id"]) == ("high", "company", "debug")


async def test_what_is_sent_wins_over_the_preferences(user, db):
    r = await user.post("/v1/logs", json=entry(value_rating="low"))
    assert r.status_code == 201, r.text
    assert await stored(db, r.json()["id"]) == ("low", "company", "debug")


async def test_explicit_null_is_refused_on_its_field(user, db):
    r = await user.post("/v1/logs", json=entry(impact_level=None))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"impact_level"}
    n = await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid", user.id)
    assert n == 0


async def test_bulk_and_put_take_the_preferences(user, db):
    r = await user.post("/v1/logs/bulk", json={"entries": [entry(), entry(value_rating="low")]})
    assert r.status_code == 201, r.text
    first, second = r.json()["items"]
    assert await stored(db, first["id"]) == ("high", "company", "debug")
    assert await stored(db, second["id"]) == ("low", "company", "debug")
    r = await user.put(f"/v1/logs/{second['id']}", json=entry(title="Replaced"))
    assert r.status_code == 200, r.text
    assert await stored(db, second["id"]) == ("high", "company", "debug")


async def test_timer_start_and_stop_use_the_preferences(user, db):
    r = await user.post("/v1/timers/start", json={"title": "Deploy"})
    assert r.status_code == 201, r.text
    row = await db.fetchrow("SELECT value_rating, impact_level, type FROM active_timers "
                            "WHERE user_id = $1::uuid", user.id)
    assert tuple(row) == ("high", "company", "review")
    r = await user.post("/v1/timers/stop")
    assert r.status_code == 201, r.text
    assert await stored(db, r.json()["id"]) == ("high", "company", "review")


async def test_an_empty_timer_start_uses_the_preferences_too(user, db):
    r = await user.post("/v1/timers/start")
    assert r.status_code == 201, r.text
    assert (r.json()["type"], r.json()["impact_level"]) == ("review", "company")


async def test_backfill_uses_the_preferences(user, db):
    r = await user.post("/v1/timers/backfill", json={"title": "Call", "type": "meeting",
                                                     "minutes": 30})
    assert r.status_code == 201, r.text
    assert await stored(db, r.json()["id"]) == ("high", "company", "meeting")


async def test_a_changed_preference_applies_to_the_next_entry(user, db):
    r = await user.put("/v1/users/preferences", json={"default_impact_level": "personal"})
    assert r.status_code == 200, r.text
    r = await user.post("/v1/logs", json=entry())
    assert await stored(db, r.json()["id"]) == ("high", "personal", "debug")


async def test_another_users_preferences_do_not_apply(user, client, db):
    other = await register(client)  # untouched preferences: medium / team
    r = await other.post("/v1/logs", json=entry())
    assert r.status_code == 201, r.text
    assert await stored(db, r.json()["id"]) == ("medium", "team", "debug")
    r = await other.post("/v1/timers/start", json={"title": "x"})
    assert (r.json()["value_rating"], r.json()["type"]) == ("medium", "code")
