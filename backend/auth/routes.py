"""/v1/auth: register, login, refresh, logout, logout-all, me."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import json
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.api.docs import doc
from backend.api.errors import ApiError
from backend.api.validation import parse_body
from backend.auth.passwords import DUMMY_HASH, hash_password, verify_password
from backend.auth.schemas import LoginBody, RegisterBody, TokenPair
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
        raise _email_taken()
    try:
        async with in_transaction() as conn:
            user = await User.create(
                email=body.email, password_hash=await hash_password(body.password),
                first_name=body.first_name, last_name=body.last_name, timezone=body.timezone,
                using_db=conn,
            )
            await enqueue_welcome_email(user, conn=conn)  # commits with the account or not at all
    except IntegrityError as exc:  # lost a race with a concurrent registration
        raise _email_taken() from exc
    return json(await start_session(request, user), status=201)


def _email_taken() -> ApiError:
    return ApiError(409, "Conflict", "An account with this email already exists.",
                    kind="email-taken", errors=[{"field": "email", "message": "already registered"}])


@bp.post("/login")
@doc("Log in with email and password", tag="auth", body=LoginBody, response=TokenPair,
     errors=[401, 429], auth=False)
async def login(request: Request):
    body = parse_body(request, LoginBody)
    user = await User.get_or_none(email=body.email.strip().lower(), is_active=True)
    ok = await verify_password(user.password_hash if user else DUMMY_HASH, body.password)
    if not user or not ok:
        raise ApiError(401, "Unauthorized", "Wrong email or password.", kind="bad-credentials")
    return json(await start_session(request, user))
