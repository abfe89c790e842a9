"""Inputs an attacker sends (issue 10's findings): deep nesting, dates at the edge of what
PostgreSQL and Python can hold, and the headers every answer must carry. Each ends in a
4xx problem+json, never a 5xx."""

from __future__ import annotations

import httpx
import pytest

from backend.api.timebounds import RANGE_TEXT
from tests.support.users import ApiUser

PROBLEM = "application/problem+json"
ENTRY = {"title": "Edge", "type": "code",
         "start_time": "2026-11-02T09:00:00+00:00", "end_time": "2026-11-02T10:00:00+00:00"}


def nested(depth: int) -> bytes:
    return b'{"title":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


def assert_problem(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    return r.json()


@pytest.mark.parametrize("depth", [40, 500, 5000])
async def test_deeply_nested_body_is_a_400_without_login(client, depth: int) -> None:
    # 500 levels used to raise RecursionError (a 500 and ~149 KB of traceback per request).
    r = await client.post("/v1/auth/register", content=nested(depth),
                          headers={"content-type": "application/json"})
    body = assert_problem(r, 400)
    assert body["type"].endswith(("/too-deep", "/bad-json"))


async def test_deeply_nested_body_is_a_400_on_an_authenticated_write(alice: ApiUser, db) -> None:
    before = await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                               alice.id)
    r = await alice.post("/v1/logs", content=nested(500),
                         headers={"content-type": "application/json"})
    assert assert_problem(r, 400)["type"].endswith("/too-deep")
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                             alice.id) == before


async def test_a_normally_nested_bulk_body_still_passes(alice: ApiUser) -> None:
    r = await alice.post("/v1/logs/bulk", json={"entries": [{**ENTRY, "tags": ["a", "b"]}]})
    assert r.status_code == 201, r.text


def range_error(r: httpx.Response, field: str) -> None:
    body = assert_problem(r, 422)
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert messages.get(field) == RANGE_TEXT, body


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z",
                                   "9999-12-31T00:00:00Z", "3000-01-01T00:00:00Z"])
async def test_entry_times_outside_the_supported_range_are_422(alice: ApiUser, db, start) -> None:
    # Year 1 used to reach asyncpg as -infinity and answer 500.
    r = await alice.post("/v1/logs", json={**ENTRY, "start_time": start})
    range_error(r, "start_time")
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid "
                             "AND title = 'Edge' AND start_time < '1900-01-01'", alice.id) == 0


async def test_the_range_edges_themselves_are_accepted(alice: ApiUser) -> None:
    first = await alice.post("/v1/logs", json={**ENTRY, "start_time": "1900-01-01T00:00:00Z",
                                               "end_time": "1900-01-01T01:00:00Z"})
    assert first.status_code == 201, first.text
    last = await alice.post("/v1/logs", json={**ENTRY, "start_time": "2999-12-31T22:00:00Z",
                                              "end_time": "2999-12-31T23:59:59Z"})
    assert last.status_code == 201, last.text
    listed = await alice.get("/v1/logs", params={"start_date": "1900-01-01",
                                                 "end_date": "2999-12-31", "limit": 200})
    assert listed.status_code == 200, listed.text
    assert {first.json()["id"], last.json()["id"]} <= {e["id"] for e in listed.json()["items"]}


async def test_patch_applies_the_same_bound(alice: ApiUser) -> None:
    created = await alice.post("/v1/logs", json=ENTRY)
    r = await alice.patch(f"/v1/logs/{created.json()['id']}",
                          json={"end_time": "10000-01-01T00:00:00Z"})
    assert r.status_code == 422, r.text
    r = await alice.patch(f"/v1/logs/{created.json()['id']}",
                          json={"start_time": "0001-01-01T00:00:00+14:00"})
    range_error(r, "start_time")


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/v1/logs", {"end_date": "9999-12-31"}, "end_date"),  # used to be an OverflowError
    ("/v1/logs", {"start_date": "0001-01-01"}, "start_date"),
    ("/v1/analytics/dashboard", {"end_date": "9999-12-31"}, "end_date"),
    ("/v1/analytics/dashboard", {"start_date": "1899-12-31"}, "start_date"),
    ("/v1/analytics/time-distribution", {"start_date": "3000-01-01"}, "start_date"),
])
async def test_date_filters_outside_the_range_are_the_same_422_everywhere(
        alice: ApiUser, path: str, params: dict, field: str) -> None:
    range_error(await alice.get(path, params=params), field)


async def test_analytics_accepts_what_entries_accept(alice: ApiUser) -> None:
    # Entries and analytics used to disagree (any year vs 1970-9998).
    r = await alice.get("/v1/analytics/dashboard",
                        params={"start_date": "1950-01-01", "end_date": "1950-01-31"})
    assert r.status_code == 200, r.text


async def test_timer_projects_and_reports_use_the_same_bound(alice: ApiUser) -> None:
    r = await alice.post("/v1/timers/backfill", json={
        "minutes": 30, "title": "x", "type": "code",
        "end_time": "0001-01-01T00:00:00Z"})
    range_error(r, "end_time")
    r = await alice.post("/v1/projects", json={"name": "edge-dates", "start_date": "0001-01-01"})
    range_error(r, "start_date")
    r = await alice.post("/v1/insights/generate", json={
        "report_type": "weekly", "period_start": "1899-12-25", "period_end": "1899-12-31"})
    range_error(r, "period_start")


# --- headers ---------------------------------------------------------------------------------

SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
            "referrer-policy": "no-referrer"}


def assert_security_headers(r: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert r.headers.get(name) == value, (r.request.url, name, r.headers)
    assert "content-security-policy" in r.headers or r.request.url.path.startswith("/docs")


async def test_security_headers_on_every_kind_of_answer(client, alice: ApiUser) -> None:
    answers = [
        await client.get("/live"),
        await client.get("/health"),
        await client.get("/docs/openapi.json"),
        await alice.get("/v1/auth/me"),
        await alice.post("/v1/logs", json=ENTRY),
        await client.get("/no/such/route"),
        await client.get("/v1/auth/me"),  # 401
        await alice.post("/v1/logs", json={}),  # 422
        await alice.post("/v1/logs", content=nested(100),
                         headers={"content-type": "application/json"}),  # 400
    ]
    assert {r.status_code for r in answers} >= {200, 201, 400, 401, 404, 422}
    for r in answers:
        assert_security_headers(r)


async def test_token_answers_are_never_stored(client, alice: ApiUser) -> None:
    login = await client.post("/v1/auth/login",
                              json={"email": alice.email, "password": alice.password})
    assert login.status_code == 200 and "access_token" in login.json()
    refreshed = await client.post("/v1/auth/refresh",
                                  json={"refresh_token": login.json()["refresh_token"]})
    assert refreshed.status_code == 200 and "refresh_token" in refreshed.json()
    for r in (login, refreshed, await alice.get("/v1/auth/me"), await alice.get("/v1/logs")):
        assert r.headers["cache-control"] == "no-store", r.request.url
