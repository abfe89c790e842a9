"""Fault drill: the API process is killed (SIGKILL) in the middle of a write load while
clients retry with Idempotency-Key, then started again. Every entry is stored exactly once:
a request cut off after its commit is answered on retry with the entry it created (200,
Idempotent-Replayed), one cut off before its commit creates it on retry."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.support.servers import ApiProcess
from tests.support.users import register

CLIENTS, PER_CLIENT = 4, 30


async def post_until_stored(c: httpx.AsyncClient, headers: dict, body: dict) -> int:
    deadline = asyncio.get_running_loop().time() + 90
    while True:
        try:
            r = await c.post("/v1/logs", json=body, headers=headers)
            if r.status_code in (200, 201):
                return r.status_code
            assert r.status_code >= 500, r.text  # only a server fault is worth a retry
        except httpx.TransportError:
            pass  # the server died under us: same request, same key, again
        assert asyncio.get_running_loop().time() < deadline, "the API never came back"
        await asyncio.sleep(0.1)


async def test_killed_mid_load_every_entry_stored_exactly_once(api_env, tmp_path, db) -> None:
    server = ApiProcess(api_env, log_path=tmp_path / "api.log")
    server.start()
    run = uuid.uuid4().hex[:8]
    done = 0
    third_done = asyncio.Event()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as c:
            user = await register(c)

            async def client(n: int) -> list[int]:
                nonlocal done
                out = []
                for i in range(PER_CLIENT):
                    headers = {**user.headers, "Idempotency-Key": f"{run}-{n}-{i}"}
                    body = {"title": f"{run}-{n}-{i}", "type": "code",
                            "start_time": "2026-11-02T09:00:00+00:00",
                            "end_time": "2026-11-02T10:00:00+00:00"}
                    out.append(await post_until_stored(c, headers, body))
                    done += 1
                    if done >= CLIENTS * PER_CLIENT // 3:
                        third_done.set()
                return out

            async def killer() -> None:
                await third_done.wait()
                await asyncio.to_thread(server.kill)
                await asyncio.sleep(0.5)  # clients keep retrying against a dead port
                await asyncio.to_thread(server.start)

            results = await asyncio.gather(killer(), *(client(n) for n in range(CLIENTS)))
    finally:
        server.stop()
    statuses = [s for r in results[1:] for s in r]
    assert len(statuses) == CLIENTS * PER_CLIENT
    rows = await db.fetch("SELECT title, count(*) AS n FROM log_entries WHERE user_id = $1::uuid "
                          "GROUP BY title", user.id)
    counts = {r["title"]: r["n"] for r in rows}
    expected = {f"{run}-{n}-{i}" for n in range(CLIENTS) for i in range(PER_CLIENT)}
    assert set(counts) == expected
    assert set(counts.values()) == {1}
