"""Account (from Settings): export everything held about me (GDPR), schedule or cancel the
account's deletion, or delete it now, confirmed by typing its email and password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from tui.api import endpoints as ep
from tui.api.client import ApiError
from tui.keymap import key_of
from tui.screens.base import API_ERRORS
from tui.screens.dialog import DataDialog
from tui.widgets.download import DownloadPanel
from tui.widgets.form import Field

DEFAULT_DAYS = "30"


class AccountScreen(DataDialog):
    SCOPE = "account"
    TITLE_TEXT = "Account and your data"
    AUTO_FOCUS = "#a-export-json"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.deletion: dict[str, Any] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Your data", classes="section")
        yield Static("Everything EngLog holds about you: profile, preferences, entries, "
                     "projects, tags, reports, sessions.", classes="hint")
        yield Field("Save in folder", Input(str(self.folder), id="a-folder", compact=True),
                    "folder")
        with Horizontal(classes="buttons"):
            yield Button("Export my data (JSON)", id="a-export-json", compact=True)
            yield Button("Export as zip (JSON + CSV)", id="a-export-zip", compact=True)
        yield DownloadPanel(id="a-download")

        yield Static("Delete later", classes="section")
        yield Static("Checking…", id="a-deletion")
        with Horizontal(classes="row"):
            yield Field("Delete after (days, 1–90)", Input(DEFAULT_DAYS, id="a-days",
                                                           compact=True), "after_days")
        with Horizontal(classes="buttons"):
            yield Button("Schedule deletion", id="a-schedule", variant="warning", compact=True)
            yield Button("Cancel the scheduled deletion", id="a-cancel", compact=True,
                         disabled=True)

        yield Static("Delete now", classes="section")
        yield Static("Deletes the account and every entry, project, tag and report at once. "
                     "This cannot be undone.", classes="hint")
        with Horizontal(classes="row"):
            yield Field("Type your account's email", Input(id="a-email", compact=True),
                        "email")
            yield Field("Your password", Input(password=True, id="a-password", compact=True),
                        "current_password")
        with Horizontal(classes="buttons"):
            yield Button("Delete my account now", id="a-delete", variant="error",
                         compact=True, disabled=True)
            yield Button(f"Close ({key_of(self.app, 'account.close')})", id="a-close", compact=True)

    def on_mount(self) -> None:
        self._load_deletion()

    # -- export ---------------------------------------------------------------------------
    @on(Button.Pressed, "#a-export-json, #a-export-zip")
    def _export_pressed(self, event: Button.Pressed) -> None:
        self.show_errors({})
        folder_text = self.query_one("#a-folder", Input).value.strip()
        if not folder_text:
            self.show_errors({"folder": "where should the file go?"})
            return
        self._export("zip" if event.button.id == "a-export-zip" else "json",
                     Path(folder_text).expanduser())

    @work(exclusive=True, group="account-export")
    async def _export(self, fmt: str, folder: Path) -> None:
        await self.download("#a-download", ep.ACCOUNT_EXPORT.path(), {"format": fmt}, folder,
                            f"englog-my-data.{fmt}", "Collecting your data…")

    # -- delete later ---------------------------------------------------------------------
    @work(exclusive=True, group="account-deletion")
    async def _load_deletion(self) -> None:
        try:
            self.deletion = await ep.get_deletion(self.englog.api)
        except ApiError as exc:
            if exc.status != 404:
                self.fail(exc)
                return
            self.deletion = None
        except API_ERRORS as exc:
            self.fail(exc)
            return
        self._show_deletion()

    def _show_deletion(self) -> None:
        text = "No deletion is scheduled."
        if self.deletion:
            when = self.englog.local(self.deletion["scheduled_for"])
            text = (f"[b]Your account will be deleted on {when:%A %d %B %Y at %H:%M}.[/b] "
                    "Cancel it any time before then.")
        self.query_one("#a-deletion", Static).update(text)
        self.query_one("#a-schedule", Button).disabled = self.deletion is not None
        self.query_one("#a-cancel", Button).disabled = self.deletion is None

    @on(Button.Pressed, "#a-schedule")
    async def _schedule(self) -> None:
        self.show_errors({})
        days = self.query_one("#a-days", Input).value.strip()
        if not days.isdigit():
            self.show_errors({"after_days": "a whole number of days, 1 to 90"})
            return
        try:
            self.deletion = await ep.schedule_deletion(self.englog.api, int(days))
        except API_ERRORS as exc:
            self.fail(exc)
            return
        self._show_deletion()
        self.notify("Deletion scheduled; an email confirms it.", title="Account")

    @on(Button.Pressed, "#a-cancel")
    async def _cancel(self) -> None:
        self.show_errors({})
        try:
            await ep.cancel_deletion(self.englog.api)
        except ApiError as exc:
            if exc.status != 404:  # already gone: the screen just catches up
                self.fail(exc)
                return
        except API_ERRORS as exc:
            self.fail(exc)
            return
        self.deletion = None
        self._show_deletion()
        self.notify("The deletion is cancelled; your data stays.", title="Account")

    # -- delete now -----------------------------------------------------------------------
    def _email_matches(self) -> bool:
        typed = self.query_one("#a-email", Input).value.strip().lower()
        mine = str((self.englog.tokens.user or {}).get("email") or "").lower()
        return bool(typed) and typed == mine

    @on(Input.Changed, "#a-email, #a-password")
    def _arm(self) -> None:
        self.query_one("#a-delete", Button).disabled = not (
            self._email_matches() and self.query_one("#a-password", Input).value)

    @on(Button.Pressed, "#a-delete")
    async def _delete(self) -> None:
        self.show_errors({})
        if not self._email_matches():
            self.show_errors({"email": "type the email of this account to confirm"})
            return
        password = self.query_one("#a-password", Input).value
        try:
            await ep.delete_account(self.englog.api, {"current_password": password})
        except API_ERRORS as exc:
            self.fail(exc)
            return
        await self.englog.account_gone("Your account and all of its data were deleted. An "
                                       "email confirms it.")

    @on(Button.Pressed, "#a-close")
    def _close(self) -> None:
        self.action_close()
