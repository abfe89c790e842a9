"""Security headers on every response (errors included), and no caching of API answers.

Every /v1 answer is private to one user and several carry tokens, so none may be stored by
a browser or a shared cache: `Cache-Control: no-store` unless the handler chose otherwise.
The Swagger UI at /docs loads its scripts and styles from a CDN, so it alone goes without
the restrictive Content-Security-Policy.
"""

from __future__ import annotations

from sanic import HTTPResponse, Request, Sanic

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    # Ignored by browsers over plain HTTP; in production the API is only reached over TLS.
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def install(app: Sanic) -> None:
    @app.on_response  # a plain function: it never waits (no coroutine per response)
    def _security_headers(request: Request, response: HTTPResponse) -> None:
        headers = response.headers
        for name, value in ALWAYS.items():
            headers.setdefault(name, value)
        if not request.path.startswith("/docs"):
            headers.setdefault("Content-Security-Policy", API_CSP)
            headers.setdefault("Cache-Control", "no-store")
