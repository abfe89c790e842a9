"""Pilot flows against the real API: key presses in, rows in the database out."""

from __future__ import annotations

import os
import stat
import uuid
from typing import Any

from tests.support.users import ApiUser
from tests.tui.conftest import SIZE, make_app, request_report, text_of, wait_for
from tui.screens.confirm import ConfirmModal
from tui.screens.dashboard import DashboardScreen
from tui.screens.entries import EntriesScreen
from tui.screens.entry_editor import EntryEditor
from tui.screens.quick_add import QuickAddModal
from tui.screens.timer import StartTimerModal
from tui.widgets.status import StatusLine


def session_of(user: ApiUser) -> dict[str, Any]:
    return {"access_token": user.access_token, "refresh_token": user.refresh_token,
            "user": {"id": user.id, "email": user.email, "first_name": "Test",
                     "last_name": "User", "timezone": "UTC", "preferences": {}}}


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


async def test_register_from_first_run(api_url, db, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    email = f"new-{uuid.uuid4().hex[:8]}@example.com"
    app = make_app(tmp_path, api_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")  # switch to "Create account"
        await wait_for(pilot, lambda: app.focused.id == "reg-email", "register form")
        await type_text(pilot, email)
        await pilot.press("tab")
        await type_text(pilot, "a long enough password")
        await pilot.press("tab")
        await type_text(pilot, "Grace")
        await pilot.press("tab")
        await type_text(pilot, "Hopper")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        # The status bar names the new account (issue 7: it said "not logged in").
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: text_of(status).startswith("Grace Hopper │"),
                       "the new user in the status bar")
        assert "not logged in" not in text_of(status)
    row = await db.fetchrow("SELECT first_name, last_name, timezone FROM users WHERE email=$1",
                            email)
    assert dict(row) == {"first_name": "Grace", "last_name": "Hopper",
                         "timezone": "Europe/Berlin"}
    tokens = app.paths.tokens
    assert stat.S_IMODE(os.stat(tokens).st_mode) == 0o600
    assert "refresh_token" in tokens.read_text()


async def test_an_account_without_a_name_shows_its_email_in_the_status_bar(api_url, tmp_path):
    # Names are optional when registering; the status bar said "not logged in" then, while
    # the dashboard showed the new account's data (issue 7).
    email = f"nameless-{uuid.uuid4().hex[:8]}@example.com"
    app = make_app(tmp_path, api_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.focused.id == "reg-email", "register form")
        await type_text(pilot, email)
        await pilot.press("tab")
        await type_text(pilot, "a long enough password")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        status = app.screen.query_one(StatusLine)
        await wait_for(pilot, lambda: text_of(status).startswith(f"{email} │"),
                       "the new account's email in the status bar")
        assert "not logged in" not in text_of(status)


async def test_wrong_password_is_shown_in_place(api_url, alice, tmp_path):
    app = make_app(tmp_path, api_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, alice.email)
        await pilot.press("tab")
        await type_text(pilot, "not the password")
        await pilot.press("enter")
        general = "#login-general"
        await wait_for(pilot, lambda: "Wrong email or password" in text_of(
            app.screen.query_one(general)), "401 message")
        assert not app.tokens.present


async def test_registering_a_taken_email_says_to_log_in_instead(api_url, alice, db, tmp_path):
    # The server answers register the same for a taken email; the UI learns it only because
    # the login that follows fails, and says what to do.
    app = make_app(tmp_path, api_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.focused.id == "reg-email", "register form")
        await type_text(pilot, alice.email)
        await pilot.press("tab")
        await type_text(pilot, "someone else's password")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "already has an account" in text_of(
            app.screen.query_one("#login-general")), "taken-email message")
        assert not app.tokens.present
    assert await db.fetchval("SELECT count(*) FROM users WHERE email = $1", alice.email) == 1


async def test_timer_start_and_stop_creates_an_entry(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, StartTimerModal), "timer modal")
        await type_text(pilot, "Pairing on refresh")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.timer is not None, "timer running")
        timer = await db.fetchrow("SELECT title FROM active_timers WHERE user_id=$1::uuid",
                                  alice.id)
        assert timer["title"] == "Pairing on refresh"
        await wait_for(pilot, lambda: "Pairing on refresh" in text_of(
            app.screen.query_one("#timer-panel")), "timer panel")
        await pilot.press("x")
        # It ran under a minute: the TUI asks before saving such an entry (issue 12 bug 9).
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.timer is None, "timer stopped")
    rows = await db.fetch("SELECT title FROM log_entries WHERE user_id=$1::uuid", alice.id)
    assert [r["title"] for r in rows] == ["Pairing on refresh"]
    assert await db.fetchval("SELECT count(*) FROM active_timers WHERE user_id=$1::uuid",
                             alice.id) == 0


async def test_quick_add_stores_parsed_fields(api_url, alice, db, tmp_path):
    r = await alice.post("/v1/projects", json={"name": "auth-modernization"})
    assert r.status_code == 201, r.text
    project_id = r.json()["id"]
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, QuickAddModal), "quick add")
        await wait_for(pilot, lambda: app.projects_cache, "projects loaded")
        await type_text(pilot, '1h30 code "Fix token refresh race" @Auth-Modernization '
                               "#bug-fix #p1-high value:high impact:product")
        await wait_for(pilot, lambda: "Fix token refresh race" in text_of(
            app.screen.query_one("#preview")), "live preview")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuickAddModal), "saved")
    row = await db.fetchrow(
        "SELECT e.id, type, duration_minutes, value_rating, impact_level, project_id "
        "FROM log_entries e WHERE user_id=$1::uuid AND title=$2", alice.id,
        "Fix token refresh race")
    assert row is not None
    assert (row["type"], row["duration_minutes"]) == ("code", 90)
    assert (row["value_rating"], row["impact_level"]) == ("high", "product")
    assert str(row["project_id"]) == project_id
    tags = await db.fetch("SELECT t.name FROM log_entry_tags lt JOIN tags t ON t.id=lt.tag_id "
                          "WHERE lt.log_entry_id=$1 ORDER BY t.name", row["id"])
    assert [t["name"] for t in tags] == ["bug-fix", "p1-high"]
    assert app.drafts.load("quick-add") is None  # saved, so the draft is gone


async def _open_editor_on_first_entry(app, pilot) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.press("2")
    await wait_for(pilot, lambda: isinstance(app.screen, EntriesScreen)
                   and app.screen.items, "entries listed")
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor), "editor")


async def test_edit_entry_changes_stored_title(api_url, alice, db, tmp_path):
    r = await alice.post("/v1/logs", json={
        "title": "Old title", "type": "docs",
        "start_time": "2025-03-13T09:00:00+00:00", "end_time": "2025-03-13T10:00:00+00:00"})
    assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _open_editor_on_first_entry(app, pilot)
        await pilot.press("end", *["backspace"] * len("Old title"))
        await type_text(pilot, "New title")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, EntriesScreen), "editor closed")
    stored = await db.fetchval("SELECT title FROM log_entries WHERE id=$1::uuid",
                               r.json()["id"])
    assert stored == "New title"


async def test_validation_error_is_shown_next_to_its_field(api_url, alice, db, tmp_path):
    r = await alice.post("/v1/logs", json={
        "title": "Keep me", "type": "docs",
        "start_time": "2025-03-13T09:00:00+00:00", "end_time": "2025-03-13T10:00:00+00:00"})
    assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _open_editor_on_first_entry(app, pilot)
        app.screen.query_one("#end_time").focus()
        await pilot.press("end", *["backspace"] * 5)
        await type_text(pilot, "08:00")  # before the start: the API refuses it
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "after start_time" in text_of(
            app.screen.query_one("#err-end_time")), "error under End")
        assert isinstance(app.screen, EntryEditor)  # still open, nothing lost
        assert app.drafts.load(f"entry:{r.json()['id']}")["end_time"] == "08:00"
    stored = await db.fetchval("SELECT end_time FROM log_entries WHERE id=$1::uuid",
                               r.json()["id"])
    assert stored.isoformat() == "2025-03-13T10:00:00+00:00"


async def test_generate_weekly_report_shows_progress(api_url, alice, db, tmp_path):
    r = await alice.post("/v1/logs", json={
        "title": "Something to report", "type": "code",
        "start_time": "2025-03-13T09:00:00+00:00", "end_time": "2025-03-13T10:00:00+00:00"})
    assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await request_report(pilot, app, "2025-03-10", "2025-03-16")
        row = await db.fetchrow("SELECT id, report_type, period_start, status FROM "
                                "generated_insights WHERE user_id=$1::uuid", alice.id)
        assert row["report_type"] == "weekly"
        assert str(row["period_start"]) == "2025-03-10"
        assert str(row["id"]) == app.screen.watching
        assert await db.fetchval("SELECT count(*) FROM tasks WHERE user_id=$1::uuid "
                                 "AND payload::text LIKE '%' || $2 || '%'", alice.id,
                                 str(row["id"])) == 1
        stage = app.screen.query_one("#r-stage")
        await wait_for(pilot, lambda: any(s in text_of(stage) for s in
                                          ("queued", "running", "completed")), "progress")


async def test_entries_added_offline_are_sent_once_when_server_returns(
        api_url, api_server, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    titles = ["Offline one", "Offline two"]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        api_server.stop()
        try:
            for title in titles:
                await pilot.press("a")
                await wait_for(pilot, lambda: isinstance(app.screen, QuickAddModal), "modal")
                await type_text(pilot, f'25m ops "{title}"')
                await pilot.press("enter")
                await wait_for(pilot, lambda: not isinstance(app.screen, QuickAddModal),
                               "queued")
            assert [i["body"]["title"] for i in app.outbox.pending] == titles
            assert "2 queued entries" in app.status[1]
            assert app.status[0]  # shown as offline
        finally:
            api_server.start()
        await pilot.press("o")  # send queued entries now (it also retries periodically)
        await wait_for(pilot, lambda: not app.outbox.items, "outbox flushed")
        await pilot.press("o")  # a second flush must not send anything again
        await pilot.pause(0.5)
    for title in titles:
        assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id=$1::uuid "
                                 "AND title=$2", alice.id, title) == 1
    assert app.paths.outbox.read_text().strip() == "[]"


async def test_outbox_retry_after_ambiguous_send_does_not_duplicate(api_url, alice, db,
                                                                    tmp_path):
    """A request that timed out may have been stored: the retry finds it instead of resending."""
    body = {"title": "Maybe sent", "type": "code", "tags": [],
            "start_time": "2025-03-11T09:00:00+00:00", "end_time": "2025-03-11T09:30:00+00:00"}
    r = await alice.post("/v1/logs", json=body)
    assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    app.outbox.add(body, maybe_sent=True)
    app.outbox.add(body | {"title": "Never sent"}, maybe_sent=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("o")
        await wait_for(pilot, lambda: not app.outbox.items, "outbox flushed")
    counts = {t: await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id=$1::uuid "
                                   "AND title=$2", alice.id, t) for t in ("Maybe sent",
                                                                          "Never sent")}
    assert counts == {"Maybe sent": 1, "Never sent": 1}


async def test_logout_forgets_tokens_and_ends_the_server_session(api_url, alice, db, tmp_path):
    from tui.screens.login import LoginScreen

    app = make_app(tmp_path, api_url, session_of(alice))
    tokens = tmp_path / "englog" / "tokens.json"
    assert tokens.exists()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "login screen")
    assert not tokens.exists() or "refresh_token" not in tokens.read_text()
    revoked = await db.fetchval(
        "SELECT revoked_reason FROM auth_sessions WHERE user_id = $1::uuid", alice.id)
    assert revoked == "logout"
    # The access token the TUI held is dead at once, not after 15 minutes.
    assert (await alice.get("/v1/auth/me")).status_code == 401


async def test_a_server_given_by_the_environment_is_saved_at_login_for_the_shell_verbs(
        api_url, alice, tmp_path, monkeypatch):
    """scripts/run.sh hands the TUI its server through ENGLOG_TUI_SERVER_URL. After logging
    in, `englog status` in another shell (without that variable) must find the server the
    tokens belong to; it used to say "No server configured"."""
    import asyncio
    import subprocess
    import sys

    from tui.config import stored_server_url

    app = make_app(tmp_path, "")  # nothing in config.toml yet
    monkeypatch.setenv("ENGLOG_TUI_SERVER_URL", api_url)
    app = type(app)(paths=app.paths)  # re-read: the environment now names the server
    assert app.settings.server_url == api_url and stored_server_url(app.paths) == ""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await wait_for(pilot, lambda: app.focused.id == "login-email", "login form")
        await type_text(pilot, alice.email)
        await pilot.press("tab")
        await type_text(pilot, alice.password)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    assert stored_server_url(app.paths) == api_url
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGLOG_TUI_")}
    r = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "tui.main", "--config-dir", str(app.paths.root),
                         "status", "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert '"running": false' in r.stdout


async def test_the_dashboard_shows_a_timer_started_from_the_shell_without_a_key_press(
        api_url, alice, tmp_path):
    """`englog start` in another terminal: the open dashboard picks the timer up on its own
    refresh (refresh_seconds), and drops it again once it is stopped elsewhere."""
    app = make_app(tmp_path, api_url, session_of(alice))
    app.settings.refresh_seconds = 0.5
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        panel = app.screen.query_one("#timer-panel")
        await wait_for(pilot, lambda: "No timer running" in text_of(panel), "no timer yet")
        r = await alice.post("/v1/timers/start", json={"title": "Started in the shell",
                                                       "type": "review"})
        assert r.status_code == 201, r.text
        await wait_for(pilot, lambda: "Started in the shell" in text_of(panel),
                       "the shell's timer on the dashboard")
        r = await alice.post("/v1/timers/stop")
        assert r.status_code == 201, r.text
        await wait_for(pilot, lambda: "No timer running" in text_of(panel),
                       "the timer gone after the shell stopped it")
        await wait_for(pilot, lambda: any("Started in the shell" in str(cell)
                                          for row in app.screen._today_rows for cell in row),
                       "the stopped timer's entry under Today")
