"""Idempotency-Key on POST /v1/logs: retries never duplicate an entry."""

from __future__ import annotations

import asyncio
import uuid

ENTRY = {"title": "Retried over a flaky link", "type": "code",
         "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}


def new_key() -> dict[str, str]:
    return {"Idempotency-Key": f"k-{uuid.uuid4()}"}


async def post_entry(user, body: dict, extra_headers: dict | None = None):
    return await user.client.post("/v1/logs", json=body,
                                  headers=user.headers | (extra_headers or {}))


async def count_entries(db, user) -> int:
    return await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid", user.id)


async def test_repeat_returns_the_first_entry(alice, db) -> None:
    key = new_key()
    first = await post_entry(alice, ENTRY, key)
    second = await post_entry(alice, ENTRY, key)
    assert first.status_code == 201 and second.status_code == 200
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert await count_entries(db, alice) == 1


async def test_concurrent_duplicates_create_one_entry(alice, db) -> None:
    key = new_key()
    replies = await asyncio.gather(*(post_entry(alice, ENTRY, key) for _ in range(6)))
    assert sorted(r.status_code for r in replies) == [200] * 5 + [201]
    assert len({r.json()["id"] for r in replies}) == 1
    assert await count_entries(db, alice) == 1


async def test_without_key_each_post_creates(alice, db) -> None:
    for _ in range(2):
        assert (await post_entry(alice, ENTRY)).status_code == 201
    assert await count_entries(db, alice) == 2


async def test_keys_are_per_user(alice, bob, db) -> None:
    key = {"Idempotency-Key": "shared-looking-key"}
    a = await post_entry(alice, ENTRY, key)
    b = await post_entry(bob, ENTRY, key)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert await count_entries(db, alice) == 1 and await count_entries(db, bob) == 1


async def test_failed_create_does_not_spend_the_key(alice, bob, db) -> None:
    key = new_key()
    bobs = await bob.post("/v1/projects", json={"name": "Bob only"})
    assert bobs.status_code == 201, bobs.text
    bad = await post_entry(alice, ENTRY | {"project_id": bobs.json()["id"]}, key)
    assert bad.status_code == 422
    good = await post_entry(alice, ENTRY, key)
    assert good.status_code == 201
    assert await count_entries(db, alice) == 1


async def test_key_of_a_deleted_entry_is_spent(alice, db) -> None:
    key = new_key()
    first = await post_entry(alice, ENTRY, key)
    assert (await alice.delete(f"/v1/logs/{first.json()['id']}")).status_code == 204
    again = await post_entry(alice, ENTRY, key)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert await count_entries(db, alice) == 0


async def test_malformed_key_is_400(alice, db) -> None:
    r = await post_entry(alice, ENTRY, {"Idempotency-Key": "has spaces"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await count_entries(db, alice) == 0
