"""Checks `englog-api` makes before serving, so a misconfigured start ends in one line that
says which service, which address and what to check, instead of a 50-line traceback."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from backend.config import Settings
from backend.db.setup import asyncpg_dsn


class StartupError(Exception):
    """Its message is the whole story, printed as the process's last line."""


def _where(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    return f"{host}:{parts.port or 5432}", parts.path.lstrip("/") or "englog", (
        parts.username or "postgres")


async def check_database(url: str, connect_timeout_s: float, *,
                         database_must_exist: bool) -> None:
    address, name, user = _where(url)
    dsn = asyncpg_dsn(url)
    if not database_must_exist:
        # Migrations create the database if missing; the server itself must answer.
        dsn = dsn.rsplit("/", 1)[0] + "/postgres"
    try:
        conn = await asyncpg.connect(dsn, timeout=connect_timeout_s)
    except asyncpg.InvalidPasswordError as exc:
        raise StartupError(
            f"PostgreSQL at {address} refused user {user!r} ({exc}): check the user and "
            "password in ENGLOG_DATABASE_URL") from None
    except asyncpg.InvalidCatalogNameError:
        raise StartupError(
            f"PostgreSQL at {address} has no database {name!r}: run `englog-api "
            "--migrate-only` (or start without --no-migrate) to create it") from None
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, socket.gaierror):
            reason = f"unknown host ({exc.strerror})"
        raise StartupError(
            f"PostgreSQL at {address} is unreachable ({reason}): check that it is running "
            "and that ENGLOG_DATABASE_URL names the right host and port") from None
    await conn.close()


def check_files(settings: Settings) -> None:
    for var, path in (("ENGLOG_GRPC_CA_CERT", settings.grpc_ca_cert),
                      ("ENGLOG_GRPC_SERVER_CERT", settings.grpc_server_cert),
                      ("ENGLOG_GRPC_SERVER_KEY", settings.grpc_server_key)):
        if path and not Path(path).is_file():
            raise StartupError(f"gRPC: {var}={path} is not a readable file: check the path "
                               "(deploy/certs.sh makes the certificates)")


def run_checks(settings: Settings, *, database_must_exist: bool) -> None:
    check_files(settings)
    asyncio.run(check_database(settings.database_url, settings.database_connect_timeout,
                               database_must_exist=database_must_exist))
