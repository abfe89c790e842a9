"""One authenticated GET over a plain socket, for `englog status`'s fast path.

Why not ApiClient: httpx (with httpcore, anyio) and asyncio are about two thirds of the
verb's start-up, and the status line sits in shell prompts and tmux bars. Why not
http.client either: it imports the `email` package to parse headers (~30 ms, as much as
the rest of the verb), and one GET with `Connection: close` needs none of it.

This path is only taken while the stored access token is still valid by its `exp` claim.
Anything it cannot answer for sure (a 401 or any other non-200, a body that is not JSON, a
TLS failure, a dropped connection) returns None and the caller falls back to ApiClient,
which refreshes under the token file's lock and words the errors. The two failures it
reports itself carry ApiClient's exact words, so the output does not depend on the path:
a connection that cannot be opened ("connection refused", as httpx's ConnectError and
ConnectTimeout are worded) and a server that stops answering ("timed out") — falling back
then would only make the user wait a second time.
"""

from __future__ import annotations

import binascii
import json
import os
import socket
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ssl

# An access token this close to its expiry may lapse on the way: let the full path refresh.
EXPIRY_MARGIN_SECONDS = 10
# A timer answer is a few hundred bytes; anything far larger is not ours to parse.
MAX_RESPONSE_BYTES = 1 << 20


class Unreachable(Exception):
    """The server could not be reached; `cause` uses ApiClient's words for the same failure
    ("connection refused", "timed out") so the message is the same on both paths."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


class _NotOurs(Exception):
    """An answer this reader does not handle: the caller falls back to ApiClient."""


def token_is_fresh(token: str | None, now: float | None = None) -> bool:
    """True when the JWT's `exp` is comfortably in the future. Read without verifying the
    signature on purpose: the server verifies; this only decides which path to try."""
    if not token:
        return False
    try:
        payload = token.split(".")[1].translate(_URLSAFE)
        # binascii rather than base64: base64 imports struct and more for one call.
        claims = json.loads(binascii.a2b_base64(payload + "=" * (-len(payload) % 4)))
        exp = float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError, binascii.Error):
        return False
    return exp > (time.time() if now is None else now) + EXPIRY_MARGIN_SECONDS


_URLSAFE = str.maketrans("-_", "+/")


def tls_context() -> ssl.SSLContext:
    """The trust ApiClient's httpx uses (httpx.create_ssl_context with verify=True):
    SSL_CERT_FILE, then SSL_CERT_DIR, then certifi's bundle; hostnames are checked."""
    import ssl  # only for https: a plain-http server never pays for it

    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    try:
        import certifi
    except ImportError:  # httpx depends on certifi; without it, the system store
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def split_url(base_url: str) -> tuple[bool, str, int, str, str] | None:
    """(tls, host, port, Host header, path prefix) of an http(s) base URL; None for anything
    else (another scheme, credentials in the URL, a query), which ApiClient handles."""
    scheme, sep, rest = base_url.rstrip("/").partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https"):
        return None
    netloc, slash, prefix = rest.partition("/")
    if not netloc or any(c in netloc for c in "@?#") or any(c in prefix for c in "?# "):
        return None
    tls = scheme == "https"
    if netloc.startswith("["):  # an IPv6 literal: [::1]:8000
        host, bracket, after = netloc[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            return None
        port_text = after[1:]
    else:
        host, _, port_text = netloc.partition(":")
    try:
        port = int(port_text) if port_text else (443 if tls else 80)
    except ValueError:
        return None
    if not host or not 0 < port < 65536:
        return None
    return tls, host, port, netloc, (slash + prefix if prefix else "")


def proxied() -> bool:
    """ApiClient's httpx goes through HTTP_PROXY/HTTPS_PROXY/ALL_PROXY (minus NO_PROXY); this
    reader connects directly, so with any of them set it leaves the request to ApiClient."""
    return any(v for k, v in os.environ.items() if k.lower() in _PROXY_VARIABLES)


_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")


def get_json(base_url: str, path: str, token: str, timeout: float) -> Any | None:
    """GET base_url + path with the bearer token: the parsed body of a 200, else None.
    Raises Unreachable when the server cannot be reached or stops answering."""
    parts = split_url(base_url)
    if parts is None or proxied():
        return None
    tls, host, port, host_header, prefix = parts
    # An ASCII host goes to getaddrinfo as bytes: a str would load the idna codec (with
    # stringprep and unicodedata) just to encode it.
    address = host.encode("ascii") if host.isascii() else host
    try:
        sock = socket.create_connection((address, port), timeout)
    except TimeoutError as exc:  # httpx's ConnectTimeout, which ApiClient calls "refused"
        raise Unreachable("connection refused") from exc
    except ConnectionRefusedError as exc:
        raise Unreachable("connection refused") from exc
    except OSError:  # no route, no such host...: ApiClient words those
        return None
    try:
        if tls:
            try:
                sock = tls_context().wrap_socket(sock, server_hostname=host)
            except TimeoutError as exc:
                raise Unreachable("connection refused") from exc
        request = (
            f"GET {prefix}{path} HTTP/1.1\r\nHost: {host_header}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: application/json\r\n"
            "Accept-Encoding: identity\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(request.encode("latin-1"))
        status, body = _read_response(sock)
        if status != 200:
            return None
        return json.loads(body)
    except TimeoutError as exc:
        raise Unreachable("timed out") from exc
    except (OSError, ValueError, UnicodeError, _NotOurs):
        return None
    finally:
        sock.close()


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    """(status, body) of one HTTP/1.x response on a connection the server closes after it:
    the body by Content-Length, chunked, or up to the close."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > MAX_RESPONSE_BYTES:
            raise _NotOurs("headers cut short")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, _, status_text = lines[0].partition(" ")
    if not version.startswith("HTTP/1."):
        raise _NotOurs(lines[0])
    status = int(status_text[:3])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise _NotOurs(line)
        name = name.strip().lower()
        # Repeated headers would be joined by a comma; a repeated length or encoding is an
        # answer we do not trust, so it is refused below by int() or the chunked check.
        headers[name] = f"{headers[name]},{value.strip()}" if name in headers else value.strip()
    if status != 200:
        return status, b""
    if headers.get("content-encoding", "identity").lower() != "identity":
        raise _NotOurs("encoded body")  # we asked for identity; someone in between did not
    if "transfer-encoding" in headers:
        if headers["transfer-encoding"].lower() != "chunked":
            raise _NotOurs("transfer-encoding")
        return status, _dechunk(sock, rest)
    if "content-length" in headers:
        length = int(headers["content-length"])
        if not 0 <= length <= MAX_RESPONSE_BYTES:
            raise _NotOurs("content-length")
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise _NotOurs("body cut short")
            rest += chunk
        return status, rest[:length]
    while chunk := sock.recv(65536):  # no length: the body ends when the server closes
        rest += chunk
        if len(rest) > MAX_RESPONSE_BYTES:
            raise _NotOurs("body too large")
    return status, rest


def _dechunk(sock: socket.socket, data: bytes) -> bytes:
    """A chunked body (RFC 9112 §7.1): size line, data, CRLF ... a zero size, trailers."""
    body = b""

    def fill(n: int) -> None:
        nonlocal data
        while len(data) < n:
            chunk = sock.recv(65536)
            if not chunk:
                raise _NotOurs("chunked body cut short")
            data += chunk

    while True:
        while b"\r\n" not in data:
            fill(len(data) + 1)
        line, _, data = data.partition(b"\r\n")
        size = int(line.split(b";")[0].strip(), 16)
        if size < 0 or len(body) + size > MAX_RESPONSE_BYTES:
            raise _NotOurs("chunk size")
        if size == 0:
            return body  # trailers, if any, are ignored: nothing after them is read
        fill(size + 2)
        if data[size : size + 2] != b"\r\n":
            raise _NotOurs("chunk not terminated")
        body += data[:size]
        data = data[size + 2 :]
