"""The Entries screen against the real API: the project filter (issue 12 bug 1), per-day
subtotals, a custom date range, one key clearing every filter, all columns at 80x24, and the
list kept on screen when the server is gone (bug 15)."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable, Input, Select

from tests.tui.conftest import FROZEN, SIZE, count_requests, login, make_app, wait_for
from tui.screens.dashboard import DashboardScreen
from tui.screens.entries import EntriesScreen

BILLING_TITLES = {"Review billing export PR"}


async def _entries(app, pilot) -> EntriesScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.press("2")
    await wait_for(pilot, lambda: isinstance(app.screen, EntriesScreen)
                   and len(app.screen.items) == 9, "all nine entries")
    return app.screen


def _titles(screen: EntriesScreen) -> set[str]:
    return {e["title"] for e in screen.items}


def _row_texts(screen: EntriesScreen) -> list[str]:
    table = screen.query_one("#entries", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_project_filter_shows_only_that_project_with_bounded_requests(
        api_url, seeded, tmp_path):
    app = make_app(tmp_path, api_url, login(api_url, seeded["email"]), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _entries(app, pilot)
        await app.workers.wait_for_complete()
        requests = count_requests(app)
        screen.query_one("#f-project", Select).value = seeded["projects"]["billing"]
        await wait_for(pilot, lambda: _titles(screen) == BILLING_TITLES, "billing rows only")
        await asyncio.sleep(1.5)  # a feedback loop keeps reloading; a fixed one goes quiet
        await pilot.pause()
        assert _titles(screen) == BILLING_TITLES
        assert screen.query_one("#f-project", Select).value == seeded["projects"]["billing"]
        assert len(requests) <= 4, requests
        # ...and the next filter still works.
        screen.query_one("#f-project", Select).clear()
        await wait_for(pilot, lambda: len(screen.items) == 9, "all rows again")


async def test_days_have_subtotals_and_a_custom_range_and_c_clears_filters(
        api_url, seeded, tmp_path):
    app = make_app(tmp_path, api_url, login(api_url, seeded["email"]), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _entries(app, pilot)
        rows = _row_texts(screen)
        # 13 March: 1h30 + 45m + 1h = 3h15 over three entries, above that day's entries.
        day = next(i for i, r in enumerate(rows) if r.startswith("13 Mar 2025"))
        assert "3h15" in rows[day] and "Thursday" in rows[day] and "3 entries" in rows[day]
        assert "Refresh race fix" in " ".join(rows[day + 1:day + 4])
        table = screen.query_one("#entries", DataTable)
        assert [str(k.value) for k in table.rows if str(k.value).startswith("day:")] == [
            "day:2025-03-13", "day:2025-03-12", "day:2025-03-11", "day:2025-03-10"]

        app.set_focus(screen.query_one("#f-from", Input))
        await pilot.press(*"2025-03-11", "tab", *"2025-03-12", "enter")
        await wait_for(pilot, lambda: len(screen.items) == 4, "the two days of the range")
        assert screen.query_one("#f-period", Select).value == "custom"
        app.set_focus(screen.query_one("#f-tag", Input))
        await pilot.press(*"bug-fix", "enter")
        await wait_for(pilot, lambda: _titles(screen) == {"Flaky login test"}, "tag filter")

        await pilot.press("escape", "c")
        await wait_for(pilot, lambda: len(screen.items) == 9, "every filter cleared")
        assert [screen.query_one(i, Input).value for i in ("#f-from", "#f-to", "#f-tag",
                                                           "#f-q")] == ["", "", "", ""]
        assert screen.query_one("#f-period", Select).value == "all"


async def test_every_column_fits_at_80x24(api_url, seeded, tmp_path):
    app = make_app(tmp_path, api_url, login(api_url, seeded["email"]), clock=FROZEN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _entries(app, pilot)
        table = screen.query_one("#entries", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[-2:] == ["Value", "Impact"]
        assert "Title" in labels
        used = sum(c.get_render_width(table) for c in table.columns.values())
        assert used <= table.scrollable_content_region.width, (used, table.size)
        impact = table.columns["impact"]
        assert impact.width >= len("personal")


async def test_entries_stay_on_screen_when_the_server_is_gone(
        api_url, api_server, seeded, tmp_path):
    session = login(api_url, seeded["email"])
    app = make_app(tmp_path, api_url, session, clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await _entries(app, pilot)
    # A new start of the TUI while the server is down: the list as last loaded, not blank.
    api_server.stop()
    try:
        again = make_app(tmp_path, api_url, session, clock=FROZEN)
        async with again.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(again.screen, DashboardScreen), "dash")
            await pilot.press("2")
            await wait_for(pilot, lambda: isinstance(again.screen, EntriesScreen)
                           and len(again.screen.items) == 9, "the cached entries")
            table = again.screen.query_one("#entries", DataTable)
            assert "offline" in str(table.border_title)
            await pilot.press("r")  # a refresh while still offline keeps them too
            await pilot.pause(0.5)
            await again.workers.wait_for_complete()
            assert len(again.screen.items) == 9
    finally:
        api_server.start()
