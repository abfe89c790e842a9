"""One authenticated GET with the standard library, for `englog status`'s fast path.

Why not ApiClient: httpx (with httpcore, anyio) and asyncio are about two thirds of the
verb's start-up, and the status line sits in shell prompts and tmux bars. This path is only
taken while the stored access token is still valid by its `exp` claim; anything else (no
token, expired, a 401, an error answer, a refused connection) returns None and the caller
falls back to ApiClient, which refreshes under the token file's lock and words the errors.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

# An access token this close to its expiry may lapse on the way: let the full path refresh.
EXPIRY_MARGIN_SECONDS = 10


class TimedOut(Exception):
    """The server took longer than request_timeout: retrying through ApiClient would only
    make the user wait twice, so the caller reports it as unreachable."""


def token_is_fresh(token: str | None, now: float | None = None) -> bool:
    """True when the JWT's `exp` is comfortably in the future. Read without verifying the
    signature on purpose: the server verifies; this only decides which path to try."""
    if not token:
        return False
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        exp = float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return False
    return exp > (time.time() if now is None else now) + EXPIRY_MARGIN_SECONDS


def tls_context() -> ssl.SSLContext:
    """The trust ApiClient's httpx uses (httpx.create_ssl_context with verify=True):
    SSL_CERT_FILE, then SSL_CERT_DIR, then certifi's bundle; hostnames are checked."""
    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    try:
        import certifi
    except ImportError:  # httpx depends on certifi; without it, the system store
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def get_json(base_url: str, path: str, token: str, timeout: float) -> Any | None:
    """GET base_url + path with the bearer token: the parsed body of a 200, else None."""
    url = urlsplit(base_url.rstrip("/"))
    if url.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            url.netloc, timeout=timeout, context=tls_context())
    elif url.scheme == "http":
        conn = http.client.HTTPConnection(url.netloc, timeout=timeout)
    else:
        return None
    try:
        conn.request("GET", url.path + path, headers={
            "Authorization": f"Bearer {token}", "Accept": "application/json"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            return None
        return json.loads(body)
    except TimeoutError as exc:
        raise TimedOut() from exc
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        conn.close()
