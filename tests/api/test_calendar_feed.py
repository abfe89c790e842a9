"""The calendar feed: a secret URL that calendar apps fetch without a bearer token, a valid
iCalendar file of the user's entries, the token stored only as a hash, rotation and
disabling that kill the old URL at once, caching headers, and isolation."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import icalendar

from tests.support.users import ApiUser

FEED = "/v1/users/me/calendar-feed"


async def _log(user: ApiUser, title: str, start: str, end: str, **kw) -> dict:
    r = await user.post("/v1/logs", json={"title": title, "type": "code", "start_time": start,
                                          "end_time": end, **kw})
    assert r.status_code == 201, r.text
    return r.json()


def _now_iso(hour: int) -> str:
    return datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


async def test_feed_serves_the_users_entries_as_icalendar(alice: ApiUser, bob: ApiUser, db):
    entry = await _log(alice, "Ship the exporter; with, commas — and ünïcödé", _now_iso(8),
                       _now_iso(9), tags=["backend"], description="Line one\nLine two")
    await _log(bob, "Bob's private work", _now_iso(10), _now_iso(11))
    created = await alice.post(FEED)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["path"].startswith("/v1/feeds/") and body["path"].endswith(".ics")
    assert body["url"].endswith(body["path"]) and body["url"].startswith("http")

    r = await alice.client.get(body["path"])  # no bearer token: the URL is the credential
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    assert r.headers["cache-control"] == "private, no-cache"
    assert r.headers["referrer-policy"] == "no-referrer"
    cal = icalendar.Calendar.from_ical(r.content)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [entry["title"]]
    event = events[0]
    assert str(event["UID"]) == f"{entry['id']}@englog"
    assert event["DTSTART"].dt == datetime.fromisoformat(entry["start_time"])
    assert event["DTEND"].dt == datetime.fromisoformat(entry["end_time"])
    assert "Line one\nLine two" in str(event["DESCRIPTION"])
    assert "Tags: backend" in str(event["DESCRIPTION"])
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert "Bob's private work" not in r.text

    # Only the hash is stored.
    token = body["path"].removeprefix("/v1/feeds/").removesuffix(".ics")
    stored = await db.fetchval("SELECT token_hash FROM calendar_feeds WHERE user_id = $1::uuid",
                               alice.id)
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored

    # Conditional requests: same data, same ETag, 304 without a body.
    again = await alice.client.get(body["path"], headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    await _log(alice, "A new entry", _now_iso(12), _now_iso(13))
    changed = await alice.client.get(body["path"], headers={"If-None-Match": r.headers["etag"]})
    assert changed.status_code == 200 and "A new entry" in changed.text
    status = (await alice.get(FEED)).json()
    assert status["enabled"] is True and status["last_fetched_at"] is not None


async def test_rotating_kills_the_old_url_and_delete_disables(alice: ApiUser):
    first = (await alice.post(FEED)).json()["path"]
    assert (await alice.client.get(first)).status_code == 200
    second = (await alice.post(FEED)).json()["path"]
    assert second != first
    gone = await alice.client.get(first)
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith("application/problem+json")
    assert (await alice.client.get(second)).status_code == 200
    assert (await alice.delete(FEED)).status_code == 204
    assert (await alice.client.get(second)).status_code == 404
    assert (await alice.get(FEED)).json() == {"enabled": False, "created_at": None,
                                              "last_fetched_at": None}
    assert (await alice.delete(FEED)).status_code == 204  # idempotent


async def test_feed_isolation_and_bad_tokens(alice: ApiUser, bob: ApiUser):
    path = (await alice.post(FEED)).json()["path"]
    # Bob managing his own feed never touches alice's.
    await bob.post(FEED)
    assert (await bob.delete(FEED)).status_code == 204
    assert (await alice.client.get(path)).status_code == 200
    assert (await alice.get(FEED)).json()["enabled"] is True
    token = path.removeprefix("/v1/feeds/").removesuffix(".ics")
    for bad in (f"/v1/feeds/{token}", f"/v1/feeds/{token[:-1]}x.ics", "/v1/feeds/.ics",
                "/v1/feeds/" + "a" * 500 + ".ics", f"/v1/feeds/{token}.ics.ics"):
        r = await alice.client.get(bad)
        assert r.status_code == 404, bad
    for method in ("post", "get", "delete"):
        assert (await getattr(alice.client, method)(FEED)).status_code == 401
