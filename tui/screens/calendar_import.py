"""Calendar import: an ICS file's events previewed (the server's dry run) in a table with a
checkbox per row, then only the checked ones imported."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from tui.api import endpoints as ep
from tui.keymap import key_of
from tui.screens.base import API_ERRORS
from tui.screens.dialog import DataDialog
from tui.widgets.form import Field

MAX_BYTES = 5_000_000  # the server's limit; checked here so a huge file is not sent at all
CHECKED, UNCHECKED = "☑", "☐"
SKIP_REASONS = {"all_day": "all-day", "cancelled": "cancelled", "transparent": "free time",
                "declined": "declined", "no_duration": "no duration", "too_long": "too long"}


def read_ics(text: str) -> bytes:
    """The file's bytes; ValueError({"file": message}) for anything that cannot be sent."""
    if not text.strip():
        raise ValueError({"file": "the path of an .ics file"})
    path = Path(text.strip()).expanduser()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError({"file": f"larger than {MAX_BYTES:,} bytes, the server's limit"})
        return path.read_bytes()
    except FileNotFoundError:
        raise ValueError({"file": f"no such file: {path}"}) from None
    except IsADirectoryError:
        raise ValueError({"file": f"{path} is a folder; give the .ics file in it"}) from None
    except OSError as exc:
        raise ValueError({"file": f"cannot read {path}: {exc.strerror or exc}"}) from None


class ImportScreen(DataDialog):
    SCOPE = "import"
    TITLE_TEXT = "Import calendar events (ICS) as entries"
    AUTO_FOCUS = "#i-path"

    DEFAULT_CSS = """
    ImportScreen #i-events { height: auto; max-height: 16; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []
        self.chosen: set[str] = set()
        # What the preview was made from, so the import sends the very same file and period.
        self.previewed: tuple[bytes, dict[str, str]] | None = None

    def compose_body(self) -> ComposeResult:
        yield Field("ICS file", Input(placeholder="~/Downloads/calendar.ics", id="i-path"),
                    "file")
        with Horizontal(classes="row"):
            yield Field("From (optional)", Input(placeholder="YYYY-MM-DD", id="i-start"),
                        "period_start")
            yield Field("To (optional)", Input(placeholder="YYYY-MM-DD", id="i-end"),
                        "period_end")
        with Horizontal(classes="buttons"):
            yield Button("Preview (enter)", id="i-preview", variant="primary")
            yield Button(f"Import checked ({key_of(self.app, 'import.commit')})",
                         id="i-commit", variant="success",
                         disabled=True)
            yield Button(f"Close ({key_of(self.app, 'import.close')})", id="i-close")
        yield Static(f"Without a period: the 90 days through today. Enter shows what the "
                     f"file holds; nothing is imported until "
                     f"{key_of(self.app, 'import.commit')}. In the table, "
                     f"{key_of(self.app, 'import.toggle')} checks or unchecks an event, "
                     f"{key_of(self.app, 'import.all')} checks all or none.", id="i-summary",
                     classes="hint")
        yield DataTable(id="i-events", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#i-events", DataTable)
        table.add_column("", key="check", width=3)
        table.add_column("When", key="when")
        table.add_column("Title", key="title")
        table.add_column("Becomes", key="becomes")
        table.add_column("Status", key="status")

    # -- preview -------------------------------------------------------------------------
    def _options(self) -> dict[str, str]:
        return {k: v for k, v in (
            ("period_start", self.query_one("#i-start", Input).value.strip()),
            ("period_end", self.query_one("#i-end", Input).value.strip())) if v}

    @on(Button.Pressed, "#i-preview")
    @on(Input.Submitted)
    def action_preview(self) -> None:
        self.show_errors({})
        self._preview(self.query_one("#i-path", Input).value, self._options())

    @work(exclusive=True, group="import")
    async def _preview(self, path_text: str, options: dict[str, str]) -> None:
        try:
            data = await asyncio.to_thread(read_ics, path_text)
            answer = await self._send(data, {**options, "dry_run": "true"})
        except ValueError as exc:
            self.show_errors(exc.args[0])
            return
        except API_ERRORS as exc:
            self.fail(exc)
            return
        self.previewed = (data, options)
        self.chosen = {e["key"] for e in answer["events"] if e["status"] == "new"}
        self._show(answer)
        if self.events:
            self.query_one("#i-events", DataTable).focus()

    async def _send(self, data: bytes, fields: dict[str, str]) -> dict[str, Any]:
        return await ep.import_calendar(self.englog.api, data, fields)

    def _show(self, answer: dict[str, Any]) -> None:
        self.events = answer["events"]
        table = self.query_one("#i-events", DataTable)
        table.clear()
        for e in self.events:
            start, end = self.englog.local(e["start_time"]), self.englog.local(e["end_time"])
            status = e["status"]
            if status == "skipped":
                status = f"skipped: {SKIP_REASONS.get(e.get('reason'), e.get('reason'))}"
            when = (f"{start:%a %d %b} all day" if e.get("reason") == "all_day"
                    else f"{start:%a %d %b %H:%M}–{end:%H:%M}")
            table.add_row(self._check(e), when, e["title"],
                          f"{e['type']} · {e['value_rating']}/{e['impact_level']}", status,
                          key=e["key"])
        self._summarise(answer)

    def _check(self, event: dict[str, Any]) -> str:
        if event["status"] != "new":
            return ""
        return CHECKED if event["key"] in self.chosen else UNCHECKED

    def _summarise(self, answer: dict[str, Any] | None = None) -> None:
        new = [e for e in self.events if e["status"] == "new"]
        counts = (answer or {}).get("counts") or {}
        parts = [f"{len(self.events)} events"]
        for name in ("created", "duplicate", "skipped"):
            if counts.get(name):
                parts.append(f"{counts[name]} {name}")
        if new:
            parts.append(f"{len(self.chosen)} of {len(new)} new checked")
        self.query_one("#i-summary", Static).update(
            ", ".join(parts) + (f". {key_of(self.app, 'import.commit')} imports the checked "
                                "ones." if new else "."))
        self.query_one("#i-commit", Button).disabled = not self.chosen

    # -- choosing --------------------------------------------------------------------------
    def action_toggle(self) -> None:
        table = self.query_one("#i-events", DataTable)
        if not self.events or table.cursor_row is None:
            return
        event = self.events[table.cursor_row]
        if event["status"] != "new":
            self.notify(f"“{event['title']}” is {event['status']}: it will not be imported.",
                        timeout=4)
            return
        self.chosen ^= {event["key"]}
        table.update_cell(event["key"], "check", self._check(event))
        self._summarise()

    def action_toggle_all(self) -> None:
        new = {e["key"] for e in self.events if e["status"] == "new"}
        self.chosen = set() if self.chosen == new else new
        table = self.query_one("#i-events", DataTable)
        for e in self.events:
            table.update_cell(e["key"], "check", self._check(e))
        self._summarise()

    # -- import ----------------------------------------------------------------------------
    @on(Button.Pressed, "#i-commit")
    def action_commit(self) -> None:
        if self.previewed is None or not self.chosen:
            self.show_errors({"": "Preview the file first, then check the events to import."})
            return
        self._commit()

    @work(exclusive=True, group="import")
    async def _commit(self) -> None:
        data, options = self.previewed
        try:
            answer = await self._send(data, {**options, "select": ",".join(sorted(self.chosen))})
        except API_ERRORS as exc:
            self.fail(exc)
            return
        self.chosen = set()
        self._show(answer)
        created = answer["counts"]["created"]
        self.notify(f"Imported {created} event{'s' * (created != 1)} as entries.",
                    title="Calendar import")
        self.englog.refresh_views()

    @on(Button.Pressed, "#i-close")
    def _close(self) -> None:
        self.action_close()
