"""An httpx client for the API: bearer auth, one silent refresh on 401, calm errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from tui.storage import TokenStore


class Unreachable(Exception):
    """The server could not be reached. `maybe_sent` is True when the request may have
    arrived (a timeout or a dropped connection after sending), so a retry could duplicate."""

    def __init__(self, url: str, maybe_sent: bool, cause: str):
        super().__init__(f"Cannot reach the server at {url} ({cause}).")
        self.url = url
        self.maybe_sent = maybe_sent


class SessionExpired(Exception):
    def __init__(self) -> None:
        super().__init__("Your session has expired. Please log in again.")


def _clean_field(raw: str) -> str:
    raw = raw.removeprefix("body.")
    for sep in ("[", "."):
        raw = raw.split(sep)[0]
    return raw


class ApiError(Exception):
    """A problem+json answer: title, detail and field errors."""

    def __init__(self, status: int, title: str, detail: str = "",
                 errors: list[dict[str, str]] | None = None, retry_after: str | None = None):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.retry_after = retry_after

    @classmethod
    def from_response(cls, r: httpx.Response) -> ApiError:
        try:
            body = r.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        errors = body.get("errors") or []
        return cls(r.status_code, str(body.get("title") or r.reason_phrase),
                   str(body.get("detail") or body.get("message") or ""),
                   [e for e in errors if isinstance(e, dict)], r.headers.get("Retry-After"))

    def field_errors(self) -> dict[str, str]:
        """{field: first message}, with paths like `body.tags[0]` reduced to `tags`."""
        out: dict[str, str] = {}
        for e in self.errors:
            field = _clean_field(str(e.get("field") or ""))
            out.setdefault(field, str(e.get("message") or "invalid"))
        return out

    @property
    def message(self) -> str:
        if self.status == 429 and self.retry_after:
            return f"{self.detail or self.title} Try again in {self.retry_after} s."
        return self.detail or self.title


class ApiClient:
    def __init__(self, base_url: str, tokens: TokenStore, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.tokens = tokens
        self._timeout = timeout
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._base_url = base_url.rstrip("/")
        # Refresh tokens rotate: two concurrent refreshes with the same token would look like
        # theft to the server and revoke the session, so refreshes are serialised.
        self._refresh_lock = asyncio.Lock()
        self.online: bool | None = None
        self.on_online: Callable[[], None] | None = None
        self.on_offline: Callable[[], None] | None = None

    @property
    def base_url(self) -> str:
        return self._base_url

    def set_base_url(self, url: str) -> None:
        self._base_url = url.rstrip("/")
        if self._http is not None:
            self._http.base_url = httpx.URL(self._base_url)

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self._base_url, timeout=self._timeout,
                                           transport=self._transport)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _set_online(self, online: bool) -> None:
        was = self.online
        self.online = online
        if online and was is False and self.on_online:
            self.on_online()
        if not online and was is not False and self.on_offline:
            self.on_offline()

    async def _send(self, method: str, path: str, token: str | None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            r = await self.http.request(method, path, headers=headers, **kw)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            self._set_online(False)
            raise Unreachable(self._base_url, False, "connection refused") from exc
        except httpx.TimeoutException as exc:
            self._set_online(False)
            raise Unreachable(self._base_url, True, "timed out") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            self._set_online(False)
            raise Unreachable(self._base_url, True, "connection lost") from exc
        except httpx.UnsupportedProtocol as exc:
            raise Unreachable(self._base_url, False, "not an http(s) URL") from exc
        if r.status_code >= 500:
            # A proxy or a crashing server: treat like an outage, the request may have landed.
            self._set_online(False)
            raise Unreachable(self._base_url, True, f"server error {r.status_code}")
        self._set_online(True)
        return r

    async def request(self, method: str, path: str, *, auth: bool = True, **kw: Any) -> Any:
        token = self.tokens.access_token if auth else None
        if auth and not self.tokens.present:
            raise SessionExpired()
        r = await self._send(method, path, token, **kw)
        if r.status_code == 401 and auth:
            await self._refresh(used=token)
            r = await self._send(method, path, self.tokens.access_token, **kw)
            if r.status_code == 401:
                self.tokens.clear()
                raise SessionExpired()
        if r.status_code >= 400:
            raise ApiError.from_response(r)
        if r.status_code == 204 or not r.content:
            return None
        return r.json()

    async def _refresh(self, used: str | None) -> None:
        async with self._refresh_lock:
            if self.tokens.access_token != used and self.tokens.access_token:
                return  # another request refreshed while we waited
            if not self.tokens.refresh_token:
                raise SessionExpired()
            r = await self._send("POST", "/v1/auth/refresh", None,
                                 json={"refresh_token": self.tokens.refresh_token})
            if r.status_code != 200:
                self.tokens.clear()
                raise SessionExpired()
            body = r.json()
            self.tokens.save(body["access_token"], body["refresh_token"], body.get("user"))

    async def events(self, path: str) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Follow a Server-Sent Events endpoint, yielding (event, data) as they arrive."""
        for attempt in (1, 2):
            token = self.tokens.access_token
            if not token:
                raise SessionExpired()
            try:
                async with self.http.stream(
                    "GET", path, headers={"Authorization": f"Bearer {token}",
                                          "Accept": "text/event-stream"},
                    timeout=httpx.Timeout(self._timeout, read=60.0),
                ) as r:
                    if r.status_code == 401 and attempt == 1:
                        await self._refresh(used=token)
                        continue
                    if r.status_code >= 400:
                        await r.aread()
                        raise ApiError.from_response(r)
                    self._set_online(True)
                    event, data = "message", ""
                    async for line in r.aiter_lines():
                        if line.startswith("event:"):
                            event = line[6:].strip()
                        elif line.startswith("data:"):
                            data += line[5:].strip()
                        elif not line and data:
                            yield event, json.loads(data)
                            event, data = "message", ""
                    return
            except (httpx.TransportError, json.JSONDecodeError) as exc:
                raise Unreachable(self._base_url, False, "event stream lost") from exc

    # -- helpers -------------------------------------------------------------------------
    async def get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v not in (None, "", [])}
        return await self.request("GET", path, params=clean)

    async def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return await self.request("POST", path, json=body, **kw)

    async def put(self, path: str, body: Any) -> Any:
        return await self.request("PUT", path, json=body)

    async def patch(self, path: str, body: Any) -> Any:
        return await self.request("PATCH", path, json=body)

    async def delete(self, path: str) -> Any:
        return await self.request("DELETE", path)

    # -- auth ----------------------------------------------------------------------------
    async def login(self, email: str, password: str) -> dict[str, Any]:
        body = await self.request("POST", "/v1/auth/login", auth=False,
                                  json={"email": email, "password": password})
        self.tokens.save(body["access_token"], body["refresh_token"], body.get("user"))
        return body

    async def register(self, **fields: Any) -> dict[str, Any]:
        """Register, then log in with the same credentials. The server answers register the
        same way whether or not the email is taken (202), so only the login tells."""
        await self.request("POST", "/v1/auth/register", auth=False, json=fields)
        try:
            return await self.login(fields["email"], fields["password"])
        except ApiError as exc:
            if exc.status != 401:
                raise
            raise ApiError(401, "Unauthorized",
                           "This email already has an account (we sent it a notice): log in "
                           "with its password instead.") from exc

    async def logout(self) -> None:
        refresh = self.tokens.refresh_token
        # Forget locally first: logging out must work even when the server is down.
        self.tokens.clear()
        if refresh:
            try:
                await self.request("POST", "/v1/auth/logout", auth=False,
                                   json={"refresh_token": refresh})
            except (Unreachable, ApiError):
                pass
