"""An asyncio TCP server that BMP routers (RFC 7854 §3.2: the router connects) stream to.

Each connection keeps its own buffer and stream offset. Whole messages are decoded
(:mod:`~crossroads.outages.bmp.decode`) and handed to ``on_decoded`` in arrival order.
A damaged message body is logged with its byte offset and skipped (framing intact); a
damaged common header cannot be resynchronised, so the connection is logged and closed —
the router reconnects and re-sends its table (§3.3). When a connection ends, every peer
seen through it is reported down: without the router, their state is unknown.

Limits, since anything that can reach the port can connect (BMP has no authentication):
at most ``max_connections`` routers at once (another is closed at once, with a warning);
a connection silent for ``idle_timeout`` seconds is closed (the router reconnects and
re-sends its table; TCP keepalive also detects dead peers); warnings about damaged
messages are limited to ``WARNINGS_PER_MINUTE`` per connection, the rest counted and
summed up once a minute; listening on an address that is not loopback is warned about.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Callable

from crossroads.outages.bmp.decode import Decoded, _down_rows, decode
from crossroads.outages.bmp.wire import split_messages

__all__ = ["BmpServer"]

log = logging.getLogger("crossroads.outages.bmp")

READ_BYTES = 1 << 16
MAX_CONNECTIONS = 64
IDLE_TIMEOUT = 3600.0
"""Seconds a connection may stay silent (BMP has no keepalive message, so generous)."""
WARNINGS_PER_MINUTE = 20


class BmpServer:
    """Accepts BMP connections on ``host:port`` (port 0: an ephemeral one)."""

    def __init__(
        self, host: str, port: int, on_decoded: Callable[[Decoded], None], *,
        sock: socket.socket | None = None, max_connections: int = MAX_CONNECTIONS,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.host, self.port = host, port
        self.on_decoded = on_decoded
        self.sock = sock
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self.server: asyncio.AbstractServer | None = None
        self.connections = 0
        self.refused = 0
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        """Listen (on ``sock`` when given, already bound); returns the bound port."""
        if self.sock is not None:
            self.server = await asyncio.start_server(self._handle, sock=self.sock)
        else:
            self.server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        log.info("BMP listener on %s:%d", self.host, self.port)
        if not _loopback(self.host):
            log.warning("BMP listener on %s accepts connections from other machines and BMP "
                        "has no authentication: limit who can reach port %d (firewall)",
                        self.host, self.port)
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

    def _use(self, out: Decoded, router: str, peers: set[str], warn: _Limiter) -> None:
        for p in out.problems:
            warn(router, p)
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
        if len(self.tasks) > self.max_connections:
            self.refused += 1
            log.warning("router %s refused: %d connections already open (the limit)", router,
                        self.max_connections)
            writer.close()
            self.tasks.discard(task)
            return
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        self.connections += 1
        log.info("router %s connected", router)
        buf = bytearray()
        base = 0
        peers: set[str] = set()
        warn = _Limiter()
        try:
            while True:
                try:
                    data = await asyncio.wait_for(reader.read(READ_BYTES), self.idle_timeout)
                except TimeoutError:
                    log.warning("router %s: silent for %.0f s; closing the connection",
                                router, self.idle_timeout)
                    break
                if not data:
                    break
                buf += data
                messages, used, fatal = split_messages(buf, base)
                del buf[:used]
                base += used
                if messages:
                    self._use(decode(messages, router=router, when=time.time()), router, peers,
                              warn)
                if fatal is not None:
                    log.error("router %s: %s; closing the connection", router, fatal)
                    buf.clear()
                    break
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            log.warning("router %s: connection lost: %s", router, exc)
        except asyncio.CancelledError:
            pass
        finally:
            warn.flush(router)
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


def _loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    try:
        return name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _Limiter:
    """Log at most ``WARNINGS_PER_MINUTE`` warnings a minute; count the rest and say how
    many were held back when the minute is over (or the connection ends)."""

    def __init__(self, per_minute: int = WARNINGS_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self.window = time.monotonic()
        self.logged = 0
        self.held = 0

    def __call__(self, router: str, problem: str) -> None:
        now = time.monotonic()
        if now - self.window >= 60:
            self.flush(router)
            self.window, self.logged = now, 0
        if self.logged < self.per_minute:
            self.logged += 1
            log.warning("router %s: %s", router, problem)
        else:
            self.held += 1

    def flush(self, router: str) -> None:
        if self.held:
            log.warning("router %s: %d more damaged-message warnings held back", router,
                        self.held)
            self.held = 0
