"""Create or edit one entry. Every API validation error is shown beside its field."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from tui.api import endpoints as ep
from tui.screens.common import IMPACT_OPTIONS, TYPE_OPTIONS, VALUE_OPTIONS
from tui.screens.forms import FormModal, select_value, split_tags
from tui.widgets.form import Field
from tui.widgets.overlap import OverlapWarning


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError({"date": "use YYYY-MM-DD"}) from None


def _parse_time(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValueError({field: "use HH:MM"}) from None


class EntryEditor(FormModal):
    def __init__(self, entry: dict[str, Any] | None):
        super().__init__()
        self.entry = entry
        self.DRAFT = f"entry:{entry['id']}" if entry else "entry:new"
        self.TITLE_TEXT = "Edit entry" if entry else "New entry"

    def compose_fields(self) -> ComposeResult:
        app = self.englog
        e = self.entry or {}
        if e:
            start, end = app.local(e["start_time"]), app.local(e["end_time"])
        else:
            end = app.now().replace(second=0, microsecond=0)
            start = end - timedelta(minutes=30)
        projects = [(p["name"], p["id"]) for p in app.projects_cache]
        if e.get("project_id") and not any(v == e["project_id"] for _, v in projects):
            projects.append((e.get("project_name") or "", e["project_id"]))
        default_type = app.preferences.get("default_activity_type") or "code"
        yield Field("Title", Input(e.get("title", ""), id="title"), "title")
        yield Field("Description", Input(e.get("description", ""), id="description"),
                    "description")
        with Horizontal(classes="row"):
            yield Field("Type", Select(TYPE_OPTIONS, allow_blank=False, id="type",
                                       value=e.get("type", default_type)),
                        "type")
            yield Field("Project", Select(projects, prompt="(none)", id="project_id",
                                          value=e.get("project_id") or Select.NULL),
                        "project_id")
        yield Field("Tags (space or comma separated)",
                    Input(" ".join(e.get("tags", [])), id="tags"), "tags")
        with Horizontal(classes="row"):
            yield Field("Date", Input(start.date().isoformat(), id="date"), "date")
            yield Field("Start", Input(f"{start:%H:%M}", id="start_time"), "start_time")
            yield Field("End", Input(f"{end:%H:%M}", id="end_time"), "end_time")
        yield OverlapWarning(id="overlap")
        with Horizontal(classes="row"):
            yield Field("Value", Select(VALUE_OPTIONS, allow_blank=False, id="value_rating",
                                        value=e.get("value_rating") or app.preferences.get(
                                            "default_value_rating") or "medium"),
                        "value_rating")
            yield Field("Impact", Select(IMPACT_OPTIONS, allow_blank=False, id="impact_level",
                                         value=e.get("impact_level") or app.preferences.get(
                                             "default_impact_level") or "personal"),
                        "impact_level")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#title", Input).focus()

    def changed(self) -> None:
        # Warn (never block) while the times are typed; unparsable times clear the warning.
        try:
            body = self.body()
            start = datetime.fromisoformat(body["start_time"])
            end = datetime.fromisoformat(body["end_time"])
        except (ValueError, KeyError, TypeError):
            start = end = None
        self.query_one(OverlapWarning).check(start, end, (self.entry or {}).get("id"))

    def body(self) -> dict[str, Any]:
        v = self.values()
        day = _parse_date(v["date"])
        start = _parse_time(v["start_time"], "start_time")
        end = _parse_time(v["end_time"], "end_time")
        tz = self.englog.tz
        return {
            "title": v["title"], "description": v["description"],
            "type": v["type"], "project_id": v["project_id"],
            "tags": split_tags(v["tags"]),
            "start_time": datetime.combine(day, start, tz).isoformat(),
            # The API, not the form, decides whether the end is valid; its message is shown.
            "end_time": datetime.combine(day, end, tz).isoformat(),
            "value_rating": select_value(self, "value_rating"),
            "impact_level": select_value(self, "impact_level"),
        }

    async def submit(self) -> Any:
        body = self.body()
        if self.entry:
            return await ep.update_log(self.englog.api, self.entry["id"], body)
        if body["project_id"] is None:
            del body["project_id"]
        entry = await self.englog.create_entry(body)
        return entry or {"queued": True}
