"""POST /v1/import/calendar with the ICS fixtures in tests/fixtures/calendar: exact entries
(recurrences with a removed, a moved and a cancelled occurrence, America/New_York across
the DST change of 1 November 2026), skipped all-day, transparent and declined events,
mapping rules, dry runs, selection, idempotence, all-or-nothing, hostile files, isolation."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.users import ApiUser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendar"
URL = "/v1/import/calendar"
PERIOD = {"period_start": "2026-10-19", "period_end": "2026-11-29",
          "attendee_email": "me@example.com"}

# (title, type, start UTC, end UTC): 10:00 New York is 14:00Z in October (EDT) and 15:00Z
# from 1 November (EST); the 28 October occurrence is an EXDATE, 4 November is moved to
# 14:00 EST, 18 November is cancelled.
EXPECTED = [
    ("Team sync", "meeting", "2026-10-21T14:00:00+00:00", "2026-10-21T14:30:00+00:00"),
    ("1:1 with Sam", "mentoring", "2026-10-22T19:00:00+00:00", "2026-10-22T19:30:00+00:00"),
    ("Architecture design review", "review", "2026-10-27T17:00:00+00:00",
     "2026-10-27T18:00:00+00:00"),
    ("Team sync (moved)", "meeting", "2026-11-04T19:00:00+00:00", "2026-11-04T20:00:00+00:00"),
    ("Lunch & learn: Rust", "meeting", "2026-11-05T12:00:00+00:00", "2026-11-05T13:00:00+00:00"),
    ("Incident review: login outage", "debug", "2026-11-10T09:00:00+00:00",
     "2026-11-10T10:00:00+00:00"),
    ("Team sync", "meeting", "2026-11-11T15:00:00+00:00", "2026-11-11T15:30:00+00:00"),
    ("Team sync", "meeting", "2026-11-25T15:00:00+00:00", "2026-11-25T15:30:00+00:00"),
]
SKIPPED = {"Vendor pitch": "declined", "Company holiday": "all_day",
           "Focus time": "transparent", "Team sync": "cancelled"}


def utc(timestamp: str) -> str:
    return datetime.fromisoformat(timestamp).astimezone(UTC).isoformat()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


async def send(user: ApiUser, body: bytes, params: dict | None = None,
               content_type: str = "text/calendar"):
    return await user.client.post(URL, content=body, params=params or {},
                                  headers={**user.headers, "Content-Type": content_type})


async def post_ics(user: ApiUser, body: bytes, **params):
    return await send(user, body, {**PERIOD, **params})


async def entries(user: ApiUser) -> list[tuple[str, str, str, str]]:
    items = (await user.get("/v1/logs", params={"limit": 200, "sort": "start_time"})).json()[
        "items"]
    return [(e["title"], e["type"], e["start_time"], e["end_time"]) for e in items]


async def stored(db, user: ApiUser) -> tuple[int, int]:
    n_entries = await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                                  user.id)
    n_keys = await db.fetchval(
        "SELECT count(*) FROM calendar_imported_events WHERE user_id = $1::uuid", user.id)
    return n_entries, n_keys


async def test_dry_run_lists_every_event_and_writes_nothing(alice: ApiUser, db):
    r = await post_ics(alice, fixture("work_calendar.ics"), dry_run="true")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dry_run"] is True
    assert body["counts"] == {"events": 12, "new": 8, "created": 0, "duplicate": 0,
                              "skipped": 4, "unselected": 0}
    new = [e for e in body["events"] if e["status"] == "new"]
    # A dry run gives times in each event's own zone: the same instants as the entries.
    assert sorted((e["title"], e["type"], utc(e["start_time"]), utc(e["end_time"]))
                  for e in new) == sorted(EXPECTED)
    assert {(e["title"], e["reason"]) for e in body["events"] if e["status"] == "skipped"} \
        == set(SKIPPED.items())
    sync = next(e for e in new if e["title"] == "Team sync (moved)")
    assert sync["uid"] == "team-sync-2026@example.com"
    assert sync["recurrence_id"] == "20261104T150000Z"
    assert next(e for e in new if e["title"] == "1:1 with Sam")["rule"] == "1:1"
    assert len({e["key"] for e in body["events"]}) == 12
    assert await stored(db, alice) == (0, 0)


async def test_import_creates_exact_entries_once(alice: ApiUser, db):
    r = await post_ics(alice, fixture("work_calendar.ics"))
    assert r.status_code == 201, r.text
    assert r.json()["counts"]["created"] == 8
    assert await entries(alice) == EXPECTED
    logs = (await alice.get("/v1/logs", params={"q": "Team sync (moved)"})).json()["items"]
    assert (logs[0]["value_rating"], logs[0]["impact_level"]) == ("medium", "team")
    weekly = (await alice.get("/v1/logs", params={"q": "Team sync", "limit": 1,
                                                   "sort": "start_time"})).json()["items"][0]
    assert weekly["description"] == "Weekly sync of the platform team.\nAgenda in the doc."
    created = {e["entry_id"] for e in r.json()["events"] if e["status"] == "created"}
    linked = {str(x) for x in await db.fetch(
        "SELECT log_entry_id FROM calendar_imported_events WHERE user_id = $1::uuid", alice.id)}
    assert len(created) == 8 and all(c in str(linked) for c in created)

    again = await post_ics(alice, fixture("work_calendar.ics"))
    assert again.status_code == 200, again.text
    assert again.json()["counts"] == {"events": 12, "new": 0, "created": 0, "duplicate": 8,
                                      "skipped": 4, "unselected": 0}
    assert await stored(db, alice) == (8, 8)
    # A deleted imported entry stays imported: the calendar does not bring it back.
    first = (await alice.get("/v1/logs", params={"sort": "start_time", "limit": 1})).json()
    assert (await alice.delete(f"/v1/logs/{first['items'][0]['id']}")).status_code == 204
    third = await post_ics(alice, fixture("work_calendar.ics"))
    assert third.json()["counts"]["created"] == 0
    assert await stored(db, alice) == (7, 8)


async def test_a_wider_period_adds_only_the_new_occurrences(alice: ApiUser, db):
    narrow = await post_ics(alice, fixture("work_calendar.ics"), period_end="2026-10-31")
    assert narrow.json()["counts"]["created"] == 3
    wide = await post_ics(alice, fixture("work_calendar.ics"))
    assert wide.json()["counts"]["created"] == 5
    assert wide.json()["counts"]["duplicate"] == 3
    assert await entries(alice) == EXPECTED


async def test_selected_events_only(alice: ApiUser, db):
    dry = (await post_ics(alice, fixture("work_calendar.ics"), dry_run="true")).json()
    keys = [e["key"] for e in dry["events"] if e["title"] in ("1:1 with Sam",
                                                               "Team sync (moved)")]
    r = await post_ics(alice, fixture("work_calendar.ics"), select=",".join(keys))
    assert r.status_code == 201, r.text
    assert r.json()["counts"]["created"] == 2 and r.json()["counts"]["unselected"] == 6
    assert [t for t, *_ in await entries(alice)] == ["1:1 with Sam", "Team sync (moved)"]
    rest = await post_ics(alice, fixture("work_calendar.ics"))
    assert rest.json()["counts"]["created"] == 6
    assert await entries(alice) == EXPECTED
    unknown = await post_ics(alice, fixture("work_calendar.ics"), select="0" * 32)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "select"
    assert (await post_ics(alice, fixture("work_calendar.ics"), select="nope")).status_code \
        == 422


async def test_multipart_upload_with_form_options(alice: ApiUser):
    r = await alice.post(URL, files={"file": ("work.ics", fixture("work_calendar.ics"),
                                              "text/calendar")},
                         data={"period_start": "2026-10-19", "period_end": "2026-11-29",
                               "attendee_email": "me@example.com"})
    assert r.status_code == 201, r.text
    assert await entries(alice) == EXPECTED
    twice = await alice.post(URL, files={"file": ("w.ics", fixture("work_calendar.ics"))},
                             data={"dry_run": "true"}, params={"dry_run": "true"})
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "dry_run"
    no_file = await alice.post(URL, files={"other": ("w.ics", b"x")})
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["field"] == "file"


async def test_declined_means_declined_by_the_users_own_address(alice: ApiUser):
    ics = fixture("work_calendar.ics").replace(b"Me@Example.com", alice.email.encode())
    r = await send(alice, ics, {"period_start": "2026-10-19", "period_end": "2026-11-29",
                                "dry_run": "true"})
    skipped = {e["title"]: e["reason"] for e in r.json()["events"] if e["status"] == "skipped"}
    assert skipped["Vendor pitch"] == "declined"
    # Someone else declining is not the user declining.
    other = await send(alice, fixture("work_calendar.ics"), {
        "period_start": "2026-10-19", "period_end": "2026-11-29", "dry_run": "true"})
    statuses = {e["title"]: e["status"] for e in other.json()["events"]}
    assert statuses["Vendor pitch"] == "new"
    assert statuses["Architecture design review"] == "new"


async def test_rules_from_the_request_replace_the_built_in_ones(alice: ApiUser):
    rules = [{"contains": "SYNC", "type": "planning", "value_rating": "high",
              "tags": ["Team Rituals"]}]
    r = await post_ics(alice, fixture("work_calendar.ics"), rules=json.dumps(rules))
    assert r.status_code == 201, r.text
    got = {e["title"]: e for e in (await alice.get("/v1/logs", params={"limit": 50})).json()[
        "items"]}
    assert (got["Team sync (moved)"]["type"], got["Team sync (moved)"]["value_rating"],
            got["Team sync (moved)"]["tags"]) == ("planning", "high", ["team-rituals"])
    assert got["1:1 with Sam"]["type"] == "meeting"  # the built-in 1:1 rule is replaced
    built_in = (await alice.get("/v1/import/calendar/rules")).json()
    assert built_in["default_type"] == "meeting"
    assert {"contains": "1:1", "type": "mentoring", "value_rating": None,
            "impact_level": None, "tags": []} in built_in["rules"]
    bad = await post_ics(alice, fixture("work_calendar.ics"), rules="[{")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rules"
    wrong = await post_ics(alice, fixture("work_calendar.ics"),
                           rules=json.dumps([{"contains": "x", "type": "napping"}]))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "rules.0.type"


async def test_project_for_every_entry_must_be_the_users(alice: ApiUser, bob: ApiUser, db):
    project = (await alice.post("/v1/projects", json={"name": "Meetings"})).json()
    r = await post_ics(alice, fixture("work_calendar.ics"), project_id=project["id"])
    assert r.status_code == 201
    assert {e["project_name"] for e in (await alice.get("/v1/logs")).json()["items"]} \
        == {"Meetings"}
    theirs = await post_ics(bob, fixture("work_calendar.ics"), project_id=project["id"])
    assert theirs.status_code == 422 and theirs.json()["errors"][0]["field"] == "project_id"
    assert await stored(db, bob) == (0, 0)


async def test_each_user_imports_their_own_copy(alice: ApiUser, bob: ApiUser, db):
    assert (await post_ics(alice, fixture("work_calendar.ics"))).json()["counts"]["created"] \
        == 8
    r = await post_ics(bob, fixture("work_calendar.ics"))
    assert r.json()["counts"] == {"events": 12, "new": 8, "created": 8, "duplicate": 0,
                                  "skipped": 4, "unselected": 0}
    assert await stored(db, alice) == (8, 8) and await stored(db, bob) == (8, 8)
    assert (await bob.delete(f"/v1/logs/{r.json()['events'][0]['entry_id']}")).status_code \
        in (204, 404)
    assert await stored(db, alice) == (8, 8)


async def test_concurrent_imports_of_one_file_create_each_entry_once(alice: ApiUser, db):
    results = await asyncio.gather(*(post_ics(alice, fixture("work_calendar.ics"))
                                     for _ in range(3)))
    assert all(r.status_code in (200, 201) for r in results)
    assert sum(r.json()["counts"]["created"] for r in results) == 8
    assert await stored(db, alice) == (8, 8)


@pytest.mark.parametrize(("name", "message"), [
    ("malformed.ics", "DTSTART"),
    ("one_bad_event.ics", "bad-rule@example.com"),
    ("deep_recurrence.ics", "recurs too often"),
    ("hourly_all_year.ics", "more than 2,000 events"),
])
async def test_a_bad_file_is_a_422_naming_the_problem_and_writes_nothing(
        alice: ApiUser, db, name: str, message: str):
    r = await send(alice, fixture(name), {"period_start": "2026-01-01",
                                          "period_end": "2026-12-31"})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["errors"][0]["field"] == "file"
    assert message in problem["errors"][0]["message"]
    assert await stored(db, alice) == (0, 0)


@pytest.mark.parametrize("body", [
    b"this is not a calendar", b"\xff\xfe\x00garbage", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
    b"BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR\n",
    b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:no start\nEND:VEVENT\nEND:VCALENDAR\n",
])
async def test_garbage_is_a_422(alice: ApiUser, db, body: bytes):
    r = await send(alice, body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "file"
    assert await stored(db, alice) == (0, 0)


async def test_a_file_over_5_mb_is_refused_with_413(alice: ApiUser, api_url: str):
    # The server answers 413 from the headers alone and closes the connection without
    # reading the body, so the request is written by hand and only its head is sent.
    host, port = api_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write((f"POST {URL} HTTP/1.1\r\nHost: {host}\r\n"
                  f"Authorization: Bearer {alice.access_token}\r\n"
                  "Content-Type: text/calendar\r\nContent-Length: 5100000\r\n\r\n").encode()
                 + b"BEGIN:VCALENDAR\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    writer.close()
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"application/problem+json" in head.lower()


async def test_hostile_requests_never_get_a_5xx(alice: ApiUser, db):
    assert (await send(alice, b"")).status_code == 422
    wrong_type = await send(alice, fixture("work_calendar.ics"), content_type="application/json")
    assert wrong_type.status_code == 415
    year_plus = await post_ics(alice, fixture("work_calendar.ics"),
                               period_start="2025-01-01", period_end="2026-12-31")
    assert year_plus.status_code == 422
    assert year_plus.json()["errors"][0]["field"] == "period_end"
    backwards = await post_ics(alice, fixture("work_calendar.ics"),
                               period_start="2026-12-01", period_end="2026-11-01")
    assert backwards.status_code == 422
    assert (await post_ics(alice, fixture("work_calendar.ics"), dry_run="maybe")).status_code \
        == 422
    assert (await post_ics(alice, fixture("work_calendar.ics"), colour="red")).status_code \
        == 422
    assert (await alice.client.post(URL, content=fixture("work_calendar.ics"),
                                    headers={"Content-Type": "text/calendar"})).status_code == 401
    assert await stored(db, alice) == (0, 0)


async def test_default_period_is_the_last_90_days(alice: ApiUser):
    r = await send(alice, fixture("work_calendar.ics"), {"dry_run": "true"})
    assert r.status_code == 200, r.text
    start = datetime.fromisoformat(r.json()["period_start"])
    end = datetime.fromisoformat(r.json()["period_end"])
    assert (end - start).days == 90


async def test_events_no_entry_can_hold_are_skipped_with_a_reason(alice: ApiUser, db):
    ics = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//EngLog tests//Edges//EN
BEGIN:VEVENT
UID:offsite@example.com
DTSTART:20261021T080000Z
DTEND:20261022T090000Z
SUMMARY:Two-day offsite
END:VEVENT
BEGIN:VEVENT
UID:reminder@example.com
DTSTART:20261023T090000Z
SUMMARY:Reminder without a length
END:VEVENT
BEGIN:VEVENT
UID:blank@example.com
DTSTART:20261024T090000Z
DURATION:PT45M
SUMMARY:   
END:VEVENT
END:VCALENDAR
"""
    r = await post_ics(alice, ics)
    assert r.status_code == 201, r.text
    got = {e["uid"]: (e["status"], e["reason"], e["title"], e["duration_minutes"])
           for e in r.json()["events"]}
    assert got == {"offsite@example.com": ("skipped", "too_long", "Two-day offsite", 1500),
                   "reminder@example.com": ("skipped", "no_duration",
                                            "Reminder without a length", 0),
                   "blank@example.com": ("created", None, "(untitled event)", 45)}
    assert await stored(db, alice) == (1, 1)
