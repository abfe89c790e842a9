"""Period bounds: every period_start/period_end and start_date/end_date takes an RFC 3339
timestamp (a half-open range) or a plain date (whole days in the user's timezone), with one
rule and one end-before-start message on every endpoint (backend/api/periods.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from backend.api.periods import Span, covered_dates, end_before_start, parse_bound
from tests.support.rows import add_entry
from tests.support.users import register

UTC_TZ = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
GEN = "/v1/insights/generate"
# The exact calls of issue 7, written from the spec (a weekly report, Monday 16 November).
SPEC_WEEK = {"report_type": "weekly", "period_start": "2026-11-16T00:00:00Z",
             "period_end": "2026-11-23T00:00:00Z"}


def at(text: str, tz: ZoneInfo = UTC_TZ) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


# --- the type and the mapping, on their own ----------------------------------------------

@pytest.mark.parametrize("text, parsed", [
    ("2026-11-16", date(2026, 11, 16)),
    ("2026-11-16T00:00:00Z", datetime(2026, 11, 16, tzinfo=UTC)),
    ("2026-11-22T23:59:59+01:00", datetime(2026, 11, 22, 22, 59, 59, tzinfo=UTC)),
    ("2026-11-16T09:30:00.250-05:00", datetime(2026, 11, 16, 14, 30, 0, 250000, tzinfo=UTC)),
])
def test_a_bound_is_a_date_or_an_rfc3339_timestamp(text, parsed):
    value = parse_bound(text)
    assert value == parsed and type(value) is type(parsed)


@pytest.mark.parametrize("text, words", [
    ("2026-11-16T00:00:00", "UTC offset"),  # RFC 3339 needs the offset
    ("2026-13-01", "not a valid date"),
    ("yesterday", "RFC 3339"),
    ("1899-12-31", "between 1900-01-01 and 2999-12-31"),
    ("9999-12-31T00:00:00Z", "between 1900-01-01 and 2999-12-31"),
    ("0001-01-01T00:00:00+14:00", "between 1900-01-01"),  # not convertible to UTC at all
])
def test_a_bad_bound_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_bound(text)


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo"])
def test_a_utc_midnight_week_is_the_same_seven_local_days_in_any_nearby_zone(tz):
    span = Span(at("2026-11-16T00:00:00"), at("2026-11-23T00:00:00"))
    assert covered_dates(span, tz) == (date(2026, 11, 16), date(2026, 11, 22))
    late = Span(at("2026-11-16T00:00:00"), at("2026-11-22T23:59:59"))
    assert covered_dates(late, tz) == (date(2026, 11, 16), date(2026, 11, 22))


def test_a_span_inside_one_day_is_that_local_day():
    # 13:00-14:00 UTC is nearer to the next midnight than to the last: the midpoint decides.
    span = Span(at("2026-11-16T13:00:00"), at("2026-11-16T14:00:00"))
    assert covered_dates(span, "UTC") == (date(2026, 11, 16), date(2026, 11, 16))
    # 23:30 UTC on the 16th is 00:30 on the 17th in Berlin.
    late = Span(at("2026-11-16T23:15:00"), at("2026-11-16T23:45:00"))
    assert covered_dates(late, "Europe/Berlin") == (date(2026, 11, 17), date(2026, 11, 17))


# --- the failing calls now succeed --------------------------------------------------

async def _week_user(client, db, timezone: str = "UTC"):
    user = await register(client, timezone=timezone)
    tz = ZoneInfo(timezone)
    await add_entry(db, user.id, at("2026-11-16T10:00:00", tz), 90, "code", "high", "product")
    await add_entry(db, user.id, at("2026-11-20T14:00:00", tz), 60, "review")
    return user


async def test_spec_weekly_timestamps_make_a_seven_day_report(client, db):
    user = await _week_user(client, db)
    r = await user.post(GEN, json=SPEC_WEEK)
    assert r.status_code == 202, r.text
    body = r.json()
    assert (body["period_start"], body["period_end"]) == ("2026-11-16", "2026-11-22")
    facts = await db.fetchval("SELECT facts FROM generated_insights WHERE id = $1::uuid",
                              body["id"])
    assert '"days": 7' in facts and '"minutes": 150' in facts
    # The spec's other spelling of the same week ends a second before midnight: same report.
    again = await user.post(GEN, json={**SPEC_WEEK, "period_end": "2026-11-22T23:59:59Z"})
    assert again.status_code == 202, again.text
    assert again.json()["id"] == body["id"]


async def test_utc_midnights_are_the_local_week_for_a_berlin_user(client, db):
    user = await _week_user(client, db, "Europe/Berlin")
    r = await user.post(GEN, json=SPEC_WEEK)
    assert r.status_code == 202, r.text
    assert (r.json()["period_start"], r.json()["period_end"]) == ("2026-11-16", "2026-11-22")
    # An eighth day in timestamps is still refused, naming the days it covers.
    r = await user.post(GEN, json={**SPEC_WEEK, "period_end": "2026-11-24T00:00:00Z"})
    assert r.status_code == 422
    assert r.json()["errors"] == [{
        "field": "period_end",
        "message": "a weekly report covers 5 to 7 days; 2026-11-16..2026-11-23 is 8 days"}]


async def test_insights_list_filters_by_type_and_the_period_asked_for(client, db):
    user = await _week_user(client, db)
    weekly = (await user.post(GEN, json=SPEC_WEEK)).json()["id"]
    daily = (await user.post(GEN, json={"report_type": "daily", "period_start": "2026-11-20",
                                        "period_end": "2026-11-20"})).json()["id"]

    async def ids(**params) -> list[str]:
        r = await user.get("/v1/insights", params=params)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert await ids(type="weekly") == [weekly]
    assert await ids(type="daily") == [daily]
    # The same timestamps that asked for the weekly report find it.
    assert await ids(period_start=SPEC_WEEK["period_start"],
                     period_end=SPEC_WEEK["period_end"]) == [daily, weekly]
    assert await ids(period_start="2026-11-20", period_end="2026-11-20") == [daily]
    assert await ids(period_start="2026-11-17T00:00:00Z") == [daily]
    assert await ids(period_end="2026-11-21") == [daily]  # the week runs to the 22nd
    assert await ids(period_end="2026-11-22") == [daily, weekly]
    r = await user.get("/v1/insights", params={"report_type": "weekly"})
    assert r.status_code == 422  # one spelling: the spec's ?type=


# --- half-open timestamps and inclusive dates on the entry list ---------------------------

async def test_log_list_timestamps_are_half_open_and_dates_whole_local_days(client, db):
    user = await register(client, timezone="Europe/Berlin")
    nine = await add_entry(db, user.id, at("2026-11-16T09:00:00", BERLIN), 30, "code")
    ten = await add_entry(db, user.id, at("2026-11-16T10:00:00", BERLIN), 30, "code")
    late = await add_entry(db, user.id, at("2026-11-16T23:30:00", BERLIN), 30, "code")

    async def titles(**params) -> set[str]:
        r = await user.get("/v1/logs", params=params)
        assert r.status_code == 200, r.text
        return {i["id"] for i in r.json()["items"]}

    # [09:00, 10:00) local: the 10:00 entry starts at the excluded end.
    assert await titles(start_date="2026-11-16T08:00:00Z",
                        end_date="2026-11-16T09:00:00Z") == {str(nine)}
    # The local date includes 23:30 Berlin (22:30 UTC).
    assert await titles(start_date="2026-11-16", end_date="2026-11-16") == {
        str(nine), str(ten), str(late)}
    # A date end with a timestamp start: from 09:30 local to the end of the local day.
    assert await titles(start_date="2026-11-16T09:30:00+01:00",
                        end_date="2026-11-16") == {str(ten), str(late)}


# --- one message for an end that is not after the start, everywhere -----------------------

async def test_every_period_has_the_same_end_before_start_rule_and_message(client, db):
    user = await register(client, timezone="UTC")
    await add_entry(db, user.id, at("2026-11-16T10:00:00"), 30, "code")
    project = (await user.post("/v1/projects", json={"name": "P"})).json()["id"]
    stamp = {"start": "2026-11-16T10:00:00Z", "end": "2026-11-16T10:00:00Z"}  # empty span
    calls = [
        ("GET", "/v1/logs", {"start_date": stamp["start"], "end_date": stamp["end"]},
         "end_date", "start_date"),
        ("GET", "/v1/logs", {"start_date": "2026-11-17", "end_date": "2026-11-16"},
         "end_date", "start_date"),
        ("GET", "/v1/analytics/dashboard", {"start_date": "2026-11-17",
                                            "end_date": "2026-11-16T12:00:00Z"},
         "end_date", "start_date"),
        ("GET", "/v1/analytics/time-distribution",
         {"start_date": stamp["start"], "end_date": stamp["end"]}, "end_date", "start_date"),
        ("GET", "/v1/insights", {"period_start": "2026-11-20", "period_end": "2026-11-19"},
         "period_end", "period_start"),
        ("POST", GEN, {"report_type": "daily", "period_start": stamp["start"],
                       "period_end": stamp["end"]}, "period_end", "period_start"),
        ("POST", "/v1/projects", {"name": "Q", "start_date": "2026-11-17",
                                  "end_date": "2026-11-16"}, "end_date", "start_date"),
        ("PATCH", f"/v1/projects/{project}", {"start_date": "2026-11-17",
                                              "end_date": "2026-11-16"},
         "end_date", "start_date"),
    ]
    for method, url, data, end_name, start_name in calls:
        kw = {"params": data} if method == "GET" else {"json": data}
        r = await user.client.request(method, url, headers=user.headers, **kw)
        assert r.status_code == 422, (url, r.text)
        assert [(e["field"], e["message"]) for e in r.json()["errors"]] == [
            (end_name, end_before_start(start_name))], url
    assert await db.fetchval("SELECT count(*) FROM generated_insights WHERE user_id = $1::uuid",
                             user.id) == 0
