"""/v1/timers: start/stop a running timer, switch to the next, restart an earlier entry, or
backfill "I did this for N minutes"."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, empty, json

from backend.api.changes import user_data_changed
from backend.api.docs import doc
from backend.api.validation import parse_body
from backend.auth.guard import authenticated
from backend.logs.schemas import EntryWritten
from backend.timers import service
from backend.timers.schemas import (
    Backfill,
    TimerCurrent,
    TimerEdit,
    TimerOut,
    TimerRestart,
    TimerStart,
    TimerStop,
    TimerSwitch,
    TimerSwitched,
)
from backend.users.schemas import draft_defaults

bp = Blueprint("timers", url_prefix="/v1/timers")

TAG = "timers"


def _optional_body(request: Request, model: type) -> object:
    # The TUI starts/stops with an empty POST; an empty body means "no overrides".
    return parse_body(request, model) if request.body and request.body.strip() else model()


@bp.post("/start")
@doc("Start a timer", tag=TAG, body=TimerStart, response=TimerOut, status=201, errors=[409],
     description="At most one timer runs per user; a second start answers 409. Body optional.")
@authenticated
async def start(request: Request) -> HTTPResponse:
    body = _optional_body(request, TimerStart).with_defaults(
        draft_defaults(request.ctx.user.preferences))
    return json(await service.start(request.ctx.user.id, body), status=201)


@bp.get("/current")
@doc("The running timer, if any", tag=TAG, response=TimerCurrent)
@authenticated
async def current(request: Request) -> HTTPResponse:
    timer = await service.current(request.ctx.user.id)
    return json({"running": timer is not None, "timer": timer})


@bp.patch("/current")
@doc("Change the running timer", tag=TAG, body=TimerEdit, response=TimerOut, errors=[404],
     description="Its title, project, tags…, or `started_at` (not in the future, at most 24 "
     "hours ago). Fields not sent stay as they are.")
@authenticated
async def update(request: Request) -> HTTPResponse:
    body = parse_body(request, TimerEdit)
    return json(await service.update(request.ctx.user.id, body))


@bp.post("/stop")
@doc("Stop the timer and log it", tag=TAG, body=TimerStop, response=EntryWritten, status=201,
     errors=[404],
     description="Creates the entry from the timer (body fields override). Needs a title; "
     "on any 422 the timer keeps running. Body optional.")
@authenticated
async def stop(request: Request) -> HTTPResponse:
    body = _optional_body(request, TimerStop)
    entry = await service.stop(request.ctx.user.id, body, request.ctx.user.timezone)
    await user_data_changed(request)
    return json(entry, status=201)


@bp.post("/switch")
@doc("Stop the running timer and start the next", tag=TAG, body=TimerSwitch,
     response=TimerSwitched, status=201, errors=[404],
     description="In one transaction: the running timer is logged (as by /stop; `stopped` "
     "overrides its fields) and the next one starts at the same instant. On any error "
     "nothing changes. 404 when no timer is running.")
@authenticated
async def switch(request: Request) -> HTTPResponse:
    body = parse_body(request, TimerSwitch).with_defaults(
        draft_defaults(request.ctx.user.preferences))
    result = await service.switch(request.ctx.user.id, body, request.ctx.user.timezone)
    await user_data_changed(request)
    return json(result, status=201)


@bp.post("/restart")
@doc("Start a timer like an earlier entry", tag=TAG, body=TimerRestart, response=TimerOut,
     status=201, errors=[404, 409],
     description="Copies title, description, type, project, tags, value and impact of "
     "`entry_id`, or of your entry that ended last. 409 when a timer is running. Body "
     "optional.")
@authenticated
async def restart(request: Request) -> HTTPResponse:
    body = _optional_body(request, TimerRestart)
    return json(await service.restart(request.ctx.user.id, body), status=201)


@bp.post("/cancel")
@doc("Discard the running timer", tag=TAG, status=204, errors=[404])
@authenticated
async def cancel(request: Request) -> HTTPResponse:
    await service.cancel(request.ctx.user.id)
    return empty()


@bp.post("/backfill")
@doc("Log something that just ended", tag=TAG, body=Backfill, response=EntryWritten,
     status=201,
     description="Creates an entry that lasted `minutes` and ended at end_time (default now).")
@authenticated
async def backfill(request: Request) -> HTTPResponse:
    body = parse_body(request, Backfill).with_defaults(
        draft_defaults(request.ctx.user.preferences))
    entry = await service.backfill(request.ctx.user.id, body, request.ctx.user.timezone)
    await user_data_changed(request)
    return json(entry, status=201)
