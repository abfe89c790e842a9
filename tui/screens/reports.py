"""Reports: pick a type and period, generate with live progress, read past reports."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Markdown, ProgressBar, Select, Static

from tui.api import endpoints as ep
from tui.keymap import key_of
from tui.screens.base import API_ERRORS, MainScreen
from tui.widgets.form import Field, show_errors

REPORT_TYPES = [(t, t) for t in ("daily", "weekly", "sprint", "monthly", "quarterly", "annual")]
POLL_SECONDS = 1.0
DONE = ("completed", "failed")


class ReportsScreen(MainScreen):
    SCOPE = "reports"
    AREA = "Reports"
    AUTO_FOCUS = "#r-list"

    def __init__(self) -> None:
        super().__init__()
        self.reports: list[dict[str, Any]] = []
        self.watching: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="reports"):
            with Vertical(id="reports-left"):
                with Vertical(id="report-form", classes="panel"):
                    # Compact (one-line) controls: the past-reports list keeps its rows at 80x24.
                    yield Field("Type", Select(REPORT_TYPES, value="weekly", allow_blank=False,
                                               id="r-type", compact=True), "report_type")
                    with Horizontal(classes="row"):
                        yield Field("From (optional)", Input(placeholder="YYYY-MM-DD",
                                                             id="r-start", compact=True),
                                    "period_start")
                        yield Field("To", Input(placeholder="YYYY-MM-DD", id="r-end",
                                                compact=True), "period_end")
                    yield Button(f"Generate ({key_of(self.app, 'reports.generate')})",
                                 id="r-generate", variant="primary", compact=True)
                    yield Static("", id="r-general")
                with Vertical(id="progress-box", classes="panel"):
                    yield Static("No report in progress.", id="r-stage")
                    yield ProgressBar(total=100, show_eta=False, id="r-progress")
                yield DataTable(id="r-list", cursor_type="row", classes="panel")
            with VerticalScroll(id="report-view", classes="panel"):
                yield Markdown("*Generate a report, or open one from the list with enter.*",
                               id="r-markdown")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#report-form").border_title = "New report"
        self.query_one("#progress-box").border_title = "Progress"
        t = self.query_one("#r-list", DataTable)
        t.border_title = "Past reports"
        for label in ("Type", "Period", "Status", "Title"):
            t.add_column(label, key=label.lower())
        self.query_one("#report-view").border_title = "Report"

    async def load(self) -> None:
        page = await ep.list_reports(self.englog.api)
        self.reports = page.get("items", [])
        t = self.query_one("#r-list", DataTable)
        t.clear()
        for r in self.reports:
            t.add_row(r.get("report_type", ""), period_label(r), _status(r),
                      Text(r.get("title") or ""), key=r["id"])

    # -- generate ------------------------------------------------------------------------------
    @on(Button.Pressed, "#r-generate")
    def action_generate(self) -> None:
        self._generate()

    @work(exclusive=True, group="generate")
    async def _generate(self) -> None:
        general = self.query_one("#r-general", Static)
        show_errors(self, {}, general)
        body: dict[str, Any] = {"report_type": self.query_one("#r-type", Select).value}
        if start := self.query_one("#r-start", Input).value.strip():
            body["period_start"] = start
        if end := self.query_one("#r-end", Input).value.strip():
            body["period_end"] = end
        self._progress({"status": "requesting", "progress": 0, "stage": "sending request"})
        try:
            report = await ep.generate_report(self.englog.api, body)
        except API_ERRORS as exc:
            from tui.api.client import ApiError

            if isinstance(exc, ApiError) and exc.errors:
                show_errors(self, exc.field_errors(), general)
            else:
                general.update(self.englog.explain(exc))
            self._progress(None)
            return
        self.reload()
        self.watch_report(report["id"], report)

    @work(exclusive=True, group="watch")
    async def watch_report(self, report_id: str, first: dict[str, Any] | None = None) -> None:
        """Follow the report's event stream (or poll, if the stream fails) until it is done,
        showing stage and percent as they change."""
        self.watching = report_id
        report = first
        if report is not None:
            self._progress(report)
        try:
            async for _event, state in ep.report_events(self.englog.api, report_id):
                report = {**(report or {}), **state}
                self._progress(report)
                if report.get("status") in DONE:
                    # The stream carries status only; the finished report has the content.
                    report = await ep.get_report(self.englog.api, report_id)
                    break
        except API_ERRORS:
            pass  # fall back to polling below
        while True:
            if report is not None:
                self._progress(report)
                if report.get("status") in DONE:
                    break
            await asyncio.sleep(POLL_SECONDS)
            try:
                report = await ep.get_report(self.englog.api, report_id)
            except API_ERRORS as exc:
                self.query_one("#r-stage", Static).update(
                    f"{self.englog.explain(exc)} Still watching; retrying.")
                report = None
        if report.get("status") == "completed":
            await self.show_report(report)
        self.reload()

    def _progress(self, report: dict[str, Any] | None) -> None:
        self._update_row(report)
        stage = self.query_one("#r-stage", Static)
        bar = self.query_one("#r-progress", ProgressBar)
        if report is None:
            stage.update("No report in progress.")
            bar.update(progress=0)
            return
        status = report.get("status", "")
        text = f"[b]{status}[/b] · {report.get('stage') or '—'} · {report.get('progress', 0)}%"
        if status == "queued":
            text += "\n[dim]waiting for a worker to pick it up[/]"
        if status == "failed":
            text += f"\n[red]{report.get('error') or 'generation failed'}[/]"
        stage.update(text)
        bar.update(progress=report.get("progress") or 0)

    def _update_row(self, report: dict[str, Any] | None) -> None:
        """Keep the past-reports row in step with the progress panel (it said "running 0%"
        while the panel read 79%)."""
        report_id = (report or {}).get("id") or self.watching
        t = self.query_one("#r-list", DataTable)
        if report is None or not report_id or report_id not in t.rows:
            return
        t.update_cell(report_id, "status", _status(report))
        for r in self.reports:
            if r["id"] == report_id:
                r.update({k: report[k] for k in ("status", "progress") if k in report})

    # -- read ----------------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#r-list")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.open_report(str(event.row_key.value))

    @work(exclusive=True, group="open")
    async def open_report(self, report_id: str) -> None:
        try:
            report = await ep.get_report(self.englog.api, report_id)
        except API_ERRORS as exc:
            self.message.show(self.englog.explain(exc))
            return
        if report.get("status") in DONE:
            self._progress(report)
            await self.show_report(report)
        else:
            self.watch_report(report_id, report)

    async def show_report(self, report: dict[str, Any]) -> None:
        md = self.query_one("#r-markdown", Markdown)
        if report.get("status") == "failed":
            await md.update(f"# Report failed\n\n{report.get('error') or ''}")
            return
        title = report.get("title") or f"{report.get('report_type', '').title()} report"
        content = report.get("content") or "*(empty report)*"
        if not content.lstrip().startswith("#"):
            content = f"# {title}\n\n{content}"
        await md.update(content)
        self.query_one("#report-view").scroll_home(animate=False)

    def action_focus_list(self) -> None:
        self.query_one("#r-list", DataTable).focus()


def _status(r: dict[str, Any]) -> str:
    status = r.get("status", "")
    return f"{status} {r.get('progress', 0)}%" if status in ("queued", "running") else status


def period_label(r: dict[str, Any]) -> str:
    """ "10–16 Mar 2025": short enough for the list at 80 columns."""
    try:
        start = date.fromisoformat(str(r.get("period_start"))[:10])
        end = date.fromisoformat(str(r.get("period_end"))[:10])
    except ValueError:
        return f"{r.get('period_start', '')} → {r.get('period_end', '')}"
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
