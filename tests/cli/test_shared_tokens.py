"""The TUI and the shell verbs share tokens.json. Refresh tokens rotate and the server revokes
a session whose old refresh token comes back, so two processes refreshing at once must not
both present the same one (tui/storage.py TokenStore.exclusive)."""

from __future__ import annotations

import asyncio
import json

import httpx

from tests.support.users import register
from tui.api import endpoints as ep
from tui.api.client import ApiClient
from tui.storage import TokenStore, write_private


async def test_two_clients_refreshing_at_once_keep_the_session(api_url, client, tmp_path):
    user = await register(client)
    path = tmp_path / "englog" / "tokens.json"
    write_private(path, {"access_token": "expired", "refresh_token": user.refresh_token,
                         "user": None})
    # Two token stores on one file, as the TUI and `englog status` in two processes have.
    a, b = (ApiClient(api_url, TokenStore(path), timeout=30) for _ in range(2))
    try:
        states = await asyncio.gather(ep.current_timer(a), ep.current_timer(b))
    finally:
        await a.aclose()
        await b.aclose()
    assert [s["running"] for s in states] == [False, False]
    saved = json.loads(path.read_text())
    assert saved["refresh_token"] != user.refresh_token
    assert a.tokens.access_token == b.tokens.access_token == saved["access_token"]
    # Exactly one rotation happened, so the saved refresh token is still the live one.
    async with httpx.AsyncClient(base_url=api_url) as c:
        r = await c.post("/v1/auth/refresh", json={"refresh_token": saved["refresh_token"]})
    assert r.status_code == 200, r.text
