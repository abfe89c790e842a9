"""The deployment's database and Redis setup, run for real: the init script creates a
non-superuser role owning the database, the API migrates and serves as that role, and it
talks to a Redis that requires a password."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg
import httpx
import pytest

from tests.support.redis_server import PrivateRedis
from tests.support.servers import ROOT, ApiProcess
from tests.support.servers import test_env as api_env_for
from tests.support.users import register

PG = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def app_role():
    role = db = f"englog_role_{os.getpid()}"
    env = {**os.environ, "POSTGRES_USER": "postgres", "ENGLOG_DB_PASSWORD": "app-secret-pw",
           "ENGLOG_DB_ROLE": role, "ENGLOG_DB_NAME": db, "PGHOST": "127.0.0.1"}
    subprocess.run(["sh", str(ROOT / "deploy/postgres/init-app-role.sh")], env=env, check=True,
                   capture_output=True, timeout=60)
    yield role, db
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
                    f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', "-c",
                    f'DROP ROLE IF EXISTS "{role}"'], check=True, capture_output=True)


@pytest.fixture
def redis_with_password(tmp_path):
    server = PrivateRedis(tmp_path, password="redis-secret-pw")
    server.start()
    yield server.port, server.client
    server.stop()


async def test_api_runs_as_a_non_superuser_role_with_a_redis_password(
        app_role, redis_with_password, tmp_path) -> None:
    role, db = app_role
    port, rclient = redis_with_password
    url = f"postgres://{role}:app-secret-pw@127.0.0.1:5432/{db}"
    env = api_env_for(url, "englog-role-test:",
                      ENGLOG_REDIS_URL=f"redis://:redis-secret-pw@127.0.0.1:{port}/0")
    migrate = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "backend.main", "--migrate-only"], env=env,
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert migrate.returncode == 0, migrate.stderr

    conn = await asyncpg.connect(PG)
    try:
        assert not await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = $1", role)
        assert await conn.fetchval("SELECT pg_get_userbyid(datdba) FROM pg_database "
                                   "WHERE datname = $1", db) == role
    finally:
        await conn.close()

    server = ApiProcess(env, log_path=tmp_path / "api.log")
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
            health = (await c.get("/health")).json()
            assert (health["database"], health["redis"]) == ("ok", "ok")
            user = await register(c)
            r = await user.post("/v1/logs", json={
                "title": "As the app role", "type": "code",
                "start_time": "2026-11-02T09:00:00+00:00",
                "end_time": "2026-11-02T10:00:00+00:00"})
            assert r.status_code == 201, r.text
    finally:
        server.stop()
    assert rclient.keys("englog-role-test:*"), "the API never wrote to the password-protected Redis"
