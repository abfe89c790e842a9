"""`englog-api`: create the database if missing, apply migrations, serve the API."""

from __future__ import annotations

import argparse
import asyncio
import logging
from functools import partial

from sanic import Sanic
from sanic.worker.loader import AppLoader

from backend.config import get_settings
from backend.db.setup import apply_migrations, create_database_if_missing


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

    settings = get_settings()
    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    if args.workers:
        settings.workers = args.workers

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


async def _migrate(url: str) -> None:
    await create_database_if_missing(url)
    await apply_migrations(url)


if __name__ == "__main__":
    main()
