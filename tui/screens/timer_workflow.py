"""Timer workflow modals (issue 12): edit the running timer (title, type, project, tags and
when it started) and switch to the next timer (the running one is logged at the same
instant, in one request)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from tui.api import endpoints as ep
from tui.screens.timer import _TimerForm
from tui.widgets.form import Field


def parse_started_at(text: str, now: datetime) -> datetime:
    """`HH:MM` (the latest such moment not after `now`: a timer can run past midnight) or
    `YYYY-MM-DD HH:MM`, in now's timezone."""
    text = text.strip()
    try:
        if len(text) > 5:
            return datetime.fromisoformat(text).replace(tzinfo=now.tzinfo)
        at = datetime.combine(now.date(), time.fromisoformat(text), now.tzinfo)
    except ValueError:
        raise ValueError({"started_at": "use HH:MM or YYYY-MM-DD HH:MM"}) from None
    return at - timedelta(days=1) if at > now else at


class EditTimerModal(_TimerForm):
    TITLE_TEXT = "Edit the running timer"
    DRAFT = None  # filled from the server's timer, not from an old draft

    def compose_fields(self) -> ComposeResult:
        yield from self.common_fields()
        yield Field("Started at (HH:MM or YYYY-MM-DD HH:MM)", Input(id="started_at"),
                    "started_at")

    def on_mount(self) -> None:
        super().on_mount()
        timer = self.englog.timer or {}
        self.query_one("#title", Input).value = timer.get("title") or ""
        self.query_one("#tags", Input).value = " ".join(timer.get("tags") or [])
        self.query_one("#type", Select).value = timer.get("type") or "code"
        started = self.englog.local(timer["started_at"]) if timer.get("started_at") else None
        self.query_one("#started_at", Input).value = f"{started:%Y-%m-%d %H:%M}" if started \
            else ""
        project = self.query_one("#project_id", Select)
        pid = timer.get("project_id")
        known = [(p["name"], p["id"]) for p in self.englog.projects_cache]
        if pid and all(v != pid for _, v in known):  # e.g. archived: keep it choosable
            project.set_options([*known, ("(current project)", pid)])
        project.value = pid or Select.NULL

    async def submit(self) -> Any:
        body = self.common_body()
        body.setdefault("project_id", None)  # "(none)" detaches the project
        text = self.values()["started_at"]
        if text.strip():
            body["started_at"] = parse_started_at(text, self.englog.now()).isoformat()
        timer = await ep.update_timer(self.englog.api, body)
        self.englog.timer = timer
        self.notify("Timer updated.")
        return timer


class SwitchTimerModal(_TimerForm):
    TITLE_TEXT = "Switch: log the running timer and start the next — enter to switch"
    DRAFT = "timer:switch"
    SAVE_LABEL = "Switch"
    SAVE_KEY = "enter"

    def compose_fields(self) -> ComposeResult:
        yield from self.common_fields()
        if not (self.englog.timer or {}).get("title"):
            # The running timer has no title yet, and an entry needs one.
            yield Field("Title of the timer being stopped", Input(id="stopped_title"),
                        "stopped_title")

    async def submit(self) -> Any:
        body = self.common_body()
        values = self.values()
        if not body["title"]:
            raise ValueError({"title": "what are you switching to?"})
        if "stopped_title" in values:
            body["stopped"] = {"title": values["stopped_title"].strip()}
        result = await ep.switch_timer(self.englog.api, body)
        stopped, timer = result["stopped"], result["timer"]
        self.englog.timer = timer
        overlaps = len(stopped.get("overlaps") or [])
        warn = f" ⚠ It overlaps {overlaps} other entr{'y' if overlaps == 1 else 'ies'}." \
            if overlaps else ""
        self.notify(f"Logged “{stopped['title']}” ({stopped['duration_minutes']} min); "
                    f"now timing “{timer['title']}”.{warn}", markup=False)
        return result

    def show_errors(self, errors: dict[str, str]) -> None:
        # The stopped timer's title comes back from the API as `title` of `stopped`.
        if "stopped" in errors and "stopped_title" not in errors:
            errors = {**errors, "stopped_title": errors.pop("stopped")}
        super().show_errors(errors)
