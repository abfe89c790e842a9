"""The whole report path driven from the keyboard: the TUI asks the real API for a weekly
report, a real worker writes it with the embedded model, and the TUI renders the Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from textual.widgets import Markdown

from tests.support.stack import Stack, drop_stack_database, start_stack
from tests.support.users import register
from tests.tui.conftest import SIZE, make_app, request_report, text_of, wait_for
from tests.tui.test_flows import session_of


@pytest.fixture(scope="module")
def report_stack(api_env, tmp_path_factory) -> Iterator[Stack]:
    stack = start_stack(api_env, tmp_path_factory.mktemp("tui-report"), "tuireport")
    stack.start_worker()
    yield stack
    stack.stop()
    drop_stack_database(stack)


async def test_generate_weekly_report_and_read_it(report_stack: Stack, tmp_path) -> None:
    async with httpx.AsyncClient(base_url=report_stack.api.url, timeout=30) as client:
        user = await register(client)
        for day, kind, minutes, title in ((10, "code", 150, "Token refresh rotation"),
                                          (11, "review", 60, "Review billing export"),
                                          (12, "mentoring", 45, "Pairing with Sam")):
            start = f"2025-03-{day}T09:00:00+00:00"
            end = f"2025-03-{day}T{9 + minutes // 60:02d}:{minutes % 60:02d}:00+00:00"
            r = await user.post("/v1/logs", json={
                "title": title, "type": kind, "start_time": start, "end_time": end,
                "value_rating": "high", "impact_level": "product"})
            assert r.status_code == 201, r.text

    app = make_app(tmp_path, report_stack.api.url, session_of(user))
    async with app.run_test(size=SIZE) as pilot:
        await request_report(pilot, app, "2025-03-10", "2025-03-16")
        # Issue 12 bug 13: the past-reports row follows the progress panel while the worker
        # runs (it said "running 0%" while the panel read 79%).
        report_id = app.screen.watching
        table = app.screen.query_one("#r-list")

        def row_matches_panel() -> bool:
            match = re.search(r"running · .* · (\d+)%", text_of(app.screen.query_one(
                "#r-stage")))
            return bool(match) and int(match.group(1)) > 0 and \
                str(table.get_cell(report_id, "status")) == f"running {match.group(1)}%"

        await wait_for(pilot, row_matches_panel, "the list row in step with the panel",
                       limit=600)
        # The embedded model writes five sections on a shared 2-core box: be patient.
        await wait_for(pilot, lambda: "completed" in text_of(app.screen.query_one("#r-stage")),
                       "the worker to finish the report", limit=600)
        md = app.screen.query_one("#r-markdown", Markdown)
        await wait_for(pilot, lambda: "Key Accomplishments" in md.source, "rendered report")
        shown = md.source
    # The facts part is written by code, so its figures are exact.
    assert "| Entries | 3 |" in shown
    assert "4.25 h (255 min)" in shown
    for section in ("Key Accomplishments", "Time Allocation Analysis", "Recommendations"):
        assert f"## {section}" in shown
    # Accomplishments cite their entries as plain bracketed text, which the Markdown view
    # shows as written (not a link, not markup).
    assert "[Token refresh rotation, 2025-03-10]" in shown
    async with httpx.AsyncClient(base_url=report_stack.api.url, timeout=30) as client:
        listed = (await client.get("/v1/insights", headers=user.headers)).json()["items"]
    assert [i["status"] for i in listed] == ["completed"]
