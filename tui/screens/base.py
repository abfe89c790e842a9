"""What every main screen shares: header, nav hint, an in-place message line, status, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.actions import bindings_for
from tui.api.client import ApiError, SessionExpired, Unreachable
from tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from tui.app import EngLogApp

API_ERRORS = (Unreachable, ApiError, SessionExpired)
NAV = (("1", "Dashboard", "dashboard"), ("2", "Entries", "entries"),
       ("3", "Projects", "projects"), ("4", "Analytics", "analytics"),
       ("5", "Reports", "reports"), ("6", "Settings", "settings"))


class NavBar(Static):
    DEFAULT_CSS = "NavBar { height: 1; padding: 0 1; background: $panel; }"

    def __init__(self, current: str):
        super().__init__("")
        self.current = current

    def on_mount(self) -> None:
        parts = []
        for key, label, mode in NAV:
            style = "reverse bold" if mode == self.current else "dim"
            parts.append(f"[{style}] {key} {label} [/]")
        self.update(" ".join(parts) + "  [dim]? help  ctrl+p commands[/]")


class Message(Static):
    """Errors and notices shown in place, where the user is looking."""

    DEFAULT_CSS = """
    Message { height: auto; padding: 0 1; }
    Message.-empty { display: none; }
    Message.-error { background: $error 20%; color: $text; border-left: thick $error; }
    Message.-info { background: $primary 15%; border-left: thick $primary; }
    """

    def __init__(self, **kw: Any):
        super().__init__("", classes="-empty", **kw)

    def show(self, text: str, error: bool = True) -> None:
        self.update(text)
        self.set_class(not text, "-empty")
        self.set_class(bool(text) and error, "-error")
        self.set_class(bool(text) and not error, "-info")

    def clear(self) -> None:
        self.show("")


class MainScreen(Screen):
    SCOPE = ""
    AREA = ""

    @property
    def englog(self) -> EngLogApp:
        return self.app  # type: ignore[return-value]

    def __init_subclass__(cls, **kw: Any) -> None:
        # Before super(): Textual merges BINDINGS when the subclass is created.
        if cls.__dict__.get("SCOPE") and "BINDINGS" not in cls.__dict__:
            cls.BINDINGS = bindings_for(cls.SCOPE)
        super().__init_subclass__(**kw)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.SCOPE)
        yield Message(id="message")
        yield from self.compose_body()
        yield StatusLine()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = self.AREA

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def message(self) -> Message:
        return self.query_one("#message", Message)

    def reload(self) -> None:
        self._load()

    @work(exclusive=True, group="load")
    async def _load(self) -> None:
        # A screen's widgets all exist from compose until it is torn down, so a NoMatches
        # here means the answer arrived after the screen (or the app) started closing:
        # there is nobody left to show it to. (is_attached stays true during teardown.)
        try:
            await self.load()
        except API_ERRORS as exc:
            outcome: str | None = self.englog.explain(exc)
        except NoMatches:
            return
        else:
            outcome = None
        for message in self.query("#message").results(Message):
            if outcome is None:
                message.clear()
            else:
                message.show(outcome)

    async def load(self) -> None:
        """Fetch and show this screen's data; raise API errors to have them shown in place."""
