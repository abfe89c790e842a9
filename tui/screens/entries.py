"""Entries: a DataTable loaded a page at a time, with filters and text search."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select

from tui.api import endpoints as ep
from tui.screens.base import API_ERRORS, MainScreen
from tui.screens.common import (
    IMPACT_OPTIONS,
    PERIOD_OPTIONS,
    TYPE_OPTIONS,
    VALUE_OPTIONS,
    hm,
    period_bounds,
)

PAGE = 200
PREFETCH_ROWS = 40  # start loading the next page this many rows before the end


class EntriesScreen(MainScreen):
    SCOPE = "entries"
    AREA = "Entries"
    AUTO_FOCUS = "#entries"

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []
        self.total = 0
        self._generation = 0  # bumps on every filter change so stale pages are dropped

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield Select(PERIOD_OPTIONS, value="all", allow_blank=False, id="f-period")
            yield Select(TYPE_OPTIONS, prompt="any type", id="f-type")
            yield Select([], prompt="any project", id="f-project")
            yield Input(placeholder="#tag", id="f-tag")
            yield Select(VALUE_OPTIONS, prompt="any value", id="f-value")
            yield Select(IMPACT_OPTIONS, prompt="any impact", id="f-impact")
            yield Input(placeholder="search…  (/)", id="f-q")
        yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#entries", DataTable)
        table.add_column("Date", key="date")
        table.add_column("Time", key="time")
        table.add_column("Dur", key="dur")
        table.add_column("Type", key="type")
        table.add_column("Title", key="title")
        table.add_column("Project", key="project")
        table.add_column("Tags", key="tags")
        table.add_column("Value", key="value")
        table.add_column("Impact", key="impact")

    def params(self) -> dict[str, Any]:
        def sel(id_: str) -> Any:
            v = self.query_one(id_, Select).value
            return None if v is Select.NULL else v

        start, end = period_bounds(sel("#f-period") or "all", self.englog.now().date(),
                                   self.englog.preferences.get("week_start"))
        tag = self.query_one("#f-tag", Input).value.strip().lstrip("#").lower()
        return {"start_date": start and start.isoformat(), "end_date": end and end.isoformat(),
                "type": sel("#f-type"), "project_id": sel("#f-project"),
                "tags": tag or None, "value_rating": sel("#f-value"),
                "impact_level": sel("#f-impact"), "q": self.query_one("#f-q", Input).value.strip()}

    async def load(self) -> None:
        self._generation += 1
        generation = self._generation
        projects = await self.englog.load_projects()
        select = self.query_one("#f-project", Select)
        current = select.value
        options = [(p["name"], p["id"]) for p in projects]
        select.set_options(options)
        if current is not Select.NULL and any(v == current for _, v in options):
            select.value = current
        page = await ep.list_logs(self.englog.api, limit=PAGE, offset=0, **self.params())
        if generation != self._generation:
            return
        table = self.query_one("#entries", DataTable)
        table.clear()
        self.items = []
        self._append(page)

    def _append(self, page: dict[str, Any]) -> None:
        app = self.englog
        table = self.query_one("#entries", DataTable)
        self.total = page.get("total", 0)
        rows = []
        for e in page.get("items", []):
            start = app.local(e["start_time"])
            end = app.local(e["end_time"])
            rows.append((f"{start:%a %d %b %Y}", f"{start:%H:%M}–{end:%H:%M}",
                         hm(e["duration_minutes"]), e["type"], e["title"],
                         e.get("project_name") or "",
                         " ".join("#" + t for t in e.get("tags") or []),
                         e["value_rating"], e["impact_level"]))
            self.items.append(e)
        table.add_rows(rows)
        table.border_title = "Entries"
        table.border_subtitle = f"{len(self.items)} of {self.total}"

    @work(exclusive=True, group="more")
    async def load_more(self) -> None:
        if len(self.items) >= self.total:
            return
        generation = self._generation
        try:
            page = await ep.list_logs(self.englog.api, limit=PAGE, offset=len(self.items),
                                             **self.params())
        except API_ERRORS as exc:
            self.message.show(self.englog.explain(exc))
            return
        if generation == self._generation:
            self._append(page)

    @on(DataTable.RowHighlighted, "#entries")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.items) - PREFETCH_ROWS and len(self.items) < self.total:
            self.load_more()

    @on(DataTable.RowSelected, "#entries")
    def _selected(self) -> None:
        self.action_edit()

    @on(Select.Changed)
    @on(Input.Submitted, "#f-tag, #f-q")
    def _filters_changed(self) -> None:
        if self.is_mounted:
            self.reload()

    @on(Input.Changed, "#f-q")
    def _search_typed(self) -> None:
        self.reload()

    def current(self) -> dict[str, Any] | None:
        table = self.query_one("#entries", DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def action_more(self) -> None:
        self.load_more()

    def action_search(self) -> None:
        self.query_one("#f-q", Input).focus()

    def action_filters(self) -> None:
        self.query_one("#f-period", Select).focus()

    def action_edit(self) -> None:
        from tui.screens.entry_editor import EntryEditor

        entry = self.current()
        if entry is None:
            self.englog.action_new_entry()
            return

        def after(saved: Any) -> None:
            if saved:
                self.englog.offer_undo(entry, "Edited")  # `entry` is the version before
                self.reload()

        self.app.push_screen(EntryEditor(entry), after)

    def action_delete(self) -> None:
        from tui.screens.confirm import ConfirmModal

        entry = self.current()
        if entry is None:
            return

        async def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                await ep.delete_log(self.englog.api, entry["id"])
            except API_ERRORS as exc:
                self.message.show(self.englog.explain(exc))
                return
            self.englog.offer_undo(entry, "Deleted")
            self.englog.refresh_views()

        self.app.push_screen(ConfirmModal(f"Delete “{entry['title']}”?"), done)
