"""A registered user with an authenticated httpx client: the unit most API tests work with."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class ApiUser:
    client: httpx.AsyncClient
    email: str
    password: str
    id: str
    access_token: str
    refresh_token: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def _headers(self, kw: dict[str, Any]) -> dict[str, str]:
        return {**self.headers, **kw.pop("headers", {})}

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.client.get(url, headers=self._headers(kw), **kw)

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        return await self.client.post(url, headers=self._headers(kw), **kw)

    async def put(self, url: str, **kw: Any) -> httpx.Response:
        return await self.client.put(url, headers=self._headers(kw), **kw)

    async def patch(self, url: str, **kw: Any) -> httpx.Response:
        return await self.client.patch(url, headers=self._headers(kw), **kw)

    async def delete(self, url: str, **kw: Any) -> httpx.Response:
        return await self.client.delete(url, headers=self._headers(kw), **kw)


async def register(client: httpx.AsyncClient, timezone: str = "UTC", **profile: Any) -> ApiUser:
    email = f"u-{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery " + uuid.uuid4().hex[:6]
    r = await client.post("/v1/auth/register", json={
        "email": email, "password": password, "first_name": "Test", "last_name": "User",
        "timezone": timezone, **profile,
    })
    assert r.status_code == 202, r.text
    r = await client.post("/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    return ApiUser(client=client, email=email, password=password, id=body["user"]["id"],
                   access_token=body["access_token"], refresh_token=body["refresh_token"])
