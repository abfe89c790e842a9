"""Register does not tell which emails have accounts; passwords are read the same way at
register and login; the most common passwords are refused."""

from __future__ import annotations

import uuid

import pytest

from tests.support.users import ApiUser, register


def new_email() -> str:
    return f"r-{uuid.uuid4().hex[:10]}@example.com"


async def login(client, email: str, password: str):
    return await client.post("/v1/auth/login", json={"email": email, "password": password})


async def emails_to(db, email: str) -> list[str]:
    rows = await db.fetch("SELECT payload->>'kind' AS kind FROM tasks WHERE task_type = "
                          "'send_email' AND payload->>'to' = $1 ORDER BY created_at", email)
    return [r["kind"] for r in rows]


async def test_register_answers_the_same_for_new_and_taken_emails(client, alice: ApiUser,
                                                                  db) -> None:
    fresh = await client.post("/v1/auth/register",
                              json={"email": new_email(), "password": "a fresh password 1"})
    taken = await client.post("/v1/auth/register",
                              json={"email": alice.email, "password": "an attacker's guess"})
    assert fresh.status_code == taken.status_code == 202, (fresh.text, taken.text)
    assert fresh.json() == taken.json()
    assert "access_token" not in fresh.text
    # The owner keeps their password and gets a notice; the attacker's password is not set.
    assert (await login(client, alice.email, alice.password)).status_code == 200
    assert (await login(client, alice.email, "an attacker's guess")).status_code == 401
    assert await emails_to(db, alice.email) == ["welcome", "account_exists"]


async def test_repeated_attempts_send_the_owner_one_notice_a_day(client, alice: ApiUser,
                                                                 db) -> None:
    for _ in range(3):
        r = await client.post("/v1/auth/register",
                              json={"email": alice.email.upper(), "password": "spam spam spam"})
        assert r.status_code == 202
    assert (await emails_to(db, alice.email)).count("account_exists") == 1


async def test_new_account_is_usable_after_register(client, db) -> None:
    email = new_email()
    r = await client.post("/v1/auth/register", json={
        "email": email, "password": "a fresh password 2", "first_name": "  Ada  "})
    assert r.status_code == 202
    assert await db.fetchval("SELECT first_name FROM users WHERE email = $1", email) == "Ada"
    assert await emails_to(db, email) == ["welcome"]
    assert (await login(client, email, "a fresh password 2")).status_code == 200


async def test_both_register_paths_hash_once(client, alice: ApiUser, metrics_text) -> None:
    """The same work for a taken email as for a new one: one argon2 hash each (the timing
    itself is measured by bench/bench_auth.py, not asserted here)."""
    def hashes(text: str) -> float:
        for line in text.splitlines():
            if line.startswith('englog_password_hashes_total{op="hash"}'):
                return float(line.split()[-1])
        return 0.0

    before = hashes(await metrics_text())
    await client.post("/v1/auth/register", json={"email": new_email(), "password": "pw-new-123456"})
    middle = hashes(await metrics_text())
    await client.post("/v1/auth/register", json={"email": alice.email, "password": "pw-old-123456"})
    after = hashes(await metrics_text())
    assert middle - before == 1 and after - middle == 1


# --- passwords -------------------------------------------------------------------------------

async def test_password_with_surrounding_spaces_works_as_typed(client) -> None:
    # Register used to strip spaces and login did not, so this user could never log in.
    user = await register(client)
    email, password = new_email(), "  spaced out password  "
    assert (await client.post("/v1/auth/register",
                              json={"email": email, "password": password})).status_code == 202
    assert (await login(client, email, password)).status_code == 200
    assert (await login(client, email, password.strip())).status_code == 401
    assert user.id  # the helper's user logged in through the same path


async def test_password_is_compared_after_unicode_normalisation(client) -> None:
    email = new_email()
    typed_at_register = "Ｐａｓｓｗｏｒｄ with full-width letters"  # NFKC: "Password ..."
    r = await client.post("/v1/auth/register", json={"email": email, "password": typed_at_register})
    assert r.status_code == 202
    assert (await login(client, email, "Password with full-width letters")).status_code == 200


@pytest.mark.parametrize("password", ["password123", "Password123", "qwertyuiop",
                                      "1234567890", "ＰＡＳＳＷＯＲＤ１２３"])
async def test_common_passwords_are_refused(client, db, password: str) -> None:
    email = new_email()
    r = await client.post("/v1/auth/register", json={"email": email, "password": password})
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["password"]
    assert "common" in r.json()["errors"][0]["message"]
    assert await db.fetchval("SELECT count(*) FROM users WHERE email = $1", email) == 0


async def test_password_may_not_be_the_email(client) -> None:
    email = new_email()
    r = await client.post("/v1/auth/register", json={"email": email, "password": email.upper()})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "password"
