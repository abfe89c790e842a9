"""Quick add: one line becomes an entry, with a live preview of exactly what will be saved."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from tui.actions import bindings_for
from tui.api import endpoints as ep
from tui.keymap import key_of
from tui.quickadd import QuickEntry, parse
from tui.screens.base import API_ERRORS
from tui.screens.common import hm
from tui.screens.forms import FormModal
from tui.widgets.form import Field
from tui.widgets.overlap import OverlapWarning


class QuickAddModal(FormModal):
    SCOPE = "quick_add"
    BINDINGS = bindings_for("form") + bindings_for("quick_add")
    TITLE_TEXT = "Quick add — enter saves, esc closes (the line is kept as a draft)"
    DRAFT = "quick-add"
    SAVE_KEY = "enter"

    def compose_fields(self) -> ComposeResult:
        yield Field("Entry", Input(placeholder='1h30 code "Fix token refresh race" @project '
                                   "#bug-fix value:high impact:product", id="line"), "line")
        yield Static("", id="preview")
        yield OverlapWarning(id="overlap")
        yield Static(f'[dim]duration · type · "title" · @project · #tag · value:high · '
                     f"impact:team · at 14:00 · yesterday — see "
                     f"{escape(key_of(self.app, 'nav.help'))} for the full syntax[/]")

    FIRST_FIELD = "#line"

    def on_mount(self) -> None:
        super().on_mount()
        self.run_worker(self._projects(), group="projects")
        self.changed()

    async def _projects(self) -> None:
        await self.englog.load_projects()
        self.changed()

    def parsed(self) -> tuple[QuickEntry, str | None]:
        app = self.englog
        q = parse(self.query_one("#line", Input).value, app.now(),
                  projects=app.projects_cache, defaults=app.preferences)
        self.unknown_project = q.unknown_project
        if q.unknown_project:
            # The parser names the unknown project; the preview also says how to create it.
            q.errors = [f"{e} — {key_of(app, 'quick_add.create_project')} creates it"
                        if e.startswith("no project named") else e for e in q.errors]
        return q, q.project_id

    async def action_create_project(self) -> None:
        """Create the project the line names but that does not exist yet (offered in the
        preview), then read the line again: the error gives way to the project."""
        self.parsed()
        name = self.unknown_project
        if not name:
            return
        try:
            await ep.create_project(self.englog.api, {"name": name})
        except API_ERRORS as exc:
            self.fail(exc)
            return
        await self.englog.load_projects()
        self.notify(f"Created the project “{name}”.")
        self.changed()

    def changed(self) -> None:
        if not self.is_mounted:
            return
        # An error from the last save attempt described the old line, not this one.
        self.show_errors({})
        q, _ = self.parsed()
        self.query_one(OverlapWarning).check(q.start_time, q.end_time)
        preview = self.query_one("#preview", Static)
        if not self.query_one("#line", Input).value.strip():
            preview.update(Text("Type a line to see what will be saved.", style="dim"))
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column()
        when = ""
        if q.start_time and q.end_time:
            when = f"{q.start_time:%a %d %b %H:%M}–{q.end_time:%H:%M} ({hm(q.minutes)})"
        grid.add_row("title", q.title or "—")
        grid.add_row("type", q.type or "—")
        grid.add_row("when", when or "—")
        grid.add_row("project", q.project or "—")
        grid.add_row("tags", " ".join("#" + t for t in q.tags) or "—")
        # What will be stored: the typed value, else the user's default (said so).
        value = q.value_rating or f"{q.value_shown or 'medium'} (default)"
        impact = q.impact_level or f"{q.impact_shown or 'team'} (default)"
        grid.add_row("value/impact", f"{value} / {impact}")
        for err in q.errors:
            grid.add_row(Text("✗", style="red"), Text(err, style="red"))
        preview.update(grid)

    async def submit(self) -> Any:
        q, project_id = self.parsed()
        if not q.ok:
            raise ValueError({"line": "; ".join(q.errors)})
        entry = await self.englog.create_entry(q.body(project_id))
        if entry:
            self.notify(f"Saved “{entry['title']}” ({hm(entry['duration_minutes'])}).")
        return entry or {"queued": True}

    def show_errors(self, errors: dict[str, str]) -> None:
        # Server-side field errors (title, tags, end_time…) all belong to the one line here.
        if errors and set(errors) - {"line", ""}:
            errors = {"line": "; ".join(f"{k}: {v}" for k, v in errors.items())}
        super().show_errors(errors)

