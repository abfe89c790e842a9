"""RFC 9457 problem+json errors. Every error the API returns goes through here."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from pydantic import ValidationError
from sanic import HTTPResponse, Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import json as json_response
from tortoise.exceptions import DBConnectionError

from backend.db.setup import db

# PostgreSQL unreachable or the connection lost mid-request (restart, failover, network cut).
# The request's transaction, if any, was rolled back by the server; the client may retry.
DB_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,  # includes ConnectionDoesNotExistError, CannotConnectNow
    asyncpg.InterfaceError,  # "connection is closed", a pool whose connections all died
    asyncpg.AdminShutdownError,
    DBConnectionError,
    ConnectionError,  # refused/reset while connecting (OSError subclasses)
    TimeoutError,  # connect timeout
)
DB_RETRY_AFTER_S = 5

log = logging.getLogger("englog.api")

PROBLEM_TYPE_BASE = "https://englog.dev/problems/"


class ApiError(Exception):
    """Raise from any handler; rendered as application/problem+json."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        kind: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind or title.lower().replace(" ", "-")
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


def not_found(what: str = "Resource") -> ApiError:
    # Another user's row and a missing row look the same, so ids cannot be probed.
    return ApiError(404, "Not Found", f"{what} not found.", kind="not-found")


def field_error(field: str, message: str, status: int = 422) -> ApiError:
    return ApiError(
        status,
        "Validation Failed",
        f"{field}: {message}",
        kind="validation",
        errors=[{"field": field, "message": message}],
    )


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    kind: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> HTTPResponse:
    body: dict[str, Any] = {
        "type": kind if kind == "about:blank" else PROBLEM_TYPE_BASE + kind,
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return json_response(
        body, status=status, headers=headers, content_type="application/problem+json"
    )


def pydantic_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, Any]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err.get("loc", ()) if p != "__root__"]
        field = ".".join(loc) or "body"
        if prefix:
            field = f"{prefix}.{field}" if field != "body" else prefix
        msg = err.get("msg", "invalid")
        # pydantic prefixes custom ValueErrors with "Value error, "; users do not need that.
        msg = msg.removeprefix("Value error, ")
        out.append({"field": field, "message": msg, "code": err.get("type", "invalid")})
    return out


def validation_problem(errors: list[dict[str, Any]], status: int = 422) -> ApiError:
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return ApiError(status, "Validation Failed", summary, kind="validation", errors=errors)


def install_error_handlers(app: Sanic) -> None:
    @app.exception(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> HTTPResponse:
        return problem(
            exc.status,
            exc.title,
            exc.detail,
            kind=exc.kind,
            errors=exc.errors,
            headers=exc.headers,
            instance=request.path,
            extra=exc.extra,
        )

    @app.exception(ValidationError)
    async def _validation(request: Request, exc: ValidationError) -> HTTPResponse:
        err = validation_problem(pydantic_errors(exc))
        return problem(err.status, err.title, err.detail, kind=err.kind, errors=err.errors,
                       instance=request.path)

    @app.exception(SanicException)
    async def _sanic(request: Request, exc: SanicException) -> HTTPResponse:
        status = getattr(exc, "status_code", 500) or 500
        title = {404: "Not Found", 405: "Method Not Allowed", 400: "Bad Request",
                 413: "Payload Too Large"}.get(status, "Error")
        return problem(status, title, str(exc) or None, instance=request.path,
                       headers=getattr(exc, "headers", None))

    @app.exception(*DB_UNAVAILABLE)
    async def _db_unavailable(request: Request, exc: Exception) -> HTTPResponse:
        log.warning("database unavailable on %s %s: %r", request.method, request.path, exc)
        # The pool's other connections most likely died too: replace them all on their next
        # use, so the API recovers on the first request after PostgreSQL is back.
        pool = getattr(db(), "_pool", None)
        if pool is not None:
            await pool.expire_connections()
        return problem(503, "Service Unavailable",
                       "The database could not be reached, so the request may not have been "
                       "applied. Retry it shortly (new entries with the same Idempotency-Key).",
                       kind="database-unavailable", instance=request.path,
                       headers={"Retry-After": str(DB_RETRY_AFTER_S)})

    @app.exception(Exception)
    async def _unexpected(request: Request, exc: Exception) -> HTTPResponse:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "Internal Server Error", "Something went wrong on our side.",
                       instance=request.path)
