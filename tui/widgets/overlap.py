"""A one-line warning under a form: which of your entries the one being typed overlaps.

It only warns: saving is never blocked. The API answers (ep.LOGS_OVERLAPS), so the
entries compared are all of the user's, not just the ones on screen. Keystrokes are
debounced, and an unreachable server shows no warning rather than an error.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.widgets import Static

from tui.api import endpoints as ep
from tui.api.client import ApiError, SessionExpired, Unreachable

if TYPE_CHECKING:
    from tui.app import EngLogApp

DEBOUNCE_S = 0.25
SHOWN = 3  # entries named; the rest are counted


class OverlapWarning(Static):
    DEFAULT_CSS = """
    OverlapWarning { height: auto; color: $warning; padding: 0 0 0 0; }
    OverlapWarning.-empty { display: none; }
    """

    def __init__(self, **kw: Any):
        super().__init__("", classes="-empty", **kw)
        self._asked: tuple[Any, ...] | None = None
        self.items: list[dict[str, Any]] = []

    @property
    def englog(self) -> EngLogApp:
        return self.app  # type: ignore[return-value]

    def check(self, start: datetime | None, end: datetime | None,
              exclude_id: str | None = None) -> None:
        """Ask about [start, end) unless it is what was asked last; None clears."""
        key = (start, end, exclude_id)
        if key == self._asked:
            return
        self._asked = key
        if start is None or end is None or end <= start:
            self.workers.cancel_group(self, "overlap")
            self.show([], 0)
            return
        self._fetch(start, end, exclude_id)

    @work(exclusive=True, group="overlap")
    async def _fetch(self, start: datetime, end: datetime, exclude_id: str | None) -> None:
        await asyncio.sleep(DEBOUNCE_S)  # a newer keystroke cancels this worker
        try:
            page = await ep.overlaps(self.englog.api, start.isoformat(), end.isoformat(),
                                     exclude_id, limit=SHOWN)
        except (Unreachable, ApiError, SessionExpired):
            self.show([], 0)
            return
        self.show(page.get("items", []), page.get("total", 0))

    def show(self, items: list[dict[str, Any]], total: int) -> None:
        self.items = items
        if not items:
            self.update("")
            self.add_class("-empty")
            return
        app = self.englog
        parts = []
        for e in items:
            start, end = app.local(e["start_time"]), app.local(e["end_time"])
            parts.append(f"“{e['title']}” {start:%a %H:%M}–{end:%H:%M}")
        more = f" and {total - len(items)} more" if total > len(items) else ""
        # Text, not markup: titles are user input and may contain [brackets].
        self.update(Text(f"⚠ Overlaps {', '.join(parts)}{more}. You can still save it."))
        self.remove_class("-empty")
