"""A report's facts and task payload for a fixture month, against figures computed by hand.

The facts are what the worker's narrative may state, so every figure here is checked
against arithmetic written out in the comments. Entries are inserted with SQL.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from englog.v1 import tasks_pb2 as pb
from google.protobuf import json_format

from backend.insights.payload import facts_message
from tests.support.rows import add_entry, add_project
from tests.support.users import register

NY = ZoneInfo("America/New_York")  # all of October 2026 is EDT (UTC-4); DST ends Nov 1


def at(day: str, hm: str, tz: ZoneInfo = NY) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=tz)






@pytest.fixture
async def october(client, db) -> dict:
    """11 entries in October 2026 (New York), 2 in the previous 31 days, 2 outside both.

    #    local start        min  type       value   impact    project  tags
    E1   Thu 10-01 09:00    120  code       high    product   Atlas    python
    E2   Thu 10-01 14:00     60  review     medium  team      Beacon
    E3   Mon 10-05 10:00     90  mentoring  high    team      -
    E4   Wed 10-07 09:00    240  code       high    company   Atlas
    E5   Mon 10-12 13:00     45  review     low     personal  -
    E6   Thu 10-15 11:00     30  meeting    medium  team      Beacon
    E7   Tue 10-20 09:30    180  debug      high    company   Beacon
    E8   Thu 10-22 16:00     60  mentoring  medium  team      -
    E11  Mon 10-26 09:00     20  learning   high    personal  -
    E9   Wed 10-28 10:00    150  docs       high    product   Atlas
    E10  Sat 10-31 23:30     50  ops        medium  product   Atlas    (UTC: Nov 1 03:30)
    previous period 08-31..09-30: P1 09-10 09:00 200 code; P2 09-30 22:00 100 meeting
        (P2 is Oct 1 02:00 UTC: a UTC date in October, but local September)
    outside both: 08-30 10:00 60 code; 11-01 00:30 local 60 code
    """
    user = await register(client, timezone="America/New_York", first_name="Ada",
                          last_name="Lovelace")
    uid = user.id
    atlas = await add_project(db, uid, "Atlas")
    beacon = await add_project(db, uid, "Beacon")
    add = add_entry
    await add(db, uid, at("2026-10-01", "09:00"), 120, "code", "high", "product", atlas,
              ("python",), title="Ship the importer")
    await add(db, uid, at("2026-10-01", "14:00"), 60, "review", "medium", "team", beacon)
    await add(db, uid, at("2026-10-05", "10:00"), 90, "mentoring", "high", "team",
              title="Pair with new hire")
    await add(db, uid, at("2026-10-07", "09:00"), 240, "code", "high", "company", atlas,
              title="Billing migration")
    await add(db, uid, at("2026-10-12", "13:00"), 45, "review", "low", "personal")
    await add(db, uid, at("2026-10-15", "11:00"), 30, "meeting", "medium", "team", beacon)
    await add(db, uid, at("2026-10-20", "09:30"), 180, "debug", "high", "company", beacon,
              title="Outage root cause")
    await add(db, uid, at("2026-10-22", "16:00"), 60, "mentoring", "medium", "team")
    await add(db, uid, at("2026-10-26", "09:00"), 20, "learning", "high", "personal",
              title="Read RFC")
    await add(db, uid, at("2026-10-28", "10:00"), 150, "docs", "high", "product", atlas,
              title="API guide")
    await add(db, uid, at("2026-10-31", "23:30"), 50, "ops", "medium", "product", atlas,
              title="Late deploy")
    await add(db, uid, at("2026-09-10", "09:00"), 200, "code", "high", "company")
    await add(db, uid, at("2026-09-30", "22:00"), 100, "meeting", "medium", "team")
    await add(db, uid, at("2026-08-30", "10:00"), 60, "code", "high", "company")
    await add(db, uid, at("2026-11-01", "00:30"), 60, "code", "high", "company")
    return {"user": user, "atlas": str(atlas), "beacon": str(beacon)}


# total = 120+60+90+240+45+30+180+60+20+150+50 = 1045 min, 11 entries; 1045/60 = 17.4167 h
# active local days: 10-01, 05, 07, 12, 15, 20, 22, 26, 28, 31 = 10
TOTALS = {"entries": 11, "minutes": 1045, "hours": 17.42, "active_days": 10}
BY_TYPE = {"meeting": 30, "code": 360, "debug": 180, "docs": 150, "mentoring": 150,
           "review": 105, "planning": 0, "learning": 20, "ops": 50, "admin": 0}
BY_VALUE = {"low": 45,        # E5
            "medium": 200,    # 60 + 30 + 60 + 50
            "high": 800}      # 120 + 90 + 240 + 180 + 20 + 150
BY_IMPACT = {"personal": 65,  # 45 + 20
             "team": 240,     # 60 + 90 + 30 + 60
             "product": 320,  # 120 + 150 + 50
             "company": 420}  # 240 + 180
BY_PROJECT = [("Atlas", 560, 4),          # 120 + 240 + 150 + 50
              ("Beacon", 270, 3),         # 60 + 30 + 180
              ("(no project)", 215, 4)]   # 90 + 45 + 60 + 20
# high value by duration: E4 240, E7 180, E9 150, E1 120, E3 90 (E11, 20 min, is 6th: cut)
TOP_HIGH_VALUE = [
    ("Billing migration", 240, "code", "Atlas", "2026-10-07"),
    ("Outage root cause", 180, "debug", "Beacon", "2026-10-20"),
    ("API guide", 150, "docs", "Atlas", "2026-10-28"),
    ("Ship the importer", 120, "code", "Atlas", "2026-10-01"),
    ("Pair with new hire", 90, "mentoring", None, "2026-10-05"),
]
# company/product impact by duration: E4 240, E7 180, E9 150, E1 120, E10 50 (local 10-31)
TOP_HIGH_IMPACT = [
    ("Billing migration", 240, "company"), ("Outage root cause", 180, "company"),
    ("API guide", 150, "product"), ("Ship the importer", 120, "product"),
    ("Late deploy", 50, "product"),
]
# mentoring: E3 90 + E8 60; review: E2 60 + E5 45
COUNTS = {"mentoring": {"entries": 2, "minutes": 150}, "review": {"entries": 2, "minutes": 105}}
# previous 31 days (08-31..09-30): P1 200 + P2 100 = 300 min, 2 entries, 2 active days
PREVIOUS = {"entries": 2, "minutes": 300, "hours": 5.0, "active_days": 2}
CHANGE = {"minutes": 248.3,   # (1045 - 300) / 300 = 2.48333 -> 248.3 %
          "entries": 450.0}   # (11 - 2) / 2 = 4.5 -> 450.0 %


async def _generate_october(fx, include_projects: list[str] | None = None) -> dict:
    r = await fx["user"].post("/v1/insights/generate", json={
        "report_type": "monthly", "period_start": "2026-10-01", "period_end": "2026-10-31",
        "include_projects": include_projects or [], "focus_areas": ["reliability"]})
    assert r.status_code == 202, r.text
    return r.json()


async def _payload(db, insight_id: str) -> pb.GenerateInsightRequest:
    raw = await db.fetchval(
        "SELECT t.payload FROM tasks t JOIN generated_insights gi ON gi.task_id = t.id "
        "WHERE gi.id = $1::uuid", insight_id)
    return json_format.ParseDict(json.loads(raw), pb.GenerateInsightRequest())


async def _facts(db, insight_id: str) -> dict:
    """The facts stored with the report, after checking the task carries the same, typed."""
    stored = json.loads(await db.fetchval(
        "SELECT facts FROM generated_insights WHERE id = $1::uuid", insight_id))
    msg = await _payload(db, insight_id)
    assert msg.facts == json_format.ParseDict(facts_message(stored), pb.ReportFacts())
    return stored


async def test_month_facts_match_hand_computed_figures(october, db):
    body = await _generate_october(october)
    msg = await _payload(db, body["id"])
    facts = await _facts(db, body["id"])

    assert facts["period"] == {"start": "2026-10-01", "end": "2026-10-31", "days": 31,
                               "timezone": "America/New_York"}
    assert facts["user"] == {"name": "Ada Lovelace", "timezone": "America/New_York"}
    assert facts["totals"] == TOTALS
    assert facts["by_type"] == BY_TYPE
    assert facts["by_value"] == BY_VALUE
    assert facts["by_impact"] == BY_IMPACT
    assert [(p["name"], p["minutes"], p["entries"]) for p in facts["by_project"]] == BY_PROJECT
    assert facts["by_project"][0]["project_id"] == october["atlas"]
    assert [(t["title"], t["minutes"], t["type"], t["project"], t["date"])
            for t in facts["top_high_value"]] == TOP_HIGH_VALUE
    assert [(t["title"], t["minutes"], t["impact"]) for t in facts["top_high_impact"]] \
        == TOP_HIGH_IMPACT
    assert facts["top_high_impact"][-1]["date"] == "2026-10-31"  # local date, not UTC Nov 1
    assert facts["counts"] == COUNTS
    prev = facts["previous_period"]
    assert (prev["start"], prev["end"]) == ("2026-08-31", "2026-09-30")
    assert prev["totals"] == PREVIOUS
    assert prev["change_pct"] == CHANGE
    # Two of the 9 metrics, to show they are the period's (analytics tests cover all 9):
    assert facts["metrics"]["high_value_percentage"] == 76.6        # 800 / 1045 = 76.56 %
    assert facts["metrics"]["collaboration_ratio"] == 0.273  # (30 + 150 + 105) / 1045
    # The task's typed copy holds the same figures under the same (spec) names.
    typed = msg.facts
    assert [(b.name, b.minutes) for b in typed.by_type] == list(BY_TYPE.items())
    assert typed.metrics.high_value_percentage == 76.6
    assert typed.metrics.collaboration_ratio == 0.273
    assert (typed.totals.entries, typed.totals.minutes) == (TOTALS["entries"], TOTALS["minutes"])
    assert typed.previous_period.start == "2026-08-31"


async def test_month_payload_carries_entries_and_options(october, db):
    body = await _generate_october(october, [october["atlas"], "beacon"])
    msg = await _payload(db, body["id"])

    assert msg.insight_id == body["id"] and msg.user_id == october["user"].id
    assert (msg.report_type, msg.period_start, msg.period_end) == (
        "monthly", "2026-10-01", "2026-10-31")
    assert msg.user_name == "Ada Lovelace" and msg.timezone == "America/New_York"
    assert list(msg.include_projects) == ["Atlas", "Beacon"]  # an id and a name, resolved
    assert list(msg.focus_areas) == ["reliability"]
    assert len(msg.fingerprint) == 64
    # Only Atlas (4) and Beacon (3) entries: neither the 4 without a project, nor the
    # previous period, nor November.
    assert len(msg.entries) == 7
    first, last = msg.entries[0], msg.entries[-1]
    assert (first.title, first.project, list(first.tags), first.duration_minutes) == (
        "Ship the importer", "Atlas", ["python"], 120)
    assert (first.value_rating, first.impact_level, first.type) == (
        "high", "product", "code")
    assert first.start_time == "2026-10-01T09:00:00-04:00"  # RFC 3339 in the user's zone
    assert (last.title, last.start_time, last.end_time) == (
        "Late deploy", "2026-10-31T23:30:00-04:00", "2026-11-01T00:20:00-04:00")
    assert sum(e.duration_minutes for e in msg.entries) == 830  # 560 + 270
    assert {e.project for e in msg.entries} == {"Atlas", "Beacon"}


async def test_include_projects_restricts_every_figure(october, db):
    body = await _generate_october(october, ["Beacon"])
    facts = await _facts(db, body["id"])
    assert facts["projects_filter"] == ["Beacon"]
    # Beacon: E2 60 min review, E6 30 min meeting, E7 180 min debug (see BY_PROJECT).
    assert facts["totals"]["entries"] == 3 and facts["totals"]["minutes"] == 270
    assert [(p["name"], p["minutes"]) for p in facts["by_project"]] == [("Beacon", 270)]
    assert facts["by_type"]["review"] == 60 and facts["by_type"]["code"] == 0
    assert [t["project"] for t in facts["top_high_value"]] == ["Beacon"]
    assert facts["counts"]["review"] == {"entries": 1, "minutes": 60}


async def test_project_without_entries_in_the_period_is_422(october, db):
    empty = await october["user"].post("/v1/projects", json={"name": "Dormant"})
    assert empty.status_code == 201, empty.text
    r = await october["user"].post("/v1/insights/generate", json={
        "report_type": "monthly", "period_start": "2026-10-01", "period_end": "2026-10-31",
        "include_projects": ["Dormant"]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "include_projects"


async def test_empty_previous_period_gives_null_change(client, db):
    user = await register(client, timezone="UTC")
    await add_entry(db, user.id, at("2026-11-03", "10:00", ZoneInfo("UTC")), 30, "code")
    r = await user.post("/v1/insights/generate", json={
        "report_type": "weekly", "period_start": "2026-11-02", "period_end": "2026-11-08"})
    assert r.status_code == 202, r.text
    facts = await _facts(db, r.json()["id"])
    assert facts["previous_period"]["totals"]["minutes"] == 0
    # Nothing to compare with: no percentage is invented.
    assert facts["previous_period"]["change_pct"] == {"minutes": None, "entries": None}
    typed = (await _payload(db, r.json()["id"])).facts.previous_period.change_pct
    assert not typed.HasField("minutes") and not typed.HasField("entries")
    assert facts["top_high_value"] == [] and facts["top_high_impact"] == []
    assert facts["counts"] == {"mentoring": {"entries": 0, "minutes": 0},
                               "review": {"entries": 0, "minutes": 0}}
