"""Sanic middleware: count each request against its policy, refuse with 429 past the limit,
and tell clients where they stand with the IETF RateLimit headers
(draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy: "write";q=120;w=60` and
`RateLimit: "write";r=57;t=23`)."""

from __future__ import annotations

from sanic import HTTPResponse, Request, Sanic

from backend.api.errors import ApiError
from backend.auth.guard import guard_keys, prefetch_guard_state
from backend.ops.metrics import RATE_LIMITED
from backend.ratelimit.limiter import Decision, Limiter
from backend.ratelimit.policies import policies_from, select

_UNITS = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}


def _headers(d: Decision) -> dict[str, str]:
    return {"RateLimit-Policy": d.policy.header,
            "RateLimit": f'"{d.policy.name}";r={d.remaining};t={d.reset_seconds}'}


def too_many(d: Decision) -> ApiError:
    per = _UNITS.get(d.policy.window_seconds, f"{d.policy.window_seconds} seconds")
    return ApiError(
        429, "Too Many Requests",
        f"Rate limit exceeded: {d.policy.limit} requests per {per} ({d.policy.name}). "
        f"Try again in {d.reset_seconds} seconds.",
        kind="rate-limited",
        headers={"Retry-After": str(d.reset_seconds), **_headers(d)},
        extra={"retry_after": d.reset_seconds, "policy": d.policy.name},
    )


def install(app: Sanic) -> None:
    settings = app.ctx.settings
    if not settings.rate_limits_enabled:
        return
    policies = policies_from(settings)

    limiter: Limiter | None = None  # made on first use: the cache exists once serving

    @app.on_request
    async def _rate_limit(request: Request) -> None:
        nonlocal limiter
        chosen = select(request, policies, settings)
        if chosen is None:
            return
        cache = request.app.ctx.cache
        if limiter is None:
            limiter = Limiter(cache)
        fetch: tuple[str, ...] = ()
        if chosen.claims is not None:
            # The auth guard's reads ride along with the count: one round trip, not two.
            await cache.flush_pending()
            fetch = guard_keys(cache, chosen.claims)
        decision = await limiter.hit(chosen.policy, chosen.identity, fetch)
        if decision is None:
            return
        if fetch:
            prefetch_guard_state(request, chosen.claims, decision.fetched)
        request.ctx.rate = decision
        if not decision.allowed:
            RATE_LIMITED.labels(decision.policy.name).inc()
            raise too_many(decision)

    @app.on_response  # a plain function: it never waits (no coroutine per response)
    def _rate_headers(request: Request, response: HTTPResponse) -> None:
        decision = getattr(request.ctx, "rate", None)
        if decision is not None:
            # setdefault: a 429 already carries them (too_many), from the same decision.
            for name, value in _headers(decision).items():
                response.headers.setdefault(name, value)
