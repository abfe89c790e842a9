"""One line at the bottom of each main screen: connection state and the outbox."""

from __future__ import annotations

from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $boost; color: $text-muted; padding: 0 1; }
    StatusLine.-offline { background: $error 30%; color: $text; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show, init=True)

    def _show(self, status: tuple[bool, str]) -> None:
        offline, text = status
        self.set_class(offline, "-offline")
        self.update(text)
