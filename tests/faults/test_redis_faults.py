"""Fault drill: Redis hung (accepts connections, never answers) or gone. The API keeps
serving everything from PostgreSQL, rate limits fail open, and it goes back to Redis once
Redis answers again.

What bounds the added latency is the configured Redis timeout (ENGLOG_REDIS_TIMEOUT_MS,
one timeout per request, then Redis is skipped for a while); the figures are measured by
bench/bench_redis_faults.py, not asserted here."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import pytest

from backend.cache.redis import Cache
from backend.ratelimit.limiter import Limiter
from tests.conftest import REDIS_URL
from tests.support.servers import ApiProcess
from tests.support.tcp_proxy import TcpProxy
from tests.support.users import register

ENTRY = {"title": "While Redis hangs", "type": "code", "tags": ["redis"],
         "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}


@pytest.fixture(scope="module")
def redis_proxy() -> TcpProxy:
    proxy = TcpProxy(urlsplit(REDIS_URL).port or 6379).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def api_via_redis_proxy(api_env, redis_proxy: TcpProxy, tmp_path_factory) -> ApiProcess:
    env = {**api_env, "ENGLOG_REDIS_URL": f"redis://127.0.0.1:{redis_proxy.port}/0",
           "ENGLOG_REDIS_TIMEOUT_MS": "200",
           "ENGLOG_REDIS_PREFIX": api_env["ENGLOG_REDIS_PREFIX"] + "hung:",
           "ENGLOG_RATE_LIMIT_ANONYMOUS": "8/day"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("redis-hung") / "api.log")
    server.start()
    yield server
    server.stop()


async def exercise(c: httpx.AsyncClient, user) -> list[int]:
    """A bit of everything a user does; returns the status codes."""
    return [
        (await user.get("/v1/auth/me")).status_code,
        (await user.post("/v1/logs", json=ENTRY)).status_code,
        (await user.get("/v1/logs")).status_code,
        (await user.get("/v1/analytics/dashboard",
                        params={"start_date": "2026-11-01", "end_date": "2026-11-07"})).status_code,
        (await c.post("/v1/auth/login",
                      json={"email": user.email, "password": user.password})).status_code,
    ]


async def test_hung_redis_costs_nothing_but_speed(api_via_redis_proxy: ApiProcess,
                                                  redis_proxy: TcpProxy, db) -> None:
    # The client's timeout is far above the server's Redis timeout: if a request waited on
    # the hung Redis without one, this would fail with a ReadTimeout.
    async with httpx.AsyncClient(base_url=api_via_redis_proxy.url, timeout=10) as c:
        user = await register(c)
        assert await exercise(c, user) == [200, 201, 200, 200, 200]
        redis_proxy.hang()
        try:
            assert await exercise(c, user) == [200, 201, 200, 200, 200]
            health = (await c.get("/health")).json()
            assert (health["status"], health["redis"]) == ("degraded", "down")
            # More anonymous requests than the limit of 8 pass: limits fail open.
            assert [(await c.get("/v1/auth/me")).status_code for _ in range(10)] == [401] * 10
        finally:
            redis_proxy.restore()
        await asyncio.sleep(2.5)  # the API skips Redis for 2 s after a failure
        assert (await c.get("/health")).json()["redis"] == "ok"
        assert await exercise(c, user) == [200, 201, 200, 200, 200]
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                             user.id) == 3
    assert "rate limits are not enforced" in api_via_redis_proxy.log_path.read_text()


async def test_redis_cut_mid_request_stream(api_via_redis_proxy: ApiProcess,
                                            redis_proxy: TcpProxy) -> None:
    async with httpx.AsyncClient(base_url=api_via_redis_proxy.url, timeout=10) as c:
        user = await register(c)

        async def load() -> list[int]:
            return [(await user.post("/v1/logs", json=ENTRY)).status_code for _ in range(30)]

        async def cut_and_restore() -> None:
            await asyncio.sleep(0.05)
            await asyncio.to_thread(redis_proxy.cut)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(redis_proxy.restore)

        results = await asyncio.gather(load(), load(), cut_and_restore())
    assert results[0] + results[1] == [201] * 60


def test_the_limiter_shares_the_cache_connection_pool_and_its_timeouts() -> None:
    """So one timeout setting bounds every Redis call a request makes."""
    cache = Cache(REDIS_URL, "englog-test-pool:", timeout_s=0.2)
    limiter = Limiter(cache)
    pool = cache.client.connection_pool
    assert limiter.client.connection_pool is pool
    assert pool.connection_kwargs["socket_timeout"] == 0.2
    assert pool.connection_kwargs["socket_connect_timeout"] == 0.2
    # ...and never retried inside redis-py (its default, 3 retries with backoff, multiplied
    # the timeout).
    assert pool.connection_kwargs["retry"].get_retries() == 0
