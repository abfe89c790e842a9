"""Export: a period and a format (PDF review, CSV, JSON) into a folder, with progress, and
where the file went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select, Static

from tui.api import endpoints as ep
from tui.keymap import key_of
from tui.screens.common import period_bounds
from tui.screens.dialog import DataDialog
from tui.widgets.download import DownloadPanel
from tui.widgets.form import Field

FORMATS = [("PDF: performance review (facts, charts, report, entries)", "pdf"),
           ("CSV: one row per entry", "csv"),
           ("JSON: entries, projects and tags", "json")]
PERIODS = [("This week", "week"), ("Last week", "last_week"), ("This month", "month"),
           ("Last 30 days", "30d"), ("This year", "year"), ("All time (CSV, JSON)", "all")]
WAITING = {"pdf": "The server is drawing the PDF…", "csv": "Asking for the CSV…",
           "json": "Asking for the JSON…"}


class ExportScreen(DataDialog):
    SCOPE = "export"
    TITLE_TEXT = "Export your entries"
    AUTO_FOCUS = "#x-format"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose_body(self) -> ComposeResult:
        yield Field("Format", Select(FORMATS, value="pdf", allow_blank=False, id="x-format"),
                    "format")
        with Horizontal(classes="row"):
            yield Field("Period", Select(PERIODS, value="week", allow_blank=False,
                                         id="x-period"), "period")
            yield Field("From", Input(placeholder="YYYY-MM-DD", id="x-start"), "period_start")
            yield Field("To (inclusive)", Input(placeholder="YYYY-MM-DD", id="x-end"),
                        "period_end")
        yield Field("Save in folder", Input(str(self.folder), id="x-folder"), "folder")
        with Horizontal(classes="buttons"):
            yield Button(f"Export ({key_of(self.app, 'export.run')})", id="x-run",
                         variant="primary")
            yield Button(f"Close ({key_of(self.app, 'export.close')})", id="x-close")
        yield DownloadPanel(id="x-download")
        yield Static("", id="x-hint", classes="hint")

    def on_mount(self) -> None:
        self._fill_period("week")

    @on(Select.Changed, "#x-period")
    def _period_chosen(self, event: Select.Changed) -> None:
        self._fill_period(str(event.value))

    def _fill_period(self, period: str) -> None:
        start, end = period_bounds(period, self.englog.now().date(),
                                   self.englog.preferences.get("week_start"))
        self.query_one("#x-start", Input).value = start.isoformat() if start else ""
        self.query_one("#x-end", Input).value = end.isoformat() if end else ""

    def request(self) -> tuple[str, dict[str, Any], Path]:
        """(format, query, folder) from the form; ValueError({field: message}) if unusable."""
        fmt = str(self.query_one("#x-format", Select).value)
        params = {k: v for k, v in (
            ("period_start", self.query_one("#x-start", Input).value.strip()),
            ("period_end", self.query_one("#x-end", Input).value.strip())) if v}
        errors = {}
        if fmt == "pdf":
            errors = {k: "a PDF needs both ends of the period" for k in
                      ("period_start", "period_end") if k not in params}
        folder_text = self.query_one("#x-folder", Input).value.strip()
        if not folder_text:
            errors["folder"] = "where should the file go?"
        if errors:
            raise ValueError(errors)
        return fmt, params, Path(folder_text).expanduser()

    @on(Button.Pressed, "#x-run")
    @on(Input.Submitted)
    def action_run(self) -> None:
        try:
            fmt, params, folder = self.request()
        except ValueError as exc:
            self.show_errors(exc.args[0])
            return
        self.show_errors({})
        self._export(fmt, params, folder)

    @on(Button.Pressed, "#x-close")
    def _close(self) -> None:
        self.action_close()

    @work(exclusive=True, group="export")
    async def _export(self, fmt: str, params: dict[str, Any], folder: Path) -> None:
        if await self.download("#x-download", ep.export_path(fmt), params, folder,
                               f"englog-export.{fmt}", WAITING[fmt]):
            self.query_one("#x-hint", Static).update("Export again with other settings, or "
                                                     "esc to close.")
