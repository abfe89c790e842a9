"""Timer workflow actions of the app (issue 12): restart the last entry as a timer, switch
to the next timer, edit the running one. A mixin, so app.py only lists it."""

from __future__ import annotations

from typing import Any

from tui.api import endpoints as ep
from tui.api.client import ApiError, SessionExpired, Unreachable

API_ERRORS = (Unreachable, ApiError, SessionExpired)


class TimerFlowMixin:
    """Needs the app's `api`, `timer`, `notify`, `explain`, `push_screen`, `refresh_views`."""

    async def _current_timer(self) -> dict[str, Any] | None:
        current = await ep.current_timer(self.api)  # type: ignore[attr-defined]
        self.timer = current.get("timer") if current.get("running") else None  # type: ignore[attr-defined]
        return self.timer  # type: ignore[attr-defined]

    async def action_timer_restart(self) -> None:
        try:
            timer = await ep.restart_timer(self.api)  # type: ignore[attr-defined]
        except API_ERRORS as exc:
            self.notify(self.explain(exc), title="Could not restart",  # type: ignore[attr-defined]
                        severity="error", markup=False)
            return
        self.timer = timer
        self.notify(f"Timer restarted: “{timer.get('title')}”.", markup=False)  # type: ignore[attr-defined]
        self.refresh_views()  # type: ignore[attr-defined]

    async def action_timer_switch(self) -> None:
        from tui.screens.timer import StartTimerModal
        from tui.screens.timer_workflow import SwitchTimerModal

        try:
            running = await self._current_timer()
        except API_ERRORS as exc:
            self.notify(self.explain(exc), severity="error", markup=False)  # type: ignore[attr-defined]
            return
        # Nothing to switch from: switching to something is just starting it.
        modal = SwitchTimerModal() if running else StartTimerModal()
        await self.open_modal(modal, self._after_timer_change)  # type: ignore[attr-defined]

    async def action_timer_edit(self) -> None:
        from tui.screens.timer_workflow import EditTimerModal

        try:
            running = await self._current_timer()
        except API_ERRORS as exc:
            self.notify(self.explain(exc), severity="error", markup=False)  # type: ignore[attr-defined]
            return
        if not running:
            self.notify("No timer is running.", timeout=4)  # type: ignore[attr-defined]
            return
        await self.open_modal(EditTimerModal(), self._after_timer_change)  # type: ignore[attr-defined]
