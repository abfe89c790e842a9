"""An unavailable Redis degrades the API (no cache, no rate limit) but never breaks it."""

from __future__ import annotations

import httpx
import pytest

from tests.support.servers import ApiProcess, free_port
from tests.support.users import register


@pytest.fixture(scope="module")
def api_without_redis(api_env: dict[str, str], tmp_path_factory):
    # Nothing listens on this port: every Redis call fails fast with "connection refused".
    env = {**api_env, "ENGLOG_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("noredis") / "api.log")
    server.start()
    yield server
    server.stop()


async def test_health_reports_degraded(api_without_redis: ApiProcess) -> None:
    async with httpx.AsyncClient() as c:
        r = await c.get(api_without_redis.url + "/health")
    assert r.status_code == 200
    assert r.json()["status"] == "degraded"
    assert r.json()["redis"] == "down"
    assert r.json()["database"] == "ok"


async def test_core_flows_work_without_redis(api_without_redis: ApiProcess, db) -> None:
    async with httpx.AsyncClient(base_url=api_without_redis.url, timeout=20) as c:
        user = await register(c)
        r = await user.post("/v1/logs", json={
            "title": "Works without Redis", "type": "code",
            "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:30:00+00:00",
            "tags": ["python"],
        })
        assert r.status_code == 201, r.text
        assert (await user.get("/v1/auth/me")).status_code == 200
        dash = await user.get("/v1/analytics/dashboard",
                              params={"start_date": "2026-11-01", "end_date": "2026-11-07"})
        assert dash.status_code == 200, dash.text
        assert dash.json()["totals"]["minutes"] == 90
        login = await c.post("/v1/auth/login",
                             json={"email": user.email, "password": user.password})
        assert login.status_code == 200
    stored = await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid", user.id)
    assert stored == 1
