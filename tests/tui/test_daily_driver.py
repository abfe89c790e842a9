"""Issue 12: what a week of real use broke in the TUI screens. Each test drives the real API
with key presses (some in one burst, as a terminal delivers a fast typist's keys) and checks
what is shown and what is stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from textual.widgets import Input, Select

from tests.tui.conftest import SIZE, burst, make_app, text_of, wait_for
from tests.tui.test_flows import session_of
from tui.screens.confirm import ConfirmModal
from tui.screens.dashboard import DashboardScreen
from tui.screens.entry_editor import EntryEditor
from tui.screens.login import LoginScreen
from tui.screens.projects import ProjectsScreen
from tui.screens.quick_add import QuickAddModal
from tui.screens.settings import SettingsScreen
from tui.screens.timer import BackfillModal, StartTimerModal


async def _dashboard(app, pilot) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await app.workers.wait_for_complete()


# -- bug 2: keys typed quickly -----------------------------------------------------------------
async def test_keys_typed_right_after_a_reach_the_quick_add_line(api_url, alice, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        burst(app, "a", *'20m ops "Rotate keys"')
        await wait_for(pilot, lambda: isinstance(app.screen, QuickAddModal)
                       and app.screen.query_one("#line", Input).value == '20m ops "Rotate keys"',
                       "the whole burst in the quick-add line")


async def test_a_registration_typed_in_one_burst_fills_every_field(api_url, tmp_path):
    app = make_app(tmp_path, api_url)
    email = f"burst-{uuid.uuid4().hex[:8]}@example.com"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "login")
        await pilot.pause(0.3)
        burst(app, "ctrl+r", *email, "tab", *"a long enough password", "tab", *"Dana",
              "tab", *"Dev")
        await pilot.pause(1.0)
        values = {i: app.screen.query_one(f"#{i}", Input).value
                  for i in ("reg-email", "reg-password", "reg-first", "reg-last",
                            "login-email")}
    assert values == {"reg-email": email, "reg-password": "a long enough password",
                      "reg-first": "Dana", "reg-last": "Dev", "login-email": ""}


# -- bug 6: "log what I just did" starts at the duration ---------------------------------------
async def test_backfill_typed_right_away_goes_to_the_duration(api_url, alice, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        burst(app, "b", *"45m")
        await wait_for(pilot, lambda: isinstance(app.screen, BackfillModal)
                       and app.screen.query_one("#minutes", Input).value == "45m",
                       "45m in How long?")
        await pilot.pause(0.5)  # a late focus change would move the cursor after this
        assert app.screen.query_one("#title", Input).value == ""
        assert app.focused.id == "minutes"


# -- bug 3 (UI) and bug 5 (preview) ------------------------------------------------------------
async def test_quick_add_offers_to_create_an_unknown_project(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, QuickAddModal), "quick add")
        await pilot.press(*'45m ops "Deploy" @Platform-Team')
        preview = app.screen.query_one("#preview")
        await wait_for(pilot, lambda: "no project named “Platform-Team” — ctrl+n creates it"
                       in text_of(preview), "the offer to create the project")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "no project named" not in text_of(preview)
                       and "Platform-Team" in text_of(preview), "the project resolved")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuickAddModal), "saved")
    row = await db.fetchrow(
        "SELECT p.name FROM log_entries e JOIN projects p ON p.id = e.project_id "
        "WHERE e.user_id = $1::uuid AND e.title = 'Deploy'", alice.id)
    assert row["name"] == "Platform-Team"


async def test_quick_add_matches_project_names_loosely(api_url, alice, db, tmp_path):
    r = await alice.post("/v1/projects", json={"name": "Auth Modernization"})
    assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.projects_cache, "projects loaded")
        await pilot.press(*'1h code "Refresh tokens" @auth-modernization')
        preview = app.screen.query_one("#preview")
        await wait_for(pilot, lambda: "Auth Modernization" in text_of(preview),
                       "the project found by its hyphenated name")
        assert "no project named" not in text_of(preview)


async def test_an_old_quick_add_error_goes_once_the_line_is_edited(api_url, alice, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, QuickAddModal), "quick add")
        await pilot.press(*"ops fix")
        await pilot.press("enter")  # no duration: refused, the error goes under the line
        error = app.screen.query_one("#err-line")
        await wait_for(pilot, lambda: "duration" in text_of(error), "the error under the line")
        await pilot.press("home", *"30m ")
        await wait_for(pilot, lambda: text_of(error).strip() == "", "the old error gone")


async def test_quick_add_preview_shows_the_users_default_value_and_impact(api_url, alice,
                                                                          tmp_path):
    r = await alice.put("/v1/users/preferences", json={"default_value_rating": "high",
                                                       "default_impact_level": "product"})
    assert r.status_code == 200, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await wait_for(pilot, lambda: app.preferences.get("default_value_rating") == "high",
                       "the preferences read from the server")
        await pilot.press("a", *'30m docs "Write the runbook"')
        preview = app.screen.query_one("#preview")
        await wait_for(pilot, lambda: "Write the runbook" in text_of(preview), "preview")
        assert "high (default) / product (default)" in text_of(preview)
        assert "default / default" not in text_of(preview)


# -- bug 4: settings round-trip, all or nothing ------------------------------------------------
async def test_settings_save_theme_and_timezone(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen)
                       and app.screen.query_one("#timezone", Input).value == "UTC", "settings")
        app.screen.query_one("#theme", Select).value = "light"
        tz = app.screen.query_one("#timezone", Input)
        app.set_focus(tz)
        await pilot.press("end", *["backspace"] * 3, *"Europe/Berlin", "ctrl+s")
        await wait_for(pilot, lambda: app.tz.key == "Europe/Berlin", "the new timezone in use")
        assert app.theme == "textual-light"
    row = await db.fetchrow("SELECT timezone, preferences FROM users WHERE id = $1::uuid",
                            alice.id)
    assert row["timezone"] == "Europe/Berlin"
    assert '"theme": "light"' in row["preferences"]


async def test_a_refused_settings_save_stores_nothing(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen)
                       and app.screen.query_one("#timezone", Input).value == "UTC", "settings")
        app.set_focus(app.screen.query_one("#timezone", Input))
        await pilot.press("end", *["backspace"] * 3, *"Asia/Tokyo")
        app.set_focus(app.screen.query_one("#daily_goal_hours", Input))
        await pilot.press("end", *["backspace"] * 5, *"30", "ctrl+s")  # over 24 h: a 422
        await wait_for(pilot, lambda: text_of(app.screen.query_one(
            "#err-daily_goal_hours")).strip(), "the goal's error beside it")
    assert await db.fetchval("SELECT timezone FROM users WHERE id = $1::uuid",
                             alice.id) == "UTC"
    assert app.tz.key == "UTC"


# -- bug 7: an entry across midnight -----------------------------------------------------------
async def test_an_entry_can_cross_midnight(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor), "editor")
        await pilot.press(*"Night deploy")
        for field, value in (("#date", "2025-03-13"), ("#start_time", "23:00"),
                             ("#end_time", "01:00")):
            app.set_focus(app.screen.query_one(field, Input))
            await pilot.press("end", *["backspace"] * 12, *value)
        await wait_for(pilot, lambda: "ends the next day" in text_of(
            app.screen.query_one("#span")), "the next-day hint")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, EntryEditor), "saved")
    row = await db.fetchrow("SELECT start_time, end_time, duration_minutes FROM log_entries "
                            "WHERE user_id = $1::uuid AND title = 'Night deploy'", alice.id)
    assert row["start_time"].isoformat() == "2025-03-13T23:00:00+00:00"
    assert row["end_time"].isoformat() == "2025-03-14T01:00:00+00:00"
    assert row["duration_minutes"] == 120


# -- bug 8: settings does not trap the keyboard ------------------------------------------------
async def test_number_keys_leave_settings_and_escape_leaves_a_field(api_url, alice, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen)
                       and app.screen.query_one("#timezone", Input).value == "UTC", "settings")
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), "settings")
        tz = app.screen.query_one("#timezone", Input)
        app.set_focus(tz)
        await pilot.press("escape", "1")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        assert tz.value == "UTC"


# -- bug 9: a timer under a minute -------------------------------------------------------------
async def test_stopping_a_timer_under_a_minute_asks_first(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, StartTimerModal), "timer modal")
        await pilot.press(*"Quick check", "enter")
        await wait_for(pilot, lambda: app.timer is not None
                       and isinstance(app.screen, DashboardScreen), "timer running")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "kept running")
        assert app.timer is not None
        assert await db.fetchval("SELECT count(*) FROM active_timers WHERE user_id = "
                                 "$1::uuid", alice.id) == 1
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "asked again")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.timer is None, "stopped")
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid AND "
                             "title = 'Quick check'", alice.id) == 1


# -- bug 10: projects can be deleted; archived ones are not offered ----------------------------
async def test_delete_a_project_and_keep_one_with_entries(api_url, alice, db, tmp_path):
    ids = {}
    for name in ("Has work", "Empty idea"):
        r = await alice.post("/v1/projects", json={"name": name})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    r = await alice.post("/v1/logs", json={
        "title": "Some work", "type": "code", "project_id": ids["Has work"],
        "start_time": "2025-03-13T09:00:00+00:00", "end_time": "2025-03-13T10:00:00+00:00"})
    assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectsScreen)
                       and len(app.screen.projects) == 2, "projects")
        screen = app.screen
        order = [p["name"] for p in screen.projects]
        screen.query_one("#projects").move_cursor(row=order.index("Has work"))
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.press("y")
        # One entry, in the singular (it read "still has 1 entries").
        kept = "“Has work” still has 1 entry, so it was not deleted: move or delete that entry"
        await wait_for(pilot, lambda: kept in text_of(screen.query_one("#message")),
                       "why it was kept")
        screen.query_one("#projects").move_cursor(row=order.index("Empty idea"))
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(screen.projects) == 1, "list reloaded")
    names = [r["name"] for r in await db.fetch(
        "SELECT name FROM projects WHERE owner_id = $1::uuid", alice.id)]
    assert names == ["Has work"]


async def test_archived_projects_are_not_offered_for_a_timer(api_url, alice, tmp_path):
    for name, status in (("Live one", "active"), ("Old one", "completed")):
        r = await alice.post("/v1/projects", json={"name": name, "status": status})
        assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await app.load_projects()
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, StartTimerModal), "timer modal")
        select = app.screen.query_one("#project_id", Select)
        offered = [str(prompt) for prompt, _ in select._options if _ is not Select.NULL]
        assert "Live one" in offered
        assert "Old one" not in offered


# -- bug 11: the palette lists every screen's actions ------------------------------------------
async def test_palette_on_the_dashboard_finds_other_screens_actions(api_url, alice, tmp_path):
    from textual.command import CommandList

    # Something to report this week (the report covers the server's current week, in Alice's
    # zone, UTC). Placed from the week's Monday, not from now: "an hour ago" is last week for
    # the first hour of a Monday (a full run once hit it at 00:13). The next week's Monday too, in
    # case the week turns between this and the request.
    now = datetime.now(UTC)
    monday = datetime(now.year, now.month, now.day, 9, tzinfo=UTC) - timedelta(days=now.weekday())
    for start in (monday, monday + timedelta(days=7)):
        r = await alice.post("/v1/logs", json={
            "title": "Worth reporting", "type": "code", "start_time": start.isoformat(),
            "end_time": (start + timedelta(hours=1)).isoformat()})
        assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"generate report")

        def prompts() -> list[str]:
            options = app.screen.query_one(CommandList).options
            return [text_of_prompt(o.prompt) for o in options]

        await wait_for(pilot, lambda: any("Generate report" in p for p in prompts()),
                       "Reports: Generate report")
        wanted = next(i for i, p in enumerate(prompts()) if "Generate report" in p)
        app.screen.query_one(CommandList).highlighted = wanted
        await pilot.press("enter")
        from tui.screens.reports import ReportsScreen

        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen)
                       and app.screen.watching, "the report requested from the dashboard")


def text_of_prompt(prompt) -> str:
    return getattr(prompt, "plain", None) or str(prompt)


# -- analytics explains its metrics ----------------------------------------------------------
async def test_analytics_explains_each_metric(api_url, seeded, tmp_path):
    from tests.tui.conftest import FROZEN, login
    from tui.screens.analytics import METRICS, AnalyticsScreen

    app = make_app(tmp_path, api_url, login(api_url, seeded["email"]), clock=FROZEN)
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(app, pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, AnalyticsScreen)
                       and "Peak hour" in text_of(app.screen.query_one("#metrics")), "metrics")
        await app.workers.wait_for_complete()
        shown = " ".join(text_of(app.screen.query_one("#metrics")).split())
        for _key, label, _fmt, meaning in METRICS:
            assert label in shown
            assert " ".join(meaning.split()) in shown, meaning
        assert shown.count("Good:") == 9
        # The totals line is whole at 80 columns (it read "6h30…").
        widget = app.screen.query_one("#a-totals")
        totals = text_of(widget).strip()
        assert "entries over" in totals
        needed = widget.get_content_height(widget.content_region.size, app.size,
                                           widget.content_region.width)
        assert needed <= max(widget.content_region.height, 1) or \
            len(totals) <= widget.content_region.width, (totals, widget.content_region)


# -- the Today table gives titles the room a wide terminal has ------------------------------
async def test_today_shows_whole_titles_when_wide_and_keeps_project_when_narrow(
        api_url, alice, tmp_path, monkeypatch):
    from textual.widgets import DataTable

    from tests.tui.conftest import FROZEN

    monkeypatch.setenv("TZ", "UTC")
    title = "Rotate the staging TLS certs"  # 28 characters: it used to be cut at 18
    r = await alice.post("/v1/projects", json={"name": "auth-modernization"})
    assert r.status_code == 201, r.text
    r = await alice.post("/v1/logs", json={
        "title": title, "type": "ops", "project_id": r.json()["id"],
        "start_time": "2025-03-13T09:00:00+00:00", "end_time": "2025-03-13T10:00:00+00:00"})
    assert r.status_code == 201, r.text
    app = make_app(tmp_path, api_url, session_of(alice), clock=FROZEN)

    def columns() -> dict[str, int]:
        table = app.screen.query_one("#today", DataTable)
        shown = {str(c.label): c.width for c in table.columns.values()}
        # Every column fits: no sideways scrolling to find the project.
        assert sum(c.get_render_width(table) for c in table.columns.values()) \
            <= table.scrollable_content_region.width
        return shown

    async with app.run_test(size=(140, 42)) as pilot:
        await _dashboard(app, pilot)
        await wait_for(pilot, lambda: app.screen.query_one("#today", DataTable).row_count == 1,
                       "today's entry")
        wide = columns()
        assert list(wide) == ["When", "Time", "Type", "Title", "Project"]
        assert wide["Title"] >= 30 and wide["Project"] >= len("auth-modernization")

        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: "Time" not in columns(), "the narrow layout")
        narrow = columns()
        assert list(narrow) == ["When", "Title", "Project"] and narrow["Project"] >= 6
        assert app.screen.query_one("#today", DataTable).get_row_at(0)[1].plain == title

        await pilot.resize_terminal(140, 42)
        await wait_for(pilot, lambda: columns() == wide, "the wide layout again")
