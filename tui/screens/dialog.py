"""The dialogs for data in and out (export, calendar import, account): a box over the
current screen that fits 80x24, with its keys from the actions registry and errors shown
beside the field they concern."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.actions import bindings_for, typing_blocks
from tui.api.client import ApiError, SessionExpired
from tui.screens.base import API_ERRORS
from tui.widgets.download import DownloadPanel
from tui.widgets.form import show_errors

if TYPE_CHECKING:
    from tui.app import EngLogApp


class DataDialog(ModalScreen[None]):
    SCOPE = ""
    TITLE_TEXT = ""

    DEFAULT_CSS = """
    DataDialog { align: center middle; }
    DataDialog > #dialog { width: 112; max-width: 100%; height: auto; max-height: 100%;
                           border: thick $primary; background: $surface; padding: 0 1; }
    DataDialog #dialog-title { text-style: bold; }
    DataDialog .section { text-style: bold; margin-top: 1; }
    DataDialog .hint { color: $text-muted; }
    DataDialog #dialog-general { color: $error; height: auto; }
    DataDialog #dialog-general.-empty { display: none; }
    DataDialog Horizontal.row { height: auto; }
    DataDialog Horizontal.row > Field { width: 1fr; margin-right: 1; }
    DataDialog Horizontal.buttons { height: auto; margin-top: 1; }
    DataDialog Horizontal.buttons > Button { margin-right: 2; }
    DataDialog Input.-textual-compact { background: $boost; }
    DataDialog Input.-textual-compact:focus { background: $primary 30%; }
    """

    def __init_subclass__(cls, **kw: Any) -> None:
        # Before super(): Textual merges BINDINGS when the subclass is created.
        if cls.__dict__.get("SCOPE") and "BINDINGS" not in cls.__dict__:
            cls.BINDINGS = bindings_for(cls.SCOPE)
        super().__init_subclass__(**kw)

    @property
    def englog(self) -> EngLogApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Label(self.TITLE_TEXT, id="dialog-title")
            yield from self.compose_body()
            yield Static("", id="dialog-general", classes="-empty")

    def compose_body(self) -> ComposeResult:
        yield from ()

    def focus_first(self) -> None:
        if self.focused is None and self.AUTO_FOCUS:
            for widget in self.query(self.AUTO_FOCUS):
                if widget.focusable:
                    self.set_focus(widget)
                    break

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "a" checks all events in the import table, but types an "a" in the path field.
        return not typing_blocks(self.app, (self.SCOPE,), action)

    def show_errors(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#dialog-general", Static))

    def fail(self, exc: Exception) -> None:
        """An API failure, beside its field when the server named one."""
        if isinstance(exc, ApiError) and exc.field_errors():
            self.show_errors(exc.field_errors())
        else:
            self.show_errors({"": self.englog.explain(exc)})
        if isinstance(exc, SessionExpired):
            self.dismiss(None)

    async def download(self, panel: str, path: str, params: dict[str, Any], folder: Path,
                       fallback_name: str, waiting: str) -> Path | None:
        """Fetch a file into `folder` through the DownloadPanel `panel`; errors are shown
        beside their field (a folder that cannot be written beside `folder`)."""
        try:
            saved = await self.query_one(panel, DownloadPanel).fetch(
                self.englog, path, params, folder, fallback_name, waiting)
        except API_ERRORS as exc:
            self.fail(exc)
            return None
        except OSError as exc:
            self.show_errors({"folder": f"cannot write there: {exc.strerror or exc}"})
            return None
        self.notify(f"Saved {saved.name} in {saved.parent}", title="Download done",
                    timeout=8)
        return saved

    def action_close(self) -> None:
        self.dismiss(None)
