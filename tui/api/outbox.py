"""Entries created while the server is unreachable, kept on disk and sent when it is back.

Each item carries a client-generated idempotency key (also sent as an `Idempotency-Key`
header). Items are sent one at a time and removed only after the server answered 201. An item
whose previous attempt may have reached the server (a timeout, a dropped connection) is first
looked up on the server by its exact title, times and type, so a retry never duplicates it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tui.api import endpoints as ep
from tui.api.client import ApiClient, ApiError, Unreachable
from tui.storage import read_json, write_private


class Outbox:
    def __init__(self, path: Path):
        self.path = path
        self.items: list[dict[str, Any]] = read_json(path, [])

    def _save(self) -> None:
        write_private(self.path, self.items)

    def reload(self) -> None:
        self.items = read_json(self.path, [])

    @property
    def pending(self) -> list[dict[str, Any]]:
        return [i for i in self.items if not i.get("error")]

    @property
    def rejected(self) -> list[dict[str, Any]]:
        return [i for i in self.items if i.get("error")]

    def add(self, body: dict[str, Any], maybe_sent: bool = False) -> str:
        key = str(uuid.uuid4())
        self.items.append({"key": key, "body": body, "attempted": maybe_sent, "error": None})
        self._save()
        return key

    def discard(self, key: str) -> None:
        self.items = [i for i in self.items if i["key"] != key]
        self._save()

    async def flush(self, api: ApiClient) -> int:
        """Send pending items in order; returns how many were stored. Stops at the first
        sign that the server is still unreachable (Unreachable propagates)."""
        sent = 0
        for item in list(self.pending):
            if item.get("attempted") and await self._already_stored(api, item["body"]):
                self.discard(item["key"])
                sent += 1
                continue
            item["attempted"] = True
            self._save()
            try:
                await ep.create_log(api, item["body"], idempotency_key=item["key"])
            except Unreachable as exc:
                if not exc.maybe_sent:
                    item["attempted"] = False
                    self._save()
                raise
            except ApiError as exc:
                # The server refused it (e.g. 422): keep it, marked, so it is never lost.
                item["error"] = exc.message
                item["field_errors"] = exc.field_errors()
                self._save()
                continue
            self.discard(item["key"])
            sent += 1
        return sent

    @staticmethod
    async def _already_stored(api: ApiClient, body: dict[str, Any]) -> bool:
        start = datetime.fromisoformat(body["start_time"])
        end = datetime.fromisoformat(body["end_time"])
        # Date filters are read in the user's timezone, which may differ from the entry's
        # offset: a day either side covers every zone.
        page = await ep.list_logs(api, start_date=(start - timedelta(days=1)).date().isoformat(),
                                  end_date=(start + timedelta(days=1)).date().isoformat(),
                                  q=body["title"], limit=200)
        for e in page.get("items", []):
            if (e["title"] == body["title"] and e["type"] == body["type"]
                    and datetime.fromisoformat(e["start_time"]) == start
                    and datetime.fromisoformat(e["end_time"]) == end):
                return True
        return False
