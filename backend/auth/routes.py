"""/v1/auth: register, login, refresh, logout, logout-all, me."""

from __future__ import annotations

from datetime import UTC, datetime

from sanic import Blueprint, Request
from sanic.response import empty, json
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.api.clientip import client_ip
from backend.api.docs import doc
from backend.api.errors import ApiError
from backend.api.validation import parse_body
from backend.auth import lockout, ratelimit, sessions, tokens
from backend.auth.emails import enqueue_account_exists_email, enqueue_welcome_email
from backend.auth.guard import authenticated
from backend.auth.passwords import hash_password, pretend_verify, verify_password
from backend.auth.schemas import (
    LoginBody,
    LogoutAllOut,
    RefreshBody,
    RegisterAccepted,
    RegisterBody,
    TokenPair,
    UserOut,
)
from backend.auth.sessions import start_session
from backend.db.models import User
from backend.users import service as users

bp = Blueprint("auth", url_prefix="/v1/auth")


ACCEPTED = {
    "status": "accepted",
    "detail": "Check your email. If the address was free, your account is ready: log in with "
              "it and your password.",
}


@bp.post("/register", ctx_rate_policy="register")
@doc("Create an account", tag="auth", body=RegisterBody, response=RegisterAccepted,
     status=202, errors=[429], auth=False,
     description="Answers 202 with the same body whether or not the email already has an "
     "account, so the answer does not tell which addresses are registered: a new address "
     "gets its account (log in next) and a welcome email; an existing one is left as it is "
     "and its owner gets a notice. Limited per client IP (ENGLOG_RATE_LIMIT_REGISTER).")
async def register(request: Request):
    body = parse_body(request, RegisterBody)
    # Hashed whether or not the address is taken, so both answers take about as long.
    # Outside the transaction: argon2 takes ~50 ms and would pin a pooled connection.
    password_hash = await hash_password(body.password)
    existing = await User.get_or_none(email=body.email)
    if existing is None:
        try:
            async with in_transaction() as conn:
                user = await users.create_account(
                    conn, email=body.email, password_hash=password_hash,
                    first_name=body.first_name, last_name=body.last_name,
                    timezone=body.timezone)
                await enqueue_welcome_email(user, conn=conn)  # commits with the account
        except IntegrityError:  # lost a race with a concurrent registration
            existing = await User.get_or_none(email=body.email)
    if existing is not None and existing.is_active:
        await enqueue_account_exists_email(existing, datetime.now(UTC).date().isoformat())
    return json(ACCEPTED, status=202)


@bp.post("/login")
@doc("Log in with email and password", tag="auth", body=LoginBody, response=TokenPair,
     errors=[401, 429], auth=False,
     description="Throttled three ways, each answering 429 with Retry-After: 5 failures for "
     "one email from one IP within a minute; too many attempts from one IP across accounts; "
     "and, across all IPs, an account that keeps failing is locked for a while (1 minute, "
     "doubling with each further failure, at most 15 by default). A success clears the "
     "account's count.")
async def login(request: Request):
    body = parse_body(request, LoginBody)
    cache, settings = request.app.ctx.cache, request.app.ctx.settings
    email = body.email.strip().lower()
    ip = client_ip(request)
    await ratelimit.reserve_ip_attempt(cache, settings, ip)
    await ratelimit.reserve_attempt(cache, settings, email, ip)
    account = lockout.email_key(settings, email)
    await lockout.reserve(settings, account)
    user = await User.get_or_none(email=email, is_active=True)
    # No account: no argon2 work, only the time it would take (see backend.auth.passwords).
    ok = await verify_password(user.password_hash, body.password) if user else (
        await pretend_verify())
    if not user or not ok:
        raise ApiError(401, "Unauthorized", "Wrong email or password.", kind="bad-credentials")
    await lockout.succeeded(account)
    await ratelimit.reset(cache, email, ip)
    await ratelimit.release_ip_attempt(cache, ip)
    await users.record_login(user)
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
