"""A minimal keep-alive HTTP/1.1 load generator on raw asyncio sockets.

httpx costs ~10x more CPU per request than the server under test; on a 2-core box that
would measure the client, not EngLog. This writes prebuilt requests and parses only the
status line and Content-Length.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import urlsplit


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:].strip())
            break
    if length:
        await reader.readexactly(length)
    return status


async def run_load(url: str, make_request: Callable[[int], bytes], total: int, concurrency: int
                   ) -> tuple[float, list[float], dict[int, int]]:
    """Send `total` requests over `concurrency` connections.

    Returns (wall seconds, per-request latencies in seconds, count per status code)."""
    parts = urlsplit(url)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(total))

    async def conn_loop() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            for i in counter:
                t0 = time.perf_counter()
                writer.write(make_request(i))
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(conn_loop() for _ in range(concurrency)))
    return time.perf_counter() - t0, latencies, statuses


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def json_post(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body
