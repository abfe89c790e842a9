"""Helpers for driving the TUI against the real API started by tests/conftest.py."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from rich.text import Text
from textual.content import Content

from tui.app import EngLogApp
from tui.clock import FrozenClock
from tui.config import Paths, Settings, save_settings
from tui.storage import write_private

SIZE = (130, 40)
# Seeded data lives in a fixed past week and the app's clock is frozen inside it, so the
# snapshots do not depend on the day the tests run.
FROZEN = datetime(2025, 3, 13, 16, 0, tzinfo=UTC)
SEED_PASSWORD = "analytical engine notes 1843"


def make_app(root: Path, server_url: str, session: dict[str, Any] | None = None,
             clock: datetime | None = None, keymap: dict[str, str] | None = None,
             retry_seconds: float = 3600.0) -> EngLogApp:
    """An app with its own config dir; `session` is a login/register response to reuse."""
    paths = Paths(root / "englog")
    settings = Settings(server_url=server_url, keymap=keymap or {},
                        outbox_retry_seconds=retry_seconds, request_timeout=5.0)
    save_settings(paths, settings)
    if session:
        write_private(paths.tokens, {"access_token": session["access_token"],
                                     "refresh_token": session["refresh_token"],
                                     "user": session["user"]})
    return EngLogApp(paths=paths, clock=FrozenClock(clock) if clock else None)


async def wait_for(pilot: Any, predicate: Callable[[], Any], what: str,
                   limit: float = 20.0) -> None:
    """Poll the UI until `predicate()` holds; fails (with `what`) if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline:
        await pilot.pause(0.05)
        try:
            if predicate():
                return
        except Exception:  # the widget may not be mounted yet
            pass
    app = pilot.app
    shown = " | ".join(text_of(w).strip() for w in app.screen.query(
        "#message, #login-general, #form-general, .field-error, #r-stage").results()
        if text_of(w).strip())
    raise AssertionError(f"timed out waiting for {what}; on {app.screen!r}: {shown[:600]}")


def text_of(widget: Any) -> str:
    """What a widget shows, as plain text (tables and markup included)."""
    shown = getattr(widget, "content", None)
    if shown is None or shown == "":
        shown = widget.render()
    if isinstance(shown, str):
        return Text.from_markup(shown).plain
    if isinstance(shown, Content):
        return shown.plain
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(shown)
    return console.export_text()


def login(api_url: str, email: str, password: str = SEED_PASSWORD) -> dict[str, Any]:
    r = httpx.post(f"{api_url}/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


SEED_ENTRIES = [
    # (day, start, end, type, title, project, tags, value, impact)
    (10, "09:00", "11:30", "code", "Token refresh rotation", "auth-modernization",
     ["bug-fix"], "high", "product"),
    (10, "13:00", "14:00", "meeting", "Sprint planning", None, ["planning"], "medium", "team"),
    (11, "10:00", "12:00", "review", "Review billing export PR", "billing", [], "medium",
     "team"),
    (11, "14:00", "15:30", "debug", "Flaky login test", "auth-modernization", ["bug-fix"],
     "high", "product"),
    (12, "09:30", "10:15", "mentoring", "Pairing with Sam", None, ["mentoring"], "high",
     "team"),
    (12, "11:00", "13:00", "docs", "API conventions page", None, [], "low", "personal"),
    (13, "09:00", "10:30", "code", "Refresh race fix", "auth-modernization", ["p1-high"],
     "high", "company"),
    (13, "11:00", "11:45", "ops", "Rotate staging certs", None, [], "medium", "team"),
    (13, "14:00", "15:00", "learning", "Read about SKIP LOCKED", None, [], "low",
     "personal"),
]


@pytest.fixture(scope="session")
def seeded(api_url: str) -> dict[str, Any]:
    """One user with two projects and nine entries in the week of 2025-03-10 (UTC)."""
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=api_url, timeout=30) as c:
        r = c.post("/v1/auth/register", json={
            "email": email, "password": SEED_PASSWORD, "first_name": "Ada",
            "last_name": "Lovelace", "timezone": "UTC"})
        assert r.status_code == 202, r.text
        r = c.post("/v1/auth/login", json={"email": email, "password": SEED_PASSWORD})
        assert r.status_code == 200, r.text
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        projects = {}
        for name, desc in (("auth-modernization", "Move auth to rotating tokens"),
                           ("billing", "Billing export")):
            p = c.post("/v1/projects", headers=h, json={"name": name, "description": desc})
            assert p.status_code == 201, p.text
            projects[name] = p.json()["id"]
        for day, s, e, typ, title, proj, tags, value, impact in SEED_ENTRIES:
            body = {"title": title, "type": typ, "tags": tags,
                    "start_time": f"2025-03-{day:02d}T{s}:00+00:00",
                    "end_time": f"2025-03-{day:02d}T{e}:00+00:00",
                    "value_rating": value, "impact_level": impact}
            if proj:
                body["project_id"] = projects[proj]
            r2 = c.post("/v1/logs", headers=h, json=body)
            assert r2.status_code == 201, r2.text
    return {"email": email, "projects": projects}


async def request_report(pilot: Any, app: Any, start: str, end: str) -> None:
    """From the dashboard: open Reports, type the period and press g (generate)."""
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.reports import ReportsScreen

    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.press("5")
    await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen), "reports")
    app.screen.query_one("#r-start").focus()
    await pilot.press(*start)
    await pilot.press("tab")
    await pilot.press(*end)
    app.set_focus(None)
    await pilot.press("g")
    await wait_for(pilot, lambda: app.screen.watching, "report requested")


def burst(app: Any, *keys: str) -> None:
    """Queue keys the way a terminal delivers a fast typist's burst: all of them before the
    app has handled the first (pilot.press waits for the app to go idle after each key)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


def count_requests(app: Any) -> list[str]:
    """Every request the app's API client sends from now on, as "METHOD /path"."""
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(f"{request.method} {request.url.path}")

    app.api.http.event_hooks["request"].append(hook)
    return seen
