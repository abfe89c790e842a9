"""Concurrent single-entry inserts written by one statement (backend/logs/insert_batch.py).

Driven in-process against the test database, so a test decides exactly which inserts share a
loop pass; the users and projects are real, made through the API. That a batch really is one
statement shows in PostgreSQL itself: its rows share one transaction id (xmin).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from backend.api.errors import ApiError
from backend.logs import insert_batch
from backend.logs.schemas import EntryCreate
from backend.logs.service import create_entry
from backend.users.schemas import draft_defaults
from tests.support.users import register

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # a Monday


def entry(minutes: int, length: int = 30, title: str = "entry", **extra) -> EntryCreate:
    start = T0 + timedelta(minutes=minutes)
    return EntryCreate.model_validate({
        "title": title, "type": "code", "start_time": start.isoformat(),
        "end_time": (start + timedelta(minutes=length)).isoformat(), **extra,
    }).with_defaults(draft_defaults({}))


async def together(*writes):
    """Start every write in the same loop pass, as concurrent requests would be; each entry
    as its request's answer would carry it (JSON), errors as raised."""
    results = await asyncio.gather(*writes, return_exceptions=True)
    return [r if isinstance(r, BaseException) else orjson.loads(orjson.dumps(r))
            for r in results]


async def xmins(db, ids) -> set[int]:
    rows = await db.fetch("SELECT xmin::text::bigint AS x FROM log_entries "
                          "WHERE id = ANY($1::uuid[])", [uuid.UUID(i) for i in ids])
    assert len(rows) == len(ids)
    return {r["x"] for r in rows}


async def stored_tags(db, entry_id):
    rows = await db.fetch("SELECT t.name, t.user_id FROM log_entry_tags lt "
                          "JOIN tags t ON t.id = lt.tag_id WHERE lt.log_entry_id = $1::uuid "
                          "ORDER BY t.name", uuid.UUID(entry_id))
    return [(r["name"], r["user_id"] and str(r["user_id"])) for r in rows]


@pytest.fixture
async def users(client):
    return await register(client), await register(client)


async def test_concurrent_inserts_of_two_users_are_one_statement_each_with_its_own_row(
        orm, db, users):
    a, b = users
    a_project = (await a.post("/v1/projects", json={"name": "Batching A"})).json()["id"]
    zeta_b = await together(create_entry(uuid.UUID(b.id), entry(0, tags=["zeta"]), tz="UTC"))
    results = await together(
        create_entry(uuid.UUID(a.id), entry(0, title="A one", tags=["python", "zeta"],
                                            project_id=a_project), tz="UTC"),
        create_entry(uuid.UUID(b.id), entry(0, title="B one", tags=["zeta"]), tz="UTC"),
        create_entry(uuid.UUID(a.id), entry(60, title="A two", value_rating="high",
                                            impact_level="company"), tz="UTC"),
    )
    a1, b1, a2 = results
    assert [r["title"] for r in results] == ["A one", "B one", "A two"]
    assert len(await xmins(db, [r["id"] for r in results])) == 1  # one statement
    assert len(await xmins(db, [zeta_b[0]["id"], a1["id"]])) == 2

    assert a1["project_id"] == a_project and a1["project_name"] == "Batching A"
    assert a1["tags"] == ["python", "zeta"] and b1["tags"] == ["zeta"] and a2["tags"] == []
    assert (a2["value_rating"], a2["impact_level"], a2["duration_minutes"]) == \
        ("high", "company", 30)
    # Each row is what the database holds for that user, read back through the API.
    for user, row in ((a, a1), (b, b1), (a, a2)):
        got = (await user.get(f"/v1/logs/{row['id']}")).json()
        assert {k: got[k] for k in got if k != "overlaps"} == \
            {k: row[k] for k in row if k != "overlaps"}
    # A's "zeta" is A's own tag, not B's (made by B's earlier insert); python is predefined.
    assert await stored_tags(db, a1["id"]) == [("python", None), ("zeta", a.id)]
    assert await stored_tags(db, b1["id"]) == [("zeta", b.id)]
    assert await db.fetchval("SELECT count(*) FROM tags WHERE name = 'zeta' "
                             "AND user_id = ANY($1::uuid[])", [uuid.UUID(a.id),
                                                               uuid.UUID(b.id)]) == 2


async def test_a_batch_reports_overlaps_as_if_its_entries_were_written_in_order(orm, users):
    a, b = users
    [stored] = await together(create_entry(uuid.UUID(a.id), entry(0, 60, "stored"), tz="UTC"))
    first, second, other_user, third = await together(
        create_entry(uuid.UUID(a.id), entry(30, 60, "first"), tz="UTC"),
        create_entry(uuid.UUID(a.id), entry(45, 10, "second"), tz="UTC"),
        create_entry(uuid.UUID(b.id), entry(30, 60, "b's"), tz="UTC"),
        create_entry(uuid.UUID(a.id), entry(90, 30, "third: touches first"), tz="UTC"),
    )
    assert [o["title"] for o in first["overlaps"]] == ["stored"]
    assert [o["title"] for o in second["overlaps"]] == ["stored", "first"]
    assert other_user["overlaps"] == []
    assert third["overlaps"] == []
    assert second["overlaps"][1] == {"id": first["id"], "title": "first",
                                     "start_time": first["start_time"],
                                     "end_time": first["end_time"]}


async def test_a_foreign_project_refuses_only_its_own_entry(orm, db, users):
    a, b = users
    b_project = (await b.post("/v1/projects", json={"name": "B's"})).json()["id"]
    ok, refused, ok2 = await together(
        create_entry(uuid.UUID(a.id), entry(0, tags=["kept"]), tz="UTC"),
        create_entry(uuid.UUID(a.id), entry(0, tags=["never-made"], project_id=b_project),
                     tz="UTC"),
        create_entry(uuid.UUID(b.id), entry(0, project_id=b_project), tz="UTC"),
    )
    assert isinstance(refused, ApiError) and refused.status == 422
    assert ok["tags"] == ["kept"] and ok2["project_id"] == b_project
    assert len(await xmins(db, [ok["id"], ok2["id"]])) == 1
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                             uuid.UUID(a.id)) == 1
    assert await db.fetchval("SELECT count(*) FROM tags WHERE name = 'never-made'") == 0


async def test_a_batch_drops_its_users_digests_of_those_weeks_only(orm, db, users):
    a, b = users
    monday = T0.date()
    for uid, week in ((a.id, monday), (a.id, monday - timedelta(days=7)), (b.id, monday)):
        await db.execute("INSERT INTO week_digests (user_id, week_start, fingerprint) "
                         "VALUES ($1::uuid, $2, repeat('0', 64))", uuid.UUID(uid), week)
    await together(create_entry(uuid.UUID(a.id), entry(0), tz="UTC"),
                   create_entry(uuid.UUID(a.id), entry(120), tz="UTC"))
    left = await db.fetch("SELECT user_id::text AS u, week_start FROM week_digests "
                          "WHERE user_id = ANY($1::uuid[]) ORDER BY u, week_start",
                          [uuid.UUID(a.id), uuid.UUID(b.id)])
    assert sorted((r["u"], r["week_start"]) for r in left) == sorted(
        [(a.id, monday - timedelta(days=7)), (b.id, monday)])


async def test_a_failing_batch_writes_nothing_and_each_entry_is_retried_alone(orm, db, users):
    a, _ = users
    ghost = uuid.uuid4()  # no such user: its insert breaks the user foreign key
    good, bad, good2 = await together(
        create_entry(uuid.UUID(a.id), entry(0, title="good", tags=["retried"]), tz="UTC"),
        create_entry(ghost, entry(0, title="ghost"), tz="UTC"),
        create_entry(uuid.UUID(a.id), entry(15, title="good 2"), tz="UTC"),
    )
    assert isinstance(bad, ApiError) and bad.status == 422  # as a lone insert answers it
    assert good["tags"] == ["retried"] and [o["id"] for o in good2["overlaps"]] == [good["id"]]
    assert len(await xmins(db, [good["id"], good2["id"]])) == 2  # written one by one
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1", ghost) == 0


async def test_a_cancelled_caller_s_entry_is_not_written(orm, db, users):
    a, _ = users
    kept = asyncio.ensure_future(create_entry(uuid.UUID(a.id), entry(0, title="kept"),
                                              tz="UTC"))
    dropped = asyncio.ensure_future(create_entry(uuid.UUID(a.id), entry(0, title="dropped"),
                                                 tz="UTC"))
    await asyncio.sleep(0)  # both are queued in this pass...
    dropped.cancel()  # ...and one caller goes away before the batch is sent
    row = await kept
    with pytest.raises(asyncio.CancelledError):
        await dropped
    titles = [r["title"] for r in await db.fetch(
        "SELECT title FROM log_entries WHERE user_id = $1::uuid", uuid.UUID(a.id))]
    assert titles == ["kept"] and row["title"] == "kept"


async def test_more_than_a_batch_is_split_into_several_statements(orm, db, users):
    a, _ = users
    n = insert_batch.MAX_BATCH + 6
    rows = await together(*(create_entry(uuid.UUID(a.id), entry(45 * i, title=f"e{i}"),
                                         tz="UTC") for i in range(n)))
    assert [r["title"] for r in rows] == [f"e{i}" for i in range(n)]
    assert len(await xmins(db, [r["id"] for r in rows])) == 2
    assert len({r["id"] for r in rows}) == n


async def test_inside_a_transaction_the_entry_is_written_alone(orm, db, users):
    from tortoise.transactions import in_transaction

    a, _ = users
    async with in_transaction() as conn:
        row = await create_entry(uuid.UUID(a.id), entry(0), conn, tz="UTC")
        # Not visible outside until the transaction commits: it did not go through a batch.
        assert await db.fetchval("SELECT count(*) FROM log_entries WHERE id = $1::uuid",
                                 uuid.UUID(row["id"])) == 0
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE id = $1::uuid",
                             uuid.UUID(row["id"])) == 1



async def test_batches_are_written_through_a_pool_of_generic_plans_only(orm):
    # Re-planning the batch statement for every new array length cost more than its
    # execution (backend/db/setup.py); the default pool keeps PostgreSQL's own choice.
    from backend.db.setup import BATCH_POOL, db

    [batch] = await db(pool=BATCH_POOL).execute_query_dict("SHOW plan_cache_mode")
    [default] = await db().execute_query_dict("SHOW plan_cache_mode")
    assert (batch["plan_cache_mode"], default["plan_cache_mode"]) == \
        ("force_generic_plan", "auto")


async def test_inserts_arriving_while_a_batch_is_written_go_together_in_the_next(orm, db,
                                                                                 users):
    a, _ = users
    uid = uuid.UUID(a.id)
    first = [asyncio.ensure_future(create_entry(uid, entry(45 * i), tz="UTC"))
             for i in range(3)]
    await asyncio.sleep(0)  # batch 1 (three entries) is being written...
    later = []
    for i in range(4):  # ...and these arrive each in a pass of its own: they wait for it
        later.append(asyncio.ensure_future(create_entry(uid, entry(300 + 45 * i), tz="UTC")))
        await asyncio.sleep(0)
    rows = await asyncio.gather(*first, *later)
    assert len(await xmins(db, [r["id"] for r in rows[:3]])) == 1
    assert len(await xmins(db, [r["id"] for r in rows[3:]])) == 1  # written together
    assert len(await xmins(db, [r["id"] for r in rows])) == 2


async def test_a_batch_stuck_on_a_lock_does_not_hold_up_other_users_writes(orm, db, users):
    a, b = users
    async with db.acquire() as locker:
        held = locker.transaction()
        await held.start()
        try:
            # As a deletion of user A would: its row locked, so the foreign-key check of
            # A's inserts waits.
            await locker.execute("SELECT 1 FROM users WHERE id = $1 FOR UPDATE",
                                 uuid.UUID(a.id))
            stuck = [asyncio.ensure_future(create_entry(uuid.UUID(a.id), entry(45 * i,
                                                        title=f"a{i}"), tz="UTC"))
                     for i in range(2)]
            await asyncio.sleep(0)
            # B's insert queues behind A's batch, and goes once that one counts as stalled
            # (insert_batch.STALLED_AFTER_S), not when the lock is released.
            b_row = await asyncio.wait_for(
                create_entry(uuid.UUID(b.id), entry(0, title="b"), tz="UTC"), 10)
            assert not any(t.done() for t in stuck)
            assert await db.fetchval("SELECT title FROM log_entries WHERE id = $1::uuid",
                                     uuid.UUID(b_row["id"])) == "b"
        finally:
            await held.rollback()
    rows = await asyncio.gather(*stuck)
    assert [r["title"] for r in rows] == ["a0", "a1"]
    assert len(await xmins(db, [r["id"] for r in rows])) == 1
