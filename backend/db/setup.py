"""Database bootstrap: Tortoise config, create-if-missing, and applying migrations with aerich."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aerich import Command
from tortoise import BaseDBAsyncClient, Tortoise, connections
from tortoise.backends.asyncpg import AsyncpgDBClient

log = logging.getLogger("englog.db")

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
MODELS = ["backend.db.models", "aerich.models"]


async def _release_reset(conn: asyncpg.Connection) -> None:
    """Replaces asyncpg's default reset on release (advisory unlock, CLOSE ALL, UNLISTEN,
    RESET ALL: one extra round trip per query). Pooled connections here never hold session
    state: LISTEN and the scheduler's session lock use dedicated connections, and other
    advisory locks are transaction-scoped. Only an abandoned transaction needs undoing."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


# The pool the entry batcher writes through (backend/logs/insert_batch.py). Under
# plan_cache_mode=auto PostgreSQL re-planned its statement on every run (measured with one
# array parameter per column, whose exact lengths made a custom plan always look cheaper):
# about 1 ms of planning per batch, more than the batch's own work. So this pool's sessions
# always use the generic plan. Only this pool: elsewhere a
# parameter's value can matter to the plan (an ORM filter on a partial index's column).
# It is not registered with Tortoise, whose transactions would then have to name a
# connection every time.
BATCH_POOL = "batches"
BATCH_POOL_MAX = 4
_batch_pool: BaseDBAsyncClient | None = None


def tortoise_config(database_url: str, *, pool_max: int = 20,
                    connect_timeout: float = 60.0) -> dict:
    parts = urlsplit(database_url)
    credentials = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "database": parts.path.lstrip("/") or "englog",
        "minsize": 1,
        "maxsize": pool_max,
        "reset": _release_reset,
        # Seconds to wait for a new connection; then the request fails with 503.
        "timeout": connect_timeout,
    }
    return {
        "connections": {
            "default": {"engine": "tortoise.backends.asyncpg", "credentials": credentials},
        },
        "apps": {"models": {"models": MODELS, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def asyncpg_dsn(database_url: str) -> str:
    """The settings' URL as asyncpg accepts it (it knows only the postgresql:// scheme).
    The one place this conversion is written: LISTEN, the scheduler's lock and the admin
    connections below all go through it."""
    return database_url.replace("postgres://", "postgresql://", 1)


async def create_database_if_missing(database_url: str) -> bool:
    parts = urlsplit(asyncpg_dsn(database_url))
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            # Identifiers cannot be bound parameters; quote it instead.
            await conn.execute(f'CREATE DATABASE "{name.replace(chr(34), "")}"')
            log.info("created database %s", name)
        return not exists
    finally:
        await conn.close()


async def drop_database(database_url: str) -> None:
    parts = urlsplit(asyncpg_dsn(database_url))
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def apply_migrations(database_url: str) -> list[str]:
    """Apply every pending migration in migrations/models, each in its own transaction."""
    config = tortoise_config(database_url, pool_max=2)
    # Initialise Tortoise ourselves: aerich's Command.__aenter__ skips it once Tortoise has
    # been initialised earlier in the process, which breaks a second run.
    await Tortoise.init(config=config)
    try:
        cmd = Command(config, app="models", location=str(MIGRATIONS_DIR))
        await cmd.init()
        applied = await cmd.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    return applied


async def init_orm(database_url: str, *, pool_max: int = 20,
                   connect_timeout: float = 60.0) -> None:
    # The global fallback lets request tasks (created outside the listener's context) see it.
    global _batch_pool
    if _batch_pool is not None:  # initialised again without close_orm: no pool left open
        await _batch_pool.close()
    config = tortoise_config(database_url, pool_max=pool_max, connect_timeout=connect_timeout)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    credentials = config["connections"]["default"]["credentials"]
    _batch_pool = AsyncpgDBClient(  # connects on first use, like Tortoise's own
        connection_name=BATCH_POOL,
        **{**credentials, "maxsize": min(pool_max, BATCH_POOL_MAX),
           "server_settings": {"plan_cache_mode": "force_generic_plan"}})


async def close_orm() -> None:
    global _batch_pool
    if _batch_pool is not None:
        await _batch_pool.close()
        _batch_pool = None
    await Tortoise.close_connections()


def db(conn: BaseDBAsyncClient | None = None, pool: str = "default") -> BaseDBAsyncClient:
    """The one database accessor: the caller's transaction `conn` if it has one, else a
    Tortoise connection pool (`default`, or BATCH_POOL), for hand-written SQL (`$1`
    placeholders)."""
    if conn is not None:
        return conn
    if pool == BATCH_POOL and _batch_pool is not None:
        return _batch_pool
    return connections.get("default")
