"""The app's notion of "now", injectable so snapshots can freeze it."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at
