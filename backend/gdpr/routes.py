"""/v1/users/me: GDPR export, anonymisation, deletion now, and deletion scheduled for later.

Every handler acts on the token's own user; there is no way to name another.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing

from sanic import Blueprint, Request
from sanic.response import empty, json
from tortoise.transactions import in_transaction

from backend.api.docs import doc
from backend.api.errors import ApiError, not_found
from backend.api.validation import parse_body, parse_query
from backend.auth.guard import authenticated
from backend.auth.passwords import verify_password
from backend.exports.streaming import stream
from backend.gdpr import erase, export, schedule
from backend.gdpr.schemas import (
    AnonymizedOut,
    DeletionOut,
    DeletionRequest,
    ExportQuery,
    PasswordConfirmation,
)
from backend.users.service import load

bp = Blueprint("gdpr", url_prefix="/v1/users/me")

_CONTENT_TYPES = {"json": "application/json", "zip": "application/zip"}


@bp.get("/export")
@doc("Export everything held about you", tag="gdpr", query=ExportQuery,
     response={"type": "object", "description": "UserDataExport"},
     description="The product spec's `UserDataExport` (`user_profile`, `log_entries`, "
     "`projects`, `insights`, `preferences`, `exported_at`) plus one array per other table "
     "holding your rows: `tags`, `timers`, `tasks`, `sessions` (metadata, no token ids), "
     "`refresh_token_history`, `scheduled_deletions`, `team_memberships`, `teams_created`, "
     "`entry_idempotency_keys`, `entry_snapshots`. Streamed as one JSON document, or with "
     "`format=zip` as a zip of `<section>.json` and `<section>.csv` files with `manifest.json`.")
@authenticated
async def get_export(request: Request):
    q = parse_query(request, ExportQuery)
    user_id = request.ctx.user.id
    chunks = export.json_document(user_id) if q.format == "json" else export.zip_archive(user_id)
    async with aclosing(chunks):
        # The first chunk is read before answering, so a failure to start is still a
        # problem+json; after the headers are out the stream can only be cut short.
        first = await anext(chunks)

        async def rest() -> AsyncIterator[bytes]:
            yield first
            async for chunk in chunks:
                yield chunk

        await stream(request, rest(), _CONTENT_TYPES[q.format],
                     export.filename(user_id, q.format))


async def _confirm_password(request: Request) -> None:
    body = parse_body(request, PasswordConfirmation)
    user = await load(request.ctx.user.id)
    if not await verify_password(user.password_hash, body.current_password):
        # 403, not 401: a 401 would make clients think their session ended.
        raise ApiError(403, "Forbidden", "current_password: incorrect password",
                       kind="wrong-password",
                       errors=[{"field": "current_password", "message": "incorrect password"}])


def _token_seconds(request: Request) -> int:
    return request.app.ctx.settings.access_token_minutes * 60


@bp.post("/anonymize")
@doc("Anonymise your account", tag="gdpr", body=PasswordConfirmation, response=AnonymizedOut,
     errors=[403],
     description="The spec's anonymisation, in one transaction: names become \"Anonymous "
     "User\", the email a unique address under `anonymized.invalid`, timezone UTC, "
     "preferences `{\"privacy\": \"anonymized\"}`; entry, project, tag and timer "
     "descriptions are emptied; reports and queued tasks are removed; every session is "
     "revoked (this token stops working) and nobody can log in to the account again. "
     "Needs `current_password` (403 if wrong, nothing changes).")
@authenticated
async def post_anonymize(request: Request):
    await _confirm_password(request)
    async with in_transaction() as conn:
        forget = await erase.anonymize_user(conn, request.ctx.user.id)
    await forget.run(request.app.ctx.cache, _token_seconds(request))
    return json({"status": "anonymized", "revoked_sessions": len(forget.session_ids)})


@bp.delete("/")
@doc("Delete your account now", tag="gdpr", body=PasswordConfirmation, status=204,
     errors=[403],
     description="Deletes every row of yours in every table, your cached data and your "
     "queued tasks, in one transaction; every session ends at once (this token stops "
     "working). An email confirms it to your address afterwards. Needs `current_password` "
     "(403 if wrong, nothing changes).")
@authenticated
async def delete_me(request: Request):
    await _confirm_password(request)
    async with in_transaction() as conn:
        forget = await erase.erase_user(conn, request.ctx.user.id, reason="deleted by the user")
    if forget is None:  # a concurrent request deleted it first
        raise ApiError(401, "Unauthorized", "The account no longer exists.", kind="unauthorized")
    await forget.run(request.app.ctx.cache, _token_seconds(request))
    return empty(status=204)


@bp.get("/deletion")
@doc("Your scheduled deletion", tag="gdpr", response=DeletionOut, errors=[404],
     description="404 when no deletion is pending.")
@authenticated
async def get_deletion(request: Request):
    row = await schedule.pending(request.ctx.user.id)
    if row is None:
        raise not_found("Scheduled deletion")
    return json(schedule.deletion_json(row))


@bp.post("/deletion")
@doc("Schedule the deletion of your account", tag="gdpr", body=DeletionRequest,
     response=DeletionOut, status=201, errors=[409],
     description="Deletes the account `after_days` days from now (1..90), as `DELETE "
     "/v1/users/me` would; an email says when, and another when it is done. 409 if one is "
     "already pending: cancel it first.")
@authenticated
async def post_deletion(request: Request):
    body = parse_body(request, DeletionRequest)
    row = await schedule.schedule(request.ctx.user, body.after_days, body.reason)
    return json(schedule.deletion_json(row), status=201)


@bp.delete("/deletion")
@doc("Cancel your scheduled deletion", tag="gdpr", status=204, errors=[404],
     description="404 when no deletion is pending. An email confirms the cancellation.")
@authenticated
async def delete_deletion(request: Request):
    if not await schedule.cancel(request.ctx.user):
        raise not_found("Scheduled deletion")
    return empty(status=204)
