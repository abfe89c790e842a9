"""Projects (list, create, edit, archive, stats) and tags with usage counts."""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, DataTable, Input, Select, Static

from tui.api import endpoints as ep
from tui.api.client import ApiError
from tui.keymap import key_of
from tui.screens.base import API_ERRORS, MainScreen
from tui.screens.common import entries_count, hm
from tui.screens.forms import FormModal
from tui.widgets.form import Field

STATUS_OPTIONS = [(s.replace("_", " "), s) for s in ("active", "completed", "on_hold",
                                                     "cancelled")]


class ProjectsScreen(MainScreen):
    SCOPE = "projects"
    AREA = "Projects & tags"
    AUTO_FOCUS = "#projects"

    def __init__(self) -> None:
        super().__init__()
        self.projects: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        with ContentSwitcher(initial="projects-pane", id="switcher"):
            with Horizontal(id="projects-pane"):
                yield DataTable(id="projects", cursor_type="row", classes="panel")
                yield Static("", id="project-stats", classes="panel")
            yield DataTable(id="tags", cursor_type="row", classes="panel")

    def on_mount(self) -> None:
        super().on_mount()
        t = self.query_one("#projects", DataTable)
        k = partial(key_of, self.app)
        t.border_title = (f"Projects  ({k('projects.new')} new · {k('projects.edit')} edit · "
                          f"{k('projects.archive')} archive · {k('projects.delete')} delete · "
                          f"{k('projects.tags')} tags)")
        t.add_columns("Name", "Status", "Entries", "Time", "Dates")
        self.query_one("#project-stats").border_title = "Stats"
        tags = self.query_one("#tags", DataTable)
        tags.border_title = f"Tags by usage  ({k('projects.tags')} back to projects)"
        tags.add_columns("Tag", "Category", "Used")

    async def load(self) -> None:
        api = self.englog.api
        page = await ep.list_projects(api)
        self.projects = page.get("items", [])
        self.englog.projects_cache = self.projects
        t = self.query_one("#projects", DataTable)
        row = t.cursor_row
        t.clear()
        for p in self.projects:
            dates = " – ".join(filter(None, [p.get("start_date"), p.get("end_date")]))
            t.add_row(p["name"] + (" ★" if p.get("is_default") else ""),
                      p["status"].replace("_", " "), str(p.get("entry_count", 0)),
                      hm(p.get("total_minutes")), dates, key=p["id"])
        if self.projects:
            t.move_cursor(row=min(row, len(self.projects) - 1))
        tags = await ep.list_tags(api)
        tt = self.query_one("#tags", DataTable)
        tt.clear()
        items = sorted(tags.get("items", []), key=lambda x: (-(x.get("usage_count") or 0),
                                                              x["name"]))
        for tag in items:
            tt.add_row("#" + tag["name"], tag.get("category") or "", str(tag.get("usage_count",
                                                                                  0)))
        self.show_stats()

    def current(self) -> dict[str, Any] | None:
        t = self.query_one("#projects", DataTable)
        if not self.projects or t.cursor_row >= len(self.projects):
            return None
        return self.projects[t.cursor_row]

    @on(DataTable.RowHighlighted, "#projects")
    def _highlighted(self) -> None:
        self.show_stats()

    @work(exclusive=True, group="stats")
    async def show_stats(self) -> None:
        pane = self.query_one("#project-stats", Static)
        p = self.current()
        if p is None:
            pane.update(f"No projects yet — press {key_of(self.app, 'projects.new')} to "
                        "create one.")
            return
        try:
            s = await ep.project_stats(self.englog.api, p["id"])
        except API_ERRORS as exc:
            pane.update(self.englog.explain(exc))
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column()
        grid.add_row("project", p["name"])
        grid.add_row("description", p.get("description") or "—")
        grid.add_row("total", f"{hm(s.get('total_minutes'))} in "
                     f"{entries_count(s.get('entry_count') or 0)}")
        first, last = s.get("first_activity"), s.get("last_activity")
        grid.add_row("active", f"{(first or '—')[:10]} → {(last or '—')[:10]}")
        for label, key in (("by type", "by_type"), ("by value", "by_value"),
                           ("by impact", "by_impact")):
            data = s.get(key) or {}
            grid.add_row(label, ", ".join(f"{k} {hm(v)}" for k, v in sorted(
                data.items(), key=lambda kv: -kv[1]) if v) or "—")
        pane.update(grid)

    def action_toggle_tags(self) -> None:
        sw = self.query_one("#switcher", ContentSwitcher)
        sw.current = "tags" if sw.current == "projects-pane" else "projects-pane"
        self.set_focus(self.query_one("#tags" if sw.current == "tags" else "#projects",
                                      DataTable))

    async def action_new(self) -> None:
        await self.englog.open_modal(ProjectEditor(None), lambda r: r and self.reload())

    async def action_edit(self) -> None:
        if p := self.current():
            await self.englog.open_modal(ProjectEditor(p), lambda r: r and self.reload())

    def action_archive(self) -> None:
        if p := self.current():
            self._confirm_then(
                p, f"Archive “{p['name']}” (mark it completed)?", f"Archived “{p['name']}”.",
                lambda: ep.update_project(self.englog.api, p["id"], {"status": "completed"}),
                lambda exc: self.englog.explain(exc))

    def action_delete(self) -> None:
        if p := self.current():
            self._confirm_then(
                p, f"Delete the project “{p['name']}”?", f"Deleted “{p['name']}”.",
                lambda: ep.delete_project(self.englog.api, p["id"]),
                lambda exc: _delete_refused(self.app, p, exc))

    def _confirm_then(self, p: dict[str, Any], question: str, done_text: str,
                      call: Any, explain: Any) -> None:
        """Ask, then make the call; a refusal is shown beside the table, success as a toast."""
        from tui.screens.confirm import ConfirmModal

        async def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                await call()
            except API_ERRORS as exc:
                self.message.show(explain(exc))
                return
            self.message.clear()
            self.notify(done_text)
            self.reload()

        self.app.push_screen(ConfirmModal(question), done)


def _delete_refused(app: Any, p: dict[str, Any], exc: Exception) -> str:
    """The server keeps a project that still has entries (409): say what to do instead."""
    if isinstance(exc, ApiError) and exc.status == 409:
        n = p.get("entry_count")
        has, them = (entries_count(n), "that entry" if n == 1 else "them") if n else \
            ("some entries", "them")
        return (f"“{p['name']}” still has {has}, so it was not deleted: move or delete {them} "
                f"first, or archive the project ({key_of(app, 'projects.archive')}) to hide it "
                "from new work.")
    return app.explain(exc)


class ProjectEditor(FormModal):
    def __init__(self, project: dict[str, Any] | None):
        super().__init__()
        self.project = project
        self.TITLE_TEXT = "Edit project" if project else "New project"
        self.DRAFT = f"project:{project['id']}" if project else "project:new"

    def compose_fields(self) -> ComposeResult:
        p = self.project or {}
        yield Field("Name", Input(p.get("name", ""), id="name"), "name")
        yield Field("Description", Input(p.get("description", ""), id="description"),
                    "description")
        with Horizontal(classes="row"):
            yield Field("Color", Input(p.get("color", "#3b82f6"), id="color"), "color")
            yield Field("Status", Select(STATUS_OPTIONS, allow_blank=False, id="status",
                                         value=p.get("status", "active")), "status")
        with Horizontal(classes="row"):
            yield Field("Start date", Input(p.get("start_date") or "", id="start_date",
                                            placeholder="YYYY-MM-DD"), "start_date")
            yield Field("End date", Input(p.get("end_date") or "", id="end_date",
                                          placeholder="YYYY-MM-DD"), "end_date")

    FIRST_FIELD = "#name"

    async def submit(self) -> Any:
        v = self.values()
        body = {"name": v["name"].strip(), "description": v["description"], "color": v["color"],
                "status": v["status"], "start_date": v["start_date"].strip() or None,
                "end_date": v["end_date"].strip() or None}
        api = self.englog.api
        if self.project:
            return await ep.update_project(api, self.project["id"], body)
        return await ep.create_project(api, body)
