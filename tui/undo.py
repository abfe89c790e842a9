"""Undo for the last entry deletion or edit: a toast offers the undo key for a few seconds;
pressing it asks the API to restore the entry exactly as it was (ep.LOG_RESTORE: same id,
fields and tags; the server kept the previous version).

A mixin of the app, so the screens that delete or edit only call `offer_undo`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tui.actions import BY_ID, effective_key
from tui.api import endpoints as ep
from tui.api.client import ApiError, SessionExpired, Unreachable
from tui.keymap import display_key

UNDO_SECONDS = 8.0


@dataclass(frozen=True)
class UndoOffer:
    entry_id: str
    title: str
    what: str  # "Deleted" / "Edited"
    expires: float  # time.monotonic(): the app's clock may be frozen in tests and snapshots


class UndoMixin:
    """Needs the app's `api`, `notify`, `explain`, `refresh_views` and keymap overrides."""

    undo_seconds: float = UNDO_SECONDS
    _undo_offer: UndoOffer | None = None

    @property
    def undo_key(self) -> str:
        overrides = getattr(self, "_keymap_overrides", {})
        return display_key(effective_key(BY_ID["app.undo"], overrides))

    def offer_undo(self, entry: dict[str, Any], what: str) -> None:
        """After a delete or an edit of `entry` (as it was before): offer to undo it."""
        self._undo_offer = UndoOffer(entry["id"], entry.get("title") or "", what,
                                     time.monotonic() + self.undo_seconds)
        self.notify(  # type: ignore[attr-defined]
            f"{what} “{self._undo_offer.title}”. Press {self.undo_key} to undo.",
            timeout=self.undo_seconds, markup=False)

    @property
    def undo_offer(self) -> UndoOffer | None:
        offer = self._undo_offer
        return offer if offer is not None and time.monotonic() < offer.expires else None

    async def action_undo(self) -> None:
        offer = self.undo_offer
        if offer is None:
            self.notify("Nothing to undo.", timeout=3)  # type: ignore[attr-defined]
            return
        self._undo_offer = None  # one press, one undo: a second press must not undo more
        try:
            entry = await ep.restore_log(self.api, offer.entry_id)  # type: ignore[attr-defined]
        except (Unreachable, ApiError, SessionExpired) as exc:
            self.notify(self.explain(exc), title="Could not undo",  # type: ignore[attr-defined]
                        severity="error", markup=False)
            return
        self.notify(f"Restored “{entry.get('title')}”.", markup=False)  # type: ignore[attr-defined]
        self.refresh_views()  # type: ignore[attr-defined]
