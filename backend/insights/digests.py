"""Stored week digests: which weeks of a report can reuse one, and keeping them valid.

A closed week's digest (the worker's typed facts and cited highlights for that Monday..Sunday
in the user's timezone) is stored in week_digests under (user, week_start) with the
fingerprint of the week's entries it was built from. A report request then sends the
digests that are still valid and the entries of the other weeks only (plan_weeks), and the
worker returns a new digest for each closed week it was given entries for (store_new).

Validity is decided twice, on purpose:
- explicitly: every entry write in the logs service calls forget_weeks() for the weeks the
  entry was in and moves to, in the write's transaction (a single-entry insert runs the
  same DELETE inside its INSERT statement, through forget_weeks_cte);
- on read: a stored digest is used only when its fingerprint equals the week's current one.
  This also catches writes that do not go through the logs service (a project or tag renamed,
  a timezone changed) and a digest completed after its week was edited.

Months, quarters and years are NOT stored. A month is composed from its week digests, and a
quarter or year from its months, by code at request time (compose_periods): no model call,
and a few dozen rows at most for a year. Storing them would add a second kind of row that
can go stale without buying any model time, because the worker's month/year narrative is
re-ranked from the week highlights anyway. So a month/quarter/year "digest" is valid exactly
when all of its week digests are, and an edit invalidates only the week it touches and,
through it, the periods that contain that week.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from google.protobuf import json_format

from backend.analytics.periods import local_range, zone
from backend.analytics.periods import week_start as monday_of
from backend.db.setup import db
from backend.insights.fingerprint import ENTRY_STATE_SQL, FACTS_VERSION

log = logging.getLogger("englog.insights.digests")

# Bump when what a digest holds changes shape, so digests stored under the old shape are
# rebuilt instead of being sent to a worker that expects the new one.
DIGEST_VERSION = 1

# Highlights kept per month when months are composed for a quarter or a year. A report lists
# at most this many accomplishments, and any of the period's top N is among the top N of its
# own month, so trimming each month to N loses none of them while bounding the request.
MONTH_HIGHLIGHTS = 8

# The GenerateInsightRequest field listing the weeks the worker should digest (week_start,
# fingerprint and that week's own facts of each).
WANTED_FIELD = "weeks_to_digest"

_WEEK_STATE_SQL = f"""
SELECT date_trunc('week', le.start_time AT TIME ZONE $4)::date AS week_start,
       md5({ENTRY_STATE_SQL}) AS state
FROM log_entries le
LEFT JOIN projects p ON p.id = le.project_id
WHERE le.user_id = $1 AND le.start_time >= $2 AND le.start_time < $3
GROUP BY 1
"""

_STORED_SQL = """
SELECT week_start, fingerprint, facts, highlights FROM week_digests
WHERE user_id = $1 AND week_start = ANY($2::date[])
"""

_UPSERT_SQL = """
INSERT INTO week_digests (user_id, week_start, fingerprint, facts, highlights)
VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)
ON CONFLICT (user_id, week_start) DO UPDATE
SET fingerprint = EXCLUDED.fingerprint, facts = EXCLUDED.facts,
    highlights = EXCLUDED.highlights, created_at = now()
"""



def week_fingerprint(week_start: date, tz: str, state: str) -> str:
    """sha256 hex (the column's width) over the week's entry state and how it is read."""
    parts = {"v": DIGEST_VERSION, "facts": FACTS_VERSION, "week": week_start.isoformat(),
             "tz": tz, "data": state}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


async def week_fingerprints(user_id: UUID, first: date, last: date, tz: str,
                            conn: Any = None) -> dict[date, str]:
    """Fingerprints of the weeks first..last (Mondays, inclusive) that have entries."""
    start, end = local_range(first, last + timedelta(days=6), tz)
    rows = await db(conn).execute_query_dict(_WEEK_STATE_SQL, [user_id, start, end, tz])
    return {r["week_start"]: week_fingerprint(r["week_start"], tz, r["state"]) for r in rows}


def whole_closed_weeks(start: date, end: date, today: date) -> list[date]:
    """Mondays of the weeks lying wholly inside start..end and over before `today`.

    A week only partly inside the period cannot be replaced by its digest (the digest covers
    days the report must leave out), and a week still running has no digest yet.
    """
    monday = monday_of(start)
    if monday < start:
        monday += timedelta(days=7)
    weeks = []
    while monday + timedelta(days=6) <= end and monday + timedelta(days=6) < today:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


@dataclass
class WeekPlan:
    """What a report request carries for the weeks of its period."""
    # Valid stored digests, as englog.v1.WeekDigest dicts; their weeks' entries are not sent.
    digests: list[dict[str, Any]] = field(default_factory=list)
    # Closed whole weeks with entries but no valid digest: week_start -> fingerprint. Their
    # entries are sent and the worker returns a digest for each.
    wanted: dict[date, str] = field(default_factory=dict)

    @property
    def covered(self) -> set[date]:
        return {date.fromisoformat(d["week_start"]) for d in self.digests}


def digest_json(row: dict[str, Any]) -> dict[str, Any]:
    """A week_digests row as an englog.v1.WeekDigest dict (proto field names)."""
    facts, highlights = row["facts"], row["highlights"]
    return {"week_start": row["week_start"].isoformat(), "fingerprint": row["fingerprint"],
            "facts": json.loads(facts) if isinstance(facts, str) else facts,
            "highlights": json.loads(highlights) if isinstance(highlights, str) else highlights}


async def plan_weeks(user_id: UUID, start: date, end: date, tz: str, today: date, *,
                     projects: list[str] | None = None, conn: Any = None) -> WeekPlan:
    """Split the period's closed whole weeks into those with a valid digest and those
    without. A report limited to some projects uses none: a digest is of the whole week."""
    closed = whole_closed_weeks(start, end, today)
    if not closed or projects:
        return WeekPlan()
    current = await week_fingerprints(user_id, closed[0], closed[-1], tz, conn)
    rows = await db(conn).execute_query_dict(_STORED_SQL, [user_id, closed])
    stored = {r["week_start"]: r for r in rows}
    plan = WeekPlan()
    for monday in closed:
        fp = current.get(monday)
        if fp is None:
            continue  # an empty week: nothing to digest, nothing to send
        row = stored.get(monday)
        if row is not None and row["fingerprint"] == fp:
            plan.digests.append(digest_json(row))
        else:
            plan.wanted[monday] = fp
    return plan


def entries_outside(entries: list[dict[str, Any]], covered: set[date]) -> list[dict[str, Any]]:
    """The LogEntry dicts whose local day is not in a week a digest covers."""
    if not covered:
        return entries
    return [e for e in entries
            if monday_of(datetime.fromisoformat(e["start_time"]).date()) not in covered]


async def store_new(user_id: Any, new_digests: Iterable[Any], conn: Any = None) -> int:
    """Store the worker's new WeekDigest messages for this user; returns how many were kept.

    Only a digest whose fingerprint is the week's fingerprint NOW is kept: one built from
    entries edited while the report was generated would otherwise be stored as valid. The
    user is the task's owner, never anything the result says, so one user's digest cannot
    land under another.
    """
    by_week: dict[date, Any] = {}
    for d in new_digests:
        try:
            monday = date.fromisoformat(d.week_start)
        except ValueError:
            log.warning("worker digest with a bad week_start %r ignored", d.week_start[:40])
            continue
        if monday.weekday() == 0:
            by_week[monday] = d
    if not by_week:
        return 0
    users = await db(conn).execute_query_dict(
        "SELECT timezone FROM users WHERE id = $1", [user_id])
    if not users:
        return 0
    tz = users[0]["timezone"] or "UTC"
    current = await week_fingerprints(user_id, min(by_week), max(by_week), tz, conn)
    kept = 0
    for monday, d in sorted(by_week.items()):
        if current.get(monday) != d.fingerprint:
            log.info("digest of week %s for %s is stale; not stored", monday, user_id)
            continue
        facts = json_format.MessageToDict(d.facts, preserving_proto_field_name=True)
        highlights = [json_format.MessageToDict(h, preserving_proto_field_name=True)
                      for h in d.highlights]
        await db(conn).execute_query(_UPSERT_SQL, [user_id, monday, d.fingerprint,
                                                    json.dumps(facts), json.dumps(highlights)])
        kept += 1
    return kept


def mondays_of(instants: Iterable[datetime | None], tz: str) -> list[date]:
    """The Mondays of the weeks (in the user's timezone) holding these instants."""
    # The same zone rules as the weeks were cut with (backend.analytics.periods).
    z = zone(tz or "UTC")
    return sorted({monday_of(t.astimezone(z).date()) for t in instants if t is not None})


_FORGET_SQL = "DELETE FROM week_digests WHERE user_id = $1 AND week_start = ANY($2::date[])"


def forget_weeks_cte(user: str, mondays: str, guard: str = "TRUE") -> str:
    """The DELETE of forget_weeks as CTE text, so an entry insert can drop the digest of its
    week in its own statement (one round trip). `user`/`mondays` are placeholders; `guard`
    an SQL boolean (false: nothing is dropped, e.g. the insert was refused)."""
    return f"""digests_forgotten AS (
    DELETE FROM week_digests WHERE user_id = {user} AND week_start = ANY({mondays}::date[])
        AND ({guard})
)"""


def forget_weeks_batch_cte(entries: str) -> str:
    """forget_weeks_cte for a batch of inserted entries: `entries` names a relation with
    (user_id, monday) columns, one row per entry (the Monday of its week, user's zone)."""
    return f"""digests_forgotten AS (
    DELETE FROM week_digests w USING {entries} x
    WHERE w.user_id = x.user_id AND w.week_start = x.monday
)"""


async def forget_weeks(user_id: Any, instants: Iterable[datetime | None],
                       conn: Any = None) -> None:
    """Drop the user's digests of the weeks holding these instants (an entry's old and new
    start_time). Called by the logs service on every entry write, in its transaction."""
    times = [t for t in instants if t is not None]
    if not times:
        return
    users = await db(conn).execute_query_dict(
        "SELECT timezone FROM users WHERE id = $1", [user_id])
    tz = users[0]["timezone"] if users else "UTC"
    await db(conn).execute_query(_FORGET_SQL, [user_id, mondays_of(times, tz)])


async def being_digested(user_id: Any, monday: date, conn: Any = None) -> bool:
    """Whether a queued or running task already asks a worker for this week's digest."""
    rows = await db(conn).execute_query_dict(
        "SELECT 1 FROM tasks WHERE user_id = $1 AND task_type = 'generate_insight' "
        "AND status IN ('queued', 'running') AND payload -> $2 @> $3::jsonb LIMIT 1",
        [user_id, WANTED_FIELD, json.dumps([{"week_start": monday.isoformat()}])])
    return bool(rows)


def _score(h: dict[str, Any]) -> float:
    return float(h.get("score") or 0.0)


def compose_periods(digests: list[dict[str, Any]],
                    per_month: int = MONTH_HIGHLIGHTS) -> list[dict[str, Any]]:
    """Months composed from week digests (a week belongs to the month of its Thursday, the
    ISO rule, so no week is split): each month keeps its best `per_month` highlights by
    score, and the week digests are returned with only those highlights. Quarters and the
    year are the union of their months, so the re-ranking the worker does over them sees
    every highlight that can reach its top `per_month`.
    """
    months: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for i, d in enumerate(digests):
        thursday = date.fromisoformat(d["week_start"]) + timedelta(days=3)
        for h in d.get("highlights") or []:
            months.setdefault(thursday.strftime("%Y-%m"), []).append((i, h))
    keep: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(digests))}
    for items in months.values():
        # Ties go to the more recent highlight, as the report's own ranking does.
        best = sorted(items, key=lambda ih: (_score(ih[1]), ih[1].get("date") or ""),
                      reverse=True)
        for i, h in best[:per_month]:
            keep[i].append(h)
    return [d | {"highlights": [h for h in d.get("highlights") or [] if h in keep[i]]}
            for i, d in enumerate(digests)]
