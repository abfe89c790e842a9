"""Which policy a request counts against, and whom it counts for.

- authenticated reads (GET/HEAD) and writes (everything else): per user;
- anonymous requests (no valid access token, including unknown routes): per client IP;
- routes that name a policy of their own (`ctx_rate_policy="register"` on the route):
  that policy, per client IP.
Liveness/readiness probes and /metrics are not limited: an orchestrator or Prometheus
polling them must never be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from limits import RateLimitItem, parse
from sanic import Request

from backend.api.clientip import client_ip
from backend.api.errors import ApiError
from backend.auth import tokens
from backend.config import Settings

EXEMPT_PATHS = frozenset({"/live", "/ready", "/metrics"})
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Policy:
    """A parsed limit. Plain numbers and the constant header text are worked out once here:
    every counted request reads them, and going through the `limits` item each time was a
    measurable part of the limiter's cost."""

    name: str
    limit: int
    window_seconds: int
    # The IETF RateLimit-Policy header value, e.g. '"write";q=120;w=60'.
    header: str

    @classmethod
    def parse(cls, name: str, text: str) -> Policy:
        item: RateLimitItem = parse(text)
        limit, window = item.amount, item.get_expiry()
        return cls(name, limit, window, f'"{name}";q={limit};w={window}')


def policies_from(settings: Settings) -> dict[str, Policy]:
    spec = {
        "read": settings.rate_limit_read,
        "write": settings.rate_limit_write,
        "anonymous": settings.rate_limit_anonymous,
        "register": settings.rate_limit_register,
    }
    return {name: Policy.parse(name, text) for name, text in spec.items()}


def _claims(request: Request, settings: Settings) -> tokens.Claims | None:
    auth = request.headers.get("authorization")
    if not auth:
        return None
    try:
        # The guard decodes the same token again; decode() caches verified tokens.
        return tokens.decode(settings, tokens.bearer_token(auth), "access")
    except ApiError:
        return None  # the handler answers 401; until then, count it against the IP


@dataclass(frozen=True)
class Choice:
    policy: Policy
    identity: str
    # The verified access token's claims when the request counts per user.
    claims: tokens.Claims | None = None


def select(request: Request, policies: dict[str, Policy], settings: Settings
           ) -> Choice | None:
    """The policy and identity this request counts against, or None when it is not limited."""
    if request.method == "OPTIONS" or request.path in EXEMPT_PATHS:
        return None
    route = request.route
    named = getattr(route.ctx, "rate_policy", None) if route is not None else None
    if named:
        return Choice(policies[named], "ip:" + client_ip(request))
    claims = _claims(request, settings)
    if claims is None:
        return Choice(policies["anonymous"], "ip:" + client_ip(request))
    kind = "read" if request.method in READ_METHODS else "write"
    return Choice(policies[kind], f"user:{claims.sub_text}", claims)
