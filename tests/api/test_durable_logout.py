"""Logout is kept by PostgreSQL; Redis only caches it. Losing Redis's keys (a restart with
no persistence, an eviction, a flush) must not bring a logged-out token back, on any API
process."""

from __future__ import annotations

import httpx
import pytest
import redis.asyncio as aioredis

from tests.support.servers import ApiProcess
from tests.support.users import register

ENTRY = {"title": "After logout", "type": "code",
         "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}


@pytest.fixture(scope="module")
def second_api(api_env: dict[str, str], tmp_path_factory) -> ApiProcess:
    """Another API process on the same database and Redis, as behind a load balancer."""
    server = ApiProcess(api_env, log_path=tmp_path_factory.mktemp("second") / "api.log")
    server.start()
    yield server
    server.stop()


async def forget_everything(redis_client: aioredis.Redis, prefix: str) -> int:
    keys = [k async for k in redis_client.scan_iter(match=prefix + "*", count=1000)]
    if keys:
        await redis_client.delete(*keys)
    return len(keys)


async def test_logged_out_token_stays_dead_after_redis_forgets(
        client, second_api: ApiProcess, redis_client, redis_prefix: str, db) -> None:
    user = await register(client)
    auth = {"Authorization": f"Bearer {user.access_token}"}
    async with httpx.AsyncClient(base_url=second_api.url, timeout=20) as other:
        assert (await other.get("/v1/auth/me", headers=auth)).status_code == 200
        r = await client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})
        assert r.status_code == 204
        assert await forget_everything(redis_client, redis_prefix) > 0

        for c in (client, other):
            assert (await c.get("/v1/auth/me", headers=auth)).status_code == 401
            assert (await c.post("/v1/logs", json=ENTRY, headers=auth)).status_code == 401
            refreshed = await c.post("/v1/auth/refresh",
                                     json={"refresh_token": user.refresh_token})
            assert refreshed.status_code == 401
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                             user.id) == 0


async def test_live_sessions_keep_working_after_redis_forgets(
        client, second_api: ApiProcess, redis_client, redis_prefix: str) -> None:
    user = await register(client)
    assert (await user.get("/v1/auth/me")).status_code == 200
    await forget_everything(redis_client, redis_prefix)
    async with httpx.AsyncClient(base_url=second_api.url, timeout=20) as other:
        r = await other.get("/v1/auth/me", headers={"Authorization": f"Bearer {user.access_token}"})
        assert r.status_code == 200, r.text
    assert (await user.post("/v1/logs", json=ENTRY)).status_code == 201


async def test_logout_all_on_one_process_is_seen_by_the_other(
        client, second_api: ApiProcess, redis_client, redis_prefix: str) -> None:
    user = await register(client)
    auth = {"Authorization": f"Bearer {user.access_token}"}
    async with httpx.AsyncClient(base_url=second_api.url, timeout=20) as other:
        assert (await other.get("/v1/auth/me", headers=auth)).status_code == 200  # cached live
        assert (await user.post("/v1/auth/logout-all")).status_code == 200
        assert (await other.get("/v1/auth/me", headers=auth)).status_code == 401
        await forget_everything(redis_client, redis_prefix)
        assert (await other.get("/v1/auth/me", headers=auth)).status_code == 401
