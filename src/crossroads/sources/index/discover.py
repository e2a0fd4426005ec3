"""What exists at the publishers, and which snapshot is in force on a date.

:class:`Index` joins the feeds (:mod:`.feeds`) and the route collectors (:mod:`.ribs`)
behind two questions, for any kind:

* :meth:`Index.available` -- every snapshot dated in a window (``--since``);
* :meth:`Index.in_force` -- per part (:func:`crossroads.sources.names.part_of`), the
  snapshot in force on a date: the latest dated on or before it, the newest without a
  date. This is :func:`crossroads.sources.catalog.in_force_on`, the rule every ``--date``
  follows, applied at the publisher instead of over a list.

A date ``D`` means the whole day for daily, monthly and yearly snapshots (a file dated
``D`` is in force on ``D``) and the instant ``D`` 00:00 UTC for RIBs, which are dated to
the minute: ``fetch ribs --date 2024-09-01`` takes each collector's 00:00 dump of that day
(or the last one before it).

The parts of a *coherent* kind -- the five RIRs, the two families of an ip-location-db
table or of CAIDA's pfx2as -- are meant to be read together, so their newest snapshots
are taken at the newest date all of them have.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crossroads.errors import DatasetMissingError
from crossroads.sources._fetch import DatasetSpec
from crossroads.sources.index.cache import IndexCache
from crossroads.sources.index.feeds import FEEDS, Feed
from crossroads.sources.index.ribs import (
    Collector,
    MrtKind,
    collectors,
    mrt_between,
    mrt_newest,
    pick_collectors,
)
from crossroads.sources.index.transport import Transport

__all__ = ["COHERENT", "KINDS", "Index", "until_of"]

COHERENT = frozenset({"rir", "asn-ranges", "country-ranges", "geo-ranges", "pfx2as"})

KINDS: tuple[str, ...] = (*dict.fromkeys(f.kind for f in FEEDS), "rib", "updates")
"""Every kind discovery knows, in a stable order."""

_MRT = ("rib", "updates")


def until_of(kind: str, on: date | datetime | None) -> datetime | None:
    """The instant a ``--date`` selects up to, for ``kind`` (see module doc)."""
    if on is None:
        return None
    if isinstance(on, datetime):
        return on if on.tzinfo else on.replace(tzinfo=UTC)
    start = datetime.combine(on, time(), tzinfo=UTC)
    return start if kind in _MRT else start + timedelta(days=1) - timedelta(microseconds=1)


@dataclass
class Index:
    """Discovery over one transport (a publisher over HTTP, a local publisher tree) with
    one index cache."""

    transport: Transport
    cache: IndexCache

    def feeds(self, kind: str) -> list[Feed]:
        """The series of ``kind`` (an unknown kind is an error naming the known ones)."""
        if kind not in KINDS:
            raise DatasetMissingError(f"unknown dataset kind {kind!r}",
                                      hint=f"known kinds: {', '.join(KINDS)}")
        return [f for f in FEEDS if f.kind == kind]

    def collectors(self, names: list[str] | None = None, *, every: bool = False
                   ) -> list[Collector]:
        """The route collectors asked for (:func:`.ribs.pick_collectors`)."""
        return pick_collectors(collectors(self.transport, self.cache), names, every=every)

    def available(self, kind: str, *, since: date | None = None, until: date | None = None,
                  collectors: list[str] | None = None, every: bool = False
                  ) -> list[DatasetSpec]:
        """Every snapshot of ``kind`` dated from ``since`` to ``until`` (whole days), oldest
        first. For RIBs and update files, of the chosen collectors, and without ``since``
        only the newest file's month (a collector files tens of thousands a year)."""
        lo = None if since is None else datetime.combine(since, time(), tzinfo=UTC)
        hi = until_of("as-rel", until)
        if kind in _MRT:
            return self._mrt_available(kind, lo, hi, collectors, every)  # type: ignore[arg-type]
        out = [s for f in self.feeds(kind)
               for s in f.between(self.transport, self.cache, since=lo, until=hi)]
        return sorted(out, key=lambda s: (s.data_date, s.name))

    def _mrt_available(self, kind: MrtKind, lo: datetime | None, hi: datetime | None,
                       names: list[str] | None, every: bool) -> list[DatasetSpec]:
        out: list[DatasetSpec] = []
        for c in self.collectors(names, every=every):
            start = lo
            if start is None:
                last = mrt_newest(c, self.transport, self.cache, kind=kind, until=hi)
                if last is None:
                    continue
                start = last.data_time.replace(day=1, hour=0, minute=0)  # type: ignore[union-attr]
            out += mrt_between(c, self.transport, self.cache, kind=kind, since=start, until=hi)
        return sorted(out, key=lambda s: (s.data_time or s.data_date, s.name))

    def in_force(self, kind: str, on: date | datetime | None = None, *,
                 collectors: list[str] | None = None, every: bool = False
                 ) -> list[DatasetSpec]:
        """Per part, the snapshot of ``kind`` in force on ``on`` (newest when None); parts
        with nothing on or before ``on`` are left out. RIBs: one per collector."""
        until = until_of(kind, on)
        if kind in _MRT:
            found = [mrt_newest(c, self.transport, self.cache, kind=kind, until=until)  # type: ignore[arg-type]
                     for c in self.collectors(collectors, every=every)]
            return [s for s in found if s is not None]
        chosen = self._per_part(kind, until)
        if on is None and kind in COHERENT and len(chosen) > 1:
            common = min(s.data_date for s in chosen)
            if any(s.data_date != common for s in chosen):
                chosen = self._per_part(kind, until_of(kind, common))
        return sorted(chosen, key=lambda s: s.name)

    def _per_part(self, kind: str, until: datetime | None) -> list[DatasetSpec]:
        best: dict[str, DatasetSpec] = {}
        by_part: dict[str, list[DatasetSpec]] = defaultdict(list)
        for feed in self.feeds(kind):
            spec = feed.newest(self.transport, self.cache, until=until)
            if spec is not None:
                by_part[spec.part].append(spec)
        for part, specs in by_part.items():
            best[part] = max(specs, key=lambda s: (s.data_date, s.name))
        return list(best.values())
