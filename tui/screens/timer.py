"""Timer modals: start (optional details) and "log what I just did" (backfill)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from tui.api import endpoints as ep
from tui.api.client import Unreachable
from tui.quickadd import parse_duration
from tui.screens.common import TYPE_OPTIONS
from tui.screens.forms import FormModal, select_value, split_tags
from tui.widgets.form import Field


class _TimerForm(FormModal):
    def common_fields(self) -> ComposeResult:
        app = self.englog
        projects = [(p["name"], p["id"]) for p in app.active_projects()]
        yield Field("What are you working on?", Input(id="title"), "title")
        with Horizontal(classes="row"):
            yield Field("Type", Select(TYPE_OPTIONS, allow_blank=False, id="type",
                                       value=app.preferences.get("default_activity_type")
                                       or "code"), "type")
            yield Field("Project", Select(projects, prompt="(none)", id="project_id"),
                        "project_id")
        yield Field("Tags", Input(id="tags"), "tags")

    def common_body(self) -> dict[str, Any]:
        v = self.values()
        body = {"title": v["title"].strip(), "type": v["type"],
                "tags": split_tags(v["tags"])}
        if project := select_value(self, "project_id"):
            body["project_id"] = project
        return body

    FIRST_FIELD = "#title"

    def on_mount(self) -> None:
        super().on_mount()
        self.run_worker(self.englog.load_projects(), group="projects")


class StartTimerModal(_TimerForm):
    TITLE_TEXT = "Start a timer — enter to start, everything is optional"
    DRAFT = "timer:start"
    SAVE_LABEL = "Start"
    SAVE_KEY = "enter"

    def compose_fields(self) -> ComposeResult:
        yield from self.common_fields()

    async def submit(self) -> Any:
        body = self.common_body()
        if not body["title"]:
            del body["title"]
        await self.englog.start_timer(body)
        if not (self.englog.timer or {}).get("queued"):
            self.notify("Timer started.")
        return True


class BackfillModal(_TimerForm):
    TITLE_TEXT = "Log what I just did — it ends now"
    DRAFT = "timer:backfill"

    def compose_fields(self) -> ComposeResult:
        yield Field("How long? (45m, 1h30)", Input(id="minutes"), "minutes")
        yield from self.common_fields()

    # The duration first: "b 45m" must put 45m in "How long?" (issue 12 bug 6).
    FIRST_FIELD = "#minutes"

    async def submit(self) -> Any:
        minutes = parse_duration(self.values()["minutes"].strip().lower())
        if not minutes:
            raise ValueError({"minutes": "use a duration like 45m, 2h or 1h30"})
        body = self.common_body() | {"minutes": minutes}
        try:
            entry = await ep.backfill(self.englog.api, body)
        except Unreachable:
            # Offline, a backfill is just an entry ending now: queue it like any other.
            end = self.englog.now().replace(second=0, microsecond=0)
            entry_body = {k: v for k, v in body.items() if k != "minutes"}
            entry_body |= {"start_time": (end - timedelta(minutes=minutes)).isoformat(),
                           "end_time": end.isoformat()}
            return await self.englog.create_entry(entry_body) or {"queued": True}
        self.notify(f"Logged “{entry['title']}” ({entry['duration_minutes']} min).")
        self.englog.refresh_views()
        return entry
