"""Create or edit one entry. Every API validation error is shown beside its field."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static

from tui.api import endpoints as ep
from tui.screens.common import IMPACT_OPTIONS, TYPE_OPTIONS, VALUE_OPTIONS, hm
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


NEXT_DAY_LIMIT = timedelta(hours=12)


def span(day: date, start: time, end: time, tz: tzinfo) -> tuple[datetime, datetime]:
    """The entry's start and end. An end at or before the start means the next day when
    that makes an entry of at most 12 hours (23:00 → 01:00 is two hours across midnight);
    a longer one is more likely a typo, so it is sent as typed and the API explains."""
    first = datetime.combine(day, start, tz)
    last = datetime.combine(day, end, tz)
    if last <= first and last + timedelta(days=1) - first <= NEXT_DAY_LIMIT:
        last = datetime.combine(day + timedelta(days=1), end, tz)
    return first, last


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
        projects = [(p["name"], p["id"]) for p in app.active_projects()]
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
        yield Static("", id="span", classes="hint")
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

    FIRST_FIELD = "#title"

    def on_mount(self) -> None:
        super().on_mount()
        self.changed()

    def period(self) -> tuple[datetime, datetime]:
        v = self.values()
        day = _parse_date(v["date"])
        start = _parse_time(v["start_time"], "start_time")
        end = _parse_time(v["end_time"], "end_time")
        return span(day, start, end, self.englog.tz)

    def changed(self) -> None:
        """Say what the times mean, so an entry that ends the next morning is visible."""
        if not self.is_mounted:
            return
        try:
            start, end = self.period()
        except ValueError:
            text = ""
            start = end = None
        else:
            minutes = int((end - start).total_seconds() // 60)
            next_day = " — ends the next day" if end.date() > start.date() else ""
            text = f"{hm(minutes)}, {start:%a %d %b %H:%M} → {end:%a %d %b %H:%M}{next_day}" \
                if minutes > 0 else ""
        self.query_one("#span", Static).update(text)
        # Warn (never block) while the times are typed; unparsable times clear the warning.
        self.query_one(OverlapWarning).check(start, end, (self.entry or {}).get("id"))

    def body(self) -> dict[str, Any]:
        v = self.values()
        start, end = self.period()
        return {
            "title": v["title"], "description": v["description"],
            "type": v["type"], "project_id": v["project_id"],
            "tags": split_tags(v["tags"]),
            "start_time": start.isoformat(),
            # The API, not the form, decides whether the end is valid; its message is shown.
            "end_time": end.isoformat(),
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
