"""Data in and out from the keyboard, against the real API: export files land in the chosen
folder, a calendar's checked events become entries, and the account screen schedules,
cancels and performs the account's deletion."""

from __future__ import annotations

import csv
import io
import json

from tests.support.users import ApiUser
from tests.tui.conftest import FROZEN, SIZE, make_app, text_of, wait_for
from tests.tui.test_flows import session_of, type_text
from tui.screens.account import AccountScreen
from tui.screens.calendar_import import CHECKED, UNCHECKED, ImportScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.export import ExportScreen
from tui.screens.login import LoginScreen
from tui.screens.settings import SettingsScreen

WEEK = [("2025-03-10T09:00:00+00:00", "2025-03-10T11:30:00+00:00", "code", "Token rotation"),
        ("2025-03-12T14:00:00+00:00", "2025-03-12T15:00:00+00:00", "review", "=SUM(A1)"),
        ("2025-03-20T10:00:00+00:00", "2025-03-20T11:00:00+00:00", "docs", "Next week")]


async def _log_week(user: ApiUser) -> None:
    for start, end, kind, title in WEEK:
        r = await user.post("/v1/logs", json={"title": title, "type": kind,
                                              "start_time": start, "end_time": end})
        assert r.status_code == 201, r.text


def _session(user: ApiUser) -> dict:
    session = session_of(user)
    session["user"]["email"] = user.email
    return session


async def _open(pilot, app, key: str, screen_type) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, screen_type), screen_type.__name__)


def _saved_text(app, panel: str) -> str:
    return text_of(app.screen.query_one(f"#{panel} .dl-status"))


async def test_export_csv_of_this_week_into_the_documents_folder(api_url, alice, tmp_path,
                                                                 monkeypatch):
    docs = tmp_path / "Documents"
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(docs))
    await _log_week(alice)
    app = make_app(tmp_path, api_url, _session(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, "E", ExportScreen)
        assert app.screen.query_one("#x-folder").value == str(docs)
        assert app.screen.query_one("#x-start").value == "2025-03-10"  # this week, frozen
        await pilot.press("enter", "down", "enter")  # format: PDF -> CSV
        await wait_for(pilot, lambda: app.screen.query_one("#x-format").value == "csv", "csv")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Saved to" in _saved_text(app, "x-download"),
                       "the file saved")
        shown = _saved_text(app, "x-download")
    [saved] = docs.iterdir()
    assert saved.name == "englog-entries-2025-03-10-to-2025-03-16.csv"
    assert str(saved) in shown.replace("\n", "")
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert [(r["title"], r["duration_minutes"]) for r in rows] == [
        ("Token rotation", "150"), ("'=SUM(A1)", "60")]


async def test_export_pdf_needs_a_period_and_then_lands_in_the_folder(api_url, alice,
                                                                      tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # the default is ~/Downloads
    await _log_week(alice)
    app = make_app(tmp_path, api_url, _session(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, "E", ExportScreen)
        app.screen.query_one("#x-start").clear()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "needs both ends" in text_of(
            app.screen.query_one("#err-period_start")), "the missing start named")
        app.screen.query_one("#x-start").focus()
        await type_text(pilot, "2025-03-10")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Saved to" in _saved_text(app, "x-download"),
                       "the PDF saved", limit=60)
    [saved] = (tmp_path / "Downloads").iterdir()
    assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")


async def test_export_error_from_the_server_is_shown_beside_the_field(api_url, alice,
                                                                      tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "docs"))
    app = make_app(tmp_path, api_url, _session(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, "E", ExportScreen)
        app.screen.query_one("#x-end").clear()
        app.screen.query_one("#x-end").focus()
        await type_text(pilot, "2025-02-30")
        await pilot.press("enter")
        await wait_for(pilot, lambda: text_of(app.screen.query_one("#err-period_end")),
                       "the server's 422 beside To")
        assert isinstance(app.screen, ExportScreen)
    assert not (tmp_path / "docs").exists() or not list((tmp_path / "docs").iterdir())


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//EngLog tests//EN
BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20250301T000000Z
DTSTART:20250310T090000Z
DTEND:20250310T091500Z
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Team standup
END:VEVENT
BEGIN:VEVENT
UID:one-on-one@example.com
DTSTAMP:20250301T000000Z
DTSTART:20250311T130000Z
DTEND:20250311T133000Z
SUMMARY:1:1 with Sam
END:VEVENT
BEGIN:VEVENT
UID:offsite@example.com
DTSTAMP:20250301T000000Z
DTSTART;VALUE=DATE:20250313
DTEND;VALUE=DATE:20250314
SUMMARY:Offsite
END:VEVENT
END:VCALENDAR
"""


def write_ics(folder) -> str:
    path = folder / "team.ics"
    path.write_text(ICS.replace("\n", "\r\n"))
    return str(path)


async def test_import_previews_then_creates_only_the_checked_events(api_url, alice, db,
                                                                    tmp_path):
    path = write_ics(tmp_path)
    app = make_app(tmp_path, api_url, _session(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, "I", ImportScreen)
        await type_text(pilot, path)
        await pilot.press("tab")
        await type_text(pilot, "2025-03-10")
        await pilot.press("tab")
        await type_text(pilot, "2025-03-16")
        await pilot.press("enter")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.events) == 5, "the dry run in the table")
        table = screen.query_one("#i-events")
        assert [table.get_row_at(i)[0] for i in range(5)].count(CHECKED) == 4
        assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid",
                                 alice.id) == 0  # a preview writes nothing
        # Uncheck the second standup (rows are in time order), then import.
        await wait_for(pilot, lambda: table.has_focus, "table focused")
        await pilot.press("down", "space")
        assert table.get_row_at(1)[0] == UNCHECKED
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "3 created" in text_of(screen.query_one("#i-summary")),
                       "the import's result")
        statuses = [table.get_row_at(i)[4] for i in range(table.row_count)]
        assert statuses == ["created", "unselected", "created", "created", "skipped: all-day"]
    rows = await db.fetch("SELECT title, type, start_time FROM log_entries "
                          "WHERE user_id = $1::uuid ORDER BY start_time", alice.id)
    assert [(r["title"], r["type"], r["start_time"].day) for r in rows] == [
        ("Team standup", "meeting", 10), ("1:1 with Sam", "mentoring", 11),
        ("Team standup", "meeting", 12)]


async def test_import_names_a_missing_file_beside_the_path(api_url, alice, tmp_path):
    app = make_app(tmp_path, api_url, _session(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, "I", ImportScreen)
        await type_text(pilot, str(tmp_path / "nope.ics"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "no such file" in text_of(
            app.screen.query_one("#err-file")), "the error under the path")


async def _open_account(pilot, app) -> AccountScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.press("6")
    await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen), "settings")
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(app.screen, AccountScreen), "account screen")
    screen = app.screen
    await wait_for(pilot, lambda: "No deletion" in text_of(screen.query_one("#a-deletion")),
                   "deletion state")
    return screen


async def _press_button(pilot, screen, button: str) -> None:
    screen.query_one(button).focus()
    await pilot.press("enter")


async def test_account_exports_my_data_and_schedules_then_cancels_deletion(
        api_url, alice, db, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "mine"))
    await _log_week(alice)
    app = make_app(tmp_path, api_url, _session(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_account(pilot, app)
        await pilot.press("enter")  # the focused "Export my data (JSON)"
        await wait_for(pilot, lambda: "Saved to" in _saved_text(app, "a-download"),
                       "my data saved")

        screen.query_one("#a-days").clear()
        screen.query_one("#a-days").focus()
        await type_text(pilot, "14")
        await _press_button(pilot, screen, "#a-schedule")
        await wait_for(pilot, lambda: "will be deleted on" in text_of(
            screen.query_one("#a-deletion")), "the scheduled date")
        row = await db.fetchrow("SELECT status, scheduled_for - requested_at AS after "
                                "FROM scheduled_deletions WHERE user_id = $1::uuid", alice.id)
        assert row["status"] == "pending" and row["after"].days == 14

        await _press_button(pilot, screen, "#a-cancel")
        await wait_for(pilot, lambda: "No deletion" in text_of(
            screen.query_one("#a-deletion")), "cancelled")
    assert await db.fetchval("SELECT status FROM scheduled_deletions WHERE user_id = $1::uuid",
                             alice.id) == "cancelled"
    [saved] = (tmp_path / "mine").iterdir()
    doc = json.loads(saved.read_text())
    assert doc["user_profile"][0]["email"] == alice.email
    assert {e["title"] for e in doc["log_entries"]} == {t for *_, t in WEEK}


async def test_account_delete_now_needs_the_email_and_password(api_url, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, _session(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_account(pilot, app)
        delete = screen.query_one("#a-delete")
        screen.query_one("#a-email").focus()
        await type_text(pilot, "someone@else.example")
        await pilot.press("tab")
        await type_text(pilot, alice.password)
        assert delete.disabled  # the email does not match
        screen.query_one("#a-email").clear()
        screen.query_one("#a-email").focus()
        await type_text(pilot, alice.email.upper())
        await pilot.press("tab", "end", "backspace")  # now a wrong password
        assert not delete.disabled
        await _press_button(pilot, screen, "#a-delete")
        await wait_for(pilot, lambda: "incorrect password" in text_of(
            screen.query_one("#err-current_password")), "wrong password beside the field")
        assert await db.fetchval("SELECT count(*) FROM users WHERE id = $1::uuid", alice.id)

        screen.query_one("#a-password").focus()
        await pilot.press("end")  # focusing selects the text; keep it, add the last letter
        await type_text(pilot, alice.password[-1])
        await _press_button(pilot, screen, "#a-delete")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), "back at login")
        assert "were deleted" in text_of(app.screen.query_one("#message"))
        assert not app.tokens.present
    assert await db.fetchval("SELECT count(*) FROM users WHERE id = $1::uuid", alice.id) == 0
