"""Entries: a DataTable loaded a page at a time, grouped by day with a subtotal per day, with
filters (presets or a custom date range), text search, and one key that clears them all."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Select

from tui.api import endpoints as ep
from tui.api.client import Unreachable
from tui.keymap import key_of
from tui.screens.base import API_ERRORS, MainScreen
from tui.screens.common import (
    IMPACT_OPTIONS,
    PERIOD_OPTIONS,
    TYPE_OPTIONS,
    VALUE_OPTIONS,
    hm,
    period_bounds,
)
from tui.screens.entries_table import COLUMNS, column_widths, day_row, entry_row

PAGE = 200
PREFETCH_ROWS = 40  # start loading the next page this many rows before the end
CUSTOM = "custom"
CACHE_KEY = "entries"
SELECTS = ("#f-period", "#f-type", "#f-project", "#f-value", "#f-impact")
INPUTS = ("#f-from", "#f-to", "#f-tag", "#f-q")


class EntriesScreen(MainScreen):
    SCOPE = "entries"
    AREA = "Entries"
    AUTO_FOCUS = "#entries"

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []
        self.total = 0
        self._generation = 0  # bumps on every filter change so stale pages are dropped
        self._widths: tuple[int, ...] = ()

    def compose_body(self) -> ComposeResult:
        with Vertical(id="filters"):
            with Horizontal(classes="filter-row"):
                yield Select(PERIOD_OPTIONS + [("Custom range", CUSTOM)], value="all",
                             allow_blank=False, id="f-period", compact=True)
                yield Input(placeholder="from YYYY-MM-DD", id="f-from", compact=True)
                yield Input(placeholder="to YYYY-MM-DD", id="f-to", compact=True)
                yield Select(TYPE_OPTIONS, prompt="any type", id="f-type", compact=True)
            with Horizontal(classes="filter-row"):
                yield Select([], prompt="any project", id="f-project", compact=True)
                yield Input(placeholder="#tag", id="f-tag", compact=True)
                yield Select(VALUE_OPTIONS, prompt="any value", id="f-value", compact=True)
                yield Select(IMPACT_OPTIONS, prompt="any impact", id="f-impact", compact=True)
                yield Input(placeholder=self._search_hint(), id="f-q", compact=True)
        yield DataTable(id="entries", cursor_type="row", zebra_stripes=True, classes="panel")

    def _search_hint(self) -> str:
        # The clear-filters key is in the footer; here only what fits at 80 columns.
        return f"search… ({key_of(self.app, 'entries.search')})"

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#entries", DataTable)
        table.border_title = "Entries"
        self._layout_columns()

    def on_resize(self) -> None:
        if self._layout_columns():
            self._render_rows()

    def _layout_columns(self) -> bool:
        """Size the columns to the table so every one, Impact included, stays visible; the
        title and project give up width first. True when the widths changed."""
        table = self.query_one("#entries", DataTable)
        # The table spans the screen: its width is known before the table is laid out.
        widths = column_widths(self.size.width or self.app.size.width)
        if widths == self._widths:
            return False
        self._widths = widths
        table.clear(columns=True)
        for (key, label), width in zip(COLUMNS, widths, strict=True):
            if width:
                table.add_column(label, key=key, width=width)
        return True

    # -- filters -------------------------------------------------------------------------------
    def _select(self, id_: str) -> Any:
        v = self.query_one(id_, Select).value
        return None if v is Select.NULL else v

    def _range(self) -> tuple[str | None, str | None]:
        """The date range typed (or filled in by a preset); a bad date is shown, not sent."""
        out: list[str | None] = []
        for id_ in ("#f-from", "#f-to"):
            text = self.query_one(id_, Input).value.strip()
            if text:
                try:
                    date.fromisoformat(text)
                except ValueError:
                    raise ValueError(f"“{text}” is not a date: use YYYY-MM-DD") from None
            out.append(text or None)
        return out[0], out[1]

    def params(self) -> dict[str, Any]:
        start, end = self._range()
        tag = self.query_one("#f-tag", Input).value.strip().lstrip("#").lower()
        return {"start_date": start, "end_date": end,
                "type": self._select("#f-type"), "project_id": self._select("#f-project"),
                "tags": tag or None, "value_rating": self._select("#f-value"),
                "impact_level": self._select("#f-impact"),
                "q": self.query_one("#f-q", Input).value.strip()}

    @on(Select.Changed, "#f-period")
    def _preset_picked(self, event: Select.Changed) -> None:
        if event.value == CUSTOM:
            self.set_focus(self.query_one("#f-from", Input))
            return
        start, end = period_bounds(str(event.value), self.englog.now().date(),
                                   self.englog.preferences.get("week_start"))
        for id_, day in (("#f-from", start), ("#f-to", end)):
            field = self.query_one(id_, Input)
            with field.prevent(Input.Changed):
                field.value = day.isoformat() if day else ""
        self._filters_changed()

    @on(Input.Changed, "#f-from, #f-to")
    def _range_typed(self) -> None:
        period = self.query_one("#f-period", Select)
        if period.value != CUSTOM:
            with period.prevent(Select.Changed):
                period.value = CUSTOM

    @on(Select.Changed, "#f-type, #f-project, #f-value, #f-impact")
    @on(Input.Submitted, "#f-tag, #f-q, #f-from, #f-to")
    @on(Input.Changed, "#f-q")
    def _filters_changed(self) -> None:
        if self.is_mounted:
            self.reload()

    def action_clear_filters(self) -> None:
        for id_ in SELECTS:
            select = self.query_one(id_, Select)
            with select.prevent(Select.Changed):
                if id_ == "#f-period":
                    select.value = "all"
                else:
                    select.clear()
        for id_ in INPUTS:
            field = self.query_one(id_, Input)
            with field.prevent(Input.Changed):
                field.value = ""
        self.set_focus(self.query_one("#entries", DataTable))
        self.reload()

    # -- loading ---------------------------------------------------------------------------------
    async def _refresh_project_options(self) -> None:
        projects = await self.englog.load_projects()
        select = self.query_one("#f-project", Select)
        options = [(p["name"], p["id"]) for p in projects]
        if options == getattr(self, "_project_options", None):
            return
        # Replacing the options posts Select.Changed; reacting to it would reload, which
        # replaces the options again: the endless loop of issue 12 bug 1. So it is silenced.
        self._project_options = options
        current = select.value
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current is not Select.NULL and any(v == current for _, v in options):
                select.value = current

    async def load(self) -> None:
        self._generation += 1
        generation = self._generation
        try:
            params = self.params()
        except ValueError as exc:
            self.message.show(str(exc.args[0]), from_load=True)
            return
        await self._refresh_project_options()
        try:
            page = await ep.list_logs(self.englog.api, limit=PAGE, offset=0, **params)
        except Unreachable:
            if not self.items:
                self._show_cached()
            raise
        if generation != self._generation:
            return
        self.englog.view_cache.put(CACHE_KEY, {"page": page,
                                               "at": self.englog.now().isoformat()})
        self.items = []
        self._append(page)

    def _show_cached(self) -> None:
        """Offline with nothing on screen (e.g. started without a server): show the list as
        it was last loaded rather than an empty table."""
        cached = self.englog.view_cache.get(CACHE_KEY)
        if not cached:
            return
        self._append(cached["page"])
        at = self.englog.local(cached["at"])
        self.query_one("#entries", DataTable).border_title = \
            f"Entries — offline, as last loaded {at:%a %d %b %H:%M}"

    def _append(self, page: dict[str, Any]) -> None:
        self.total = page.get("total", 0)
        self.items.extend(page.get("items", []))
        self._render_rows()

    def _render_rows(self) -> None:
        """Rebuild the rows: each day starts with a row holding its date and subtotal."""
        app = self.englog
        table = self.query_one("#entries", DataTable)
        keep = self._current_key()
        table.clear()
        by_day: dict[date, list[dict[str, Any]]] = {}
        for e in self.items:
            by_day.setdefault(app.local(e["start_time"]).date(), []).append(e)
        widths = self._widths or (1,) * len(COLUMNS)
        show_tags = widths[COLUMN_INDEX["tags"]] > 0

        def shown(cells: tuple[Any, ...]) -> list[Any]:
            return [c for c, w in zip(cells, widths, strict=True) if w]

        for day, entries in by_day.items():
            table.add_row(*shown(day_row(day, sum(e["duration_minutes"] for e in entries),
                                         len(entries))), key=f"day:{day.isoformat()}")
            for e in entries:
                table.add_row(*shown(entry_row(app, e, show_tags)), key=e["id"])
        table.border_title = "Entries"
        shown = sum(e["duration_minutes"] for e in self.items)
        table.border_subtitle = f"{len(self.items)} of {self.total} · {hm(shown)}"
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        elif self.items and table.cursor_row == 0:
            table.move_cursor(row=1)  # the first entry, not its day's header

    @work(exclusive=True, group="more")
    async def load_more(self) -> None:
        if len(self.items) >= self.total:
            return
        generation = self._generation
        try:
            page = await ep.list_logs(self.englog.api, limit=PAGE, offset=len(self.items),
                                             **self.params())
        except (*API_ERRORS, ValueError) as exc:
            self.message.show(self.englog.explain(exc))
            return
        if generation == self._generation:
            self._append(page)

    @on(DataTable.RowHighlighted, "#entries")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one("#entries", DataTable)
        if event.cursor_row >= table.row_count - PREFETCH_ROWS and len(self.items) < self.total:
            self.load_more()

    @on(DataTable.RowSelected, "#entries")
    async def _selected(self) -> None:
        if self.current() is not None:
            await self.action_edit()

    def _current_key(self) -> str | None:
        table = self.query_one("#entries", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        except Exception:  # the cursor is past the rows while they are rebuilt
            return None
        return str(key.value)

    def current(self) -> dict[str, Any] | None:
        key = self._current_key()
        return next((e for e in self.items if e["id"] == key), None)

    def action_more(self) -> None:
        self.load_more()

    # set_focus, not widget.focus(): that one waits for a later refresh, and keys typed
    # right after "/" would go to the table instead of the search field.
    def action_search(self) -> None:
        self.set_focus(self.query_one("#f-q", Input))

    def action_filters(self) -> None:
        self.set_focus(self.query_one("#f-period", Select))

    async def action_edit(self) -> None:
        from tui.screens.entry_editor import EntryEditor

        entry = self.current()
        if entry is None:
            await self.englog.action_new_entry()
            return

        def after(saved: Any) -> None:
            if saved:
                self.englog.offer_undo(entry, "Edited")  # `entry` is the version before
                self.reload()

        await self.englog.open_modal(EntryEditor(entry), after)

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
            self.message.clear()
            self.englog.offer_undo(entry, "Deleted")
            self.englog.refresh_views()

        self.app.push_screen(ConfirmModal(f"Delete “{entry['title']}”?"), done)


COLUMN_INDEX = {key: i for i, (key, _) in enumerate(COLUMNS)}
