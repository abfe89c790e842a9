"""Rate limits on an API of their own with tight limits: per user for authenticated reads
and writes, per client IP for anonymous requests and registration, 429 with Retry-After and
the RateLimit headers, client IPs from trusted proxies only, and failing open without Redis.

Windows are a day long so a test cannot straddle a window boundary (except at midnight UTC);
each test uses its own client IPs (sent through the trusted proxy 127.0.0.1), so their
counters do not mix."""

from __future__ import annotations

import re
import uuid
from itertools import count

import httpx
import pytest

from backend.api.clientip import parse_trusted, resolve
from tests.support.servers import ApiProcess, free_port
from tests.support.users import ApiUser

LIMITS = {
    "ENGLOG_RATE_LIMIT_READ": "5/day",
    "ENGLOG_RATE_LIMIT_WRITE": "3/day",
    "ENGLOG_RATE_LIMIT_ANONYMOUS": "4/day",
    "ENGLOG_RATE_LIMIT_REGISTER": "2/day",
    "ENGLOG_TRUSTED_PROXIES": "127.0.0.1",
    "ENGLOG_METRICS_TOKEN": "",
}
ENTRY = {"title": "Limited", "type": "code",
         "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}
_ips = count(1)


def client_ip() -> str:
    """A fresh documentation-range address (RFC 5737) per call."""
    n = next(_ips)
    return f"198.51.{100 + n // 250}.{n % 250 + 1}"


def via(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


@pytest.fixture(scope="module")
def limited_api(api_env: dict[str, str], tmp_path_factory) -> ApiProcess:
    server = ApiProcess({**api_env, **LIMITS},
                        log_path=tmp_path_factory.mktemp("limits") / "api.log")
    server.start()
    yield server
    server.stop()


async def make_user(c: httpx.AsyncClient) -> ApiUser:
    """Registers and logs in from a fresh IP each time, so users cost no test its budget."""
    email, password = f"rl-{uuid.uuid4().hex[:10]}@example.com", "rate limited pass 1"
    ip = client_ip()
    r = await c.post("/v1/auth/register", json={"email": email, "password": password},
                     headers=via(ip))
    assert r.status_code == 202, r.text
    r = await c.post("/v1/auth/login", json={"email": email, "password": password},
                     headers=via(ip))
    assert r.status_code == 200, r.text
    body = r.json()
    return ApiUser(client=c, email=email, password=password, id=body["user"]["id"],
                   access_token=body["access_token"], refresh_token=body["refresh_token"])


def assert_429(r: httpx.Response, policy: str, limit: int) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    retry = int(r.headers["Retry-After"])
    assert 1 <= retry <= 86400
    assert r.headers["RateLimit-Policy"] == f'"{policy}";q={limit};w=86400'
    assert r.headers["RateLimit"] == f'"{policy}";r=0;t={retry}'
    assert r.json()["retry_after"] == retry and r.json()["policy"] == policy


async def test_anonymous_requests_are_limited_per_client_ip(limited_api: ApiProcess) -> None:
    ip, other = client_ip(), client_ip()
    async with httpx.AsyncClient(base_url=limited_api.url) as c:
        for left in (3, 2, 1, 0):
            r = await c.get("/v1/auth/me", headers=via(ip))
            assert r.status_code == 401
            assert r.headers["RateLimit-Policy"] == '"anonymous";q=4;w=86400'
            assert re.fullmatch(rf'"anonymous";r={left};t=\d+', r.headers["RateLimit"])
        assert_429(await c.get("/v1/auth/me", headers=via(ip)), "anonymous", 4)
        # Login, refresh and unknown routes count as anonymous too.
        assert_429(await c.post("/v1/auth/login", json={"email": "a@b.cd", "password": "x"},
                                headers=via(ip)), "anonymous", 4)
        assert_429(await c.get("/no/such/page", headers=via(ip)), "anonymous", 4)
        assert (await c.get("/v1/auth/me", headers=via(other))).status_code == 401


async def test_writes_are_limited_per_user_and_refused_writes_store_nothing(
        limited_api: ApiProcess, db) -> None:
    async with httpx.AsyncClient(base_url=limited_api.url) as c:
        alice, bob = await make_user(c), await make_user(c)
        for _ in range(3):
            r = await alice.post("/v1/logs", json=ENTRY)
            assert r.status_code == 201, r.text
            assert r.headers["RateLimit-Policy"] == '"write";q=3;w=86400'
        assert_429(await alice.post("/v1/logs", json=ENTRY), "write", 3)
        assert_429(await alice.delete(f"/v1/logs/{uuid.uuid4()}"), "write", 3)
        # Reads have their own budget, and another user (same IP) is not affected.
        assert (await alice.get("/v1/logs")).status_code == 200
        assert (await bob.post("/v1/logs", json=ENTRY)).status_code == 201
    stored = await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                               alice.id)
    assert stored == 3


async def test_reads_are_limited_per_user(limited_api: ApiProcess) -> None:
    async with httpx.AsyncClient(base_url=limited_api.url) as c:
        user = await make_user(c)
        for _ in range(5):
            assert (await user.get("/v1/auth/me")).status_code == 200
        assert_429(await user.get("/v1/projects"), "read", 5)


async def test_registration_is_limited_per_ip(limited_api: ApiProcess, db) -> None:
    ip = client_ip()
    async with httpx.AsyncClient(base_url=limited_api.url) as c:
        emails = [f"reg-{uuid.uuid4().hex[:10]}@example.com" for _ in range(3)]
        for email in emails[:2]:
            r = await c.post("/v1/auth/register", json={"email": email,
                                                        "password": "registration pass"},
                             headers=via(ip))
            assert r.status_code == 202, r.text
        r = await c.post("/v1/auth/register", json={"email": emails[2],
                                                    "password": "registration pass"},
                         headers=via(ip))
        assert_429(r, "register", 2)
        assert await db.fetchval("SELECT count(*) FROM users WHERE email = $1", emails[2]) == 0
        r = await c.post("/v1/auth/register", json={"email": emails[2],
                                                    "password": "registration pass"},
                         headers=via(client_ip()))
        assert r.status_code == 202


async def test_forwarded_for_is_ignored_from_untrusted_peers(limited_api: ApiProcess) -> None:
    # From 127.0.0.2, which is not a trusted proxy: the header is the client's own claim.
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=limited_api.url, transport=transport) as c:
        for _ in range(4):
            r = await c.get("/v1/auth/me", headers=via(client_ip()))
            assert r.status_code == 401
        assert_429(await c.get("/v1/auth/me", headers=via(client_ip())), "anonymous", 4)


async def test_probes_are_never_limited(limited_api: ApiProcess) -> None:
    ip = client_ip()
    async with httpx.AsyncClient(base_url=limited_api.url) as c:
        for _ in range(12):
            assert (await c.get("/live", headers=via(ip))).status_code == 200
            assert (await c.get("/ready", headers=via(ip))).status_code == 200


async def test_metrics_are_hidden_without_a_token(limited_api: ApiProcess) -> None:
    async with httpx.AsyncClient(base_url=limited_api.url) as c:
        r = await c.get("/metrics", headers=via(client_ip()))
    assert r.status_code == 404
    assert "englog_" not in r.text


def test_client_ip_comes_from_the_rightmost_untrusted_hop() -> None:
    nets = parse_trusted("10.0.0.0/8, 127.0.0.1")
    assert resolve("127.0.0.1", "198.51.100.7", nets) == "198.51.100.7"
    # The leftmost entries were written by the client: a forged one is skipped.
    assert resolve("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3", nets) == "198.51.100.7"
    assert resolve("203.0.113.9", "198.51.100.7", nets) == "203.0.113.9"  # untrusted peer
    assert resolve("127.0.0.1", "not-an-ip", nets) == "127.0.0.1"
    assert resolve("127.0.0.1", "198.51.100.7", ()) == "127.0.0.1"  # nothing trusted
    with pytest.raises(ValueError, match="nonsense"):
        parse_trusted("nonsense")


async def test_limits_fail_open_with_a_warning_when_redis_is_down(
        api_env: dict[str, str], tmp_path_factory) -> None:
    log = tmp_path_factory.mktemp("limits-noredis") / "api.log"
    env = {**api_env, **LIMITS, "ENGLOG_RATE_LIMIT_ANONYMOUS": "2/day",
           "ENGLOG_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    server = ApiProcess(env, log_path=log)
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as c:
            statuses = [(await c.get("/v1/auth/me")).status_code for _ in range(6)]
    finally:
        server.stop()
    assert statuses == [401] * 6
    assert "rate limits are not enforced: Redis is unavailable" in log.read_text()


async def test_counting_survives_redis_forgetting_the_script(limited_api: ApiProcess) -> None:
    """A restarted Redis has no scripts loaded: the limiter loads its own again and counts
    on, instead of failing open."""
    from redis.asyncio import Redis

    async with httpx.AsyncClient(base_url=limited_api.url) as c:
        user = await make_user(c)
        r = await user.get("/v1/logs")
        assert r.status_code == 200 and r.headers["RateLimit"].startswith('"read";r=4;')
        redis = Redis.from_url("redis://127.0.0.1:6379/0")
        try:
            await redis.script_flush()
        finally:
            await redis.aclose()
        r = await user.get("/v1/logs")
        assert r.status_code == 200 and r.headers["RateLimit"].startswith('"read";r=3;')
