"""GDPR endpoints under /v1/users/me: export, anonymise, delete now, schedule a deletion."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from backend.gdpr.erase import erase_user
from tests.support.user_data import seed_everything
from tests.support.users import ApiUser

SPEC_KEYS = {"user_profile", "log_entries", "projects", "insights", "preferences",
             "exported_at"}


async def _delete_me(user: ApiUser, body) -> object:
    return await user.client.request("DELETE", "/v1/users/me", headers=user.headers, json=body)


async def _anonymize(user: ApiUser, body) -> object:
    return await user.post("/v1/users/me/anonymize", json=body)


async def _user_rows(db, user_id: str) -> dict:
    """Everything the password-protected endpoints could change, to show they did not."""
    return {
        "user": dict(await db.fetchrow("SELECT * FROM users WHERE id = $1::uuid", user_id)),
        "entries": [dict(r) for r in await db.fetch(
            "SELECT id, title, description FROM log_entries WHERE user_id = $1::uuid "
            "ORDER BY id", user_id)],
        "insights": await db.fetchval(
            "SELECT count(*) FROM generated_insights WHERE user_id = $1::uuid", user_id),
        "live_sessions": await db.fetchval(
            "SELECT count(*) FROM auth_sessions WHERE user_id = $1::uuid AND revoked_at IS NULL",
            user_id),
    }


# --- export -------------------------------------------------------------------------------


async def test_export_is_the_spec_document_with_my_rows_and_no_secrets(client, db, bob) -> None:
    alice = await seed_everything(client, db)
    await bob.post("/v1/logs", json={"title": "Bob's secret work", "type": "code",
                                     "start_time": "2026-11-02T09:00:00Z",
                                     "end_time": "2026-11-02T10:00:00Z"})

    r = await alice.get("/v1/users/me/export")

    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith('attachment; filename="englog-export-')
    doc = r.json()
    assert SPEC_KEYS <= doc.keys()
    assert datetime.fromisoformat(doc["exported_at"]) > datetime.now(UTC) - timedelta(minutes=5)
    [profile] = doc["user_profile"]
    assert (profile["email"], profile["first_name"]) == (alice.email, "Grace")
    entries = {e["title"]: e for e in doc["log_entries"]}
    assert set(entries) == {"=Write the A-0 compiler", "Design review"}  # one imported
    entry = entries["=Write the A-0 compiler"]
    assert entry["title"] == "=Write the A-0 compiler"
    assert entry["description"] == "private details of the day"
    assert (entry["project_name"], entry["tags"]) == ("Compiler", ["cobol", "python"])
    assert entry["duration_minutes"] == 90
    assert [p["name"] for p in doc["projects"]] == ["Compiler"]
    assert [t["name"] for t in doc["tags"]] == ["cobol"]
    assert [t["title"] for t in doc["timers"]] == ["Debugging"]
    assert [i["report_type"] for i in doc["insights"]] == ["daily"]
    assert [d["status"] for d in doc["scheduled_deletions"]] == ["pending"]
    assert len(doc["sessions"]) == 2 and all("ip" in s for s in doc["sessions"])
    assert doc["preferences"]["theme"] == "dark"
    assert {t["name"] for t in doc["teams_created"]} == {"Platform"}
    [imported] = doc["calendar_imports"]
    assert imported["log_entry_id"] == entries["Design review"]["id"]
    [feed] = doc["calendar_feed"]
    assert feed["created_at"]
    # Secrets never leave: password hash, refresh-token ids, the feed's token hash.
    for secret in ("password_hash", "current_jti", "token_hash"):
        assert secret not in r.text
    assert all("jti" not in row for row in doc["refresh_token_history"])
    # Nothing of bob's.
    assert bob.id not in r.text and "Bob's secret work" not in r.text


async def test_export_zip_has_json_and_csv_per_section(client, db) -> None:
    alice = await seed_everything(client, db)

    r = await alice.get("/v1/users/me/export", params={"format": "zip"})

    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert zf.testzip() is None
    manifest = json.loads(zf.read("manifest.json"))
    assert set(manifest["files"]) | {"manifest.json"} == set(zf.namelist())
    entries = json.loads(zf.read("log_entries.json"))
    rows = list(csv.DictReader(io.StringIO(zf.read("log_entries.csv").decode())))
    assert len(rows) == len(entries) == manifest["rows"]["log_entries"] == 2
    assert [r["id"] for r in rows] == [e["id"] for e in entries]
    row = next(r for r in rows if r["duration_minutes"] == "90")
    # A cell a spreadsheet would run as a formula is defused; lists are JSON.
    assert row["title"] == "'=Write the A-0 compiler"
    assert json.loads(row["tags"]) == ["cobol", "python"]
    [profile] = csv.DictReader(io.StringIO(zf.read("user_profile.csv").decode()))
    assert profile["email"] == alice.email and "password_hash" not in profile
    assert json.loads(zf.read("preferences.json"))["week_start"] == "monday"


async def test_export_of_a_new_user_has_empty_sections(alice) -> None:
    r = await alice.get("/v1/users/me/export")
    assert r.status_code == 200
    doc = r.json()
    assert doc["log_entries"] == [] and doc["projects"] == [] and len(doc["user_profile"]) == 1


@pytest.mark.parametrize("query", [{"format": "xml"}, {"format": "JSON"}, {"other": "1"}])
async def test_export_rejects_unknown_formats(alice, query) -> None:
    r = await alice.get("/v1/users/me/export", params=query)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/v1/users/me/export"), ("POST", "/v1/users/me/anonymize"),
    ("DELETE", "/v1/users/me"), ("GET", "/v1/users/me/deletion"),
    ("POST", "/v1/users/me/deletion"), ("DELETE", "/v1/users/me/deletion")])
async def test_gdpr_endpoints_need_a_token(client, method, path) -> None:
    r = await client.request(method, path, json={"current_password": "x", "after_days": 3})
    assert r.status_code == 401


# --- anonymise ----------------------------------------------------------------------------


async def test_anonymize_replaces_the_person_and_keeps_the_work_log(client, db, bob) -> None:
    alice = await seed_everything(client, db)
    bob_before = await _user_rows(db, bob.id)
    entries_before = await db.fetch(
        "SELECT id, title, start_time, end_time FROM log_entries WHERE user_id = $1::uuid "
        "ORDER BY id", alice.id)

    r = await _anonymize(alice, {"current_password": alice.password})

    assert r.status_code == 200, r.text
    assert r.json() == {"status": "anonymized", "revoked_sessions": 2}
    row = await db.fetchrow("SELECT * FROM users WHERE id = $1::uuid", alice.id)
    assert (row["first_name"], row["last_name"], row["timezone"]) == ("Anonymous", "User", "UTC")
    assert row["email"].startswith("anonymous-") and row["email"].endswith("@anonymized.invalid")
    assert json.loads(row["preferences"]) == {"privacy": "anonymized"}
    # The entries stay (same ids, titles and times), their descriptions do not.
    assert await db.fetch(
        "SELECT id, title, start_time, end_time FROM log_entries WHERE user_id = $1::uuid "
        "ORDER BY id", alice.id) == entries_before
    for table, column in [("log_entries", "user_id"), ("projects", "owner_id"),
                          ("tags", "user_id"), ("active_timers", "user_id")]:
        assert await db.fetchval(
            f"SELECT count(*) FROM {table} WHERE {column} = $1::uuid AND description <> ''",
            alice.id) == 0, table
    for table in ("generated_insights", "tasks", "calendar_imported_events", "calendar_feeds"):
        assert await db.fetchval(f"SELECT count(*) FROM {table} WHERE user_id = $1::uuid",
                                 alice.id) == 0, table
    assert await db.fetchval(
        "SELECT count(*) FROM auth_sessions WHERE user_id = $1::uuid AND (revoked_at IS NULL "
        "OR ip <> '' OR user_agent <> '')", alice.id) == 0
    # The token stops at once, and nobody can log in with the old address or password.
    assert (await alice.get("/v1/auth/me")).status_code == 401
    login = await client.post("/v1/auth/login", json={"email": alice.email,
                                                     "password": alice.password})
    assert login.status_code == 401
    assert await _user_rows(db, bob.id) == bob_before


async def test_an_anonymized_account_deleted_later_sends_no_email(client, db, orm) -> None:
    alice = await seed_everything(client, db)  # with a deletion scheduled in 30 days
    assert (await _anonymize(alice, {"current_password": alice.password})).status_code == 200
    address = await db.fetchval("SELECT email FROM users WHERE id = $1::uuid", alice.id)

    async with in_transaction() as conn:  # what the scheduled deletion runs
        assert await erase_user(conn, uuid.UUID(alice.id)) is not None

    assert await db.fetchval("SELECT count(*) FROM users WHERE id = $1::uuid", alice.id) == 0
    assert await db.fetchval("SELECT count(*) FROM tasks WHERE payload->>'to' = $1",
                             address) == 0


async def test_two_anonymized_accounts_get_different_addresses(client, db) -> None:
    a, b = await seed_everything(client, db), await seed_everything(client, db)
    for user in (a, b):
        assert (await _anonymize(user, {"current_password": user.password})).status_code == 200
    emails = await db.fetch("SELECT email FROM users WHERE id = ANY($1::uuid[])", [a.id, b.id])
    assert len({r["email"] for r in emails}) == 2


# --- delete now ---------------------------------------------------------------------------


async def test_delete_removes_the_account_and_ends_every_session_at_once(client, db, bob) -> None:
    alice = await seed_everything(client, db)
    assert (await alice.get("/v1/auth/me")).status_code == 200  # cached profile, live session
    bob_before = await _user_rows(db, bob.id)

    r = await _delete_me(alice, {"current_password": alice.password})

    assert r.status_code == 204, r.text
    assert await db.fetchval("SELECT count(*) FROM users WHERE id = $1::uuid", alice.id) == 0
    assert (await alice.get("/v1/auth/me")).status_code == 401
    assert (await client.post("/v1/auth/refresh", json={
        "refresh_token": alice.refresh_token})).status_code == 401
    assert (await client.post("/v1/auth/login", json={
        "email": alice.email, "password": alice.password})).status_code == 401
    record = await db.fetchrow("SELECT * FROM completed_deletions WHERE user_id = $1::uuid",
                               alice.id)
    assert record["reason"] == "deleted by the user"
    # The "done" email outlives the user: no user_id, the address in the payload.
    [task] = await db.fetch(
        "SELECT user_id, payload FROM tasks WHERE task_type = 'send_email' "
        "AND payload->>'to' = $1", alice.email)
    payload = json.loads(task["payload"])
    assert task["user_id"] is None and payload["kind"] == "account_deleted"
    assert "deleted" in payload["subject"] and "Grace" in payload["text_body"]
    assert await _user_rows(db, bob.id) == bob_before
    assert (await bob.get("/v1/auth/me")).status_code == 200


async def test_delete_answers_401_once_the_account_is_gone(client, db) -> None:
    alice = await seed_everything(client, db)
    assert (await _delete_me(alice, {"current_password": alice.password})).status_code == 204
    assert (await _delete_me(alice, {"current_password": alice.password})).status_code == 401


# --- both need the password; hostile input changes nothing --------------------------------


@pytest.mark.parametrize("call", [_delete_me, _anonymize])
@pytest.mark.parametrize(("body", "status"), [
    ({"current_password": "wrong password"}, 403),
    ({}, 422),
    ({"current_password": ""}, 422),
    ({"current_password": 12345}, 422),
    ({"current_password": "x" * 257}, 422),
    ({"current_password": "ok", "extra": 1}, 422),
    ({"current_password": "nul\x00byte"}, 422),
    (["current_password"], 400),
    (None, 400),
])
async def test_wrong_or_hostile_password_body_changes_nothing(client, db, call, body,
                                                              status) -> None:
    alice = await seed_everything(client, db)
    before = await _user_rows(db, alice.id)

    r = await call(alice, body)

    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if status == 403:
        assert r.json()["errors"][0]["field"] == "current_password"
    assert await _user_rows(db, alice.id) == before
    assert (await alice.get("/v1/auth/me")).status_code == 200


async def test_bobs_password_does_not_delete_alice(client, db, bob) -> None:
    alice = await seed_everything(client, db)
    before = await _user_rows(db, alice.id)
    assert (await _delete_me(alice, {"current_password": bob.password})).status_code == 403
    assert (await _anonymize(alice, {"current_password": bob.password})).status_code == 403
    assert await _user_rows(db, alice.id) == before


# --- scheduled deletion -------------------------------------------------------------------


async def _emails_of(db, user: ApiUser, kind: str) -> list[dict]:
    rows = await db.fetch("SELECT payload FROM tasks WHERE task_type = 'send_email' "
                          "AND payload->>'to' = $1 AND payload->>'kind' = $2", user.email, kind)
    return [json.loads(r["payload"]) for r in rows]


async def test_schedule_show_and_cancel_a_deletion(alice, db) -> None:
    assert (await alice.get("/v1/users/me/deletion")).status_code == 404

    r = await alice.post("/v1/users/me/deletion", json={"after_days": 7, "reason": "moving on"})

    assert r.status_code == 201, r.text
    body = r.json()
    when = datetime.fromisoformat(body["scheduled_for"])
    assert abs(when - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=5)
    assert (body["status"], body["reason"]) == ("pending", "moving on")
    assert (await alice.get("/v1/users/me/deletion")).json() == body
    row = await db.fetchrow("SELECT * FROM scheduled_deletions WHERE user_id = $1::uuid",
                            alice.id)
    assert (str(row["id"]), row["status"], row["scheduled_for"]) == (body["id"], "pending", when)
    [email] = await _emails_of(db, alice, "deletion_scheduled")
    assert f"{when:%d %B %Y, %H:%M} (UTC)" in email["text_body"]

    again = await alice.post("/v1/users/me/deletion", json={"after_days": 30})
    assert again.status_code == 409
    assert again.json()["deletion"]["scheduled_for"] == body["scheduled_for"]

    assert (await alice.delete("/v1/users/me/deletion")).status_code == 204
    assert (await alice.get("/v1/users/me/deletion")).status_code == 404
    assert (await alice.delete("/v1/users/me/deletion")).status_code == 404
    assert await db.fetchval("SELECT status FROM scheduled_deletions WHERE user_id = $1::uuid",
                             alice.id) == "cancelled"
    assert len(await _emails_of(db, alice, "deletion_cancelled")) == 1

    # Scheduling again after a cancel works (the row is reused).
    r = await alice.post("/v1/users/me/deletion", json={"after_days": 1})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert len(await _emails_of(db, alice, "deletion_scheduled")) == 2


@pytest.mark.parametrize(("body", "status"), [
    ({"after_days": 0}, 422), ({"after_days": 91}, 422), ({"after_days": -3}, 422),
    ({"after_days": "7"}, 422), ({"after_days": 7.5}, 422), ({"after_days": True}, 422),
    ({"after_days": None}, 422), ({}, 422), ({"after_days": 7, "when": "now"}, 422),
    ({"after_days": 10**30}, 422), ({"after_days": 7, "reason": "x" * 1001}, 422),
    ({"after_days": 7, "reason": "a\x00b"}, 422), ([7], 400),
])
async def test_invalid_deletion_request_is_refused_and_writes_nothing(alice, db, body,
                                                                      status) -> None:
    r = await alice.post("/v1/users/me/deletion", json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await db.fetchval("SELECT count(*) FROM scheduled_deletions WHERE user_id = $1::uuid",
                             alice.id) == 0
    assert await _emails_of(db, alice, "deletion_scheduled") == []


async def test_bob_cannot_see_or_cancel_alices_deletion(alice, bob, db) -> None:
    assert (await alice.post("/v1/users/me/deletion", json={"after_days": 5})).status_code == 201
    assert (await bob.get("/v1/users/me/deletion")).status_code == 404
    assert (await bob.delete("/v1/users/me/deletion")).status_code == 404
    assert (await alice.get("/v1/users/me/deletion")).json()["status"] == "pending"
    # Bob's own schedule is his alone.
    assert (await bob.post("/v1/users/me/deletion", json={"after_days": 9})).status_code == 201
    assert await db.fetchval("SELECT count(*) FROM scheduled_deletions WHERE status = 'pending' "
                             "AND user_id = ANY($1::uuid[])", [alice.id, bob.id]) == 2
