"""Process-wide handles the API-side jobs need but cannot receive as arguments (the Redis cache).
Set by lifecycle at startup; None when jobs run outside the API (tests, scripts)."""

from __future__ import annotations

from typing import Any

cache: Any = None
