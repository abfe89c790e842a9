"""A TCP proxy a test owns, between the API and PostgreSQL or Redis, to cut or hang the
connection on purpose. It runs its own event loop in a thread, so a test can cut it while
the test's own loop is busy sending load.

- `cut()`: every open connection is reset and new ones are refused, like a dead server or a
  pulled cable; `restore()` listens again on the same port.
- `hang()`: connections are accepted and then never answered, like a server that is stuck
  (a stopped process, a full disk, a black-holed network); `restore()` ends that too.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from tests.support.servers import free_port


class TcpProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.mode = "pass"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.BaseTransport] = set()
        self.accepted = 0

    # --- control, from the test's thread -------------------------------------------------

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        self.mode = "cut"
        self._call(self._cut())

    def hang(self) -> None:
        self.mode = "hang"
        self._call(self._reset_all())
        if self._server is None:
            self._call(self._listen())

    def restore(self) -> None:
        self.mode = "pass"
        self._call(self._reset_all())
        if self._server is None:
            self._call(self._listen())

    def stop(self) -> None:
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, coro) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    # --- the proxy, on its own loop --------------------------------------------------------

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port,
                                                  reuse_address=True)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        await self._reset_all()

    async def _reset_all(self) -> None:
        for t in list(self._transports):
            t.abort()  # RST, not a polite FIN: what a crash or a cut cable looks like
        self._transports.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._transports.add(writer.transport)
        if self.mode == "hang":
            return  # keep the socket open and say nothing, ever
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self._transports.add(up_writer.transport)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError, RuntimeError):
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        with contextlib.suppress(OSError, RuntimeError):
            dst.close()
