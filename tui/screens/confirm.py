"""A yes/no question. Enter or y confirms; escape or n declines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from tui.actions import bindings_for
from tui.keymap import key_of


class ConfirmModal(ModalScreen[bool]):
    SCOPE = "confirm"
    BINDINGS = bindings_for("confirm")
    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical { width: 60; height: auto; border: thick $warning;
                              background: $surface; padding: 1 2; }
    ConfirmModal Horizontal { height: auto; align-horizontal: right; padding-top: 1; }
    """

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            with Horizontal():
                yield Button(f"No ({key_of(self.app, 'confirm.no')})", id="no")
                yield Button(f"Yes ({key_of(self.app, 'confirm.yes')})", id="yes",
                             variant="warning")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
