"""Session-wide real services: a private PostgreSQL database built from the migrations,
a private Redis key prefix, and the real API server in a subprocess."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from backend.db.setup import apply_migrations, close_orm, create_database_if_missing, drop_database
from backend.db.setup import init_orm as _init_orm
from tests.support.servers import METRICS_TOKEN, ApiProcess, test_env
from tests.support.users import ApiUser, register

RUN_ID = f"{os.getpid()}"
PG_BASE = os.environ.get("ENGLOG_TEST_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("ENGLOG_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def database_url() -> str:
    return f"{PG_BASE}/englog_test_{RUN_ID}"


@pytest.fixture(scope="session")
def redis_prefix() -> str:
    return f"englog-test-{RUN_ID}:"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def migrated_db(database_url: str, redis_prefix: str) -> AsyncIterator[str]:
    await drop_database(database_url)
    await create_database_if_missing(database_url)
    await apply_migrations(database_url)
    yield database_url
    r = aioredis.from_url(REDIS_URL)
    try:
        keys = [k async for k in r.scan_iter(match=redis_prefix + "*", count=1000)]
        if keys:
            await r.delete(*keys)
    finally:
        await r.aclose()
    await close_orm()
    await drop_database(database_url)


@pytest.fixture(scope="session")
def api_env(migrated_db: str, redis_prefix: str) -> dict[str, str]:
    return test_env(migrated_db, redis_prefix, ENGLOG_REDIS_URL=REDIS_URL)


@pytest.fixture(scope="session")
def api_server(api_env: dict[str, str],
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    log = Path(tmp_path_factory.mktemp("api")) / "api.log"
    server = ApiProcess(api_env, log_path=log)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api_url(api_server: ApiProcess) -> str:
    return api_server.url


@pytest_asyncio.fixture(loop_scope="session")
async def client(api_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_url, timeout=30.0) as c:
        yield c


@pytest_asyncio.fixture(loop_scope="session")
async def alice(client: httpx.AsyncClient) -> ApiUser:
    return await register(client)


@pytest_asyncio.fixture(loop_scope="session")
async def bob(client: httpx.AsyncClient) -> ApiUser:
    return await register(client)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def db(migrated_db: str) -> AsyncIterator[asyncpg.Pool]:
    """Direct SQL access, to assert on what the API really stored."""
    pool = await asyncpg.create_pool(migrated_db.replace("postgres://", "postgresql://", 1),
                                     min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def orm(migrated_db: str) -> AsyncIterator[None]:
    """Tortoise in the test process, for calling job functions directly."""
    await _init_orm(migrated_db, pool_max=4)
    yield None


@pytest_asyncio.fixture(loop_scope="session")
async def redis_client() -> AsyncIterator[aioredis.Redis]:
    r = aioredis.from_url(REDIS_URL)
    yield r
    await r.aclose()


@pytest.fixture
def metrics_text(client: httpx.AsyncClient):
    """Reads the API's /metrics with the test deployment's metrics token."""
    async def read() -> str:
        r = await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert r.status_code == 200, r.text
        return r.text

    return read
