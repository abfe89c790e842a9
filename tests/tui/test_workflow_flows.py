"""Pilot flows for issue 12's workflow features, against the real API: undo (ctrl+z after a
delete or an edit), timer switch / restart / edit, overlap warnings in the editor and the
quick-add preview, and the end-of-day reminder settings. Key presses in, rows out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.users import ApiUser
from tests.tui.conftest import SIZE, make_app, text_of, wait_for
from tests.tui.test_flows import session_of, type_text
from tui.screens.dashboard import DashboardScreen
from tui.screens.entries import EntriesScreen
from tui.screens.entry_editor import EntryEditor
from tui.screens.quick_add import QuickAddModal
from tui.screens.settings import SettingsScreen
from tui.screens.timer_workflow import EditTimerModal, SwitchTimerModal


async def stored_entry(db, entry_id: str):
    row = await db.fetchrow("SELECT * FROM log_entries WHERE id = $1::uuid", entry_id)
    tags = await db.fetch("SELECT t.name FROM log_entry_tags lt JOIN tags t ON t.id = lt.tag_id "
                          "WHERE lt.log_entry_id = $1::uuid ORDER BY t.name", entry_id)
    return (dict(row) if row else None), [t["name"] for t in tags]


async def seed_entry(user: ApiUser, title="Review the queue PR", **extra):
    body = {"title": title, "type": "review", "tags": ["queue", "pr"],
            "description": "SKIP LOCKED", "value_rating": "high", "impact_level": "team",
            "start_time": "2025-03-13T09:00:00+00:00", "end_time": "2025-03-13T10:00:00+00:00",
            **extra}
    r = await user.post("/v1/logs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def toasts(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def open_entries(app, pilot) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.press("2")
    await wait_for(pilot, lambda: isinstance(app.screen, EntriesScreen) and app.screen.items,
                   "entries listed")


# --- undo -----------------------------------------------------------------------------------

async def test_ctrl_z_after_delete_restores_the_entry_exactly(api_url, alice, db, tmp_path):
    entry = await seed_entry(alice)
    before = await stored_entry(db, entry["id"])
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await open_entries(app, pilot)
        await pilot.press("delete")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Press ctrl+z to undo" in toasts(app), "undo toast")
        assert await stored_entry(db, entry["id"]) == (None, [])
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "Restored “Review the queue PR”" in toasts(app),
                       "restored")
        await wait_for(pilot, lambda: [e["id"] for e in app.screen.items] == [entry["id"]],
                       "the entry listed again")
    assert await stored_entry(db, entry["id"]) == before


async def test_ctrl_z_after_edit_writes_back_the_previous_version(api_url, alice, db, tmp_path):
    entry = await seed_entry(alice, title="Old title")
    before = await stored_entry(db, entry["id"])
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await open_entries(app, pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor), "editor")
        await pilot.press("end", *["backspace"] * len("Old title"))
        await type_text(pilot, "New title")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, EntriesScreen)
                       and "Edited “Old title”" in toasts(app), "edited, undo offered")
        assert (await stored_entry(db, entry["id"]))[0]["title"] == "New title"
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "Restored" in toasts(app), "restored")
    assert await stored_entry(db, entry["id"]) == before


async def test_undo_key_can_be_remapped_and_expires(api_url, alice, db, tmp_path):
    entry = await seed_entry(alice)
    app = make_app(tmp_path, api_url, session_of(alice), keymap={"app.undo": "ctrl+u"})
    async with app.run_test(size=SIZE) as pilot:
        await open_entries(app, pilot)
        await pilot.press("delete")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Press ctrl+u to undo" in toasts(app), "remapped key")
        await pilot.press("ctrl+z")  # the old key no longer undoes
        await pilot.pause(0.3)
        assert await stored_entry(db, entry["id"]) == (None, [])
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: "Restored" in toasts(app), "restored with ctrl+u")
        assert (await stored_entry(db, entry["id"]))[0] is not None
        # A second delete, with an offer that has run out: the key does nothing.
        app.undo_seconds = 0.0
        await pilot.press("delete")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.screen.items, "deleted again")
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: "Nothing to undo." in toasts(app), "expired")
    assert await stored_entry(db, entry["id"]) == (None, [])


# --- timer workflow -------------------------------------------------------------------------

async def timer_row(db, user):
    return await db.fetchrow("SELECT * FROM active_timers WHERE user_id = $1::uuid", user.id)


async def test_switch_logs_the_running_timer_and_starts_the_next(api_url, alice, db, tmp_path):
    assert (await alice.post("/v1/timers/start", json={"title": "Write the migration"})
            ).status_code == 201
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen)
                       and app.timer is not None, "dashboard with timer")
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchTimerModal), "switch modal")
        await type_text(pilot, "Standup")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (app.timer or {}).get("title") == "Standup",
                       "now timing the next")
        await wait_for(pilot, lambda: "Standup" in text_of(
            app.screen.query_one("#timer-panel")), "timer panel shows the next")
    rows = await db.fetch("SELECT title, end_time FROM log_entries WHERE user_id = $1::uuid",
                          alice.id)
    assert [r["title"] for r in rows] == ["Write the migration"]
    timer = await timer_row(db, alice)
    assert timer["title"] == "Standup" and timer["started_at"] == rows[0]["end_time"]


async def test_switch_from_an_untitled_timer_asks_for_its_title(api_url, alice, db, tmp_path):
    assert (await alice.post("/v1/timers/start")).status_code == 201
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen)
                       and app.timer is not None, "dashboard with timer")
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchTimerModal), "switch modal")
        await type_text(pilot, "Next thing")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "title is needed" in text_of(
            app.screen.query_one("#err-stopped_title")), "error under the stopped title")
        app.screen.query_one("#stopped_title").focus()
        await type_text(pilot, "Inbox triage")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: (app.timer or {}).get("title") == "Next thing", "switched")
    assert [r["title"] for r in await db.fetch(
        "SELECT title FROM log_entries WHERE user_id = $1::uuid", alice.id)] == ["Inbox triage"]


async def test_restart_key_starts_the_last_entry_again(api_url, alice, db, tmp_path):
    await seed_entry(alice, title="Older", start_time="2025-03-12T09:00:00+00:00",
                     end_time="2025-03-12T10:00:00+00:00")
    await seed_entry(alice, title="Latest")
    app = make_app(tmp_path, api_url, session_of(alice), keymap={"timer.restart": "ctrl+t"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: (app.timer or {}).get("title") == "Latest", "restarted")
        await pilot.press("ctrl+t")  # already running: said, not done twice
        await wait_for(pilot, lambda: "already running" in toasts(app), "409 explained")
    timer = await timer_row(db, alice)
    assert (timer["title"], timer["type"], timer["description"]) == ("Latest", "review",
                                                                     "SKIP LOCKED")


async def test_edit_running_timer_start_and_title(api_url, alice, db, tmp_path):
    assert (await alice.post("/v1/timers/start", json={"title": "Draft"})).status_code == 201
    app = make_app(tmp_path, api_url, session_of(alice))  # the real clock: the API's "now"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen)
                       and app.timer is not None, "dashboard with timer")
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, EditTimerModal), "edit modal")
        assert app.screen.query_one("#title").value == "Draft"
        # Tomorrow: refused beside the field, nothing changes.
        future = (app.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
        field = app.screen.query_one("#started_at")
        field.value = future
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "future" in text_of(
            app.screen.query_one("#err-started_at")), "error under Started at")
        assert (await timer_row(db, alice))["title"] == "Draft"
        earlier = (app.now() - timedelta(minutes=45)).replace(second=0, microsecond=0)
        field.value = f"{earlier:%H:%M}"
        app.screen.query_one("#title").value = "Design review"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, EditTimerModal), "saved")
    timer = await timer_row(db, alice)
    assert timer["title"] == "Design review"
    assert timer["started_at"] == earlier.astimezone(UTC)


# --- overlap warnings -----------------------------------------------------------------------

async def test_editor_warns_about_an_overlap_and_still_saves(api_url, alice, db, tmp_path):
    await seed_entry(alice, title="Sprint planning")
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor), "editor")
        await type_text(pilot, "Hotfix call")
        editor = app.screen
        editor.query_one("#date").value = "2025-03-13"
        editor.query_one("#start_time").value = "09:30"
        editor.query_one("#end_time").value = "10:15"
        await wait_for(pilot, lambda: "Overlaps “Sprint planning” Thu 09:00–10:00" in text_of(
            editor.query_one("#overlap")), "overlap warning")
        # Not overlapping any more: the warning goes away.
        editor.query_one("#start_time").value = "10:00"
        await wait_for(pilot, lambda: not editor.query_one("#overlap").items, "warning cleared")
        editor.query_one("#start_time").value = "09:30"
        await wait_for(pilot, lambda: editor.query_one("#overlap").items, "warning again")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, EntryEditor), "saved anyway")
    titles = {r["title"] for r in await db.fetch(
        "SELECT title FROM log_entries WHERE user_id = $1::uuid", alice.id)}
    assert titles == {"Sprint planning", "Hotfix call"}


async def test_quick_add_preview_warns_about_an_overlap(api_url, alice, db, tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    await seed_entry(alice, title="On-call handover",
                     start_time=(now - timedelta(hours=1)).isoformat(),
                     end_time=(now - timedelta(minutes=10)).isoformat())
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, QuickAddModal), "quick add")
        await type_text(pilot, '30m code "Fix flaky test"')
        await wait_for(pilot, lambda: "Overlaps “On-call handover”" in text_of(
            app.screen.query_one("#overlap")), "overlap in the preview")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuickAddModal), "saved")
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                             alice.id) == 2


# --- end-of-day reminder settings -----------------------------------------------------------

async def test_reminder_settings_round_trip(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen)
                       and app.screen.query_one("#end_of_day_reminder_time").value == "17:30",
                       "settings loaded")
        app.screen.query_one("#end_of_day_reminder_email").value = True
        app.screen.query_one("#end_of_day_reminder_time").value = "18:45"
        await app.screen.action_save()
        await wait_for(pilot, lambda: "Settings saved." in toasts(app), "saved")
    import json

    prefs = json.loads(await db.fetchval("SELECT preferences FROM users WHERE id = $1::uuid",
                                         alice.id))
    assert prefs["end_of_day_reminder_email"] is True
    assert prefs["end_of_day_reminder_time"] == "18:45"
