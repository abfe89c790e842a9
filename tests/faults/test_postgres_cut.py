"""Fault drill: the API's PostgreSQL connections are cut in the middle of a write load,
through a TCP proxy the test owns. Requests in flight end as 503 problem+json (never 500),
the API serves again as soon as PostgreSQL is reachable (no restart), and no entry is left
half-written: every stored entry has all of its tags, and every 201 is stored once."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.servers import ApiProcess
from tests.support.tcp_proxy import TcpProxy
from tests.support.users import register

TAGS = ["drill", "postgres", "cut"]
CLIENTS, PER_CLIENT = 4, 40


@pytest.fixture(scope="module")
def pg_proxy(api_env: dict[str, str]) -> TcpProxy:
    proxy = TcpProxy(urlsplit(api_env["ENGLOG_DATABASE_URL"]).port or 5432).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def api_via_proxy(api_env: dict[str, str], pg_proxy: TcpProxy, tmp_path_factory) -> ApiProcess:
    url = urlsplit(api_env["ENGLOG_DATABASE_URL"])
    env = {**api_env,
           "ENGLOG_DATABASE_URL": url._replace(netloc=f"postgres@127.0.0.1:{pg_proxy.port}"
                                               ).geturl(),
           "ENGLOG_DATABASE_CONNECT_TIMEOUT": "2"}
    server = ApiProcess(env, log_path=tmp_path_factory.mktemp("pgcut") / "api.log")
    server.start()
    yield server
    server.stop()


def entry(title: str) -> dict:
    return {"title": title, "type": "code", "tags": TAGS,
            "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}


async def test_cut_mid_load_gives_503s_then_recovers_with_nothing_half_written(
        api_via_proxy: ApiProcess, pg_proxy: TcpProxy, db) -> None:
    run = uuid.uuid4().hex[:8]
    answers: list[tuple[str, httpx.Response]] = []
    async with httpx.AsyncClient(base_url=api_via_proxy.url, timeout=30) as c:
        user = await register(c)
        cut_now, restored = asyncio.Event(), asyncio.Event()

        async def client(n: int) -> None:
            for i in range(PER_CLIENT):
                title = f"{run}-{n}-{i}"
                answers.append((title, await user.post("/v1/logs", json=entry(title))))
                if len(answers) == CLIENTS * PER_CLIENT // 4:
                    cut_now.set()

        async def saboteur() -> None:
            await cut_now.wait()
            await asyncio.to_thread(pg_proxy.cut)
            await asyncio.sleep(1.5)  # load keeps coming while PostgreSQL is away
            await asyncio.to_thread(pg_proxy.restore)
            restored.set()

        await asyncio.gather(saboteur(), *(client(n) for n in range(CLIENTS)))
        assert restored.is_set()

        # Recovery without a restart: the very next write works, and /ready agrees.
        after = await user.post("/v1/logs", json=entry(f"{run}-after"))
        assert after.status_code == 201, after.text
        assert (await c.get("/ready")).status_code == 200

    statuses = [r.status_code for _, r in answers]
    assert set(statuses) <= {201, 503}, statuses
    assert statuses.count(503) >= 1, "the cut hit no request; the drill proved nothing"
    assert statuses.count(201) >= CLIENTS * PER_CLIENT // 4
    for _, r in answers:
        if r.status_code == 503:
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["type"].endswith("/database-unavailable")
            assert int(r.headers["Retry-After"]) >= 1

    rows = await db.fetch(
        "SELECT e.id, e.title, array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT "
        "NULL) AS tags FROM log_entries e LEFT JOIN log_entry_tags et ON et.log_entry_id = e.id "
        "LEFT JOIN tags t ON t.id = et.tag_id WHERE e.user_id = $1::uuid GROUP BY e.id",
        user.id)
    stored = {r["title"]: r for r in rows}
    assert len(stored) == len(rows), "an entry was stored twice"
    for r in rows:
        assert r["tags"] == sorted(TAGS), f"half-written entry {r['title']}: {r['tags']}"
    for title, r in answers:
        if r.status_code == 201:
            assert str(stored[title]["id"]) == r.json()["id"]
    assert f"{run}-after" in stored
    assert "unhandled error" not in api_via_proxy.log_path.read_text()
