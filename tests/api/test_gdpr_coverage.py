"""GDPR export and deletion cover every table with a user key. The tables come from
information_schema, so a table added by a later migration fails these tests until
backend/gdpr/tables.py and tests/support/user_data.py know it."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

from backend.gdpr.tables import NOT_USER_DATA, USER_TABLES, all_tables
from tests.support.user_data import rows_per_table, seed_everything, user_fk_columns


async def test_every_table_with_a_user_key_is_in_the_gdpr_registry(db) -> None:
    fks = set(await user_fk_columns(db))
    registered = {(t.table, t.user_column) for t in USER_TABLES}
    assert fks - registered == set(), "add these to backend/gdpr/tables.py"
    assert registered - fks == set(), "backend/gdpr/tables.py names columns that are gone"
    # A user id kept without a foreign key is either the user's data or says why not.
    unkeyed = {r["table_name"] for r in await db.fetch(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND column_name IN ('user_id', 'owner_id') AND data_type = 'uuid'")
    } - {t for t, _ in fks}
    assert unkeyed == set(NOT_USER_DATA)


async def _keys_of(redis_client, redis_prefix: str, user_id: str) -> list[bytes]:
    return [k async for k in redis_client.scan_iter(match=f"{redis_prefix}*{user_id}*")]


async def _seeded(client, db):
    user = await seed_everything(client, db)
    before = await rows_per_table(db, user.id)
    missing = sorted(k for k, n in before.items() if n == 0)
    assert not missing, f"no row seeded in {missing}: add a seeder to tests/support/user_data.py"
    return user, before


async def test_delete_leaves_no_row_in_any_user_keyed_table(client, db, redis_client,
                                                            redis_prefix) -> None:
    user, _ = await _seeded(client, db)
    bystander, bystander_before = await _seeded(client, db)
    assert await _keys_of(redis_client, redis_prefix, user.id)  # the caches were warm

    r = await client.request("DELETE", "/v1/users/me", headers=user.headers,
                             json={"current_password": user.password})

    assert r.status_code == 204, r.text
    after = await rows_per_table(db, user.id)
    assert {k: n for k, n in after.items() if n} == {}
    assert await _keys_of(redis_client, redis_prefix, user.id) == []
    assert await rows_per_table(db, bystander.id) == bystander_before
    assert await _keys_of(redis_client, redis_prefix, bystander.id)


async def test_scheduled_deletion_run_by_the_job_leaves_no_row(client, db, redis_client,
                                                               redis_prefix) -> None:
    user, _ = await _seeded(client, db)  # seeding scheduled a deletion in 30 days
    bystander, bystander_before = await _seeded(client, db)
    await db.execute("UPDATE scheduled_deletions SET scheduled_for = now() - interval '1 minute' "
                     "WHERE user_id = $1::uuid", user.id)

    # What the scheduler enqueues every 15 minutes; the API's job runner takes it.
    await db.execute("INSERT INTO tasks (task_type) VALUES ('process_deletions')")
    await db.execute("SELECT pg_notify('englog_tasks', 'process_deletions')")
    for _ in range(300):
        if not await db.fetchval("SELECT count(*) FROM users WHERE id = $1::uuid", user.id):
            break
        await asyncio.sleep(0.1)

    after = await rows_per_table(db, user.id)
    assert {k: n for k, n in after.items() if n} == {}
    assert await _keys_of(redis_client, redis_prefix, user.id) == []
    # After this, the rate limiter may count the dead token's requests under its subject for
    # one window (60 s); that counter is the limiter doing its job, not data kept about the user.
    assert (await user.get("/v1/auth/me")).status_code == 401
    assert await rows_per_table(db, bystander.id) == bystander_before
    record = await db.fetchrow("SELECT reason, completed_at FROM completed_deletions "
                               "WHERE user_id = $1::uuid", user.id)
    assert record is not None and record["completed_at"] is not None


async def test_export_has_the_rows_of_every_user_keyed_table(client, db) -> None:
    user, before = await _seeded(client, db)
    r = await user.get("/v1/users/me/export")
    assert r.status_code == 200, r.text
    doc = r.json()
    counts = {t.section: len(doc[t.section]) for t in all_tables()}
    for t in all_tables():
        assert counts[t.section] == before[f"{t.table}.{t.user_column}"], t.table

    z = await user.get("/v1/users/me/export", params={"format": "zip"})
    assert z.status_code == 200
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(z.content)).read("manifest.json"))
    assert manifest["rows"] == counts
