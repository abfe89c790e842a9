"""/v1/auth: refresh rotation and reuse detection, logout, logout-all, me, token checks,
the failed-login rate limit and the denylist cleanup job."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import jwt
import pytest
import redis.asyncio as aioredis

from backend.auth import jobs
from backend.auth.ratelimit import attempts_key
from backend.cache.redis import Cache
from tests.conftest import REDIS_URL
from tests.support.servers import ApiProcess, free_port
from tests.support.users import ApiUser, register

PROBLEM = "application/problem+json"


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def craft(secret: str, **overrides) -> str:
    now = datetime.now(UTC)
    payload = {"iss": "englog", "sub": str(uuid.uuid4()), "sid": str(uuid.uuid4()),
               "jti": str(uuid.uuid4()), "type": "access", "iat": int(now.timestamp()),
               "exp": int((now + timedelta(minutes=10)).timestamp())}
    payload.update(overrides)
    return jwt.encode(payload, secret, algorithm="HS256")


def b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


@pytest.fixture
def secret(api_env: dict[str, str]) -> str:
    return api_env["ENGLOG_JWT_SECRET"]


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/v1/auth/refresh", json={"refresh_token": token})


async def me(client: httpx.AsyncClient, access: str) -> httpx.Response:
    return await client.get("/v1/auth/me", headers={"Authorization": f"Bearer {access}"})


async def login(client: httpx.AsyncClient, user: ApiUser, password: str | None = None
                ) -> httpx.Response:
    return await client.post("/v1/auth/login", json={
        "email": user.email, "password": user.password if password is None else password})


def assert_401(r: httpx.Response) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["status"] == 401


async def session_row(db: asyncpg.Pool, token: str) -> asyncpg.Record:
    return await db.fetchrow("SELECT * FROM auth_sessions WHERE id = $1::uuid",
                             claims_of(token)["sid"])


# --- me -------------------------------------------------------------------------------------

async def test_me_returns_the_caller(client, alice: ApiUser) -> None:
    r = await alice.get("/v1/auth/me")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == alice.id and body["email"] == alice.email
    assert body["first_name"] == "Test" and body["timezone"] == "UTC"
    assert body["preferences"]["theme"] == "dark"
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None


async def test_me_without_token_is_401(client) -> None:
    assert_401(await client.get("/v1/auth/me"))


# --- refresh --------------------------------------------------------------------------------

async def test_refresh_rotates_and_denylists_the_old_token(client, alice, db) -> None:
    old = claims_of(alice.refresh_token)
    r = await refresh(client, alice.refresh_token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["user"]["id"] == alice.id
    new = claims_of(body["refresh_token"])
    assert new["sid"] == old["sid"] and new["jti"] != old["jti"]
    row = await session_row(db, body["refresh_token"])
    assert str(row["current_jti"]) == new["jti"] and row["revoked_at"] is None
    deny = await db.fetchrow("SELECT * FROM refresh_token_denylist WHERE jti = $1::uuid",
                             old["jti"])
    assert deny is not None and deny["reason"] == "rotated"
    assert str(deny["user_id"]) == alice.id and str(deny["session_id"]) == old["sid"]
    assert (await me(client, body["access_token"])).status_code == 200
    # The new refresh token rotates again.
    again = await refresh(client, body["refresh_token"])
    assert again.status_code == 200, again.text


async def test_reused_refresh_token_revokes_the_whole_family(client, alice, db) -> None:
    other = (await login(client, alice)).json()  # a second, unrelated session
    first = (await refresh(client, alice.refresh_token)).json()

    replay = await refresh(client, alice.refresh_token)
    assert_401(replay)
    row = await session_row(db, alice.refresh_token)
    assert row["revoked_at"] is not None and row["revoked_reason"] == "reuse"
    # The legitimate newer token of the family and its access token die with it.
    assert_401(await refresh(client, first["refresh_token"]))
    assert_401(await me(client, first["access_token"]))
    assert_401(await me(client, alice.access_token))
    # The other session is untouched.
    assert (await me(client, other["access_token"])).status_code == 200
    assert (await refresh(client, other["refresh_token"])).status_code == 200
    assert (await session_row(db, other["refresh_token"]))["revoked_at"] is None


async def test_expired_session_cannot_refresh(client, alice, db) -> None:
    sid = claims_of(alice.refresh_token)["sid"]
    await db.execute("UPDATE auth_sessions SET expires_at = now() - interval '1 minute' "
                     "WHERE id = $1::uuid", sid)
    assert_401(await refresh(client, alice.refresh_token))
    row = await session_row(db, alice.refresh_token)
    assert str(row["current_jti"]) == claims_of(alice.refresh_token)["jti"]
    assert await db.fetchval("SELECT count(*) FROM refresh_token_denylist "
                             "WHERE session_id = $1::uuid", sid) == 0


async def test_refresh_validation_names_the_field(client) -> None:
    r = await client.post("/v1/auth/refresh", json={"token": "x"})
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"refresh_token", "token"}


# --- bad tokens -----------------------------------------------------------------------------

async def test_alg_none_token_is_rejected(client, alice) -> None:
    real = claims_of(alice.access_token)
    forged = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(real)}."
    assert_401(await me(client, forged))
    # The genuine token with the same claims works, so it is the alg that was refused.
    assert (await me(client, alice.access_token)).status_code == 200


async def test_wrong_signature_is_rejected(client, alice) -> None:
    wrong = "not-the-secret-but-long-enough-for-hs256!"
    assert_401(await me(client, jwt.encode(claims_of(alice.access_token), wrong, "HS256")))
    assert_401(await refresh(client, jwt.encode(claims_of(alice.refresh_token), wrong, "HS256")))


async def test_expired_token_is_rejected(client, alice, secret) -> None:
    real = claims_of(alice.access_token)
    past = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
    expired = craft(secret, sub=real["sub"], sid=real["sid"], exp=past)
    r = await me(client, expired)
    assert_401(r)
    assert "expired" in r.json()["detail"]
    # Same claims with a future exp pass: the expiry alone made the difference.
    assert (await me(client, craft(secret, sub=real["sub"], sid=real["sid"]))).status_code == 200


async def test_token_of_the_wrong_type_is_rejected(client, alice) -> None:
    assert_401(await me(client, alice.refresh_token))
    assert_401(await refresh(client, alice.access_token))
    # Neither misuse consumed anything: the real refresh token still works.
    assert (await refresh(client, alice.refresh_token)).status_code == 200


# --- logout ---------------------------------------------------------------------------------

async def test_logout_kills_refresh_and_access_token_at_once(client, alice, db) -> None:
    r = await client.post("/v1/auth/logout", json={"refresh_token": alice.refresh_token})
    assert r.status_code == 204, r.text
    c = claims_of(alice.refresh_token)
    row = await session_row(db, alice.refresh_token)
    assert row["revoked_at"] is not None and row["revoked_reason"] == "logout"
    deny = await db.fetchrow("SELECT * FROM refresh_token_denylist WHERE jti = $1::uuid", c["jti"])
    assert deny is not None and deny["reason"] == "logout"
    assert_401(await me(client, alice.access_token))
    assert_401(await refresh(client, alice.refresh_token))
    again = await client.post("/v1/auth/logout", json={"refresh_token": alice.refresh_token})
    assert again.status_code == 204


async def test_logout_with_a_bad_token_is_401(client) -> None:
    assert_401(await client.post("/v1/auth/logout", json={"refresh_token": "garbage"}))


async def test_logout_all_revokes_every_session(client, alice, bob, db) -> None:
    second = (await login(client, alice)).json()
    third = (await login(client, alice)).json()
    r = await client.post("/v1/auth/logout-all",
                          headers={"Authorization": f"Bearer {second['access_token']}"})
    assert r.status_code == 200, r.text
    assert r.json() == {"revoked_sessions": 3}
    for tokens in ((alice.access_token, alice.refresh_token),
                   (second["access_token"], second["refresh_token"]),
                   (third["access_token"], third["refresh_token"])):
        assert_401(await me(client, tokens[0]))
        assert_401(await refresh(client, tokens[1]))
    live = await db.fetchval("SELECT count(*) FROM auth_sessions WHERE user_id = $1::uuid "
                             "AND revoked_at IS NULL", alice.id)
    assert live == 0
    assert await db.fetchval("SELECT count(*) FROM refresh_token_denylist WHERE user_id = $1::uuid"
                             " AND reason = 'logout-all'", alice.id) == 3
    # Bob is not logged out.
    assert (await bob.get("/v1/auth/me")).status_code == 200
    assert await db.fetchval("SELECT count(*) FROM auth_sessions WHERE user_id = $1::uuid "
                             "AND revoked_at IS NULL", bob.id) == 1


async def test_logout_all_needs_a_bearer_token(client) -> None:
    assert_401(await client.post("/v1/auth/logout-all"))


# --- isolation ------------------------------------------------------------------------------

async def test_bobs_refresh_token_cannot_log_alice_out(client, alice, bob, db) -> None:
    r = await client.post("/v1/auth/logout", json={"refresh_token": bob.refresh_token})
    assert r.status_code == 204
    assert (await alice.get("/v1/auth/me")).status_code == 200
    assert (await session_row(db, alice.refresh_token))["revoked_at"] is None
    assert_401(await bob.get("/v1/auth/me"))


async def test_token_naming_alices_session_with_bobs_identity_changes_nothing(
        client, alice, bob, db, secret) -> None:
    alice_sid = claims_of(alice.refresh_token)["sid"]
    mixed = craft(secret, type="refresh", sub=bob.id, sid=alice_sid,
                  exp=int((datetime.now(UTC) + timedelta(days=1)).timestamp()))
    assert (await client.post("/v1/auth/logout", json={"refresh_token": mixed})).status_code == 204
    assert_401(await refresh(client, mixed))
    row = await session_row(db, alice.refresh_token)
    assert row["revoked_at"] is None
    assert str(row["current_jti"]) == claims_of(alice.refresh_token)["jti"]
    assert await db.fetchval("SELECT count(*) FROM refresh_token_denylist "
                             "WHERE session_id = $1::uuid", alice_sid) == 0
    assert (await alice.get("/v1/auth/me")).status_code == 200
    assert (await refresh(client, alice.refresh_token)).status_code == 200


# --- login and its rate limit ---------------------------------------------------------------

async def test_login_sets_last_login_at(client, alice, db) -> None:
    await db.execute("UPDATE users SET last_login_at = NULL WHERE id = $1::uuid", alice.id)
    r = await login(client, alice)
    assert r.status_code == 200 and r.json()["user"]["id"] == alice.id
    assert await db.fetchval("SELECT last_login_at FROM users WHERE id = $1::uuid",
                             alice.id) is not None


async def test_sixth_attempt_after_five_failures_is_429_even_with_the_right_password(
        client, alice, bob, redis_client: aioredis.Redis, redis_prefix: str) -> None:
    for _ in range(5):
        assert_401(await login(client, alice, password="wrong password!"))
    r = await login(client, alice)
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    retry = int(r.headers["Retry-After"])
    assert 1 <= retry <= 60
    assert r.json()["retry_after"] == retry
    assert (await login(client, alice, password="wrong password!")).status_code == 429
    # Another account from the same IP is not affected.
    assert (await login(client, bob)).status_code == 200
    # The counter lives in Redis with the window as its expiry; once it is gone, login works.
    key = attempts_key(Cache(REDIS_URL, redis_prefix), alice.email, "127.0.0.1")
    assert 1 <= await redis_client.ttl(key) <= 60
    await redis_client.delete(key)
    assert (await login(client, alice)).status_code == 200


async def test_successful_login_resets_the_failure_count(client, alice) -> None:
    for _ in range(4):
        assert_401(await login(client, alice, password="wrong password!"))
    assert (await login(client, alice)).status_code == 200
    for _ in range(5):
        assert_401(await login(client, alice, password="wrong password!"))
    assert (await login(client, alice)).status_code == 429


@pytest.fixture(scope="module")
def api_without_redis(api_env: dict[str, str], tmp_path_factory):
    # Nothing listens on this port: every Redis call fails fast.
    env = {**api_env, "ENGLOG_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("auth-noredis") / "api.log")
    server.start()
    yield server
    server.stop()


async def test_rate_limit_fails_open_without_redis(api_without_redis: ApiProcess) -> None:
    async with httpx.AsyncClient(base_url=api_without_redis.url, timeout=20) as c:
        user = await register(c)
        for _ in range(7):
            assert_401(await login(c, user, password="wrong password!"))
        assert (await login(c, user)).status_code == 200


# --- cleanup job ----------------------------------------------------------------------------

async def test_cleanup_denylist_drops_stale_rows_and_dead_sessions(orm, db, alice) -> None:
    await jobs.cleanup_denylist()  # start from a clean slate: only this test's rows count

    async def session(expires: str, revoked: str | None) -> uuid.UUID:
        return await db.fetchval(
            "INSERT INTO auth_sessions (id, user_id, current_jti, expires_at, revoked_at) "
            f"VALUES (gen_random_uuid(), $1::uuid, gen_random_uuid(), now() + interval "
            f"'{expires}', {f'now() - interval {revoked!r}' if revoked else 'NULL'}) "
            "RETURNING id", alice.id)

    async def deny(denylisted_ago: str, expires: str) -> uuid.UUID:
        return await db.fetchval(
            "INSERT INTO refresh_token_denylist (jti, user_id, expires_at, denylisted_at) "
            f"VALUES (gen_random_uuid(), $1::uuid, now() + interval '{expires}', "
            f"now() - interval '{denylisted_ago}') RETURNING jti", alice.id)

    old_deny = await deny("31 days", "5 days")
    expired_deny = await deny("1 day", "-1 hour")
    fresh_deny = await deny("1 day", "29 days")
    expired_s = await session("-1 hour", None)
    long_revoked = await session("10 days", "31 days")
    recently_revoked = await session("10 days", "1 day")
    live = await session("10 days", None)

    assert await jobs.cleanup_denylist() == 4
    left_deny = {r["jti"] for r in await db.fetch(
        "SELECT jti FROM refresh_token_denylist WHERE jti = ANY($1::uuid[])",
        [old_deny, expired_deny, fresh_deny])}
    assert left_deny == {fresh_deny}
    left_s = {r["id"] for r in await db.fetch(
        "SELECT id FROM auth_sessions WHERE id = ANY($1::uuid[])",
        [expired_s, long_revoked, recently_revoked, live])}
    assert left_s == {recently_revoked, live}
    # The account's own registration session survives too.
    assert (await session_row(db, alice.refresh_token)) is not None
    await jobs.cleanup_denylist(older_than_days=0)
    assert await db.fetchval("SELECT count(*) FROM auth_sessions WHERE id = $1",
                             recently_revoked) == 0
