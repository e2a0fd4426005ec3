"""The country dependency report: every metric of one country, in one call.

:func:`dependency` takes a :class:`~crossroads.snapshots.Snapshot` (the store's, or one
made of an edited graph by a scenario) and measures the country on it: inbound and
outbound foreign dependency, border ASes, chokepoints and address-space concentration.
The CLI, the web dashboard and the reports call it; observed mode (paths of real RIBs)
is :func:`crossroads.metrics.observed.observed_dependency`. See
``docs/methods/dependency.md``.

A snapshot read from a store keeps each report in the store's results cache
(:meth:`crossroads.store.Store.cached`), keyed by the options, the SHA-256 of every
dataset behind the snapshot and the code version: a later process asking the same gets it
back at once, and the report says so (``cache``: ``hit``, ``miss`` or ``off``).

Worked example (the hand graph of ``tests/metrics/hand.py`` in miniature): AS 10 (AA)
has providers AS 20 (BB) and AS 30 (CC), both customers of AS 40 (DD)::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> from crossroads.snapshots import Snapshot
    >>> g = ASGraph.from_links([20, 30, 40, 40], [10, 10, 20, 30], [-1, -1, -1, -1])
    >>> snap = Snapshot.of(g, pd.DataFrame({"asn": [10, 20, 30, 40],
    ...     "reg_cc": ["AA", "BB", "CC", "DD"], "ipv4_addresses": [256, 0, 0, 1024]}))
    >>> r = dependency(snap, "AA", direction="inbound", chokepoint_k=0)
    >>> r.inbound.by_country[["country", "gateway_share"]].values.tolist()
    [['BB', 0.5], ['CC', 0.5]]
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from crossroads.metrics._typing import Direction, OutboundTargets, SourceWeighting
from crossroads.metrics.border import border_ases
from crossroads.metrics.chokepoints import Chokepoints, chokepoints
from crossroads.metrics.concentration import Concentration, concentration
from crossroads.metrics.dependency import DirectionResult, inbound, outbound
from crossroads.metrics.targets import CONTENT_ASNS, default_destinations
from crossroads.provenance import Provenance
from crossroads.routing import RouteMode
from crossroads.routing.fidelity_note import fidelity_note
from crossroads.snapshots import Snapshot
from crossroads.store import datasets_key

__all__ = ["CacheUse", "DependencyReport", "dependency", "snapshot_key"]

CacheUse = Literal["hit", "miss", "off"]
"""Whether a result came from the store's results cache (``hit``), was computed and kept
there (``miss``), or no cache was used (``off``: a snapshot without a store, or
``cache=False``)."""


@dataclass(frozen=True)
class DependencyReport:
    """Everything ``crossroads dependency`` shows for one country."""

    country: str
    mode: str
    inbound: DirectionResult | None
    outbound: DirectionResult | None
    border: pd.DataFrame
    chokepoints: Chokepoints | None
    concentration: Concentration
    datasets: tuple[Provenance, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0  # the computation's time (for a cache hit: the original one)
    cache: CacheUse = "off"

    def as_dict(self, *, top: int = 20) -> dict[str, object]:
        """JSON-ready form (``top`` rows of the AS and border tables)."""
        return {
            "country": self.country,
            "mode": self.mode,
            "cache": self.cache,
            "inbound": self.inbound.as_dict(top=top) if self.inbound else None,
            "outbound": self.outbound.as_dict(top=top) if self.outbound else None,
            "border": self.border.head(top).to_dict(orient="records"),
            "chokepoints": self.chokepoints.as_dict() if self.chokepoints else None,
            "concentration": self.concentration.as_dict(),
            "datasets": [p.as_dict() for p in self.datasets],
            "notes": list(self.notes),
        }


def dependency(
    snap: Snapshot,
    country: str,
    *,
    direction: Direction = "both",
    mode: RouteMode = "all-best",
    sources: SourceWeighting = "addresses",
    targets: OutboundTargets = "networks",
    destinations: Sequence[int] | None = None,
    chokepoint_k: int = 5,
    workers: int = 1,
    cache: bool = True,
) -> DependencyReport:
    """The full report of ``country`` on ``snap``.

    ``sources``: inbound sources weighted by the IPv4 space of every foreign AS, or the
    snapshot's vantage points (weight 1 each). ``targets``: outbound destinations, the
    content/cloud networks and largest customer cones (or ``destinations``, ASNs), or
    every foreign origin by IPv4 space. ``chokepoint_k=0`` skips the chokepoints (the
    slow part: one re-propagation per candidate). ``workers`` threads share the
    destinations of the inbound and outbound passes (same result for any number).
    ``cache``: use the store's results cache (see the module docstring)."""
    cc = snap.require_country(country)
    options = (direction, mode, sources, targets,
               tuple(destinations) if destinations else None, chokepoint_k)

    def compute() -> DependencyReport:
        return _dependency(snap, cc, *options, workers=workers)

    if not cache or snap.store is None:
        return compute()
    got = snap.store.cached(("dependency", cc, options, snapshot_key(snap)), compute)
    return dataclasses.replace(got.value, cache="hit" if got.served else "miss")


def snapshot_key(snap: Snapshot) -> tuple[object, ...]:
    """What a result computed on ``snap`` depends on besides its options: the datasets'
    SHA-256, the sibling merge, the vantage points, the graph's size."""
    return (datasets_key(snap.datasets), snap.merge is not None, snap.vantage_points,
            snap.graph.n, len(snap.graph.links))


def _dependency(
    snap: Snapshot, cc: str, direction: Direction, mode: RouteMode, sources: SourceWeighting,
    targets: OutboundTargets, destinations: Sequence[int] | None, chokepoint_k: int, *,
    workers: int,
) -> DependencyReport:
    start = time.perf_counter()
    graph, table = snap.graph, snap.table
    vps = list(snap.vantage_points)
    notes: list[str] = []
    inb = out = None
    if direction in ("inbound", "both"):
        inb = inbound(graph, table, cc, mode=mode, sources=sources,
                      vantage_points=vps, workers=workers)
    if direction in ("outbound", "both"):
        if targets == "world":
            dests = None
        else:
            dests = list(destinations) if destinations else default_destinations(graph, table, cc)
            named = [CONTENT_ASNS.get(a, f"AS{a}") for a in dests]
            notes.append("outbound destinations: " + ", ".join(named))
        out = outbound(graph, table, cc, dests, mode=mode, workers=workers)
    chokes = None
    if chokepoint_k > 0:
        base = inb if inb is not None else inbound(graph, table, cc, mode=mode)
        chokes = chokepoints(graph, table, cc, base, k=chokepoint_k, mode=mode)
    if not vps:
        notes.append("no vantage points: inbound hegemony not computed")
    notes.extend(snap.notes)
    # every simulated figure says how far simulated paths can be trusted
    notes.append(fidelity_note(snap.data_date))
    return DependencyReport(
        country=cc,
        mode=mode,
        inbound=inb,
        outbound=out,
        border=border_ases(graph, table, cc),
        chokepoints=chokes,
        concentration=concentration(_own_space(snap), cc),
        datasets=snap.datasets,
        notes=tuple(notes),
        seconds=time.perf_counter() - start,
    )


def _own_space(snap: Snapshot) -> pd.DataFrame:
    """The rows concentration reads: per origin AS, not per merged sibling group."""
    if snap.merge is None or snap.store is None:
        return snap.info
    return snap.store.as_info()

