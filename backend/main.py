"""`englog-api`: create the database if missing, apply migrations, serve the API."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from functools import partial
from typing import NoReturn

from pydantic import ValidationError
from sanic import Sanic
from sanic.worker.loader import AppLoader

from backend.config import get_settings
from backend.db.setup import apply_migrations, create_database_if_missing
from backend.preflight import StartupError, run_checks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="englog-api", description=__doc__)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--no-migrate", action="store_true",
                        help="skip creating the database and applying migrations")
    parser.add_argument("--migrate-only", action="store_true")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Sanic's loggers have their own handlers; propagating to ours printed every line twice.
    logging.getLogger("sanic").propagate = False
    # While PostgreSQL is away, asyncpg retries its pool floor every second and logs a full
    # traceback each time; one line says the same.
    logging.getLogger("asyncpg.pool").addFilter(_one_line)

    try:
        settings = get_settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        _die(f"bad setting ENGLOG_{str(err['loc'][0]).upper()}: "
             f"{err['msg'].removeprefix('Value error, ')}")
    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    if args.workers:
        settings.workers = args.workers

    try:
        run_checks(settings, database_must_exist=args.no_migrate)
    except StartupError as exc:
        _die(str(exc))
    if not args.no_migrate:
        asyncio.run(_migrate(settings.database_url))
    if args.migrate_only:
        return

    from backend.app import create_app

    loader = AppLoader(factory=partial(create_app, settings))
    app = loader.load()
    app.prepare(host=settings.host, port=settings.port, workers=settings.workers,
                access_log=args.debug, debug=args.debug, single_process=settings.workers == 1,
                motd=False)
    if settings.workers == 1:
        # No worker manager: on a small box its monitor process costs ~8% of a core under load.
        Sanic.serve_single(primary=app)
    else:
        Sanic.serve(primary=app, app_loader=loader)


def _one_line(record: logging.LogRecord) -> bool:
    if record.exc_info and record.exc_info[1] is not None:
        record.msg = f"{record.getMessage()}: {record.exc_info[1]!r}"
        record.args = ()
        record.exc_info = None
    return True


def _die(message: str) -> NoReturn:
    print(f"englog-api: cannot start: {message}", file=sys.stderr)
    raise SystemExit(2)


async def _migrate(url: str) -> None:
    await create_database_if_missing(url)
    await apply_migrations(url)


if __name__ == "__main__":
    main()
