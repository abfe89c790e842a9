"""Snapshots of the data screens (export, calendar import, account) at 140x42 and 80x24,
driven by key presses against the real API (seeded user, frozen clock)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import FROZEN, login, make_app
from tests.tui.test_data_flows import ICS
from tests.tui.test_snapshots import keys

SIZES = [pytest.param((140, 42), id="140x42"), pytest.param((80, 24), id="80x24")]


@pytest.fixture
def data_app(api_url, seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    # A fixed folder in the picture; nothing is exported in these tests.
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", "/home/ada/Documents")
    return make_app(tmp_path, api_url, login(api_url, seeded["email"]), clock=FROZEN)


@pytest.mark.parametrize("size", SIZES)
def test_export_screen(snap_compare, data_app, size):
    assert snap_compare(data_app, terminal_size=size, run_before=keys("E"))


@pytest.mark.parametrize("size", SIZES)
def test_import_screen(snap_compare, data_app, size):
    assert snap_compare(data_app, terminal_size=size, run_before=keys("I"))


@pytest.mark.parametrize("size", SIZES)
def test_import_preview(snap_compare, data_app, size, tmp_path, monkeypatch):
    # A relative path, so the picture does not show the temporary folder.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.ics").write_text(ICS.replace("\n", "\r\n"))
    presses = ("I", *"team.ics", "tab", *"2025-03-10", "tab", *"2025-03-16", "enter", "down",
               "space")
    assert snap_compare(data_app, terminal_size=size, run_before=keys(*presses))


@pytest.mark.parametrize("size", SIZES)
def test_account_screen(snap_compare, data_app, size):
    assert snap_compare(data_app, terminal_size=size, run_before=keys("6", "ctrl+o"))
