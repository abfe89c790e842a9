"""Settings: profile, timezone and preferences (PUT merges preferences on the server)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static, Switch

from tui.api import endpoints as ep
from tui.api.client import ApiError
from tui.config import save_settings
from tui.keymap import key_of
from tui.screens.base import API_ERRORS, MainScreen
from tui.screens.common import IMPACT_OPTIONS, TYPE_OPTIONS, VALUE_OPTIONS
from tui.widgets.form import Field, show_errors

WEEK_START = [("Monday", "monday"), ("Sunday", "sunday")]
# The server stores "dark" or "light"; each maps to one of Textual's built-in themes.
THEMES = {"dark": "textual-dark", "light": "textual-light"}
THEME_OPTIONS = [("Dark", "dark"), ("Light", "light")]
PROFILE = ("first_name", "last_name", "timezone")
PREF_SELECTS = ("default_activity_type", "default_value_rating", "default_impact_level",
                "week_start", "theme")


class SettingsScreen(MainScreen):
    SCOPE = "settings"
    AREA = "Settings"
    # Not a text field: single-key shortcuts (1-6…) must work when the screen opens; a
    # field is entered with tab or a click and left with escape.
    AUTO_FOCUS = "#settings"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="settings", classes="panel"):
            yield Static("[b]Profile[/b]")
            with Horizontal(classes="row"):
                yield Field("First name", Input(id="first_name"), "first_name")
                yield Field("Last name", Input(id="last_name"), "last_name")
                yield Field("Timezone (IANA)", Input(id="timezone",
                                                     placeholder="e.g. Europe/Berlin"),
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
                yield Field("Theme", Select(THEME_OPTIONS, id="theme"), "theme")
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
                yield Button(f"Save ({key_of(self.app, 'settings.save')})", id="save",
                             variant="primary")
                yield Button(f"Log out ({key_of(self.app, 'app.logout')})", id="logout",
                             variant="error")
                yield Button(f"Account & your data ({key_of(self.app, 'settings.account')})",
                             id="account")
            yield Static(f"[dim]{key_of(self.app, 'screen.leave_field')} leaves a field; "
                         "then the screen keys work again.[/]")

    async def load(self) -> None:
        api = self.englog.api
        profile = await ep.get_profile(api)
        prefs = await ep.get_preferences(api)
        prefs = prefs.get("preferences", prefs)
        self.saved_prefs = dict(prefs)  # to restore if the profile half of a save fails
        for key in PROFILE:
            self.query_one(f"#{key}", Input).value = str(profile.get(key) or "")
        for key in PREF_SELECTS:
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
        if profile["timezone"] and not _known_timezone(profile["timezone"]):
            show_errors(self, {"timezone": "not an IANA timezone (e.g. Europe/Berlin)"},
                        general)
            return
        prefs: dict[str, Any] = {}
        for key in PREF_SELECTS:
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
        try:
            user, saved = await self._save_both(profile, prefs)
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
        apply_theme(self.englog, prefs.get("theme"))
        self.saved_prefs = dict(prefs)
        self.notify("Settings saved.")
        # Times on every screen are shown in the (maybe new) timezone.
        self.englog.refresh_views()

    async def _save_both(self, profile: dict[str, Any], prefs: dict[str, Any]
                         ) -> tuple[Any, Any]:
        """All or nothing over two endpoints: preferences first (nothing is stored if they
        are refused); if the profile is then refused, the old preferences are put back."""
        api = self.englog.api
        saved = await ep.put_preferences(api, prefs)
        try:
            user = await ep.put_profile(api, profile)
        except API_ERRORS:
            previous = {k: v for k, v in getattr(self, "saved_prefs", {}).items()
                        if k in prefs}
            if previous:
                try:
                    await ep.put_preferences(api, previous)
                except API_ERRORS:
                    pass  # the first error is the one to show
            raise
        return user, saved

    @on(Button.Pressed, "#logout")
    async def _logout(self) -> None:
        await self.englog.action_logout()

    @on(Button.Pressed, "#account")
    async def action_account(self) -> None:
        await self.englog.open_account()


def _known_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def apply_theme(app: Any, theme: str | None) -> None:
    """Show the server's "dark"/"light" preference as the matching Textual theme, and keep
    it in the local config so the next start opens in it."""
    textual_theme = THEMES.get(theme or "")
    if textual_theme and textual_theme in app.available_themes:
        app.theme = textual_theme
        if app.settings.theme != textual_theme:
            app.settings.theme = textual_theme
            save_settings(app.paths, app.settings)
