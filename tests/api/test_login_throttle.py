"""Password guessing: per account across IPs (locked in PostgreSQL, so losing Redis does
not unlock it), per IP across accounts, the owner still gets in after waiting, and logins
for emails without an account cost no argon2 work."""

from __future__ import annotations

import asyncio
import uuid
from itertools import count

import httpx
import pytest
import redis.asyncio as aioredis

from backend.auth.lockout import email_key
from backend.config import Settings
from tests.support.servers import ApiProcess

THROTTLE = {
    "ENGLOG_LOGIN_LOCK_AFTER": "3",
    # Long enough that a loaded machine cannot let a lock run out between two requests of
    # a test, short enough to wait out.
    "ENGLOG_LOGIN_LOCK_SECONDS": "3",
    "ENGLOG_LOGIN_LOCK_MAX_SECONDS": "6",
    "ENGLOG_LOGIN_MAX_FAILURES": "1000",  # the per (email, IP) limit is tested in test_auth
    "ENGLOG_LOGIN_IP_MAX_FAILURES": "5",
    "ENGLOG_TRUSTED_PROXIES": "127.0.0.1",
    "ENGLOG_METRICS_TOKEN": "throttle-metrics",
}
_ips = count(1)


def ip() -> str:
    n = next(_ips)
    return f"203.0.{113 + n // 250}.{n % 250 + 1}"


@pytest.fixture(scope="module")
def throttled_api(api_env: dict[str, str], tmp_path_factory) -> ApiProcess:
    env = {**api_env, **THROTTLE,
           "ENGLOG_REDIS_PREFIX": api_env["ENGLOG_REDIS_PREFIX"] + "throttle:"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("throttle") / "api.log")
    server.start()
    yield server
    server.stop()


async def new_account(c: httpx.AsyncClient) -> tuple[str, str]:
    email, password = f"bf-{uuid.uuid4().hex[:10]}@example.com", "the real password"
    r = await c.post("/v1/auth/register", json={"email": email, "password": password},
                     headers={"X-Forwarded-For": ip()})
    assert r.status_code == 202, r.text
    return email, password


async def attempt(c: httpx.AsyncClient, email: str, password: str, from_ip: str | None = None
                  ) -> httpx.Response:
    return await c.post("/v1/auth/login", json={"email": email, "password": password},
                        headers={"X-Forwarded-For": from_ip or ip()})


async def test_failures_from_many_ips_lock_the_account_until_the_owner_waits(
        throttled_api: ApiProcess, db) -> None:
    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=20) as c:
        email, password = await new_account(c)
        for _ in range(3):  # three guesses, each from a different address
            assert (await attempt(c, email, "wrong guess!")).status_code == 401
        assert email not in str(await db.fetch("SELECT * FROM login_throttle"))
        locked = await attempt(c, email, password)  # even the right password, from a new IP
        assert locked.status_code == 429, locked.text
        assert locked.json()["type"].endswith("/account-locked")
        wait = int(locked.headers["Retry-After"])
        assert 1 <= wait <= 3
        await asyncio.sleep(wait + 0.2)
        ok = await attempt(c, email, password)
        assert ok.status_code == 200, ok.text
    # The count lives in PostgreSQL under a keyed hash of the email, and a success clears it.
    key = email_key(Settings(jwt_secret=throttled_api.env["ENGLOG_JWT_SECRET"]), email)
    assert await db.fetchval("SELECT count(*) FROM login_throttle WHERE email_hash = $1",
                             key) == 0
    # The success cleared the account's count: a typo afterwards is just a 401.
    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=20) as c:
        assert (await attempt(c, email, "one typo")).status_code == 401
        assert (await attempt(c, email, password)).status_code == 200


async def test_each_lock_after_the_first_is_longer(throttled_api: ApiProcess) -> None:
    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=20) as c:
        email, _ = await new_account(c)
        for _ in range(3):
            await attempt(c, email, "wrong guess!")
        first = int((await attempt(c, email, "x")).headers["Retry-After"])
        await asyncio.sleep(first + 0.2)
        assert (await attempt(c, email, "wrong again")).status_code == 401  # 4th: lock x2
        second = await attempt(c, email, "x")
        assert second.status_code == 429
        # Doubled: longer than any first lock (3 s), and capped at the max (6 s).
        assert 3 < int(second.headers["Retry-After"]) <= 6


async def test_parallel_guesses_get_no_more_than_the_allowance(throttled_api: ApiProcess) -> None:
    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=30) as c:
        email, _ = await new_account(c)
        answers = await asyncio.gather(*(attempt(c, email, f"guess {i}") for i in range(12)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(401) == 3 and statuses.count(429) == 9, statuses


async def test_emails_without_an_account_lock_the_same_way(throttled_api: ApiProcess) -> None:
    # Otherwise "locked after 3" would tell which addresses are registered.
    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=20) as c:
        ghost = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
        for _ in range(3):
            assert (await attempt(c, ghost, "anything at all")).status_code == 401
        r = await attempt(c, ghost, "anything at all")
        assert r.status_code == 429 and r.json()["type"].endswith("/account-locked")


async def test_the_lock_survives_losing_redis(throttled_api: ApiProcess,
                                              redis_client: aioredis.Redis) -> None:
    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=20) as c:
        email, password = await new_account(c)
        for _ in range(3):
            await attempt(c, email, "wrong guess!")
        prefix = throttled_api.env["ENGLOG_REDIS_PREFIX"]
        keys = [k async for k in redis_client.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await redis_client.delete(*keys)  # as a Redis restart without persistence does
        assert (await attempt(c, email, password)).status_code == 429


async def test_one_ip_spraying_many_accounts_is_stopped(throttled_api: ApiProcess) -> None:
    sprayer, bystander = ip(), ip()
    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=20) as c:
        email, password = await new_account(c)
        for _ in range(5):
            ghost = f"spray-{uuid.uuid4().hex[:8]}@example.com"
            assert (await attempt(c, ghost, "Summer2026!!", sprayer)).status_code == 401
        r = await attempt(c, email, password, sprayer)
        assert r.status_code == 429, r.text
        assert r.json()["type"].endswith("/rate-limited")
        # The account itself is fine from anywhere else.
        assert (await attempt(c, email, password, bystander)).status_code == 200


async def test_unknown_emails_cost_no_argon2_work(throttled_api: ApiProcess) -> None:
    """What keeps a flood of made-up emails from starving real logins of CPU (the latency
    under such a flood is measured by bench/bench_auth.py)."""
    headers = {"Authorization": "Bearer throttle-metrics"}

    async def verifies(c: httpx.AsyncClient) -> float:
        text = (await c.get("/metrics", headers=headers)).text
        for line in text.splitlines():
            if line.startswith('englog_password_hashes_total{op="verify"}'):
                return float(line.split()[-1])
        return 0.0

    async with httpx.AsyncClient(base_url=throttled_api.url, timeout=20) as c:
        email, _ = await new_account(c)
        before = await verifies(c)
        for _ in range(2):
            ghost = f"ghost-{uuid.uuid4().hex[:8]}@example.com"
            assert (await attempt(c, ghost, "some password")).status_code == 401
        assert await verifies(c) == before
        assert (await attempt(c, email, "wrong guess!")).status_code == 401
        assert await verifies(c) == before + 1
