"""`englog-admin backup` / `englog-admin restore`: the whole database through pg_dump and
pg_restore in their custom format (compressed, restorable table by table, portable across
machines). Connection details come from ENGLOG_DATABASE_URL; the password is handed to the
PostgreSQL tools in PGPASSWORD, never on a command line.

The tools must be at least as new as the server (pg_dump refuses a newer server): the
image installs Debian's postgresql-client, matching the postgres:15 service in compose.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from backend.config import Settings
from backend.db.setup import create_database_if_missing


def _die(message: str) -> NoReturn:
    print(f"englog-admin: {message}", file=sys.stderr)
    raise SystemExit(1)


def libpq_env(database_url: str) -> tuple[dict[str, str], str]:
    """(environment for the PostgreSQL tools, database name)."""
    parts = urlsplit(database_url)
    env = {**os.environ, "PGHOST": parts.hostname or "127.0.0.1",
           "PGPORT": str(parts.port or 5432), "PGUSER": unquote(parts.username or "postgres")}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env, parts.path.lstrip("/") or "englog"


def _tool(name: str) -> str:
    path = shutil.which(name, path=os.environ.get("ENGLOG_PG_BIN") or None)
    if path is None:
        _die(f"{name} not found: install the PostgreSQL client tools "
             "(apt install postgresql-client) or set ENGLOG_PG_BIN to their folder")
    return path


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        _die(f"{what} failed: {last}")


def backup(database_url: str, output: Path) -> None:
    env, name = libpq_env(database_url)
    tmp = output.with_name(output.name + ".partial")
    # --no-owner/--no-acl: the dump restores into a database owned by whichever role
    # restores it (the app role in production, postgres on a laptop).
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={tmp}",
          f"--dbname={name}"], env, f"pg_dump of {name} at {env['PGHOST']}:{env['PGPORT']}")
    tmp.replace(output)  # a half-written dump never takes the real name


def restore(database_url: str, source: Path) -> None:
    if not source.is_file():
        _die(f"{source} is not a file")
    env, name = libpq_env(database_url)
    asyncio.run(create_database_if_missing(database_url))
    # One transaction: a restore that fails part-way leaves the database as it was.
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl",
          "--single-transaction", "--exit-on-error", f"--dbname={name}", str(source)],
         env, f"pg_restore into {name} at {env['PGHOST']}:{env['PGPORT']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="englog-admin", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="dump the database to a file (pg_dump custom format)")
    b.add_argument("--output", "-o", type=Path, required=True)
    r = sub.add_parser("restore", help="restore a dump, replacing what the database holds")
    r.add_argument("--input", "-i", type=Path, required=True)
    args = parser.parse_args(argv)
    url = Settings().database_url
    if args.command == "backup":
        backup(url, args.output)
        print(f"englog-admin: backup written to {args.output} "
              f"({args.output.stat().st_size} bytes)")
    else:
        restore(url, args.input)
        print(f"englog-admin: restored {args.input}")


if __name__ == "__main__":
    main()
