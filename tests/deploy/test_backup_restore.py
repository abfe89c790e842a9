"""`englog-admin backup` and `restore` round trip: write data through the API, back up,
drop the database, restore, and find the same rows and a working login."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import asyncpg
import httpx

from backend.db.setup import drop_database
from tests.support.servers import ROOT, ApiProcess
from tests.support.users import register


async def admin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "backend.admin.cli", *args], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=120)


async def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """(row count, checksum of every row) for every table of the public schema."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        out = {}
        for t in tables:
            row = await conn.fetchrow(
                f'SELECT count(*) AS n, md5(coalesce(string_agg(x::text, \'|\' ORDER BY '
                f'x::text), \'\')) AS h FROM "{t}" x')
            out[t] = (row["n"], row["h"])
        return out
    finally:
        await conn.close()


async def test_backup_drop_restore_gives_back_the_same_rows_and_login(api_env, tmp_path) -> None:
    url = api_env["ENGLOG_DATABASE_URL"] + "_backup"
    env = {**api_env, "ENGLOG_DATABASE_URL": url,
           "ENGLOG_REDIS_PREFIX": api_env["ENGLOG_REDIS_PREFIX"] + "backup:"}
    await drop_database(url)
    # Migrated by englog-api in its own process: Tortoise's state is process-global, and
    # migrating here would close the ORM other tests in this process rely on.
    migrate = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "backend.main", "--migrate-only"], env=env,
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert migrate.returncode == 0, migrate.stderr
    server = ApiProcess(env, log_path=tmp_path / "api.log")
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
            user = await register(c, timezone="Europe/Berlin")
            project = (await user.post("/v1/projects", json={"name": "backup-drill"})).json()
            for i in range(5):
                r = await user.post("/v1/logs", json={
                    "title": f"Before the backup {i}", "type": "code",
                    "project_id": project["id"], "tags": ["backup", f"t{i}"],
                    "start_time": f"2026-11-0{i + 2}T09:00:00+00:00",
                    "end_time": f"2026-11-0{i + 2}T10:00:00+00:00"})
                assert r.status_code == 201, r.text
            entries = (await user.get("/v1/logs")).json()
        server.stop()

        before = await fingerprint(url)
        assert before["log_entries"][0] == 5 and before["users"][0] == 1
        dump = tmp_path / "englog.dump"
        done = await admin(env, "backup", "--output", str(dump))
        assert done.returncode == 0, done.stderr
        assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

        await drop_database(url)
        done = await admin(env, "restore", "--input", str(dump))
        assert done.returncode == 0, done.stderr
        assert await fingerprint(url) == before

        server.start()
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
            login = await c.post("/v1/auth/login",
                                 json={"email": user.email, "password": user.password})
            assert login.status_code == 200, login.text
            token = {"Authorization": f"Bearer {login.json()['access_token']}"}
            assert (await c.get("/v1/logs", headers=token)).json()["items"] == entries["items"]
    finally:
        server.stop()
        await drop_database(url)


async def test_restore_of_a_missing_file_says_so_in_one_line(api_env, tmp_path) -> None:
    done = await admin(api_env, "restore", "--input", str(tmp_path / "nope.dump"))
    assert done.returncode == 1
    assert done.stderr.strip() == f"englog-admin: {tmp_path / 'nope.dump'} is not a file"
