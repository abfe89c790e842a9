"""Issue 12 bug 15: timer starts and stops made without a server are queued in the outbox
like entries and delivered exactly once when it is back (real API, stopped and restarted)."""

from __future__ import annotations

from datetime import timedelta

from tests.tui.conftest import FROZEN, SIZE, make_app, wait_for
from tests.tui.test_flows import session_of
from tui.screens.confirm import ConfirmModal
from tui.screens.dashboard import DashboardScreen
from tui.screens.timer import StartTimerModal


async def _start_timer(app, pilot, title: str) -> None:
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, StartTimerModal), "timer modal")
    await pilot.press(*title, "enter")
    await wait_for(pilot, lambda: app.timer is not None
                   and isinstance(app.screen, DashboardScreen), "timer running")


async def _flush_twice(app, pilot) -> None:
    await pilot.press("o")
    await wait_for(pilot, lambda: not app.outbox.items, "outbox delivered")
    await pilot.press("o")  # a second flush must not send anything again
    await pilot.pause(0.5)
    await app.workers.wait_for_complete()


async def test_a_timer_started_and_stopped_offline_becomes_one_entry(
        api_url, api_server, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice), clock=FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await app.workers.wait_for_complete()
        api_server.stop()
        try:
            await _start_timer(app, pilot, "Offline pairing")
            assert app.timer["queued"]
            assert [i["kind"] for i in app.outbox.pending] == ["timer_start"]
            assert "queued" in app.status[1]
            app.clock.at = FROZEN + timedelta(minutes=30)
            await pilot.press("x")
            await wait_for(pilot, lambda: app.timer is None, "stopped")
            assert [i["kind"] for i in app.outbox.pending] == ["entry"]
        finally:
            api_server.start()
        await _flush_twice(app, pilot)
    rows = await db.fetch("SELECT start_time, duration_minutes FROM log_entries "
                          "WHERE user_id = $1::uuid AND title = 'Offline pairing'", alice.id)
    assert [(r["start_time"], r["duration_minutes"]) for r in rows] == [(FROZEN, 30)]
    assert await db.fetchval("SELECT count(*) FROM active_timers WHERE user_id = $1::uuid",
                             alice.id) == 0


async def test_a_timer_started_offline_runs_on_the_server_once_it_is_back(
        api_url, api_server, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await app.workers.wait_for_complete()
        api_server.stop()
        try:
            await _start_timer(app, pilot, "Long task")
        finally:
            api_server.start()
        await _flush_twice(app, pilot)
        assert await db.fetchval("SELECT title FROM active_timers WHERE user_id = $1::uuid",
                                 alice.id) == "Long task"
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "under a minute")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.timer is None, "stopped")
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid AND "
                             "title = 'Long task'", alice.id) == 1


async def test_a_stop_made_offline_is_delivered_once(api_url, api_server, alice, db, tmp_path):
    app = make_app(tmp_path, api_url, session_of(alice))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await _start_timer(app, pilot, "Started online")
        api_server.stop()
        try:
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), "question")
            await pilot.press("y")
            await wait_for(pilot, lambda: app.timer is None, "stopped here")
            assert [i["kind"] for i in app.outbox.pending] == ["timer_stop"]
        finally:
            api_server.start()
        await _flush_twice(app, pilot)
    assert await db.fetchval("SELECT count(*) FROM log_entries WHERE user_id = $1::uuid AND "
                             "title = 'Started online'", alice.id) == 1
    assert await db.fetchval("SELECT count(*) FROM active_timers WHERE user_id = $1::uuid",
                             alice.id) == 0
