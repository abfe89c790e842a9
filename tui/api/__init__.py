"""HTTP access to the EngLog API (httpx only; never the backend package)."""

from __future__ import annotations

from typing import Any

__all__ = ["ApiClient", "ApiError", "SessionExpired", "Unreachable"]


def __getattr__(name: str) -> Any:
    # Lazy (PEP 562): `englog status` imports tui.api.endpoints for its path, and must not
    # pay for httpx and asyncio by merely touching this package.
    if name in __all__:
        from tui.api import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
