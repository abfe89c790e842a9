"""Turning a calendar's occurrences into entries: which are skipped and why, what each one
becomes (rules.py), which were imported before, and writing the rest in one transaction.

Idempotence: every occurrence imported is remembered by its key (UID + RECURRENCE-ID) in
calendar_imported_events. The keys are claimed with INSERT ... ON CONFLICT DO NOTHING in the
same transaction as the entries, so two imports of one file running at once still create
each entry once, and a failure anywhere writes nothing at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.api.errors import field_error
from backend.calendar.ics import Occurrence
from backend.calendar.rules import (
    DEFAULT_IMPACT,
    DEFAULT_TYPE,
    DEFAULT_VALUE,
    MappingRule,
    first_match,
)
from backend.db.setup import db
from backend.logs.schemas import MAX_DURATION, EntryCreate
from backend.logs.service import insert_entries

UNTITLED = "(untitled event)"
TITLE_MAX = 200
DESCRIPTION_MAX = 2000

_KNOWN = """SELECT event_key FROM calendar_imported_events
WHERE user_id = $1 AND event_key = ANY($2::text[])"""

_CLAIM = """INSERT INTO calendar_imported_events (user_id, event_key, uid, recurrence_id)
SELECT $1, k, u, r FROM unnest($2::text[], $3::text[], $4::text[]) AS x(k, u, r)
ON CONFLICT DO NOTHING
RETURNING event_key"""

_LINK = """UPDATE calendar_imported_events c SET log_entry_id = x.entry_id
FROM unnest($2::text[], $3::uuid[]) AS x(k, entry_id)
WHERE c.user_id = $1 AND c.event_key = x.k"""


@dataclass
class Planned:
    occurrence: Occurrence
    fields: dict[str, Any]  # what the entry says (draft())
    rule: MappingRule | None
    status: str
    reason: str | None = None
    entry: EntryCreate | None = None  # validated, for the ones that may be created
    entry_id: uuid.UUID | None = None


def skip_reason(occ: Occurrence, my_addresses: set[str]) -> str | None:
    if occ.all_day:
        return "all_day"
    if occ.status == "CANCELLED":
        return "cancelled"
    if occ.transparent:
        return "transparent"
    if any(a in my_addresses and p == "DECLINED" for a, p in occ.attendees):
        return "declined"
    length = occ.end - occ.start
    if length <= timedelta(0):
        return "no_duration"
    if length > MAX_DURATION:
        return "too_long"
    return None


def _cut(text: str, limit: int) -> str:
    text = text.replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draft(occ: Occurrence, rules: list[MappingRule] | tuple[MappingRule, ...],
          project_id: uuid.UUID | None) -> tuple[dict[str, Any], MappingRule | None]:
    """The entry's fields for an occurrence, and the rule that chose them."""
    title = _cut(" ".join(occ.summary.split()), TITLE_MAX) or UNTITLED
    rule = first_match(rules, occ.summary)
    fields = {
        "title": title,
        "description": _cut(occ.description.strip(), DESCRIPTION_MAX),
        "type": rule.type if rule else DEFAULT_TYPE,
        "value_rating": (rule.value_rating if rule else None) or DEFAULT_VALUE,
        "impact_level": (rule.impact_level if rule else None) or DEFAULT_IMPACT,
        "tags": list(rule.tags) if rule else [],
        "project_id": project_id,
        "start_time": occ.start,
        "end_time": occ.end,
    }
    return fields, rule


async def imported_keys(user_id: uuid.UUID, keys: list[str]) -> set[str]:
    rows = await db().execute_query_dict(_KNOWN, [user_id, keys])
    return {r["event_key"].strip() for r in rows}


async def plan(user_id: uuid.UUID, occurrences: list[Occurrence], *,
               rules: list[MappingRule] | tuple[MappingRule, ...], my_addresses: set[str],
               select: list[str] | None, project_id: uuid.UUID | None) -> list[Planned]:
    keys = [o.key for o in occurrences]
    if select is not None:
        unknown = sorted(set(select) - set(keys))
        if unknown:
            raise field_error("select", f"{len(unknown)} key(s) are not events of this file "
                              f"in the period, e.g. {unknown[0]}")
    wanted = None if select is None else set(select)
    done = await imported_keys(user_id, keys)
    out: list[Planned] = []
    for occ in occurrences:
        fields, rule = draft(occ, rules, project_id)
        reason = skip_reason(occ, my_addresses)
        if reason is not None:
            out.append(Planned(occ, fields, rule, "skipped", reason))
        elif occ.key in done:
            out.append(Planned(occ, fields, rule, "duplicate"))
        else:
            status = "new" if wanted is None or occ.key in wanted else "unselected"
            out.append(Planned(occ, fields, rule, status,
                               entry=EntryCreate.model_validate(fields)))
    return out


async def commit(user_id: uuid.UUID, planned: list[Planned]) -> None:
    """Create the `new` ones, all or nothing; each becomes `created` or (if another import
    claimed it meanwhile) `duplicate`."""
    todo = [p for p in planned if p.status == "new"]
    if not todo:
        return
    try:
        async with in_transaction() as tx:
            rows = await tx.execute_query_dict(_CLAIM, [
                user_id, [p.occurrence.key for p in todo], [p.occurrence.uid for p in todo],
                [p.occurrence.recurrence_id for p in todo]])
            claimed = {r["event_key"].strip() for r in rows}
            mine = [p for p in todo if p.occurrence.key in claimed]
            ids = await insert_entries(tx, user_id, [p.entry for p in mine if p.entry])
            await tx.execute_query(_LINK, [user_id, [p.occurrence.key for p in mine], ids])
    except IntegrityError as exc:  # the project was deleted while importing
        raise field_error("project_id", "no such project") from exc
    for p in todo:
        p.status = "duplicate"
    for p, entry_id in zip(mine, ids, strict=True):
        p.status, p.entry_id = "created", entry_id


def _minutes(value: date | datetime) -> float:
    if isinstance(value, datetime):
        return value.timestamp() / 60
    return (value - date(1970, 1, 1)).days * 1440.0


def event_json(p: Planned) -> dict[str, Any]:
    occ, f = p.occurrence, p.fields
    return {
        "key": occ.key,
        "uid": occ.uid,
        "recurrence_id": occ.recurrence_id or None,
        "title": f["title"],
        "description": f["description"],
        "start_time": occ.start.isoformat(),
        "end_time": occ.end.isoformat(),
        "duration_minutes": round(_minutes(occ.end) - _minutes(occ.start)),
        "type": f["type"].value,
        "value_rating": f["value_rating"].value,
        "impact_level": f["impact_level"].value,
        "tags": f["tags"],
        "rule": p.rule.contains if p.rule else None,
        "status": p.status,
        "reason": p.reason,
        "entry_id": str(p.entry_id) if p.entry_id else None,
    }


def counts(planned: list[Planned]) -> dict[str, int]:
    by = {s: sum(1 for p in planned if p.status == s)
          for s in ("new", "created", "duplicate", "skipped", "unselected")}
    return {"events": len(planned), "new": by["new"] + by["created"] + by["unselected"],
            "created": by["created"], "duplicate": by["duplicate"], "skipped": by["skipped"],
            "unselected": by["unselected"]}
