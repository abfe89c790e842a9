"""Calendar endpoints: POST /v1/import/calendar (ICS -> entries), the built-in mapping rules,
and the calendar feed (/v1/users/me/calendar-feed to manage it, /v1/feeds/{token}.ics to
subscribe to it)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, raw
from sanic.response import json as json_response
from sanic_ext import openapi

from backend.analytics.periods import local_today
from backend.api.changes import user_data_changed
from backend.api.docs import doc
from backend.api.errors import ApiError, field_error, not_found, pydantic_errors, validation_problem
from backend.api.periods import Span, resolve_span, zone
from backend.auth.guard import authenticated
from backend.calendar import feed, ics, importer
from backend.calendar.rules import DEFAULT_IMPACT, DEFAULT_RULES, DEFAULT_TYPE, DEFAULT_VALUE
from backend.calendar.schemas import (
    FeedCreated,
    FeedStatus,
    ImportOptions,
    ImportResult,
    RuleList,
)
from backend.db.setup import db
from backend.logs import queries as log_sql

bp = Blueprint("calendar", url_prefix="/v1")
TAG = "calendar"
MAX_BYTES = 5_000_000
ICS_TYPES = ("text/calendar", "application/ics")
DEFAULT_DAYS = 90
MAX_WINDOW = timedelta(days=366, hours=1)  # 366 local days, DST included
NAMES = ("period_start", "period_end")


def _upload(request: Request) -> tuple[bytes, dict[str, list[str]]]:
    """The ICS bytes and the options given beside them (form fields, query parameters)."""
    ctype = (request.content_type or "").split(";")[0].strip().lower()
    options: dict[str, list[str]] = {}
    if ctype == "multipart/form-data":
        upload = request.files.get("file") if request.files else None
        if upload is None:
            raise field_error("file", "required: the ICS file as a form part named file")
        data = upload.body
        options = {k: list(v) for k, v in (request.form or {}).items()}
    elif ctype in ICS_TYPES:
        data = request.body or b""
    else:
        raise ApiError(415, "Unsupported Media Type", "Send the ICS file as a text/calendar "
                       "body, or as multipart/form-data with a part named file.",
                       kind="unsupported-media-type")
    if len(data) > MAX_BYTES:
        raise ApiError(413, "Payload Too Large", f"The file may be at most {MAX_BYTES:,} "
                       "bytes.", kind="payload-too-large")
    if not data.strip():
        raise field_error("file", "is empty")
    for key, values in request.args.items():
        if key in options:
            raise field_error(key, "given both as a query parameter and as a form field")
        options[key] = list(values)
    return data, options


def _options(raw_options: dict[str, list[str]]) -> ImportOptions:
    data: dict[str, Any] = {}
    for key, values in raw_options.items():
        if "\x00" in "".join(values):
            raise field_error(key, "must not contain NUL characters")
        if key == "select":
            data[key] = [k for v in values for k in v.replace(",", " ").split()]
        elif key == "rules":
            try:
                data[key] = json.loads(values[-1])
            except ValueError:
                raise field_error("rules", "must be a JSON array of rules") from None
        else:
            data[key] = values[-1]
    try:
        return ImportOptions.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(pydantic_errors(exc)) from exc


def _window(options: ImportOptions, tz: str) -> Span:
    """The period whose events are imported: default the 90 days through today."""
    def away(bound: date | datetime, sign: int) -> date | datetime:
        # Dates include both ends (89 days apart); timestamps are half-open (90 days).
        days = DEFAULT_DAYS if isinstance(bound, datetime) else DEFAULT_DAYS - 1
        return bound + sign * timedelta(days=days)

    start, end = options.period_start, options.period_end
    if start is None and end is None:
        end = local_today(tz)
    if start is None:
        start = away(end, -1)
    if end is None:
        end = away(start, +1)
    span = resolve_span(start, end, tz, names=NAMES)
    assert span.start is not None and span.end is not None
    if span.end - span.start > MAX_WINDOW:
        raise field_error("period_end", "the period may span at most 366 days")
    return span


@bp.post("/import/calendar")
@openapi.body({"text/calendar": {"type": "string"},
               "multipart/form-data": {"type": "object", "properties": {
                   "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
              description="The ICS file (at most 5,000,000 bytes).", required=True)
@doc("Import calendar events as entries", tag=TAG, query=ImportOptions, response=ImportResult,
     errors=[404, 413, 415],
     description="Send an ICS file as a text/calendar body or as multipart/form-data (part "
     "`file`; the options may also be form fields). Recurring events are expanded in the "
     "period (default: the 90 days through today; at most 366 days and 2,000 events), in "
     "each event's own timezone (floating times are yours). All-day, cancelled, transparent "
     "and declined (PARTSTAT=DECLINED for your address) events are listed as skipped. Each "
     "event becomes an entry of the first rule whose text its summary contains (default "
     "rules: GET /v1/import/calendar/rules), else a meeting (value medium, impact team). "
     "An occurrence (UID + RECURRENCE-ID) is imported once: importing again lists it as "
     "duplicate, even if you deleted its entry. dry_run=true answers with every event's key "
     "and what it would become and writes nothing; `select` then imports only the chosen "
     "keys. All or nothing: a bad file is a 422 naming the problem (field `file`) and "
     "writes nothing. 201 when entries were created, else 200.")
@authenticated
async def import_calendar(request: Request) -> HTTPResponse:
    data, raw_options = _upload(request)
    options = _options(raw_options)
    user = request.ctx.user
    span = _window(options, user.timezone)
    assert span.start is not None and span.end is not None
    if options.project_id is not None:
        owned = await db().execute_query_dict(log_sql.OWNED_PROJECTS,
                                              [user.id, [options.project_id]])
        if not owned:
            raise field_error("project_id", "no such project")
    try:
        # Parsing and expanding are CPU work on untrusted input: off the event loop.
        cal = await asyncio.to_thread(ics.parse, data)
        occurrences = await asyncio.to_thread(ics.expand, cal, span.start, span.end,
                                              zone(user.timezone))
    except ics.IcsError as exc:
        raise field_error("file", str(exc)) from None
    me = {(options.attendee_email or user.email).strip().lower()}
    planned = await importer.plan(
        user.id, occurrences, rules=options.rules if options.rules is not None
        else DEFAULT_RULES, my_addresses=me, select=options.select,
        project_id=options.project_id)
    if not options.dry_run:
        await importer.commit(user.id, planned)
    counts = importer.counts(planned)
    if counts["created"]:
        await user_data_changed(request)
    return json_response({
        "dry_run": options.dry_run,
        "period_start": span.start.isoformat(),
        "period_end": span.end.isoformat(),
        "counts": counts,
        "events": [importer.event_json(p) for p in planned],
    }, status=201 if counts["created"] else 200)


@bp.get("/import/calendar/rules")
@doc("The built-in rules that map calendar events to entries", tag=TAG, response=RuleList,
     description="First match wins: a rule applies when the event's summary contains its "
     "text (case-insensitive). Send your own as `rules` to POST /v1/import/calendar.")
@authenticated
async def import_rules(request: Request) -> HTTPResponse:
    return json_response({"default_type": DEFAULT_TYPE.value,
                          "default_value_rating": DEFAULT_VALUE.value,
                          "default_impact_level": DEFAULT_IMPACT.value,
                          "rules": [r.model_dump(mode="json") for r in DEFAULT_RULES]})


# --- the feed ---------------------------------------------------------------------------

def _feed_status(row: dict[str, Any] | None) -> dict[str, Any]:
    def iso(v: datetime | None) -> str | None:
        return v.isoformat() if v else None

    return {"enabled": row is not None,
            "created_at": iso(row["created_at"]) if row else None,
            "last_fetched_at": iso(row["last_fetched_at"]) if row else None}


@bp.post("/users/me/calendar-feed")
@doc("Create (or rotate) your calendar feed's secret URL", tag=TAG, response=FeedCreated,
     status=201,
     description="Answers with a URL (/v1/feeds/{token}.ics) that Google Calendar, Outlook "
     "and other calendar apps can subscribe to: an iCalendar file of your entries of about "
     "the last 400 days (the newest 5,000). Keep it secret: the token is its only "
     "credential. It is shown only now (only its hash is stored); calling this again makes "
     "a new URL and the old one stops working at once.")
@authenticated
async def create_feed(request: Request) -> HTTPResponse:
    token, created = await feed.create(request.ctx.user.id)
    path = feed.feed_path(token)
    return json_response({"url": f"{request.scheme}://{request.host}{path}", "path": path,
                          "created_at": created.isoformat()}, status=201)


@bp.get("/users/me/calendar-feed")
@doc("Whether your calendar feed is enabled", tag=TAG, response=FeedStatus,
     description="The URL itself cannot be shown again; rotate it to get a new one.")
@authenticated
async def feed_status(request: Request) -> HTTPResponse:
    return json_response(_feed_status(await feed.status(request.ctx.user.id)))


@bp.delete("/users/me/calendar-feed")
@doc("Disable your calendar feed", tag=TAG, status=204,
     description="The feed's URL stops working at once. Idempotent.")
@authenticated
async def delete_feed(request: Request) -> HTTPResponse:
    await feed.disable(request.ctx.user.id)
    return empty()


@bp.get("/feeds/<name>")
@openapi.response(200, {"text/calendar": {"type": "string"}}, "The iCalendar feed")
@doc("Your entries as an iCalendar feed (the secret URL from POST "
     "/v1/users/me/calendar-feed)", tag=TAG, auth=False, errors=[404],
     description="No bearer token: the token in the URL is the credential. 404 for an "
     "unknown, rotated or disabled token. Cache-Control: private, no-cache with an ETag, "
     "so shared caches keep no copy and a client revalidates (304) on every poll.")
async def serve_feed(request: Request, name: str) -> HTTPResponse:
    token = name.removesuffix(".ics")
    user = await feed.owner(token) if name.endswith(".ics") else None
    if user is None:
        raise not_found("Calendar feed")
    body = await feed.ics(user)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache",
               "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
               "Content-Disposition": 'inline; filename="englog.ics"'}
    if etag in request.headers.get("if-none-match", ""):
        return HTTPResponse(status=304, headers=headers)
    return raw(body, content_type="text/calendar; charset=utf-8", headers=headers)
