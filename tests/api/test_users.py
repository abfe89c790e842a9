"""/v1/users: profile (names, timezone, email with password) and merged preferences."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.support.users import ApiUser

PROBLEM = "application/problem+json"

DEFAULTS = {
    "weekly_report_email": False, "report_ready_email": True, "week_start": "monday",
    "default_activity_type": "code", "default_value_rating": "medium",
    "default_impact_level": "team", "daily_goal_hours": 8.0, "theme": "dark",
    "end_of_day_reminder_email": False, "end_of_day_reminder_time": "17:30",
    "end_of_day_reminder_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
}


def fields_of(r: httpx.Response) -> set[str]:
    assert r.headers["content-type"].startswith(PROBLEM), r.text
    return {e["field"] for e in r.json()["errors"]}


async def user_row(db, user: ApiUser):
    return await db.fetchrow("SELECT * FROM users WHERE id = $1::uuid", user.id)


async def stored_prefs(db, user: ApiUser) -> dict:
    raw = await db.fetchval("SELECT preferences FROM users WHERE id = $1::uuid", user.id)
    return json.loads(raw)


# --- profile --------------------------------------------------------------------------------

async def test_get_profile(alice: ApiUser) -> None:
    r = await alice.get("/v1/users/profile")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == alice.id and body["email"] == alice.email
    assert (body["first_name"], body["last_name"], body["timezone"]) == ("Test", "User", "UTC")
    assert body["last_login_at"]  # the register helper logs in
    assert body["preferences"] == DEFAULTS


async def test_profile_change_is_stored_and_visible_at_once_through_me(alice, db) -> None:
    assert (await alice.get("/v1/auth/me")).json()["timezone"] == "UTC"  # now cached
    r = await alice.put("/v1/users/profile", json={
        "first_name": " Ada ", "last_name": "Lovelace", "timezone": "Europe/Berlin"})
    assert r.status_code == 200, r.text
    assert (r.json()["first_name"], r.json()["timezone"]) == ("Ada", "Europe/Berlin")
    row = await user_row(db, alice)
    assert (row["first_name"], row["last_name"], row["timezone"]) == (
        "Ada", "Lovelace", "Europe/Berlin")
    me = (await alice.get("/v1/auth/me")).json()
    assert (me["first_name"], me["last_name"], me["timezone"]) == (
        "Ada", "Lovelace", "Europe/Berlin")


async def test_profile_put_changes_only_the_given_fields(alice, db) -> None:
    r = await alice.put("/v1/users/profile", json={"last_name": "Hopper"})
    assert r.status_code == 200, r.text
    row = await user_row(db, alice)
    assert (row["first_name"], row["last_name"], row["timezone"]) == ("Test", "Hopper", "UTC")


@pytest.mark.parametrize("body, field", [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"first_name": "x" * 101}, "first_name"),
    ({"first_name": None}, "first_name"),
    ({"nickname": "ada"}, "nickname"),
    ({"email": "not-an-email", "current_password": "whatever"}, "email"),
])
async def test_invalid_profile_is_422_naming_the_field(alice, db, body, field) -> None:
    before = await user_row(db, alice)
    r = await alice.put("/v1/users/profile", json={"last_name": "Changed", **body})
    assert r.status_code == 422, r.text
    assert fields_of(r) == {field}
    assert await user_row(db, alice) == before  # the valid field was not written either


async def test_email_change_needs_the_current_password(alice, client, db) -> None:
    new = "new-" + alice.email
    r = await alice.put("/v1/users/profile", json={"email": new})
    assert r.status_code == 422 and fields_of(r) == {"current_password"}
    r = await alice.put("/v1/users/profile", json={"email": new, "current_password": "wrong!"})
    assert r.status_code == 403 and fields_of(r) == {"current_password"}
    assert (await user_row(db, alice))["email"] == alice.email

    r = await alice.put("/v1/users/profile",
                        json={"email": new.upper(), "current_password": alice.password})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == new
    assert (await user_row(db, alice))["email"] == new
    assert (await alice.get("/v1/auth/me")).json()["email"] == new
    login = await client.post("/v1/auth/login", json={"email": new, "password": alice.password})
    assert login.status_code == 200
    old = await client.post("/v1/auth/login",
                            json={"email": alice.email, "password": alice.password})
    assert old.status_code == 401


async def test_same_email_needs_no_password(alice) -> None:
    r = await alice.put("/v1/users/profile", json={"email": alice.email.upper()})
    assert r.status_code == 200 and r.json()["email"] == alice.email


async def test_taken_email_is_409_and_nothing_changes(alice, bob, db) -> None:
    before = await user_row(db, alice)
    r = await alice.put("/v1/users/profile", json={
        "email": bob.email.upper(), "current_password": alice.password, "first_name": "X"})
    assert r.status_code == 409, r.text
    assert fields_of(r) == {"email"}
    assert await user_row(db, alice) == before


async def test_bob_cannot_see_or_change_alices_profile(alice, bob, db) -> None:
    alice_before = await user_row(db, alice)
    r = await bob.put("/v1/users/profile", json={"first_name": "Bobby", "timezone": "Asia/Tokyo"})
    assert r.status_code == 200
    assert r.json()["id"] == bob.id
    bob_view = (await bob.get("/v1/users/profile")).json()
    assert bob_view["id"] == bob.id and bob_view["email"] == bob.email
    assert (await bob.put("/v1/users/preferences", json={"theme": "light"})).status_code == 200
    assert await user_row(db, alice) == alice_before
    assert (await alice.get("/v1/users/profile")).json()["first_name"] == "Test"
    assert (await alice.get("/v1/users/preferences")).json()["theme"] == "dark"


@pytest.mark.parametrize("method, path", [
    ("GET", "/v1/users/profile"), ("PUT", "/v1/users/profile"),
    ("GET", "/v1/users/preferences"), ("PUT", "/v1/users/preferences"),
])
async def test_users_endpoints_need_a_token(client, method, path) -> None:
    r = await client.request(method, path, json={"theme": "light"})
    assert r.status_code == 401
    assert r.headers["content-type"].startswith(PROBLEM)


# --- preferences ----------------------------------------------------------------------------

async def test_preferences_default_for_a_new_user(alice) -> None:
    r = await alice.get("/v1/users/preferences")
    assert r.status_code == 200
    assert r.json() == DEFAULTS


async def test_put_preferences_merges_the_given_keys(alice, db) -> None:
    r = await alice.put("/v1/users/preferences", json={"theme": "light", "daily_goal_hours": 6})
    assert r.status_code == 200, r.text
    r = await alice.put("/v1/users/preferences",
                        json={"weekly_report_email": True, "default_activity_type": "review"})
    assert r.status_code == 200, r.text
    expected = {**DEFAULTS, "theme": "light", "daily_goal_hours": 6.0,
                "weekly_report_email": True, "default_activity_type": "review"}
    assert r.json() == expected
    assert (await alice.get("/v1/users/preferences")).json() == expected
    # Only the keys the user set are stored; defaults stay defaults.
    assert await stored_prefs(db, alice) == {
        "theme": "light", "daily_goal_hours": 6.0, "weekly_report_email": True,
        "default_activity_type": "review"}
    # The weekly-report scheduler selects on the raw jsonb boolean.
    assert await db.fetchval("SELECT preferences -> 'weekly_report_email' = 'true'::jsonb "
                             "FROM users WHERE id = $1::uuid", alice.id) is True
    # The cached user (and so /me) sees the change at once.
    assert (await alice.get("/v1/auth/me")).json()["preferences"] == expected


@pytest.mark.parametrize("body, field", [
    ({"colour": "red"}, "colour"),
    ({"daily_goal_hours": 25}, "daily_goal_hours"),
    ({"daily_goal_hours": -1}, "daily_goal_hours"),
    ({"daily_goal_hours": "8"}, "daily_goal_hours"),
    ({"weekly_report_email": "yes"}, "weekly_report_email"),
    ({"report_ready_email": None}, "report_ready_email"),
    ({"week_start": "friday"}, "week_start"),
    ({"default_activity_type": "napping"}, "default_activity_type"),
    ({"default_value_rating": "huge"}, "default_value_rating"),
    ({"default_impact_level": "galaxy"}, "default_impact_level"),
    ({"theme": "solarized"}, "theme"),
])
async def test_invalid_preferences_are_422_naming_the_key(alice, db, body, field) -> None:
    r = await alice.put("/v1/users/preferences", json={"theme": "light", **body})
    assert r.status_code == 422, r.text
    assert fields_of(r) == {field}
    assert await stored_prefs(db, alice) == {}  # the valid key was not written either


async def test_preferences_body_must_be_an_object(alice) -> None:
    r = await alice.put("/v1/users/preferences", json=["theme"])
    assert r.status_code == 400
    assert r.headers["content-type"].startswith(PROBLEM)


async def test_bobs_preferences_do_not_touch_alices(alice, bob, db) -> None:
    await alice.put("/v1/users/preferences", json={"week_start": "sunday"})
    r = await bob.put("/v1/users/preferences", json={"week_start": "monday", "theme": "light"})
    assert r.status_code == 200
    assert await stored_prefs(db, alice) == {"week_start": "sunday"}
    assert (await alice.get("/v1/users/preferences")).json()["theme"] == "dark"
    assert (await bob.get("/v1/users/preferences")).json()["week_start"] == "monday"
