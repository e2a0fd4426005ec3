"""An asyncio TCP server that BMP routers (RFC 7854 §3.2: the router connects) stream to.

Each connection keeps its own buffer and stream offset. Whole messages are decoded
(:mod:`~crossroads.outages.bmp.decode`) and handed to ``on_decoded`` in arrival order.
A damaged message body is logged with its byte offset and skipped (framing intact); a
damaged common header cannot be resynchronised, so the connection is logged and closed —
the router reconnects and re-sends its table (§3.3). When a connection ends, every peer
seen through it is reported down: without the router, their state is unknown.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from crossroads.outages.bmp.decode import Decoded, _down_rows, decode
from crossroads.outages.bmp.wire import split_messages

__all__ = ["BmpServer"]

log = logging.getLogger("crossroads.outages.bmp")

READ_BYTES = 1 << 16


class BmpServer:
    """Accepts BMP connections on ``host:port`` (port 0: an ephemeral one)."""

    def __init__(self, host: str, port: int, on_decoded: Callable[[Decoded], None]) -> None:
        self.host, self.port = host, port
        self.on_decoded = on_decoded
        self.server: asyncio.AbstractServer | None = None
        self.connections = 0
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        """Listen; returns the bound port."""
        self.server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        log.info("BMP listener on %s:%d", self.host, self.port)
        return self.port

    async def close(self) -> None:
        """Stop accepting, end open connections, wait for their handlers."""
        if self.server is not None:
            self.server.close()
        for t in list(self.tasks):
            t.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.server is not None:
            await self.server.wait_closed()

    def _use(self, out: Decoded, router: str, peers: set[str]) -> None:
        for p in out.problems:
            log.warning("router %s: %s", router, p)
        for i in out.info:
            log.info("router %s: %s", router, i)
        peers.update(out.peers_up)
        if out.routes.num_rows:
            peers.update(out.routes.column("peer_ip").unique().to_pylist())
        peers.difference_update(out.peers_down)
        self.on_decoded(out)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        addr = writer.get_extra_info("peername")
        router = str(addr[0]) if addr else "unknown"
        self.connections += 1
        log.info("router %s connected", router)
        buf = bytearray()
        base = 0
        peers: set[str] = set()
        try:
            while True:
                data = await reader.read(READ_BYTES)
                if not data:
                    break
                buf += data
                messages, used, fatal = split_messages(buf, base)
                del buf[:used]
                base += used
                if messages:
                    self._use(decode(messages, router=router, when=time.time()), router, peers)
                if fatal is not None:
                    log.error("router %s: %s; closing the connection", router, fatal)
                    buf.clear()
                    break
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            log.warning("router %s: connection lost: %s", router, exc)
        except asyncio.CancelledError:
            pass
        finally:
            if buf:
                log.warning("router %s: %d bytes of an unfinished message at byte offset %d "
                            "dropped", router, len(buf), base)
            if peers:
                gone = sorted(peers)
                self.on_decoded(Decoded(_down_rows(gone, time.time()), peers_down=gone))
            log.info("router %s disconnected", router)
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, asyncio.CancelledError):
                pass
            if task is not None:
                self.tasks.discard(task)
