"""The EngLog Textual app: modes per area, app-wide actions, the session and the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from textual import work
from textual.app import App
from textual.reactive import reactive
from textual.screen import ModalScreen

from tui.actions import ACTIONS, bindings_for, typing_blocks
from tui.api import endpoints as ep
from tui.api.client import ApiClient, ApiError, SessionExpired, Unreachable
from tui.api.outbox import TIMER_START, TIMER_STOP, Outbox
from tui.clock import Clock
from tui.config import Paths, Settings, load_settings, save_settings, stored_server_url
from tui.keymap import validate
from tui.palette import ActionsProvider
from tui.screens.analytics import AnalyticsScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.entries import EntriesScreen
from tui.screens.login import LoginScreen
from tui.screens.projects import ProjectsScreen
from tui.screens.reports import ReportsScreen
from tui.screens.settings import SettingsScreen
from tui.storage import DraftStore, TokenStore, ViewCache
from tui.timer_flow import TimerFlowMixin
from tui.undo import UndoMixin

# App actions from the registry that need a logged-in, unobstructed main screen.
GATED_ACTIONS = {a.action.split("(")[0] for a in ACTIONS if a.scope == "app"} - {
    "quit", "show_help", "focus_next", "focus_previous"}
MAIN_MODES = ("dashboard", "entries", "projects", "analytics", "reports", "settings")




class EngLogApp(TimerFlowMixin, UndoMixin, App):
    TITLE = "EngLog"
    CSS_PATH = "app.tcss"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {ActionsProvider}
    MODES = {"login": LoginScreen, "dashboard": DashboardScreen, "entries": EntriesScreen,
             "projects": ProjectsScreen, "analytics": AnalyticsScreen, "reports": ReportsScreen,
             "settings": SettingsScreen}

    # (offline?, text) shown by every StatusLine.
    status: reactive[tuple[bool, str]] = reactive((False, ""))

    def __init__(self, paths: Paths | None = None, settings: Settings | None = None,
                 clock: Clock | None = None) -> None:
        self.paths = paths or Paths.default()
        self.paths.ensure()
        self.settings = settings or load_settings(self.paths)
        self._keymap_overrides, self.keymap_warnings = validate(self.settings.keymap)
        super().__init__()
        self.clock = clock or Clock()
        self.tokens = TokenStore(self.paths.tokens)
        self.drafts = DraftStore(self.paths.drafts)
        self.outbox = Outbox(self.paths.outbox)
        self.view_cache = ViewCache(self.paths.view_cache)
        self.api = ApiClient(self.settings.server_url, self.tokens, self.settings.request_timeout)
        self.api.on_online = self._back_online
        self.api.on_offline = self._update_status
        self.projects_cache: list[dict[str, Any]] = []
        # A timer started offline lives in the outbox until the server has it.
        self.timer: dict[str, Any] | None = self.queued_timer()
        self.set_keymap(self._keymap_overrides)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    # -- lifecycle -------------------------------------------------------------------------
    async def on_mount(self) -> None:
        for warning in self.keymap_warnings:
            self.notify(warning, severity="warning")
        self.set_interval(self.settings.outbox_retry_seconds, self.flush_outbox)
        self._update_status()
        if self.settings.server_url and self.tokens.present:
            await self.switch_mode("dashboard")
            self.load_me()
        else:
            await self.switch_mode("login")

    async def on_unmount(self) -> None:
        await self.api.aclose()

    # -- time --------------------------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        name = (self.tokens.user or {}).get("timezone") or "UTC"
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    def now(self) -> datetime:
        return self.clock.now().astimezone(self.tz)

    def local(self, iso: str) -> datetime:
        return datetime.fromisoformat(iso).astimezone(self.tz)

    @property
    def preferences(self) -> dict[str, Any]:
        return (self.tokens.user or {}).get("preferences") or {}

    # -- status / errors ---------------------------------------------------------------------
    def _update_status(self) -> None:
        user = self.tokens.user or {}
        # Names are optional at registration: an account without one is shown by its email.
        who = " ".join(filter(None, [user.get("first_name"), user.get("last_name")])) \
            or user.get("email")
        offline = self.api.online is False
        # The URL itself lives in Settings; here only who and whether we are connected.
        parts = [who or "not logged in",
                 "⚠ server unreachable — new entries are queued" if offline else "connected"]
        pending, rejected = len(self.outbox.pending), len(self.outbox.rejected)
        timer_items = sum(1 for i in self.outbox.pending if i.get("kind") in (TIMER_START,
                                                                               TIMER_STOP))
        if pending and not timer_items:
            parts.append(f"{pending} queued entr{'y' if pending == 1 else 'ies'}")
        elif pending:
            parts.append(f"{pending} queued change{'' if pending == 1 else 's'} "
                         f"({timer_items} timer)")
        if rejected:
            parts.append(f"{rejected} refused by the server (kept in {self.paths.outbox.name})")
        self.status = (offline, " │ ".join(parts))

    def _back_online(self) -> None:
        self._update_status()
        if self.outbox.pending:
            self.flush_outbox()

    def explain(self, exc: Exception) -> str:
        """A calm one-line message for an API failure; expired sessions go back to login."""
        if isinstance(exc, SessionExpired):
            self.call_later(self.session_expired)
            return str(exc)
        if isinstance(exc, Unreachable):
            return f"{exc} Check that the API is running; nothing you typed is lost."
        if isinstance(exc, ApiError):
            return exc.message
        return f"Unexpected error: {exc}"

    async def session_expired(self) -> None:
        if self.current_mode == "login":
            return
        await self._reset_to_login("Your session has expired. Please log in again.")

    async def _reset_to_login(self, message: str) -> None:
        while isinstance(self.screen, ModalScreen):
            self.pop_screen()
        await self.switch_mode("login")
        self.screen.show_message(message)  # type: ignore[attr-defined]
        for mode in MAIN_MODES:
            if mode in self._screen_stacks:
                await self.remove_mode(mode)
                self.add_mode(mode, self.MODES[mode])
        self._update_status()

    # -- session -----------------------------------------------------------------------------
    def set_server(self, url: str) -> None:
        url = url.strip().rstrip("/")
        # Compared with the file too, not only the settings: a URL that came from
        # ENGLOG_TUI_SERVER_URL (scripts/run.sh sets it) must still be written down, or the
        # shell verbs in another terminal find tokens but no server to use them with.
        if url != self.settings.server_url or stored_server_url(self.paths) != url:
            self.settings.server_url = url
            save_settings(self.paths, self.settings)
        self.api.set_base_url(url)

    async def logged_in(self) -> None:
        self._update_status()
        await self.switch_mode("dashboard")
        self.flush_outbox()

    @work(group="me")
    async def load_me(self) -> None:
        try:
            me = await ep.me(self.api)
        except (Unreachable, ApiError, SessionExpired) as exc:
            if isinstance(exc, SessionExpired):
                await self.session_expired()
            self._update_status()
            return
        self.tokens.set_user(me.get("user", me))
        self._update_status()

    async def action_logout(self) -> None:
        await self.api.logout()
        await self._reset_to_login("Logged out. Your tokens were removed from this machine.")

    # -- navigation --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if typing_blocks(self, ("app",), action):
            return False  # the key types into the focused field instead
        if action not in GATED_ACTIONS:
            return True  # Textual's own (focus_next, command_palette…) and help/quit
        # Modal forms own the keyboard; while logged out only help and quit make sense.
        return not (isinstance(self.screen, ModalScreen) or self.current_mode == "login")

    async def action_goto(self, mode: str) -> None:
        await self.switch_mode(mode)
        # Focus now, not on a later refresh: keys typed right after the switch belong here.
        screen = self.screen
        if screen.focused is None and (auto := getattr(screen, "AUTO_FOCUS", None)):
            for widget in screen.query(auto):
                if widget.focusable:
                    screen.set_focus(widget)
                    break

    async def open_modal(self, screen: Any, callback: Any = None) -> None:
        """Push a modal and give its first field the keyboard before the next key is read,
        so what is typed right after the opening key lands there (issue 12 bug 2)."""
        await self.push_screen(screen, callback)
        if focus_first := getattr(screen, "focus_first", None):
            focus_first()

    async def action_show_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            await self.open_modal(HelpScreen())

    async def action_reload(self) -> None:
        reload = getattr(self.screen, "reload", None)
        if reload:
            reload()

    def refresh_views(self) -> None:
        """Ask every mounted main screen to reload (after an entry or timer changed)."""
        for mode in MAIN_MODES:
            for screen in self._screen_stacks.get(mode, []):
                reload = getattr(screen, "reload", None)
                if reload and screen.is_mounted:
                    reload()

    # -- entries & outbox ----------------------------------------------------------------------
    async def create_entry(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """POST an entry; when the server is unreachable queue it and return None.
        ApiError (e.g. 422) propagates so the form can show it next to its fields."""
        try:
            entry = await ep.create_log(self.api, body)
        except Unreachable as exc:
            self.outbox.add(body, maybe_sent=exc.maybe_sent)
            self._update_status()
            self.notify("Server unreachable: the entry is queued and will be sent when it is "
                        "back.", severity="warning", timeout=6)
            return None
        self.refresh_views()
        return entry

    @work(group="outbox", exclusive=True)
    async def flush_outbox(self) -> int:
        self.outbox.reload()
        if not self.outbox.pending or not self.tokens.present:
            return 0
        try:
            sent = await self.outbox.flush(self.api)
        except (Unreachable, SessionExpired, ApiError) as exc:
            self._update_status()
            if isinstance(exc, SessionExpired):
                await self.session_expired()
            return 0
        self._update_status()
        if sent:
            self.notify(f"Sent {sent} queued entr{'y' if sent == 1 else 'ies'}.")
            self.refresh_views()
        return sent

    def action_sync_outbox(self) -> None:
        self.flush_outbox()

    async def load_projects(self) -> list[dict[str, Any]]:
        try:
            page = await ep.list_projects(self.api)
            self.projects_cache = page.get("items", [])
            self.view_cache.put("projects", self.projects_cache)
        except Unreachable:
            # Keep the last known list (from disk after a restart) so quick-add can still
            # resolve @project offline.
            if not self.projects_cache:
                self.projects_cache = self.view_cache.get("projects") or []
        return self.projects_cache

    def active_projects(self) -> list[dict[str, Any]]:
        """The projects new work can go to: archived ones (completed, on hold, cancelled)
        are not offered when starting a timer or adding an entry."""
        return [p for p in self.projects_cache if p.get("status", "active") == "active"]

    # -- timer -------------------------------------------------------------------------------
    async def action_timer_start(self) -> None:
        from tui.screens.timer import StartTimerModal

        await self.open_modal(StartTimerModal(), self._after_timer_change)

    def queued_timer(self) -> dict[str, Any] | None:
        item = self.outbox.queued_timer()
        return None if item is None else item["body"] | {"queued": True}

    async def start_timer(self, body: dict[str, Any]) -> None:
        """Start a timer; without a server it starts here and the start is queued (with its
        true start time) like an offline entry."""
        try:
            await ep.start_timer(self.api, body)
        except Unreachable:
            if self.timer is not None:
                raise ApiError(409, "Conflict", "A timer is already running; stop or cancel "
                               "it first.") from None
            started = self.clock.now().astimezone(self.tz).isoformat()
            self.outbox.add(body | {"started_at": started}, kind=TIMER_START)
            self.timer = self.queued_timer()
            self._update_status()
            self.notify("Server unreachable: the timer runs here and its start is queued.",
                        severity="warning", timeout=6)
            return
        current = await ep.current_timer(self.api)
        self.timer = current.get("timer")

    async def action_timer_stop(self) -> None:
        if self.timer is not None and self.elapsed_since(self.timer["started_at"]) < \
                timedelta(minutes=1):
            self._confirm_short_stop()
            return
        await self.stop_timer()

    def _confirm_short_stop(self) -> None:
        from tui.screens.confirm import ConfirmModal

        seconds = int(self.elapsed_since((self.timer or {})["started_at"]).total_seconds())

        async def done(yes: bool | None) -> None:
            if yes:
                await self.stop_timer()
            else:
                self.notify("The timer keeps running.")

        # Under a minute the entry would read "04:33–04:33 0m": ask instead of guessing.
        self.push_screen(ConfirmModal(f"The timer ran only {seconds} s. Save it as an entry "
                                      "anyway? (no keeps it running)"), done)

    async def stop_timer(self) -> None:
        end = self.clock.now().astimezone(self.tz).isoformat()
        if self.outbox.queued_timer() is not None:
            # Started offline and never sent: the start and this stop become one entry.
            draft = self.outbox.stop_queued_timer(end)
            self.timer = None
            self._update_status()
            self.notify(f"Saved “{draft.get('title') or '(untitled)'}” locally; it is sent "
                        "when the server is back.")
            self.flush_outbox()
            self.refresh_views()
            return
        try:
            entry = await ep.stop_timer(self.api)
        except Unreachable:
            self.outbox.add({"end_time": end}, kind=TIMER_STOP)
            self.timer = None
            self._update_status()
            self.notify("Server unreachable: the stop is queued (at this time) and sent when "
                        "it is back.", severity="warning", timeout=6)
            self.refresh_views()
            return
        except (ApiError, SessionExpired) as exc:
            self.notify(self.explain(exc), title="Could not stop the timer", severity="error")
            return
        self.timer = None
        self.notify(f"Saved “{entry.get('title')}” ({entry.get('duration_minutes')} min).")
        self.refresh_views()

    def action_timer_cancel(self) -> None:
        from tui.screens.confirm import ConfirmModal

        async def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                await ep.cancel_timer(self.api)
            except (Unreachable, ApiError, SessionExpired) as exc:
                self.notify(self.explain(exc), severity="error")
                return
            self.timer = None
            self.notify("Timer cancelled; nothing was saved.")
            self.refresh_views()

        self.push_screen(ConfirmModal("Cancel the running timer without saving it?"), done)

    async def action_backfill(self) -> None:
        from tui.screens.timer import BackfillModal

        await self.open_modal(BackfillModal(), self._after_timer_change)

    def _after_timer_change(self, result: Any) -> None:
        if result:
            self.refresh_views()

    async def action_quick_add(self) -> None:
        from tui.screens.quick_add import QuickAddModal

        await self.open_modal(QuickAddModal(), self._after_timer_change)

    async def action_new_entry(self) -> None:
        from tui.screens.entry_editor import EntryEditor

        await self.open_modal(EntryEditor(None), self._after_timer_change)

    def elapsed_since(self, iso: str) -> timedelta:
        return max(self.clock.now() - datetime.fromisoformat(iso), timedelta(0))

    # -- data in and out (issue 9) -------------------------------------------------------------
    async def action_export_data(self) -> None:
        from tui.downloads import default_folder
        from tui.screens.export import ExportScreen

        await self.open_modal(ExportScreen(default_folder()))

    async def action_import_calendar(self) -> None:
        from tui.screens.calendar_import import ImportScreen

        await self.open_modal(ImportScreen())

    async def open_account(self) -> None:
        from tui.downloads import default_folder
        from tui.screens.account import AccountScreen

        await self.open_modal(AccountScreen(default_folder()))

    async def account_gone(self, message: str) -> None:
        """The account was deleted: forget its tokens and go back to the login screen."""
        self.tokens.clear()
        await self._reset_to_login(message)
