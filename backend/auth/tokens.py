"""HS256 JWTs. Access tokens live 15 minutes; refresh tokens 30 days and carry a jti.

Both carry `sid`, the login session (refresh-token family) they belong to, so a
revoked session can also reject its still-unexpired access tokens.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import jwt

from backend.api.errors import ApiError
from backend.config import Settings

ALGORITHM = "HS256"
ISSUER = "englog"


@dataclass(frozen=True)
class Claims:
    sub: uuid.UUID
    sid: uuid.UUID
    jti: uuid.UUID
    type: str
    exp: datetime

    # The ids as text, for the Redis keys every request builds (rate-limit identity, cached
    # user, session marker). decode() keeps verified access tokens, so this runs once per
    # token rather than once per request (UUID.__str__ is Python code).
    @cached_property
    def sub_text(self) -> str:
        return str(self.sub)

    @cached_property
    def sid_text(self) -> str:
        return str(self.sid)


def _unauthorized(detail: str) -> ApiError:
    return ApiError(
        401, "Unauthorized", detail, kind="unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="englog"'},
    )


def issue(settings: Settings, user_id: uuid.UUID, sid: uuid.UUID, kind: str,
          jti: uuid.UUID | None = None) -> tuple[str, Claims]:
    now = datetime.now(UTC)
    lifetime = (timedelta(minutes=settings.access_token_minutes) if kind == "access"
                else timedelta(days=settings.refresh_token_days))
    claims = Claims(sub=user_id, sid=sid, jti=jti or uuid.uuid4(), type=kind, exp=now + lifetime)
    token = jwt.encode(
        {
            "iss": ISSUER,
            "sub": str(user_id),
            "sid": str(sid),
            "jti": str(claims.jti),
            "type": kind,
            "iat": int(now.timestamp()),
            "exp": int(claims.exp.timestamp()),
        },
        settings.jwt_secret,
        algorithm=ALGORITHM,
    )
    return token, claims


# Verified access tokens, by their exact text. A client sends the same token for up to 15
# minutes; re-verifying the HMAC and re-parsing the claims each time was ~8% of a request.
# Safe because the text fully determines the verdict; expiry is re-checked on every hit, and
# revocation is checked by the guard separately.
_VERIFIED: dict[str, Claims] = {}
_VERIFIED_MAX = 10_000


def decode(settings: Settings, token: str, expected_type: str) -> Claims:
    cached = _VERIFIED.get(token) if expected_type == "access" else None
    if cached is not None:
        if cached.exp <= datetime.now(UTC):
            _VERIFIED.pop(token, None)
            raise _unauthorized("The token has expired.")
        return cached
    claims = _decode(settings, token, expected_type)
    if expected_type == "access":
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[token] = claims
    return claims


def _decode(settings: Settings, token: str, expected_type: str) -> Claims:
    try:
        # algorithms is pinned: a token claiming alg "none" or RS256 is rejected here.
        data = jwt.decode(
            token, settings.jwt_secret, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["exp", "sub", "jti", "type", "sid"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("The token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise _unauthorized("The token is invalid.") from exc
    if data.get("type") != expected_type:
        raise _unauthorized(f"Expected a {expected_type} token.")
    try:
        return Claims(
            sub=uuid.UUID(data["sub"]), sid=uuid.UUID(data["sid"]), jti=uuid.UUID(data["jti"]),
            type=data["type"], exp=datetime.fromtimestamp(data["exp"], UTC),
        )
    except (ValueError, TypeError) as exc:
        raise _unauthorized("The token is invalid.") from exc


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise _unauthorized("Missing Authorization header.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <token>'.")
    return token.strip()
