"""Settings: profile, timezone and preferences (PUT merges preferences on the server)."""

from __future__ import annotations

import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static, Switch

from tui.api import endpoints as ep
from tui.api.client import ApiError
from tui.screens.base import API_ERRORS, MainScreen
from tui.screens.common import IMPACT_OPTIONS, TYPE_OPTIONS, VALUE_OPTIONS
from tui.widgets.form import Field, show_errors

WEEK_START = [("Monday", "monday"), ("Sunday", "sunday")]
PROFILE = ("first_name", "last_name", "timezone")


class SettingsScreen(MainScreen):
    SCOPE = "settings"
    AREA = "Settings"
    AUTO_FOCUS = "#first_name"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="settings", classes="panel"):
            yield Static("[b]Profile[/b]")
            with Horizontal(classes="row"):
                yield Field("First name", Input(id="first_name"), "first_name")
                yield Field("Last name", Input(id="last_name"), "last_name")
                yield Field("Timezone (IANA, e.g. Europe/Berlin)", Input(id="timezone"),
                            "timezone")
            yield Static("[b]Preferences[/b]")
            with Horizontal(classes="row"):
                yield Field("Default type", Select(TYPE_OPTIONS, id="default_activity_type"),
                            "default_activity_type")
                yield Field("Default value", Select(VALUE_OPTIONS, id="default_value_rating"),
                            "default_value_rating")
                yield Field("Default impact", Select(IMPACT_OPTIONS, id="default_impact_level"),
                            "default_impact_level")
            with Horizontal(classes="row"):
                yield Field("Week starts on", Select(WEEK_START, id="week_start"), "week_start")
                yield Field("Daily goal (hours)", Input(id="daily_goal_hours"),
                            "daily_goal_hours")
                yield Field("Theme", Select([(t, t) for t in sorted(self.app.available_themes)],
                                            id="theme"), "theme")
            with Horizontal(classes="row"):
                yield Field("Weekly report email", Switch(id="weekly_report_email"),
                            "weekly_report_email")
                yield Field("Email when a report is ready", Switch(id="report_ready_email"),
                            "report_ready_email")
            with Horizontal(classes="row"):
                yield Field("End-of-day reminder email (workdays with nothing logged)",
                            Switch(id="end_of_day_reminder_email"), "end_of_day_reminder_email")
                yield Field("Reminder time (HH:MM, your timezone)",
                            Input(id="end_of_day_reminder_time"), "end_of_day_reminder_time")
            yield Static("", id="settings-general")
            with Horizontal(classes="row"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Log out (ctrl+l)", id="logout", variant="error")
                yield Button("Account & your data (ctrl+o)", id="account")

    async def load(self) -> None:
        api = self.englog.api
        profile = await ep.get_profile(api)
        prefs = await ep.get_preferences(api)
        prefs = prefs.get("preferences", prefs)
        for key in PROFILE:
            self.query_one(f"#{key}", Input).value = str(profile.get(key) or "")
        for key in ("default_activity_type", "default_value_rating", "default_impact_level",
                    "week_start", "theme"):
            select = self.query_one(f"#{key}", Select)
            value = prefs.get(key)
            try:
                select.value = value if value else Select.NULL
            except Exception:
                select.value = Select.NULL
        goal = prefs.get("daily_goal_hours")
        self.query_one("#daily_goal_hours", Input).value = "" if goal is None else str(goal)
        for key in ("weekly_report_email", "report_ready_email", "end_of_day_reminder_email"):
            self.query_one(f"#{key}", Switch).value = bool(prefs.get(key))
        self.query_one("#end_of_day_reminder_time", Input).value = str(
            prefs.get("end_of_day_reminder_time") or "")

    @on(Button.Pressed, "#save")
    async def action_save(self) -> None:
        general = self.query_one("#settings-general", Static)
        show_errors(self, {}, general)
        profile = {k: self.query_one(f"#{k}", Input).value.strip() for k in PROFILE}
        prefs: dict[str, Any] = {}
        for key in ("default_activity_type", "default_value_rating", "default_impact_level",
                    "week_start", "theme"):
            value = self.query_one(f"#{key}", Select).value
            if value is not Select.NULL:
                prefs[key] = value
        goal = self.query_one("#daily_goal_hours", Input).value.strip()
        if goal:
            try:
                prefs["daily_goal_hours"] = float(goal)
            except ValueError:
                show_errors(self, {"daily_goal_hours": "enter a number of hours"}, general)
                return
        for key in ("weekly_report_email", "report_ready_email", "end_of_day_reminder_email"):
            prefs[key] = self.query_one(f"#{key}", Switch).value
        if reminder_at := self.query_one("#end_of_day_reminder_time", Input).value.strip():
            # "9:05" means 09:05; anything else is left for the API to judge (HH:MM).
            prefs["end_of_day_reminder_time"] = ("0" + reminder_at
                                                 if re.fullmatch(r"\d:\d\d", reminder_at)
                                                 else reminder_at)
        api = self.englog.api
        try:
            user = await ep.put_profile(api, profile)
            saved = await ep.put_preferences(api, prefs)
        except API_ERRORS as exc:
            if isinstance(exc, ApiError) and exc.errors:
                show_errors(self, exc.field_errors(), general)
            else:
                general.update(self.englog.explain(exc))
            return
        merged = dict(self.englog.tokens.user or {})
        merged.update(user.get("user", user) if isinstance(user, dict) else {})
        if isinstance(saved, dict):
            prefs = saved.get("preferences", saved)
        merged["preferences"] = prefs
        self.englog.tokens.set_user(merged)
        if (theme := prefs.get("theme")) in self.app.available_themes:
            self.app.theme = theme
        self.notify("Settings saved.")

    @on(Button.Pressed, "#logout")
    async def _logout(self) -> None:
        await self.englog.action_logout()

    @on(Button.Pressed, "#account")
    def action_account(self) -> None:
        self.englog.open_account()
