"""Asking for a report: period, fingerprint, cache, facts, and the row + task in one transaction.

Order matters: the fingerprint is taken before the facts, so an entry edited in between
leaves the stored fingerprint describing older data than the facts. The next request then
sees a different fingerprint and regenerates; the other order could cache stale facts.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from backend.analytics.periods import local_range
from backend.analytics.queries import PROJECTS_FILTER
from backend.api.errors import ApiError, field_error
from backend.cache.redis import Cache
from backend.db.setup import db
from backend.insights import results, views
from backend.insights.facts import build_facts
from backend.insights.fingerprint import data_state, fingerprint
from backend.insights.payload import insight_payload
from backend.insights.periods import previous_period
from backend.queue.service import cancel_if_queued, enqueue

log = logging.getLogger("englog.insights")

TASK_TYPE = "generate_insight"
PRIORITY = 100
SCHEDULED_PRIORITY = 200  # a person waiting at the screen goes before the Monday batch

_ENTRIES_SQL = """
SELECT le.id, le.title, le.description, le.type, coalesce(p.name, '') AS project,
       coalesce(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL), '{}')
           AS tags,
       le.start_time, le.end_time, le.duration_minutes, le.value_rating, le.impact_level
FROM log_entries le
LEFT JOIN projects p ON p.id = le.project_id
LEFT JOIN log_entry_tags let ON let.log_entry_id = le.id
LEFT JOIN tags t ON t.id = let.tag_id
WHERE le.user_id = $1 AND le.start_time >= $2 AND le.start_time < $3 AND {projects}
GROUP BY le.id, p.name
ORDER BY le.start_time, le.id
""".replace("{projects}", PROJECTS_FILTER.format(n=4))

_SAME_REPORT_SQL = f"""
SELECT gi.id, ({views.EFFECTIVE_STATUS}) AS status
FROM generated_insights gi LEFT JOIN tasks t ON t.id = gi.task_id
WHERE gi.user_id = $1 AND gi.fingerprint = $2 AND gi.report_type = $3
  AND gi.period_start = $4 AND gi.period_end = $5
  AND gi.status IN ('queued', 'running', 'completed')
ORDER BY (gi.status = 'completed') DESC, gi.created_at DESC
LIMIT 1
"""

_INSERT_SQL = """
INSERT INTO generated_insights (id, user_id, report_type, period_start, period_end, status,
                                stage, facts, options, metadata, fingerprint, task_id)
VALUES ($1, $2, $3, $4, $5, 'queued', 'queued', $6::jsonb, $7::jsonb, $8::jsonb, $9, $10)
"""


@dataclass
class Owner:
    id: UUID
    name: str
    timezone: str
    preferences: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, user: Any) -> Owner:
        """From a CurrentUser or a users row (anything with these attributes/keys)."""
        get = user.get if isinstance(user, dict) else lambda k: getattr(user, k)
        name = f"{get('first_name') or ''} {get('last_name') or ''}".strip()
        return cls(id=UUID(str(get("id"))), name=name or get("email").split("@")[0],
                   timezone=get("timezone") or "UTC")


@dataclass
class Outcome:
    body: dict[str, Any]
    cached: bool  # True: a finished report (200); False: queued or in progress (202)


def _no_data(start: date, end: date) -> ApiError:
    return ApiError(422, "No Data",
                    f"No entries between {start.isoformat()} and {end.isoformat()}; "
                    "log some work first.", kind="no-data",
                    extra={"period_start": start.isoformat(), "period_end": end.isoformat()})


async def resolve_projects(user_id: UUID, refs: list[str], conn: Any = None) -> list[str]:
    """Project names for ids or names of the user's own projects; 422 naming each unknown one."""
    if not refs:
        return []
    rows = await db(conn).execute_query_dict(
        "SELECT id::text AS id, name FROM projects WHERE owner_id = $1", [user_id])
    by_id = {r["id"]: r["name"] for r in rows}
    by_name = {r["name"].lower(): r["name"] for r in rows}
    names: list[str] = []
    for i, ref in enumerate(refs):
        try:
            name = by_id.get(str(UUID(ref)))
        except ValueError:
            name = by_name.get(ref.lower())
        if name is None:
            # Another user's project and a missing one look the same.
            raise field_error(f"include_projects.{i}", f"no such project: {ref[:100]}")
        if name not in names:
            names.append(name)
    return names


async def period_entries(user_id: UUID, start: date, end: date, tz: str,
                         projects: list[str] | None = None) -> list[dict]:
    """The period's entries (optionally only the named projects') as englog.v1.LogEntry dicts,
    times in the user's timezone."""
    zone = ZoneInfo(tz)
    rows = await db().execute_query_dict(
        _ENTRIES_SQL, [user_id, *local_range(start, end, tz), list(projects) if projects else None])
    return [{
        "id": str(r["id"]), "title": r["title"], "description": r["description"],
        "type": r["type"], "project": r["project"], "tags": list(r["tags"]),
        "start_time": r["start_time"].astimezone(zone).isoformat(),
        "end_time": r["end_time"].astimezone(zone).isoformat(),
        "duration_minutes": int(r["duration_minutes"]), "value_rating": r["value_rating"],
        "impact_level": r["impact_level"],
    } for r in rows]


def accepted_json(row: dict[str, Any]) -> dict[str, Any]:
    s = views.summary_json(row)
    return {k: s[k] for k in ("id", "status", "report_type", "period_start", "period_end",
                              "progress", "stage", "links")} | {"cached": False}


async def _existing(owner: Owner, fp: str, report_type: str, start: date, end: date,
                    conn: Any = None) -> Outcome | None:
    rows = await db(conn).execute_query_dict(
        _SAME_REPORT_SQL, [owner.id, fp, report_type, start, end])
    if not rows or rows[0]["status"] not in ("queued", "running", "completed"):
        return None
    row = await views.fetch_one(owner.id, rows[0]["id"], conn)
    if row is None:
        return None
    if row["status"] == "completed":
        return Outcome(views.full_json(row) | {"cached": True}, cached=True)
    return Outcome(accepted_json(row), cached=False)


async def submit(owner: Owner, report_type: str, start: date, end: date, *,
                 include_projects: list[str] = (), focus_areas: list[str] = (),
                 cache: Cache | None = None, scheduled: bool = False) -> Outcome:
    """A finished report for exactly this data, else one being generated, else a new one.

    Raises the 422 "no data" ApiError when the period has no entries.
    """
    tz = owner.timezone
    options = {"include_projects": list(include_projects), "focus_areas": list(focus_areas)}
    bounds = local_range(start, end, tz)
    state = await data_state(owner.id, local_range(*previous_period(start, end), tz)[0],
                             *bounds)
    if state.entries < 1:
        raise _no_data(start, end)
    fp = fingerprint(state, report_type=report_type, period=(start.isoformat(),
                     end.isoformat()), tz=tz, user_name=owner.name, options=options)
    key = views.cache_key(cache, owner.id, report_type, start, end, fp) if cache else None
    if key is not None:
        hit = await cache.get_json(key)
        if hit is not None and hit.get("status") == "completed":
            return Outcome(hit | {"cached": True}, cached=True)
    found = await _existing(owner, fp, report_type, start, end)
    if found is not None:
        if found.cached and key is not None:
            await cache.set_json(key, found.body | {"cached": False}, views.CACHE_TTL_SECONDS)
        return found
    projects = options["include_projects"] or None
    facts = await build_facts(owner.id, report_type=report_type, start=start, end=end, tz=tz,
                              user_name=owner.name, projects=projects)
    if facts["totals"]["entries"] < 1:  # entries exist, but none in the chosen projects
        raise ApiError(422, "No Data",
                       f"No entries in {', '.join(projects or [])} between {start.isoformat()} "
                       f"and {end.isoformat()}.", kind="no-data",
                       errors=[{"field": "include_projects",
                                "message": "no entries in these projects in the period"}])
    entries = await period_entries(owner.id, start, end, tz, projects)
    return await _create(owner, report_type, start, end, fp, facts, entries, options,
                         scheduled=scheduled)


# Each report costs minutes of model time on the worker; one user must not fill the queue.
MAX_ACTIVE_REPORTS = 5
QUOTA_RETRY_AFTER_SECONDS = 30


async def _check_quota(user_id: Any, conn: Any) -> None:
    # Serialise this user's submissions so two requests cannot both see room for one more.
    await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))",
                             [f"insight-quota:{user_id}"])
    active = await conn.execute_query_dict(
        "SELECT count(*) AS n FROM generated_insights "
        "WHERE user_id = $1 AND status IN ('queued', 'running')", [user_id])
    if active[0]["n"] >= MAX_ACTIVE_REPORTS:
        raise ApiError(
            429, "Too Many Requests",
            f"You already have {active[0]['n']} reports being generated; "
            "wait for one to finish before asking for another.", kind="report-quota",
            headers={"Retry-After": str(QUOTA_RETRY_AFTER_SECONDS)})


async def _create(owner: Owner, report_type: str, start: date, end: date, fp: str,
                  facts: dict, entries: list[dict], options: dict, *,
                  scheduled: bool) -> Outcome:
    insight_id = uuid.uuid4()
    payload = insight_payload(
        insight_id=insight_id, user_id=owner.id, user_name=owner.name, timezone=owner.timezone,
        report_type=report_type, start=start, end=end, facts=facts, entries=entries,
        options=options, fingerprint=fp)
    async with in_transaction() as conn:
        # Two identical requests at once must not both start a generation.
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))",
                                 [f"insight:{owner.id}:{fp}"])
        found = await _existing(owner, fp, report_type, start, end, conn)
        if found is not None:
            return found
        if not scheduled:
            await _check_quota(owner.id, conn)
        task_id = await enqueue(TASK_TYPE, payload, user_id=owner.id, conn=conn,
                                priority=SCHEDULED_PRIORITY if scheduled else PRIORITY)
        await conn.execute_query(_INSERT_SQL, [
            insight_id, owner.id, report_type, start, end, json.dumps(facts),
            json.dumps(options), json.dumps({"scheduled": scheduled}), fp, task_id])
        row = await views.fetch_one(owner.id, insight_id, conn)
    return Outcome(accepted_json(row), cached=False)


async def request_report(user_id: Any, report_type: str, period_start: date, period_end: date,
                         *, scheduled: bool = False, cache: Cache | None = None
                         ) -> UUID | None:
    """For the scheduler: ask for a report; None (quietly) when the period has no entries.

    A scheduled report that is already finished for the same data still gets its
    "report ready" email, since that email is what the schedule is for.
    """
    users = await db().execute_query_dict(
        "SELECT id, email, first_name, last_name, timezone FROM users "
        "WHERE id = $1 AND is_active", [str(user_id)])
    if not users:
        return None
    owner = Owner.of(users[0])
    try:
        outcome = await submit(owner, report_type, period_start, period_end,
                               cache=cache, scheduled=scheduled)
    except ApiError as exc:
        if exc.kind == "no-data":
            log.info("no %s report for %s: no entries", report_type, user_id)
            return None
        raise
    insight_id = UUID(outcome.body["id"])
    if scheduled and outcome.cached:
        async with in_transaction() as conn:
            await results.enqueue_ready_email({
                "id": insight_id, "user_id": owner.id, "report_type": report_type,
                "period_start": period_start, "period_end": period_end,
                "title": outcome.body.get("title") or "", "summary":
                    outcome.body.get("summary") or ""}, conn)
    return insight_id


async def list_insights(user_id: UUID, report_type: str | None, status: str | None,
                        within: tuple[date | None, date | None], limit: int, offset: int
                        ) -> tuple[list[dict], int]:
    """`within`: only reports whose period lies inside these local dates (None = open)."""
    params = [user_id, report_type, status, *within]
    rows = await db().execute_query_dict(views.LIST_SQL, [*params, limit, offset])
    total = (await db().execute_query_dict(views.COUNT_SQL, params))[0]["n"]
    return [views.summary_json(r) for r in rows], total


async def delete_insight(user_id: UUID, insight_id: UUID, cache: Cache | None) -> bool:
    """Delete a report; its task is cancelled if no worker has it yet."""
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(
            "DELETE FROM generated_insights WHERE id = $1 AND user_id = $2 "
            "RETURNING task_id, report_type, period_start, period_end, fingerprint",
            [insight_id, user_id])
        if not rows:
            return False
        row = rows[0]
        if row["task_id"] is not None:
            await cancel_if_queued(row["task_id"], conn)
    if cache is not None:
        await cache.delete(views.cache_key(cache, user_id, row["report_type"],
                                           row["period_start"], row["period_end"],
                                           row["fingerprint"]))
    return True
