"""An httpx client for the API: bearer auth, one silent refresh on 401, calm errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from tui.api import endpoints as ep
from tui.downloads import filename_from, free_path
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
        except httpx.HTTPError as exc:
            if (err := self._unreachable(exc)) is None:
                raise
            raise err from exc
        return self._answered(r)

    def _unreachable(self, exc: httpx.HTTPError) -> Unreachable | None:
        """The calm error for a transport failure; None for any other httpx error."""
        if isinstance(exc, httpx.UnsupportedProtocol):
            return Unreachable(self._base_url, False, "not an http(s) URL")
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            cause, maybe_sent = "connection refused", False
        elif isinstance(exc, httpx.TimeoutException):
            cause, maybe_sent = "timed out", True
        elif isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
            cause, maybe_sent = "connection lost", True
        else:
            return None
        self._set_online(False)
        return Unreachable(self._base_url, maybe_sent, cause)

    def _answered(self, r: httpx.Response) -> httpx.Response:
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
        async with self._refresh_lock, self.tokens.exclusive():
            self.tokens.reload()
            if self.tokens.access_token != used and self.tokens.access_token:
                return  # another request (or englog process) refreshed while we waited
            if not self.tokens.refresh_token:
                raise SessionExpired()
            r = await self._send(ep.AUTH_REFRESH.method, ep.AUTH_REFRESH.path(), None,
                                 json={"refresh_token": self.tokens.refresh_token})
            if r.status_code != 200:
                self.tokens.clear()
                raise SessionExpired()
            body = r.json()
            self.tokens.save(body["access_token"], body["refresh_token"], body.get("user"))

    @asynccontextmanager
    async def _stream(self, path: str, *, read_timeout: float, **kw: Any
                      ) -> AsyncIterator[httpx.Response]:
        """GET `path` as a stream with the bearer token (one silent refresh on 401); a
        problem answer raises ApiError, a 5xx Unreachable, an expired session SessionExpired."""
        headers = kw.pop("headers", {})
        for attempt in (1, 2):
            token = self.tokens.access_token
            if not token:
                raise SessionExpired()
            async with self.http.stream(
                "GET", path, headers={**headers, "Authorization": f"Bearer {token}"},
                timeout=httpx.Timeout(self._timeout, read=read_timeout), **kw,
            ) as r:
                self._answered(r)
                if r.status_code == 401 and attempt == 1:
                    await self._refresh(used=token)
                    continue
                if r.status_code == 401:
                    self.tokens.clear()
                    raise SessionExpired()
                if r.status_code >= 400:
                    await r.aread()
                    raise ApiError.from_response(r)
                yield r
                return

    async def events(self, path: str) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Follow a Server-Sent Events endpoint, yielding (event, data) as they arrive."""
        try:
            async with self._stream(path, read_timeout=60.0,
                                    headers={"Accept": "text/event-stream"}) as r:
                event, data = "message", ""
                async for line in r.aiter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data += line[5:].strip()
                    elif not line and data:
                        yield event, json.loads(data)
                        event, data = "message", ""
        except (httpx.TransportError, json.JSONDecodeError) as exc:
            raise Unreachable(self._base_url, False, "event stream lost") from exc

    async def download(self, path: str, params: dict[str, Any], folder: Path,
                       fallback_name: str,
                       progress: Callable[[int, int | None], None] | None = None) -> Path:
        """Stream a file from the API into `folder` (created if missing), under the name the
        server suggests (never overwriting: `name (1)`…). Written to a .part file first, so a
        cut-off download never looks complete. `progress(received, total or None)`."""
        try:
            async with self._stream(path, read_timeout=DOWNLOAD_READ_SECONDS,
                                    params=params) as r:
                return await _save(r, folder, fallback_name, progress)
        except httpx.HTTPError as exc:
            if (err := self._unreachable(exc)) is None:
                raise
            raise err from exc

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
        body = await ep.call(self, ep.AUTH_LOGIN, {"email": email, "password": password},
                             auth=False)
        self.tokens.save(body["access_token"], body["refresh_token"], body.get("user"))
        return body

    async def register(self, **fields: Any) -> dict[str, Any]:
        """Register, then log in with the same credentials. The server answers register the
        same way whether or not the email is taken (202), so only the login tells."""
        await ep.call(self, ep.AUTH_REGISTER, fields, auth=False)
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
                await ep.call(self, ep.AUTH_LOGOUT, {"refresh_token": refresh}, auth=False)
            except (Unreachable, ApiError):
                pass


DOWNLOAD_READ_SECONDS = 300.0  # a year's PDF is rendered before its first byte arrives


class _PartFile:
    """`folder/name.part` while downloading, renamed to `folder/name` once complete."""

    def __init__(self, folder: Path, name: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.target = free_path(folder, name)
        self.part = self.target.with_name(self.target.name + ".part")
        self.file = self.part.open("wb")

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)

    def finish(self) -> Path:
        self.file.close()
        self.part.replace(self.target)
        return self.target

    def discard(self) -> None:
        self.file.close()
        self.part.unlink(missing_ok=True)


async def _save(r: httpx.Response, folder: Path, fallback_name: str,
                progress: Callable[[int, int | None], None] | None) -> Path:
    name = filename_from(r.headers.get("content-disposition"), fallback_name)
    out = await asyncio.to_thread(_PartFile, folder, name)
    total = int(r.headers["content-length"]) if r.headers.get("content-length") else None
    received = 0
    try:
        async for chunk in r.aiter_raw():
            out.write(chunk)
            received += len(chunk)
            if progress:
                progress(received, total)
        return await asyncio.to_thread(out.finish)
    except BaseException:
        out.discard()
        raise
