"""A Redis outage in the middle of a write must not leave stale analytics behind afterwards."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import redis

from tests.support.redis_server import PrivateRedis
from tests.support.servers import ApiProcess
from tests.support.users import register


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory) -> PrivateRedis:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


async def outage(private_redis: PrivateRedis, during) -> None:
    """Redis goes down, `during()` runs, Redis comes back with its old data, and the API's
    back-off window after the failure passes."""
    private_redis.crash_keeping_data()
    await during()
    private_redis.start()
    await asyncio.sleep(2.5)


@pytest.fixture(scope="module")
def api_on_private_redis(api_env, private_redis, tmp_path_factory):
    env = {**api_env, "ENGLOG_REDIS_URL": f"redis://127.0.0.1:{private_redis.port}/0"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("outage") / "api.log")
    server.start()
    yield server
    server.stop()


async def test_write_during_outage_invalidates_cache_after_recovery(
    api_on_private_redis: ApiProcess, private_redis: PrivateRedis
) -> None:
    params = {"start_date": "2026-11-02", "end_date": "2026-11-08"}
    async with httpx.AsyncClient(base_url=api_on_private_redis.url, timeout=20) as c:
        user = await register(c)
        r = await user.post("/v1/logs", json={
            "title": "Before the outage", "type": "code",
            "start_time": "2026-11-03T09:00:00+00:00", "end_time": "2026-11-03T10:00:00+00:00"})
        assert r.status_code == 201, r.text
        entry_id = r.json()["id"]
        first = await user.get("/v1/analytics/dashboard", params=params)
        assert first.json()["totals"]["minutes"] == 60  # now cached under the current version

        async def edit() -> None:
            r = await user.patch(f"/v1/logs/{entry_id}",
                                 json={"end_time": "2026-11-03T11:00:00+00:00"})
            assert r.status_code == 200, r.text  # PostgreSQL took it; the bump was lost

        await outage(private_redis, edit)

        after = await user.get("/v1/analytics/dashboard", params=params)
        assert after.json()["totals"]["minutes"] == 120


async def test_logout_during_outage_still_kills_the_access_token(
    api_on_private_redis: ApiProcess, private_redis: PrivateRedis
) -> None:
    async with httpx.AsyncClient(base_url=api_on_private_redis.url, timeout=20) as c:
        user = await register(c)
        assert (await user.get("/v1/auth/me")).status_code == 200  # cached while Redis is up

        async def logout() -> None:
            r = await c.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})
            assert r.status_code == 204  # PostgreSQL revoked the session; the marker was lost

        await outage(private_redis, logout)

        # Redis answers again and holds the user's cache entry from before the outage: only
        # the replayed revoked-session marker can stop this token.
        assert (await user.get("/v1/auth/me")).status_code == 401


def _keys_naming(private: PrivateRedis, user_id: str) -> list[bytes]:
    return list(redis.Redis(port=private.port).scan_iter(match=f"*{user_id}*"))


async def test_delete_during_outage_clears_the_users_keys_after_recovery(
    api_on_private_redis: ApiProcess, private_redis: PrivateRedis
) -> None:
    async with httpx.AsyncClient(base_url=api_on_private_redis.url, timeout=20) as c:
        user = await register(c)
        other = await register(c)
        assert (await user.get("/v1/analytics/dashboard")).status_code == 200
        assert (await user.get("/v1/auth/me")).status_code == 200
        assert _keys_naming(private_redis, user.id)  # profile and analytics are cached

        async def delete() -> None:
            r = await c.request("DELETE", "/v1/users/me", headers=user.headers,
                                json={"current_password": user.password})
            assert r.status_code == 204, r.text  # PostgreSQL took it; Redis missed it

        await outage(private_redis, delete)
        assert _keys_naming(private_redis, user.id)  # back with the data from before

        # The next request the API serves replays the deletion.
        assert (await other.get("/v1/auth/me")).status_code == 200
        assert _keys_naming(private_redis, user.id) == []
        assert (await user.get("/v1/auth/me")).status_code == 401
