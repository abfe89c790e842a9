"""What every main screen shares: header, nav hint, an in-place message line, status, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.actions import bindings_for, nav_targets, typing_blocks
from tui.api.client import ApiError, SessionExpired, Unreachable
from tui.keymap import key_of
from tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from tui.app import EngLogApp

API_ERRORS = (Unreachable, ApiError, SessionExpired)


class NavBar(Static):
    """The main screens with their keys, built from the actions registry (remaps applied),
    so it can never name a key that no longer opens the screen."""

    DEFAULT_CSS = "NavBar { height: 1; padding: 0 1; background: $panel; }"

    def __init__(self, current: str):
        super().__init__("")
        self.current = current

    def on_mount(self) -> None:
        self.update(nav_text(self.app, self.current, self.size.width or self.app.size.width))

    def on_resize(self) -> None:
        self.update(nav_text(self.app, self.current, self.size.width))


def nav_text(app: Any, current: str, width: int) -> Text:
    out = Text()
    for action, mode in nav_targets():
        style = "reverse bold" if mode == current else "dim"
        out.append(f" {key_of(app, action.id)} {action.description} ", style=style)
        out.append(" ")
    palette = app.COMMAND_PALETTE_BINDING
    hint = f" {key_of(app, 'nav.help')} help  {palette} commands"
    # At 80 columns the hint does not fit beside the six screens: drop it before any name.
    if out.cell_len + len(hint) <= width - 2:
        out.append(hint, style="dim")
    return out


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

    def show(self, text: str, error: bool = True, from_load: bool = False) -> None:
        # A load's own error is cleared by the next good load; an action's (a refused
        # delete) stays until the user does something else, even if a reload follows.
        self.set_class(from_load, "-from-load")
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
            cls.BINDINGS = bindings_for(cls.SCOPE) + bindings_for("main")
        super().__init_subclass__(**kw)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a text field "c" or "/" type themselves; the screen's keys work outside fields.
        return not typing_blocks(self.app, (self.SCOPE, "main"), action)

    def action_leave_field(self) -> None:
        """Escape out of a text field or list, so single-key shortcuts (1-6, s, a…) work
        again instead of typing into the field."""
        self.set_focus(None)

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
            if outcome is not None:
                message.show(outcome, from_load=True)
            elif message.has_class("-from-load"):
                message.clear()

    async def load(self) -> None:
        """Fetch and show this screen's data; raise API errors to have them shown in place."""
