"""Remembered header encodings (backend/api/response_headers.py) send exactly Sanic's bytes."""

from __future__ import annotations

import pytest
from sanic.headers import format_http1_response
from sanic.response import empty, json

from backend.api import response_headers

# Sanic's own property, kept before install() replaces it.
SANIC_PROCESSED = response_headers.BaseHTTPResponse.__dict__["processed_headers"]


@pytest.fixture(autouse=True)
def installed(monkeypatch):
    monkeypatch.setattr(response_headers, "_encoded", {})
    monkeypatch.setattr(response_headers.BaseHTTPResponse, "processed_headers",
                        SANIC_PROCESSED)
    response_headers.install()


def sanic_bytes(res) -> bytes:
    return format_http1_response(res.status, SANIC_PROCESSED.fget(res))


def ours(res) -> bytes:
    return format_http1_response(res.status, res.processed_headers)


def test_the_bytes_are_sanic_s_including_stripped_header_splitting():
    for res in (
        json({"a": 1}, status=201, headers={"X-Frame-Options": "DENY", "X-N": 7}),
        json({}, headers={"X-Evil": "a\r\nSet-Cookie: x=1", "X-Cafe": "v\u00e4l"}),
        empty(),  # 204: no content-type is added
    ):
        expected = sanic_bytes(res)
        assert ours(res) == expected and ours(res) == expected  # cold, then remembered
    assert b"\r\nSet-Cookie" not in ours(json({}, headers={"X-Evil": "a\r\nSet-Cookie: x=1"}))
    assert b"content-type" not in ours(empty())


def test_the_table_stops_growing_at_its_bound(monkeypatch):
    monkeypatch.setattr(response_headers, "MAX_PAIRS", 3)
    for n in range(10):
        res = json({}, headers={"X-Count": str(n)})
        assert ours(res) == sanic_bytes(res)
    assert len(response_headers._encoded) == 3
