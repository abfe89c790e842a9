"""First run and expired sessions: the server URL, then log in or create an account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static, TabbedContent, TabPane

from tui.actions import bindings_for
from tui.api.client import ApiError, SessionExpired, Unreachable
from tui.screens.base import Message
from tui.widgets.form import Field, show_errors

if TYPE_CHECKING:
    from tui.app import EngLogApp


class LoginScreen(Screen):
    SCOPE = "login"
    BINDINGS = bindings_for("login")
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen #login-box { width: 72; height: auto; border: thick $primary; padding: 0 1; }
    LoginScreen TabbedContent { height: auto; }
    LoginScreen Horizontal.row { height: auto; }
    LoginScreen Horizontal.row > Field { width: 1fr; margin-right: 1; }
    LoginScreen #login-general { color: $error; height: auto; }
    """

    @property
    def englog(self) -> EngLogApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        # Read when the screen is shown: a known server means the user starts at the email.
        self.AUTO_FOCUS = "#login-email" if self.englog.settings.server_url else "#server"
        yield Header()
        with Vertical(id="login-box"):
            yield Static("[b]Welcome to EngLog[/b] — your work log. Tab moves between fields, "
                         "enter submits.")
            yield Message(id="message")
            yield Field("Server URL", Input(self.englog.settings.server_url
                                            or "http://127.0.0.1:8000", id="server"), "server")
            with TabbedContent(id="tabs"):
                with TabPane("Log in", id="tab-login"):
                    yield Field("Email", Input(id="login-email"), "login_email")
                    yield Field("Password", Input(password=True, id="login-password"),
                                "login_password")
                    yield Button("Log in", id="do-login", variant="primary")
                with TabPane("Create account", id="tab-register"):
                    yield Field("Email", Input(id="reg-email"), "email")
                    yield Field("Password (at least 10 characters)",
                                Input(password=True, id="reg-password"), "password")
                    with Horizontal(classes="row"):
                        yield Field("First name", Input(id="reg-first"), "first_name")
                        yield Field("Last name", Input(id="reg-last"), "last_name")
                    yield Field("Timezone", Input(_local_tz(), id="reg-tz"), "timezone")
                    yield Button("Create account", id="do-register", variant="primary")
            yield Static("", id="login-general")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Log in"

    def action_toggle(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = "tab-register" if tabs.active == "tab-login" else "tab-login"
        target = "#reg-email" if tabs.active == "tab-register" else "#login-email"
        # Focus at once: keys typed right after the switch must not land in the other tab's
        # field (issue 12 bug 2). Screen.set_focus takes a field whose pane is still hidden.
        self.set_focus(self.query_one(target, Input))

    def show_message(self, text: str, error: bool = False) -> None:
        self.query_one("#message", Message).show(text, error=error)

    @on(Input.Submitted)
    @on(Button.Pressed)
    def action_submit(self) -> None:
        self._submit()

    @work(exclusive=True)
    async def _submit(self) -> None:
        app = self.englog
        url = self.query_one("#server", Input).value.strip()
        general = self.query_one("#login-general", Static)
        show_errors(self, {}, general)
        if not url.startswith(("http://", "https://")):
            show_errors(self, {"server": "use a URL like http://127.0.0.1:8000"}, general)
            return
        app.set_server(url)
        registering = self.query_one("#tabs", TabbedContent).active == "tab-register"
        aliases = {} if registering else {"email": "login_email", "password": "login_password"}
        self.show_message("Contacting the server…")
        try:
            if registering:
                await app.api.register(
                    email=self.query_one("#reg-email", Input).value.strip(),
                    password=self.query_one("#reg-password", Input).value,
                    first_name=self.query_one("#reg-first", Input).value.strip(),
                    last_name=self.query_one("#reg-last", Input).value.strip(),
                    timezone=self.query_one("#reg-tz", Input).value.strip())
            else:
                await app.api.login(self.query_one("#login-email", Input).value.strip(),
                                    self.query_one("#login-password", Input).value)
        except ApiError as exc:
            self.show_message("")
            show_errors(self, exc.field_errors() if exc.errors else {"": exc.message},
                        general, aliases)
            return
        except (Unreachable, SessionExpired) as exc:
            self.show_message(f"{exc} Check the URL and that the API is running.", error=True)
            return
        self.show_message("")
        for inp in self.query("#login-password, #reg-password").results(Input):
            inp.value = ""
        await app.logged_in()


def _local_tz() -> str:
    import os
    from pathlib import Path

    if tz := os.environ.get("TZ"):
        return tz
    try:
        target = Path("/etc/localtime").resolve()
        return str(target).split("zoneinfo/", 1)[1]
    except (OSError, IndexError):
        return "UTC"
