"""Live detection: a BMP feed into the same series builder and detector as the archives.

:class:`LiveMonitor` turns decoded BMP batches into bins (stamped with arrival time), keeps
the last baseline window of bins, re-runs :func:`~crossroads.outages.detect.detect` when a
bin closes and writes every event touching the newest bin to the event log — open while
its last anomalous bin is the newest one. :func:`watch` runs the listener, a bin clock (so
bins close when the feed is silent) and a bounded shutdown on SIGINT/SIGTERM.

Full-feed peers follow the live rule of :mod:`~crossroads.outages.series` (peers carrying at
least ``full_feed_share`` of the busiest peer's prefixes), since a router's sessions come
and go; a bin in which no peer carries anything has no data and is not judged.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from pathlib import Path

import pandas as pd

from crossroads.errors import CrossroadsError
from crossroads.outages.bmp.decode import Decoded
from crossroads.outages.bmp.listener import BmpServer
from crossroads.outages.detect import detect
from crossroads.outages.eventlog import EventLog, event_id
from crossroads.outages.model import DetectorConfig, OutageEvent, OutageSeries
from crossroads.outages.series import SeriesBuilder

__all__ = ["LiveMonitor", "default_event_log", "watch"]

log = logging.getLogger("crossroads.outages.live")
MAX_KEPT_BINS = 4096


class LiveMonitor:
    """Series and events of one country from decoded BMP batches."""

    def __init__(
        self,
        *,
        country: str,
        asn_country: Mapping[int, str] | pd.Series,
        bin: timedelta = timedelta(minutes=5),
        config: DetectorConfig | None = None,
        event_log: EventLog | None = None,
        full_feed_peers: Iterable[str] | None = None,
        full_feed_share: float = 0.5,
        source: str = "bmp",
    ) -> None:
        self.country = country.upper()
        self.config = config or DetectorConfig()
        self.bin = bin
        keep = min(MAX_KEPT_BINS, int(self.config.baseline / bin) + 2)
        self.builder = SeriesBuilder(
            asn_country=asn_country, countries=[self.country], bin=bin,
            full_feed_share=full_feed_share, full_feed_peers=full_feed_peers,
            on_bin=self._on_bin, keep_bins=keep,
        )
        self.event_log = event_log
        self.source = source
        self.events: dict[str, OutageEvent] = {}
        self.lock = threading.Lock()
        self.problems = 0

    def ingest(self, decoded: Decoded, now: float | None = None) -> None:
        """Apply one decoded batch (rows stamped ``now``)."""
        with self.lock:
            self.problems += len(decoded.problems)
            self._tick(time.time() if now is None else now)
            if decoded.routes.num_rows:
                self.builder.feed(decoded.routes)

    def tick(self, now: float | None = None) -> None:
        """Close every bin that ended before ``now`` (seconds since the epoch)."""
        with self.lock:
            self._tick(time.time() if now is None else now)

    def _tick(self, now: float) -> None:
        self.builder.advance(int(now * 1_000_000) // self.builder.bin_us)

    def series(self) -> OutageSeries:
        """The retained closed bins."""
        country, asn = self.builder.frames()
        return OutageSeries(country, asn, self.bin, "empty",
                            self.builder.full_feed_peer_names(), self.builder.records)

    def _on_bin(self, country: pd.DataFrame, asn: pd.DataFrame) -> None:
        newest = country["time"].iloc[0] if len(country) else None
        if newest is None:
            return
        found = detect(self.series(), self.config)
        fresh: list[tuple[OutageEvent, bool]] = []
        for e in found:
            if e.end is None or pd.Timestamp(e.end) <= newest:
                continue  # ended before the newest bin: already written when it closed
            is_open = pd.Timestamp(e.end) == newest + self.bin
            eid = event_id(e)
            if eid not in self.events:
                log.warning("%s event: %s %s %s from %s", e.severity, e.scope, e.key,
                            e.signal, e.start.isoformat())
            self.events[eid] = e
            fresh.append((e, is_open))
        if self.event_log is not None and fresh:
            self.event_log.write(fresh, source=self.source)


def watch(
    host: str,
    port: int,
    *,
    monitor: LiveMonitor,
    ready: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    shutdown_timeout: float = 5.0,
    sock: socket.socket | None = None,
) -> None:
    """Serve BMP on ``host:port`` (or the bound ``sock``) into ``monitor`` until
    SIGINT/SIGTERM or ``stop`` is set.

    ``ready(port)`` is called once listening (port 0 picks an ephemeral port). A port that
    cannot be bound is a :class:`~crossroads.errors.CrossroadsError`.
    """
    asyncio.run(_watch(host, port, monitor, ready, stop or threading.Event(),
                       shutdown_timeout, sock))


async def _watch(host: str, port: int, monitor: LiveMonitor,
                 ready: Callable[[int], None] | None, stop: threading.Event,
                 shutdown_timeout: float, sock: socket.socket | None = None) -> None:
    server = BmpServer(host, port, monitor.ingest, sock=sock)
    try:
        bound = await server.start()
    except OSError as exc:
        raise CrossroadsError(f"cannot listen for BMP on {host}:{port}: "
                              f"{exc.strerror or exc}") from None
    loop = asyncio.get_running_loop()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready(bound)
    step = min(1.0, monitor.bin.total_seconds() / 4)
    try:
        while not stop.is_set():
            await asyncio.sleep(step)
            monitor.tick()
    finally:
        try:
            await asyncio.wait_for(server.close(), shutdown_timeout)
        except TimeoutError:
            log.error("BMP connections did not close within %.0f s", shutdown_timeout)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        log.info("BMP listener on %s:%d stopped", host, bound)


def default_event_log(data_dir: Path) -> EventLog:
    """The event log beside the store in ``data_dir``."""
    return EventLog(data_dir / "outage_events.duckdb")
