"""An account deleted while Redis is down leaves no cached data behind once Redis is back."""

from __future__ import annotations

import httpx
import pytest
import redis

from tests.api.test_redis_outage import PrivateRedis, outage
from tests.support.servers import ApiProcess
from tests.support.users import register


@pytest.fixture(scope="module")
def gdpr_redis(tmp_path_factory) -> PrivateRedis:
    server = PrivateRedis(tmp_path_factory.mktemp("gdpr-redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api_on_gdpr_redis(api_env, gdpr_redis, tmp_path_factory):
    env = {**api_env, "ENGLOG_REDIS_URL": f"redis://127.0.0.1:{gdpr_redis.port}/0"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("gdpr-outage") / "api.log")
    server.start()
    yield server
    server.stop()


def _keys_naming(private: PrivateRedis, user_id: str) -> list[bytes]:
    return list(redis.Redis(port=private.port).scan_iter(match=f"*{user_id}*"))


async def test_delete_during_outage_clears_the_users_keys_after_recovery(
    api_on_gdpr_redis: ApiProcess, gdpr_redis: PrivateRedis
) -> None:
    async with httpx.AsyncClient(base_url=api_on_gdpr_redis.url, timeout=20) as c:
        user = await register(c)
        other = await register(c)
        assert (await user.get("/v1/analytics/dashboard")).status_code == 200
        assert (await user.get("/v1/auth/me")).status_code == 200
        assert _keys_naming(gdpr_redis, user.id)  # profile and analytics are cached

        async def delete() -> None:
            r = await c.request("DELETE", "/v1/users/me", headers=user.headers,
                                json={"current_password": user.password})
            assert r.status_code == 204, r.text  # PostgreSQL took it; Redis missed it

        await outage(gdpr_redis, delete)
        assert _keys_naming(gdpr_redis, user.id)  # back with the data from before

        # The next request the API serves replays the deletion.
        assert (await other.get("/v1/auth/me")).status_code == 200
        assert _keys_naming(gdpr_redis, user.id) == []
        assert (await user.get("/v1/auth/me")).status_code == 401
