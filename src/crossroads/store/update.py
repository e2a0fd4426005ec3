"""``crossroads update``: bring the store up to its publishers' newest snapshots, safely.

One run:

1. takes the store's lock (:mod:`._lock`), waiting up to ``wait`` seconds for a running
   ``fetch``/``update`` (then :class:`~crossroads.errors.BusyError`);
2. asks every publisher for its newest snapshot of each part the store follows (the kinds
   it holds and :data:`REQUIRED_KINDS`; ``kinds`` to choose), re-reading their indexes
   (the cache is refreshed);
3. downloads every snapshot newer than the store's newest of its part -- resumably,
   checked against the published size and checksum, ``workers`` at a time;
4. parses them all and writes their Parquet files (nothing the store reads changes yet);
5. swaps all of them in with **one** DuckDB transaction (:func:`.load.commit`): until it
   commits, every reader sees the previous snapshots, whole; after it, the new ones;
6. rebuilds ``as_info``, then prunes each series it follows to its ``keep`` newest
   snapshots (the retention rule; ``keep >= 1``, default 2: the new one and the one
   before it). Other series -- CAIDA's serial-1 history, a dataset fetched by name -- are
   never pruned.

A failure at 2-4 (publisher down, HTTP error, time-out, checksum mismatch, damaged file)
raises before step 5: nothing is loaded, nothing is pruned, the previous snapshots stay,
and finished downloads stay in the cache for the next run. With ``ribs`` the newest RIB of
each chosen collector is followed the same way (series ``rib-<collector>``); a store
that holds RIBs has its collectors followed unless ``ribs`` is False.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from crossroads.config import Settings
from crossroads.errors import CrossroadsError
from crossroads.provenance import Provenance
from crossroads.sources import DatasetSpec, in_mirror, obtain
from crossroads.sources.catalog import CATALOG
from crossroads.sources.index.discover import KINDS, Index
from crossroads.sources.index.feeds import FEEDS
from crossroads.sources.index.transport import Transport
from crossroads.sources.names import label_of, part_of, series_of
from crossroads.sources.transfer import bounded
from crossroads.store._db import connect, ensure_schema
from crossroads.store._lock import store_lock
from crossroads.store._plan import publisher_index
from crossroads.store.load import FetchProgress, LoadResult, commit, finish, prepare, prune
from crossroads.store.ribs import load_ribs

if TYPE_CHECKING:  # annotations only: HttpTransport imports httpx (~70 ms) when it is used
    import httpx

__all__ = ["REQUIRED_KINDS", "UpdateResult", "update"]

REQUIRED_KINDS = ("as-rel", "asn-ranges", "country-ranges", "geo-ranges", "rir", "ixp",
                  "ris-peers")
"""What every update follows besides the kinds the store holds (every analysis reads
them)."""

Hook = Callable[[str], None]
"""Test seam, called with ``discovered``, ``downloaded``, ``prepared``, ``committed``."""


@dataclass(frozen=True)
class UpdateResult:
    """What one update did: datasets loaded (status ``loaded``), parts already current
    (``current``: name of the newest held), datasets pruned, and notes."""

    loaded: list[LoadResult] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the store changed."""
        return bool(self.loaded or self.pruned)


def update(
    settings: Settings, *, kinds: Sequence[str] | None = None, keep: int = 2,
    wait: float = 0.0, ribs: bool | None = None, collectors: Sequence[str] | None = None,
    client: httpx.Client | None = None, transport: Transport | None = None, workers: int = 4,
    progress: FetchProgress | None = None, hook: Hook | None = None,
) -> UpdateResult:
    """Run one update (module doc) and say what it did."""
    if keep < 1:
        raise CrossroadsError(f"--keep {keep}: at least the newest snapshot must be kept")
    step = hook or (lambda _s: None)
    with store_lock(settings, wait=wait, what="update"):
        held = _held(settings)
        index = publisher_index(settings, client=client, transport=transport, refresh=True)
        follow = list(kinds) if kinds else \
            sorted(({k for _, k, _ in held} & set(KINDS)) | set(REQUIRED_KINDS))
        newest, notes = _newest(settings, index, follow)
        step("discovered")
        newer, current = _newer(newest, held)
        via = transport or (index.transport if index is not None else None)
        provs = _obtain_all(settings, newer, client, via, workers, progress)
        step("downloaded")
        try:
            ready = [prepare(settings, s, p, progress=progress) for s, p in zip(newer, provs,
                                                                              strict=True)]
            step("prepared")
            loaded = commit(settings, ready, progress=progress)
            step("committed")
            held_ribs = sorted({series_of(n).removeprefix("rib-") for n, k, _ in held
                                if k == "rib"})
            if ribs or (ribs is None and held_ribs):
                loaded += _update_ribs(settings, index, collectors or held_ribs or None,
                                       workers, progress)
        finally:
            finish(settings)
        series = {s.series for s in newest} | {series_of(r.name) for r in loaded
                                               if r.kind == "rib"}
        pruned = prune(settings, _beyond(settings, series, keep))
        if pruned:
            finish(settings)
    return UpdateResult(loaded, current, pruned, notes)


def _held(settings: Settings) -> list[tuple[str, str, date]]:
    """(name, kind, data date) of every loaded dataset."""
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        return [(n, k, d) for n, k, d in
                con.execute("SELECT name, kind, data_date FROM datasets").fetchall()]


def _newest(settings: Settings, index: Index | None, kinds: list[str]
            ) -> tuple[list[DatasetSpec], list[str]]:
    """Per part of ``kinds``, the publisher's newest snapshot (from a mirror in the shipped
    layout: its newest catalogue entry)."""
    out: list[DatasetSpec] = []
    notes: list[str] = []
    for kind in kinds:
        if kind == "rib":
            continue
        if index is None or kind not in {f.kind for f in FEEDS}:
            found = _catalogue_newest(settings, kind)
            if index is not None:
                notes.append(f"{label_of(kind)}: no publisher index; the catalogue's "
                             f"{', '.join(s.name for s in found) or 'entry'} is used")
        else:
            found = index.in_force(kind)
        if not found:
            notes.append(f"{label_of(kind)}: nothing found at the publisher")
        out += found
    return out, notes


def _catalogue_newest(settings: Settings, kind: str) -> list[DatasetSpec]:
    best: dict[str, DatasetSpec] = {}
    for s in CATALOG:
        if s.kind != kind or (settings.mirror is not None and not in_mirror(s, settings)):
            continue
        if s.part not in best or (s.data_date, s.name) > (best[s.part].data_date,
                                                          best[s.part].name):
            best[s.part] = s
    return sorted(best.values(), key=lambda s: s.name)


def _newer(newest: list[DatasetSpec], held: list[tuple[str, str, date]]
           ) -> tuple[list[DatasetSpec], list[str]]:
    """The snapshots newer than the store's newest of their part, and the parts current."""
    top: dict[str, tuple[date, str]] = {}
    for name, kind, when in held:
        part = part_of(kind, name)
        top[part] = max(top.get(part, (when, name)), (when, name))
    newer, current = [], []
    for spec in newest:
        have = top.get(spec.part)
        if have is None or spec.data_date > have[0]:
            newer.append(spec)
        else:
            current.append(have[1])
    return newer, sorted(set(current))


def _obtain_all(settings: Settings, specs: list[DatasetSpec], client: httpx.Client | None,
                transport: Transport | None, workers: int, progress: FetchProgress | None
                ) -> list[Provenance]:
    """Every file, ``workers`` downloads at a time; the first failure is raised after the
    others ended (their files stay in the cache)."""

    def one(spec: DatasetSpec) -> Provenance:
        cb = None if progress is None else (lambda d, t: progress(spec.name, "fetch", d, t))
        return obtain(spec, settings, client=client, transport=transport, progress=cb)

    return bounded(one, specs, workers=workers)


def _update_ribs(settings: Settings, index: Index | None, collectors: Sequence[str] | None,
                 workers: int, progress: FetchProgress | None) -> list[LoadResult]:
    if index is None:
        raise CrossroadsError("--ribs needs the collectors' archives; the mirror has none")
    specs = index.in_force("rib", None, collectors=list(collectors or []) or None)
    return [r for r in load_ribs(settings, specs, index.transport, workers=workers,
                                 progress=progress) if r.status == "loaded"]


def _beyond(settings: Settings, series: set[str], keep: int) -> list[str]:
    """Datasets of ``series`` older than the ``keep`` newest of their series."""
    by_series: dict[str, list[tuple[date, str]]] = {}
    for name, _kind, when in _held(settings):
        if series_of(name) in series:
            by_series.setdefault(series_of(name), []).append((when, name))
    out = []
    for rows in by_series.values():
        out += [name for _, name in sorted(rows, reverse=True)[keep:]]
    return out
