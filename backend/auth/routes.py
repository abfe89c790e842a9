"""/v1/auth: register, login, refresh, logout, logout-all, me."""

from __future__ import annotations

from datetime import UTC, datetime

from sanic import Blueprint, Request
from sanic.response import empty, json
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.api.docs import doc
from backend.api.errors import ApiError
from backend.api.validation import parse_body
from backend.auth import ratelimit, sessions, tokens
from backend.auth.guard import authenticated
from backend.auth.passwords import DUMMY_HASH, hash_password, verify_password
from backend.auth.schemas import (
    LoginBody,
    LogoutAllOut,
    RefreshBody,
    RegisterBody,
    TokenPair,
    UserOut,
    email_taken,
)
from backend.auth.sessions import start_session
from backend.db.models import User
from backend.queue.emails import enqueue_welcome_email

bp = Blueprint("auth", url_prefix="/v1/auth")


@bp.post("/register")
@doc("Create an account and log in", tag="auth", body=RegisterBody, response=TokenPair,
     status=201, errors=[409], auth=False)
async def register(request: Request):
    body = parse_body(request, RegisterBody)
    if await User.filter(email=body.email).exists():
        raise email_taken()
    # Hash before opening the transaction: argon2 takes ~50 ms and would pin a pooled connection.
    password_hash = await hash_password(body.password)
    try:
        async with in_transaction() as conn:
            user = await User.create(
                email=body.email, password_hash=password_hash,
                first_name=body.first_name, last_name=body.last_name, timezone=body.timezone,
                using_db=conn,
            )
            await enqueue_welcome_email(user, conn=conn)  # commits with the account or not at all
    except IntegrityError as exc:  # lost a race with a concurrent registration
        raise email_taken() from exc
    return json(await start_session(request, user), status=201)


@bp.post("/login")
@doc("Log in with email and password", tag="auth", body=LoginBody, response=TokenPair,
     errors=[401, 429], auth=False,
     description="After 5 failed logins for one email from one IP within a minute, every "
     "attempt (even with the right password) gets 429 with Retry-After until the window ends.")
async def login(request: Request):
    body = parse_body(request, LoginBody)
    cache, settings = request.app.ctx.cache, request.app.ctx.settings
    email = body.email.strip().lower()
    ip = request.remote_addr or request.ip or ""
    await ratelimit.reserve_attempt(cache, settings, email, ip)
    user = await User.get_or_none(email=email, is_active=True)
    ok = await verify_password(user.password_hash if user else DUMMY_HASH, body.password)
    if not user or not ok:
        raise ApiError(401, "Unauthorized", "Wrong email or password.", kind="bad-credentials")
    await ratelimit.reset(cache, email, ip)
    user.last_login_at = datetime.now(UTC)
    await User.filter(id=user.id).update(last_login_at=user.last_login_at)
    return json(await start_session(request, user))


@bp.post("/refresh")
@doc("Exchange a refresh token for a new token pair", tag="auth", body=RefreshBody,
     response=TokenPair, errors=[401], auth=False,
     description="Every refresh rotates the refresh token. Presenting one that was already "
     "rotated revokes its whole session (all its tokens) and answers 401.")
async def refresh(request: Request):
    body = parse_body(request, RefreshBody)
    settings = request.app.ctx.settings
    claims = tokens.decode(settings, body.refresh_token, "refresh")
    return json(await sessions.rotate(settings, request.app.ctx.cache, claims))


@bp.post("/logout")
@doc("Log out one session", tag="auth", body=RefreshBody, status=204, errors=[401],
     auth=False,
     description="Revokes the refresh token's session; its access tokens stop working at "
     "once. Answers 204, also when the session was already logged out.")
async def logout(request: Request):
    body = parse_body(request, RefreshBody)
    settings = request.app.ctx.settings
    claims = tokens.decode(settings, body.refresh_token, "refresh")
    await sessions.logout(settings, request.app.ctx.cache, claims)
    return empty(status=204)


@bp.post("/logout-all")
@doc("Log out every session of the current user", tag="auth", response=LogoutAllOut,
     description="Revokes every session, including the caller's; answers 200 with the count.")
@authenticated
async def logout_all(request: Request):
    n = await sessions.logout_all(request.app.ctx.settings, request.app.ctx.cache,
                                  request.ctx.user.id)
    return json({"revoked_sessions": n})


@bp.get("/me")
@doc("The current user", tag="auth", response=UserOut)
@authenticated
async def me(request: Request):
    return json(sessions.user_json(request.ctx.user))
