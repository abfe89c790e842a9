"""Entries and timer starts/stops made while the server is unreachable, kept on disk and
sent, in order, when it is back.

Each item carries a client-generated idempotency key (also sent as an `Idempotency-Key`
header). Items are sent one at a time and removed only after the server accepted them. An
item whose previous attempt may have reached the server (a timeout, a dropped connection) is
first looked up on the server, so a retry never duplicates it: an entry by its exact title,
times and type; a timer start by the running timer's title; a timer stop by there being no
timer left to stop.

A timer started offline and stopped before the server came back never becomes a server
timer: the stop turns its queued start into a plain entry with the true start and end.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tui.api import endpoints as ep
from tui.api.client import ApiClient, ApiError, Unreachable
from tui.storage import read_json, write_private

ENTRY, TIMER_START, TIMER_STOP = "entry", "timer_start", "timer_stop"


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

    def add(self, body: dict[str, Any], maybe_sent: bool = False, kind: str = ENTRY) -> str:
        key = str(uuid.uuid4())
        self.items.append({"key": key, "kind": kind, "body": body, "attempted": maybe_sent,
                           "error": None})
        self._save()
        return key

    def queued_timer(self) -> dict[str, Any] | None:
        """The timer started offline and not yet sent (None if there is none)."""
        starts = [i for i in self.pending if i.get("kind") == TIMER_START]
        return starts[-1] if starts else None

    def stop_queued_timer(self, end_time: str) -> dict[str, Any]:
        """Stop the timer started offline: its queued start becomes an entry ending now."""
        start = self.queued_timer()
        assert start is not None
        draft = dict(start["body"])
        draft["start_time"] = draft.pop("started_at")
        draft["end_time"] = end_time
        start.update(kind=ENTRY, body=draft)
        self._save()
        return draft

    def discard(self, key: str) -> None:
        self.items = [i for i in self.items if i["key"] != key]
        self._save()

    async def flush(self, api: ApiClient) -> int:
        """Send pending items in order; returns how many were stored. Stops at the first
        sign that the server is still unreachable (Unreachable propagates)."""
        sent = 0
        for item in list(self.pending):
            if item.get("attempted") and await ALREADY_DONE[item.get("kind", ENTRY)](
                    api, item["body"]):
                self.discard(item["key"])
                sent += 1
                continue
            item["attempted"] = True
            self._save()
            try:
                await SENDERS[item.get("kind", ENTRY)](api, item)
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


async def _send_entry(api: ApiClient, item: dict[str, Any]) -> None:
    await ep.create_log(api, item["body"], idempotency_key=item["key"])


async def _send_timer_start(api: ApiClient, item: dict[str, Any]) -> None:
    body = dict(item["body"])
    started_at = body.pop("started_at")
    await ep.start_timer(api, body)
    await _keep_true_start(api, started_at)


async def _keep_true_start(api: ApiClient, started_at: str) -> None:
    """The server starts a timer at its own "now"; move it back to when the user started it.
    A server that cannot edit the start (422) keeps its own: the timer still runs."""
    try:
        await ep.call(api, ep.TIMER_UPDATE, {"started_at": started_at})
    except ApiError as exc:
        if exc.status not in (404, 422):
            raise


async def _send_timer_stop(api: ApiClient, item: dict[str, Any]) -> None:
    await ep.stop_timer(api, item["body"])


async def _timer_running_as(api: ApiClient, body: dict[str, Any]) -> bool:
    current = await ep.current_timer(api)
    timer = current.get("timer") if current.get("running") else None
    if timer and timer.get("title") == body.get("title", ""):
        await _keep_true_start(api, body["started_at"])
        return True
    return False


async def _no_timer_left(api: ApiClient, body: dict[str, Any]) -> bool:
    current = await ep.current_timer(api)
    return not current.get("running")


async def _entry_stored(api: ApiClient, body: dict[str, Any]) -> bool:
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


SENDERS = {ENTRY: _send_entry, TIMER_START: _send_timer_start, TIMER_STOP: _send_timer_stop}
ALREADY_DONE = {ENTRY: _entry_stored, TIMER_START: _timer_running_as, TIMER_STOP: _no_timer_left}
