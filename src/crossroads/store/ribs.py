"""Route-collector RIBs in the store: fetched by date and collector, kept as Parquet.

:func:`fetch_ribs` takes, per collector, the RIB dump in force at 00:00 UTC of ``on``
(``--date D``; the newest without it) from the collector's own archive index
(:mod:`crossroads.sources.index.ribs`), downloads it (resumable, size-checked, at most
``workers`` at a time, or as Dask tasks on ``scheduler``), parses it with the MRT reader
(:mod:`crossroads.sources.mrt`) into

    <data_dir>/parquet/ribs/date=YYYY-MM-DD/collector=<name>/<file>.parquet

(one row per route, schema :data:`crossroads.sources.mrt.SCHEMA`) and registers every
new dump in ``datasets`` (kind ``rib``, name ``rib-<collector>-YYYYMMDD.HHMM``) in one
transaction. Any failure -- a publisher error, a damaged archive -- registers nothing; the
RIBs loaded before stay, and the downloaded files stay in the cache for the next run.

Reading: :func:`stored_ribs` (per collector, the stored dump in force on a date),
:func:`rib_routes` (their routes: ``timestamp, collector, peer_asn, prefix, as_path``,
the shape observed-mode metrics read) and :func:`rib_vantage_points` (full-feed peers).
:class:`crossroads.store.Store` has the same three as methods.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crossroads._dask import dask_client
from crossroads.config import Settings
from crossroads.errors import CrossroadsError, DatasetMissingError
from crossroads.provenance import Provenance, sha256_file
from crossroads.sources import DatasetSpec, expectation, transfer
from crossroads.sources.catalog import in_force_on
from crossroads.sources.index.discover import until_of
from crossroads.sources.index.transport import Transport
from crossroads.sources.mrt.ingest import ParseResult, drain_queue, parse_file
from crossroads.sources.mrt.paths import FullFeedThresholds, full_feed_peers
from crossroads.sources.transfer import bounded
from crossroads.store._db import connect, ensure_schema
from crossroads.store._lock import store_lock
from crossroads.store._plan import publisher_index
from crossroads.store.load import LoadResult, finish, register

if TYPE_CHECKING:  # annotations only: HttpTransport imports httpx (~70 ms) when it is used
    import httpx

__all__ = [
    "RibRecord",
    "fetch_ribs",
    "load_ribs",
    "rib_routes",
    "rib_vantage_points",
    "stored_ribs",
]

RibProgress = Callable[[str, str, int, int | None], None]
"""``progress(rib name, phase, done, total)``; phase ``fetch`` (bytes), ``parse``
(compressed bytes read), ``loaded`` or ``unchanged``."""

ROUTE_COLUMNS = ("timestamp", "collector", "peer_asn", "prefix", "as_path")


@dataclass(frozen=True)
class RibRecord:
    """A stored RIB dump: collector, dump time (UTC), source URL, the MRT file's SHA-256,
    its number of rows and its Parquet file."""

    name: str
    collector: str
    data_time: datetime
    source: str
    sha256: str
    rows: int
    path: Path

    @property
    def data_date(self) -> date:
        """The dump's date (UTC)."""
        return self.data_time.date()


def _partition(settings: Settings, spec: DatasetSpec) -> Path:
    return (settings.parquet_dir / "ribs" / f"date={spec.data_date.isoformat()}"
            / f"collector={spec.collector}")


def fetch_ribs(
    settings: Settings, *, on: date | datetime | None = None,
    collectors: Sequence[str] | None = None, every: bool = False,
    client: httpx.Client | None = None, transport: Transport | None = None,
    workers: int = 4, scheduler: str | None = None, progress: RibProgress | None = None,
    refresh: bool = False,
) -> list[LoadResult]:
    """Fetch and load the RIB in force on ``on`` of each collector (module doc):
    ``collectors`` by name, all active ones with ``every``, else rrc00 and route-views2.
    ``scheduler`` (``tcp://host:8786``, or ``local`` for a LocalCluster of ``workers``
    processes) runs each download-and-parse as a Dask task."""
    index = publisher_index(settings, client=client, transport=transport, refresh=refresh)
    if index is None:
        raise DatasetMissingError(
            f"the mirror {settings.mirror} holds no route-collector archive to list",
            hint="unset CROSSROADS_MIRROR to use the collectors' archives, or mirror "
                 "them as HOST/PATH (data.ris.ripe.net/rrc00/…)")
    specs = index.in_force("rib", on, collectors=list(collectors or []) or None, every=every)
    if not specs:
        at = until_of("rib", on)
        raise DatasetMissingError(
            f"no RIB dump at or before {at:%Y-%m-%d %H:%M} UTC at the chosen collectors",
            hint="a date means its 00:00 UTC; give a later --date, or a time")
    with store_lock(settings, what="fetch ribs"):
        results = load_ribs(settings, specs, index.transport, workers=workers,
                            scheduler=scheduler, progress=progress)
        finish(settings)
    return results


def load_ribs(settings: Settings, specs: Sequence[DatasetSpec], transport: Transport, *,
              workers: int = 4, scheduler: str | None = None,
              progress: RibProgress | None = None) -> list[LoadResult]:
    """Fetch, parse and register ``specs`` (RIB dumps) not stored yet, under the caller's
    store lock; all of them in one transaction, or none."""
    say = progress or (lambda *_a: None)
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        loaded = {n: (s, r) for n, s, r in con.execute(
            "SELECT name, sha256, rows FROM datasets WHERE kind = 'rib'").fetchall()}
    todo = [s for s in specs if s.name not in loaded]
    started = time.perf_counter()
    if scheduler is not None and todo:
        done = _on_dask(settings, todo, transport, scheduler, workers, say)
    else:
        done = _here(settings, todo, transport, workers, say)
    _register(settings, todo, done)
    seconds = time.perf_counter() - started
    out = []
    for s in specs:
        if s.name in loaded:
            sha, rows = loaded[s.name]
            say(s.name, "unchanged", 1, 1)
            out.append(LoadResult(s.name, "rib", "unchanged", rows, s.data_date, s.url, sha, 0.0))
        else:
            sha, res = done[s.name]
            say(s.name, "loaded", 1, 1)
            out.append(LoadResult(s.name, "rib", "loaded", res.routes, s.data_date, s.url, sha,
                                  seconds))
    return out


def _target(settings: Settings, spec: DatasetSpec) -> Path:
    return settings.cache_dir / spec.kind / spec.cache_name


def _obtain_and_parse(settings: Settings, spec: DatasetSpec, transport: Transport,
                      report: Callable[[str, str, int, int | None], None]
                      ) -> tuple[str, ParseResult]:
    """Download (unless cached or mirrored) and parse one dump; damage is an error and
    leaves no Parquet file."""
    local = transport.local(spec.url)
    path = local if local is not None else _target(settings, spec)
    if local is None and not path.is_file():
        transfer.download(spec.url, path, transport=transport,
                           expect=expectation(spec, transport),
                           progress=lambda d, t: report(spec.name, "fetch", d, t))
    sha = sha256_file(path)
    res = parse_file(path, _partition(settings, spec), collector=spec.collector,
                     progress=lambda _n, d, t: report(spec.name, "parse", d, t))
    if res.damage:
        Path(res.parquet).unlink(missing_ok=True)
        raise CrossroadsError(f"{res.damage.splitlines()[0]}; RIB {spec.name} was not loaded",
                              hint="the byte offset counts decompressed bytes; the publisher "
                                   "may still be writing the file: run again later")
    return sha, res


def _here(settings: Settings, todo: list[DatasetSpec], transport: Transport, workers: int,
          say: RibProgress) -> dict[str, tuple[str, ParseResult]]:
    """Downloads in a pool of ``workers`` threads, each followed by its parse."""
    done = bounded(lambda s: _obtain_and_parse(settings, s, transport, say), todo,
                   workers=workers)
    return {s.name: d for s, d in zip(todo, done, strict=True)}


def _task(settings: Settings, spec: DatasetSpec, transport: Transport, queue_name: str
          ) -> tuple[str, ParseResult]:
    """Run on a Dask worker: fetch and parse one dump, posting progress to the queue."""
    from distributed import Queue

    queue = Queue(queue_name)

    def report(name: str, phase: str, done: int, total: int | None) -> None:
        queue.put((f"{name}\t{phase}", done, total))

    return _obtain_and_parse(settings, spec, transport, report)


def _on_dask(settings: Settings, todo: list[DatasetSpec], transport: Transport,
             scheduler: str, workers: int, say: RibProgress
             ) -> dict[str, tuple[str, ParseResult]]:
    from distributed import Queue, wait

    address = None if scheduler == "local" else scheduler
    with dask_client(address, workers=workers) as client:
        qname = f"crossroads-ribs-{os.getpid()}-{time.time_ns()}"
        queue = Queue(qname, client=client)

        def relay(label: str, done: int, total: int | None) -> None:
            name, phase = label.split("\t")
            say(name, phase, done, total)

        futures = {s.name: client.submit(_task, settings, s, transport, qname,
                                         key=f"rib-{s.name}", pure=False) for s in todo}
        while not all(f.done() for f in futures.values()):
            drain_queue(queue, relay)
        wait(list(futures.values()))
        drain_queue(queue, relay, timeout=0.2)
        for f in futures.values():
            if f.status == "error":
                raise f.exception()
        return {name: f.result() for name, f in futures.items()}


def _register(settings: Settings, todo: list[DatasetSpec],
              done: dict[str, tuple[str, ParseResult]]) -> None:
    """All new dumps into ``datasets`` in one transaction."""
    if not todo:
        return
    with connect(settings, read_only=False) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for spec in todo:
                sha, res = done[spec.name]
                prov = Provenance(spec.name, spec.url, spec.data_date, sha,
                                  Provenance.now(), res.source)
                rel = str(Path(res.parquet).relative_to(settings.parquet_dir))
                register(con, spec, prov, [rel], res.routes)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


_STAMP = re.compile(r"-(\d{8})\.(\d{4})$")


def _record(settings: Settings, row: tuple) -> RibRecord:  # type: ignore[type-arg]
    name, source, sha, rows, files = row
    d, hm = _STAMP.search(name).groups()  # type: ignore[union-attr]
    when = datetime.strptime(d + hm, "%Y%m%d%H%M").replace(tzinfo=UTC)
    collector = name[len("rib-"): _STAMP.search(name).start()]  # type: ignore[union-attr]
    return RibRecord(name, collector, when, source, sha, int(rows),
                     settings.parquet_dir / files[0])


def stored_ribs(settings: Settings, *, on: date | datetime | None = None,
                collectors: Sequence[str] | None = None) -> list[RibRecord]:
    """Per collector (``collectors``, default every one stored), the stored RIB in force
    on ``on`` -- the dump at or before 00:00 UTC of a date, or of a given instant; the
    newest without ``on``. Collectors with none are left out; sorted by collector."""
    with connect(settings) as con:
        rows = con.execute("SELECT name, source, sha256, rows, files FROM datasets "
                           "WHERE kind = 'rib' ORDER BY name").fetchall()
    by_collector: dict[str, list[RibRecord]] = {}
    for row in rows:
        rec = _record(settings, row)
        if collectors is None or rec.collector in collectors:
            by_collector.setdefault(rec.collector, []).append(rec)
    at = until_of("rib", on)
    out = []
    for group in by_collector.values():
        try:
            out.append(in_force_on(group, at, what="stored RIB"))
        except DatasetMissingError:
            continue
    return sorted(out, key=lambda r: r.collector)


def rib_routes(records: Sequence[RibRecord], *, columns: Sequence[str] = ROUTE_COLUMNS
               ) -> pa.Table:
    """The RIB entries (and announcements, when an update file was stored as a RIB) of
    ``records``, with ``columns`` of :data:`crossroads.sources.mrt.SCHEMA`."""
    wanted = list(dict.fromkeys([*columns, "type"]))
    tables = []
    for rec in records:
        t = pq.read_table(rec.path, columns=wanted)
        tables.append(t.filter(pc.is_in(t.column("type"), pa.array(["rib", "announce"]))))
    if not tables:
        from crossroads.sources.mrt import SCHEMA

        return SCHEMA.empty_table().select(list(columns))
    return pa.concat_tables(tables).select(list(columns))


def rib_vantage_points(records: Sequence[RibRecord], *,
                       thresholds: FullFeedThresholds | None = None) -> list[int]:
    """Sorted ASNs of the full-feed peers of ``records``
    (:func:`crossroads.sources.mrt.paths.full_feed_peers`)."""
    routes = rib_routes(records, columns=("peer_ip", "peer_asn", "type", "prefix"))
    peers = full_feed_peers(routes, thresholds=thresholds or FullFeedThresholds())
    full = peers.filter(peers.column("full_feed"))
    return sorted({int(a) for a in full.column("peer_asn").to_pylist()})
