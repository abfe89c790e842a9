"""ApiClient skips the CA bundle for a plain-http server (start-up cost of `englog status`),
but a client for an https server always verifies, also after switching the URL."""

from __future__ import annotations

import ssl

from tui.api.client import ApiClient
from tui.storage import TokenStore


def context(api: ApiClient) -> ssl.SSLContext:
    return api.http._transport._pool._ssl_context  # httpx 0.28 internals, read only


async def test_https_is_verified_even_after_starting_on_http(tmp_path):
    api = ApiClient("http://127.0.0.1:8000", TokenStore(tmp_path / "tokens.json"))
    plain = api.http
    assert context(api).verify_mode == ssl.CERT_NONE
    api.set_base_url("https://englog.example.com/")
    assert api.http is not plain
    assert context(api).verify_mode == ssl.CERT_REQUIRED and context(api).check_hostname
    assert str(api.http.base_url) == "https://englog.example.com"
    await api.aclose()
    assert plain.is_closed


async def test_https_from_the_start_is_verified(tmp_path):
    api = ApiClient("HTTPS://englog.example.com", TokenStore(tmp_path / "tokens.json"))
    assert context(api).verify_mode == ssl.CERT_REQUIRED
    api.set_base_url("https://other.example.com")
    assert context(api).verify_mode == ssl.CERT_REQUIRED
    await api.aclose()
