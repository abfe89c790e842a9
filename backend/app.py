"""Sanic application factory: wires settings, PostgreSQL (Tortoise), Redis and the blueprints."""

from __future__ import annotations

import logging

import orjson
from sanic import Sanic
from sanic_ext import Extend
from sanic_ext.extensions.http.extension import HTTPExtension
from sanic_ext.extensions.openapi.extension import OpenAPIExtension

from backend.api.errors import install_error_handlers
from backend.api.response_headers import install as install_response_headers
from backend.api.security_headers import install as install_security_headers
from backend.auth import passwords
from backend.cache.redis import Cache
from backend.config import Settings, get_settings
from backend.db.setup import close_orm, init_orm
from backend.lifecycle import Background
from backend.lifecycle import attach as attach_background
from backend.ops.request_metrics import install as install_request_metrics
from backend.ratelimit.middleware import install as install_rate_limits

log = logging.getLogger("englog.app")


def _dumps(obj: object, **_: object) -> str:
    # Sanic's json() passes stdlib-style kwargs; datetimes and UUIDs serialise natively.
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()


def _blueprints() -> list:
    # Imported here so a test can build several apps without import-time side effects.
    from backend.analytics.routes import bp as analytics
    from backend.auth.routes import bp as auth
    from backend.calendar.routes import bp as calendar
    from backend.exports.routes import bp as exports
    from backend.gdpr.routes import bp as gdpr
    from backend.insights.routes import bp as insights
    from backend.logs.routes import bp as logs
    from backend.ops.routes import bp as ops
    from backend.projects.routes import bp as projects
    from backend.tags.routes import bp as tags
    from backend.timers.routes import bp as timers
    from backend.users.routes import bp as users

    return [ops, auth, users, gdpr, logs, timers, projects, tags, analytics, insights,
            exports, calendar]


def create_app(settings: Settings | None = None, name: str = "englog") -> Sanic:
    settings = settings or get_settings()
    # orjson: several times faster than the stdlib json on every request and response body.
    app = Sanic(name, strict_slashes=False, dumps=_dumps, loads=orjson.loads)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.OAS_UI_DEFAULT = "swagger"
    app.config.OAS_URL_PREFIX = "/docs"
    app.config.OAS_UI_REDOC = False
    app.config.OAS_AUTODOC = False
    app.config.CORS = False
    app.config.REQUEST_MAX_SIZE = 5_000_000
    app.ctx.settings = settings
    # Only the sanic-ext parts we use. The default set also installs dependency injection,
    # whose signal ran on every request (about 10% of an empty request's cost) although no
    # route injects anything; the health monitor and background logger are unused too.
    Extend(app, extensions=[OpenAPIExtension, HTTPExtension], built_in_extensions=False,
           oas=True, openapi_config=None)
    app.ext.openapi.describe(
        "EngLog API",
        version="1.0.0",
        description="Work log for software engineers. Errors are application/problem+json "
        "(RFC 9457). Times are RFC 3339; date filters are read in the user's timezone.",
    )
    app.ext.openapi.add_security_scheme("bearer", "http", scheme="bearer", bearer_format="JWT")

    install_error_handlers(app)
    install_response_headers()
    # Middleware order: request metrics first (their clock covers the rest), then limits.
    install_request_metrics(app)
    install_rate_limits(app)
    install_security_headers(app)
    for bp in _blueprints():
        app.blueprint(bp)

    passwords.configure(settings.argon2_max_concurrency)

    # The process's singletons, built here and nowhere else: the Redis cache and the
    # background machinery (LISTEN, gRPC server for workers, job runner, scheduler).
    # Nothing connects until the server starts.
    app.ctx.cache = Cache(settings.redis_url, settings.redis_prefix,
                          timeout_s=settings.redis_timeout_ms / 1000)
    app.ctx.background = Background.build(settings)

    @app.before_server_start
    async def _start(app: Sanic) -> None:
        await init_orm(settings.database_url,
                       connect_timeout=settings.database_connect_timeout)
        await app.ctx.cache.ping()

    @app.after_server_stop
    async def _stop(app: Sanic) -> None:
        await app.ctx.cache.close()
        await close_orm()

    attach_background(app)
    return app
