"""A Redis outage in the middle of a write must not leave stale analytics behind afterwards."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

import httpx
import pytest
import redis

from tests.support.servers import ApiProcess, free_port
from tests.support.users import register


@pytest.fixture(scope="module")
def private_redis():
    port = free_port()
    # DEBUG SLEEP freezes this server while keeping its data: a transient outage, not a wipe.
    proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind",
                             "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--enable-debug-command", "yes"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(5)


@pytest.fixture(scope="module")
def api_on_private_redis(api_env, private_redis, tmp_path_factory):
    env = {**api_env, "ENGLOG_REDIS_URL": f"redis://127.0.0.1:{private_redis}/0"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("outage") / "api.log")
    server.start()
    yield server
    server.stop()


async def test_write_during_outage_invalidates_cache_after_recovery(
    api_on_private_redis: ApiProcess, private_redis: int
) -> None:
    params = {"start_date": "2026-11-02", "end_date": "2026-11-08"}
    async with httpx.AsyncClient(base_url=api_on_private_redis.url, timeout=20) as c:
        user = await register(c)
        r = await user.post("/v1/logs", json={
            "title": "Before the outage", "activity_type": "code",
            "start_time": "2026-11-03T09:00:00+00:00", "end_time": "2026-11-03T10:00:00+00:00"})
        assert r.status_code == 201, r.text
        entry_id = r.json()["id"]
        first = await user.get("/v1/analytics/dashboard", params=params)
        assert first.json()["totals"]["minutes"] == 60  # now cached under the current version

        sleeper = threading.Thread(
            target=lambda: redis.Redis(port=private_redis).execute_command("DEBUG", "SLEEP", 2))
        sleeper.start()
        time.sleep(0.3)
        r = await user.patch(f"/v1/logs/{entry_id}",
                             json={"end_time": "2026-11-03T11:00:00+00:00"})
        assert r.status_code == 200, r.text  # PostgreSQL took the write; the bump did not land
        sleeper.join()
        time.sleep(2.5)  # let the API's back-off window after the failure pass

        after = await user.get("/v1/analytics/dashboard", params=params)
        assert after.json()["totals"]["minutes"] == 120
