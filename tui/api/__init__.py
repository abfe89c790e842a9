"""HTTP access to the EngLog API (httpx only; never the backend package)."""

from tui.api.client import ApiClient, ApiError, SessionExpired, Unreachable

__all__ = ["ApiClient", "ApiError", "SessionExpired", "Unreachable"]
