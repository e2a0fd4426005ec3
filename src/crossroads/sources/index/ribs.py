"""Route collectors and their MRT archives: RIPE RIS and RouteViews.

* **RIPE RIS** -- collectors from RIPEstat ``rrc-info`` (``RRC00`` … as ``rrc00``);
  files under ``https://data.ris.ripe.net/rrcNN/YYYY.MM/``: ``bview.YYYYMMDD.HHMM.gz``
  (RIB dumps, every 8 hours: 00:00, 08:00, 16:00 UTC) and ``updates.YYYYMMDD.HHMM.gz``
  (every 5 minutes). Reference: RIPE NCC, "RIS Raw Data" (ris.ripe.net/docs/mrt/) and
  RIPE-NCC/internet-dataset-descriptions, ``ris-mrt-files.md``.
* **RouteViews** -- collectors are the directories of ``https://archive.routeviews.org/``
  (``route-views.linx/``, ``route-views3/`` …; route-views2, the original collector,
  files under ``bgpdata/`` at the root); files under ``<collector>/bgpdata/YYYY.MM/``:
  ``RIBS/rib.YYYYMMDD.HHMM.bz2`` (every 2 hours) and ``UPDATES/updates.YYYYMMDD.HHMM.bz2``
  (every 15 minutes).

A RIB is named ``rib-<collector>-YYYYMMDD.HHMM`` (``updates-…`` for update files) and dated
by the time in its file name (UTC), which is the time the dump was started.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from crossroads.errors import DatasetMissingError
from crossroads.sources._fetch import DatasetSpec
from crossroads.sources.index.cache import IndexCache
from crossroads.sources.index.documents import parse_rrc_info
from crossroads.sources.index.feeds import RRC_INFO, spec_of
from crossroads.sources.index.transport import Transport
from crossroads.sources.index.tree import Tree, between, find

__all__ = [
    "DEFAULT_COLLECTORS",
    "RIS_ROOT",
    "ROUTEVIEWS_ROOT",
    "Collector",
    "MrtKind",
    "collectors",
    "mrt_between",
    "mrt_newest",
    "pick_collectors",
]

RIS_ROOT = "https://data.ris.ripe.net/"
ROUTEVIEWS_ROOT = "https://archive.routeviews.org/"
DEFAULT_COLLECTORS = ("rrc00", "route-views2")
"""The collectors ``fetch ribs`` takes when none are named: the two oldest multihop
collectors, with peers all over the world."""

MrtKind = Literal["rib", "updates"]

_MONTH = r"(?P<y>\d{4})\.(?P<m>\d{2})/"
_STAMP = r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})\.(?P<H>\d{2})(?P<M>\d{2})"
_RV_DIR = re.compile(r"(route-views[\w.-]*|[a-z0-9]+\.[a-z0-9]+)/")


@dataclass(frozen=True)
class Collector:
    """A route collector: its name, project, archive root and whether it still runs."""

    name: str
    project: Literal["ris", "routeviews"]
    root: str
    location: str = ""
    active: bool = True

    def tree(self, kind: MrtKind = "rib") -> Tree:
        """Where its RIB dumps (or update files) are filed."""
        if self.project == "ris":
            prefix = "bview" if kind == "rib" else "updates"
            return Tree(self.root, (_MONTH,), rf"{prefix}\.{_STAMP}\.gz")
        sub, prefix = ("RIBS/", "rib") if kind == "rib" else ("UPDATES/", "updates")
        return Tree(self.root, (_MONTH, sub), rf"{prefix}\.{_STAMP}\.(?:bz2|gz)")


def collectors(transport: Transport, cache: IndexCache) -> list[Collector]:
    """Every RIS collector (RIPEstat ``rrc-info``) and RouteViews collector (the archive's
    root directories), by name."""
    body, _ = cache.document(transport, RRC_INFO)
    out = [Collector(c.name, "ris", f"{RIS_ROOT}{c.name}/", c.location, c.active)
           for c in parse_rrc_info(body, source=RRC_INFO)]
    for e in cache.listing(transport, ROUTEVIEWS_ROOT).entries:
        if e.name == "bgpdata/":
            out.append(Collector("route-views2", "routeviews", f"{ROUTEVIEWS_ROOT}bgpdata/"))
        elif e.name != "bgpdata/" and _RV_DIR.fullmatch(e.name):
            name = e.name.rstrip("/")
            out.append(Collector(name, "routeviews", f"{ROUTEVIEWS_ROOT}{name}/bgpdata/"))
    return sorted(out, key=lambda c: c.name)


def pick_collectors(known: list[Collector], names: list[str] | None, *,
                    every: bool = False) -> list[Collector]:
    """The collectors asked for: ``names``, all active ones with ``every``, else
    :data:`DEFAULT_COLLECTORS`. An unknown name is an error listing the known ones."""
    if every:
        return [c for c in known if c.active]
    by_name = {c.name: c for c in known}
    wanted = list(names or DEFAULT_COLLECTORS)
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise DatasetMissingError(
            f"unknown route collector {unknown[0]!r}",
            hint=f"known collectors: {', '.join(sorted(by_name))}")
    return [by_name[n] for n in wanted]


def _spec(collector: Collector, kind: MrtKind, found: object) -> DatasetSpec:
    name = f"{kind}-{collector.name}-{found.when:%Y%m%d.%H%M}"  # type: ignore[attr-defined]
    return spec_of(found, name=name, kind=kind, collector=collector.name)  # type: ignore[arg-type]


def mrt_newest(collector: Collector, transport: Transport, cache: IndexCache, *,
               kind: MrtKind = "rib", until: datetime | None = None) -> DatasetSpec | None:
    """The collector's last dump (or update file) at or before ``until``."""
    found = find(collector.tree(kind), transport, cache, until=until)
    return None if found is None else _spec(collector, kind, found)


def mrt_between(collector: Collector, transport: Transport, cache: IndexCache, *,
                kind: MrtKind = "rib", since: datetime | None = None,
                until: datetime | None = None) -> list[DatasetSpec]:
    """The collector's dumps (or update files) dated in the window, oldest first."""
    return [_spec(collector, kind, f) for f in
            between(collector.tree(kind), transport, cache, since=since, until=until)]
