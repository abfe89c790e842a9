"""A snapshot of every screen at 140x42 and at 80x24, driven by key presses against the real
API (seeded user, frozen clock), plus the error states: server down and a validation error
on a field."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui.conftest import FROZEN, login, make_app

DOWN_URL = "http://127.0.0.1:9"  # the discard port: connection refused, at once


@pytest.fixture(params=[(140, 42), (80, 24)], ids=["140x42", "80x24"])
def size(request) -> tuple[int, int]:
    return request.param


def keys(*presses: str, wait_for_data: bool = True):
    async def run(pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        # Tables size their columns on a later refresh than the one that adds their rows; on
        # a loaded machine a key pressed too soon froze a half-laid-out table in the picture.
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.5)
        for key in presses:
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await pilot.app.workers.wait_for_complete()
        # A blinking cursor would make the picture depend on the moment it is taken.
        for inp in pilot.app.screen.query(Input):
            inp.cursor_blink = False
        await pilot.pause()
    return run


@pytest.fixture
def seeded_app(api_url, seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    return make_app(tmp_path, api_url, login(api_url, seeded["email"]), clock=FROZEN)


def test_login_first_run(snap_compare, tmp_path, monkeypatch, size):
    monkeypatch.setenv("TZ", "UTC")
    app = make_app(tmp_path, "")
    assert snap_compare(app, terminal_size=size, run_before=keys())


def test_register_tab(snap_compare, tmp_path, monkeypatch, size):
    monkeypatch.setenv("TZ", "UTC")
    app = make_app(tmp_path, "")
    assert snap_compare(app, terminal_size=size, run_before=keys("ctrl+r"))


def test_dashboard(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys())


def test_entries(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("2"))


def test_entries_filtered(snap_compare, seeded_app, size):
    presses = ("2", "f", "enter", "down", "down", "enter")  # the preset "Yesterday" (12 Mar)
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys(*presses))


def test_entry_editor(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("2", "down", "e"))


def test_entry_editor_validation_error_on_field(snap_compare, seeded_app, size):
    presses = ("2", "down", "e", "tab", "tab", "tab", "tab", "tab", "tab", "tab",
               "end", *["backspace"] * 5, *"08:00", "ctrl+s")
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys(*presses))


def test_quick_add_preview(snap_compare, seeded_app, size):
    line = '1h30 code "Fix token refresh race" @auth-modernization #bug-fix value:high'
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("a", *line))


def test_quick_add_unknown_project(snap_compare, seeded_app, size):
    line = '45m ops "Deploy" @platform'
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("a", *line))


def test_start_timer_modal(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("s", *"Pairing"))


def test_backfill_modal(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("b", *"45m"))


def test_projects(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("3"))


def test_tags(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("3", "t"))


def test_project_editor(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("3", "e"))


def test_analytics(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("4"))


def test_reports(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("5"))


def test_settings(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("6"))


def test_help(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("question_mark"))


def test_command_palette(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size,
                        run_before=keys("ctrl+p", *"report"))


def test_delete_confirmation(snap_compare, seeded_app, size):
    assert snap_compare(seeded_app, terminal_size=size, run_before=keys("2", "delete"))


def test_server_down(snap_compare, api_url, seeded, tmp_path, monkeypatch, size):
    monkeypatch.setenv("TZ", "UTC")
    app = make_app(tmp_path, DOWN_URL, login(api_url, seeded["email"]), clock=FROZEN)
    assert snap_compare(app, terminal_size=size, run_before=keys())
