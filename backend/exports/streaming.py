"""Sending an export as a streamed response: headers first, then one chunk per batch.

Everything that can fail with a 4xx is checked before `request.respond`, because once the
headers are out the status cannot change. A client that goes away ends the loop.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from sanic import Request

log = logging.getLogger("englog.exports")


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def stream(request: Request, chunks: AsyncIterator[bytes], content_type: str,
                 filename: str) -> None:
    response = await request.respond(content_type=content_type, headers=attachment(filename))
    try:
        async for chunk in chunks:
            # send() waits while the socket's buffer is full, so a slow reader slows the
            # reads from the database instead of piling batches up in memory.
            await response.send(chunk)
        await response.eof()
    except ConnectionError:
        log.info("export client went away: %s", request.path)
