"""The country dependency report: every metric of one country, in one call.

:func:`dependency` takes a :class:`~crossroads.snapshots.Snapshot` (the store's, or one
made of an edited graph by a scenario) and measures the country on it: inbound and
outbound foreign dependency, border ASes, chokepoints and address-space concentration,
with the answer first (:mod:`crossroads.metrics.answer`: one lead sentence per direction
and its comparison with observed and published figures) and every row whose country is
disputed flagged (:mod:`crossroads.metrics.attribution`).
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
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from crossroads.beside import Beside
from crossroads.errors import DatasetMissingError
from crossroads.metrics._folded import FoldedDag
from crossroads.metrics._typing import Direction, OutboundTargets, SourceWeighting
from crossroads.metrics.answer import Answer, lead
from crossroads.metrics.attribution import flag_disputed
from crossroads.metrics.border import border_ases
from crossroads.metrics.chokepoints import Chokepoints, chokepoints
from crossroads.metrics.concentration import Concentration, concentration
from crossroads.metrics.dependency import DirectionResult, inbound, outbound
from crossroads.metrics.robustness import LinkSources, robustness
from crossroads.metrics.targets import CONTENT_ASNS, default_destinations
from crossroads.metrics.territory import (
    StateControl,
    TerritorialReport,
    owner_labels,
    state_control,
    territorial_report,
    territory_inputs,
)
from crossroads.physical import CorridorSet
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.calibration import Calibration
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
    robustness: pd.DataFrame | None = None  # inbound: the links carrying most mass
    country_by: str = "registration"
    answers: tuple[Answer, ...] = ()
    territory: TerritorialReport | None = None
    state_control: StateControl | None = None
    cache: CacheUse = "off"

    def as_dict(self, *, top: int = 20) -> dict[str, object]:
        """JSON-ready form (``top`` rows of the AS and border tables); ``answers`` first."""
        return {
            "country": self.country,
            "mode": self.mode,
            "cache": self.cache,
            "country_by": self.country_by,
            "answers": [a.as_dict() for a in self.answers],
            "inbound": self.inbound.as_dict(top=top) if self.inbound else None,
            "outbound": self.outbound.as_dict(top=top) if self.outbound else None,
            "border": self.border.head(top).to_dict(orient="records"),
            "chokepoints": self.chokepoints.as_dict() if self.chokepoints else None,
            "robustness": None if self.robustness is None else {
                "units": "mass_share: fraction of reached inbound path mass crossing the "
                "link; shift: total-variation change of the gateway shares by country "
                "when the link is removed; delta_XX: change of XX's gateway share",
                "links": self.robustness.to_dict(orient="records")},
            "concentration": self.concentration.as_dict(),
            "datasets": [p.as_dict() for p in self.datasets],
            "notes": list(self.notes),
            "territory": self.territory.as_dict(top=top) if self.territory else None,
            "state_control": (self.state_control.as_dict(top=top) if self.state_control
                              else None),
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
    calibration: Calibration | None = None,
    robustness_k: int = 0,
    ribs: Sequence[str | Path] = (),
    territory: bool = True,
    corridors: CorridorSet | None = None,
    cache: bool = True,
) -> DependencyReport:
    """The full report of ``country`` on ``snap``.

    ``sources``: inbound sources weighted by the IPv4 space of every foreign AS, or the
    snapshot's vantage points (weight 1 each). ``targets``: outbound destinations, the
    content/cloud networks and largest customer cones (or ``destinations``, ASNs), or
    every foreign origin by IPv4 space. ``chokepoint_k=0`` skips the chokepoints (the
    slow part: one re-propagation per candidate). ``workers`` threads share the
    destinations of the inbound and outbound passes (same result for any number).
    ``mode="calibrated"`` routes with ``calibration``, built on ``snap``'s graph
    (:func:`crossroads.snapshots.calibrated_snapshot`); the result names the RIBs and the
    share of the path mass on observed routes. ``robustness_k`` > 0 adds the robustness
    table of the inbound result (:func:`crossroads.metrics.robustness.robustness`; one
    recomputation per link). ``ribs``: RIB files whose observed paths give the observed
    share in the answers' comparison
    (:func:`crossroads.metrics.observed.observed_dependency`).

    ``territory`` adds the territorial section (:mod:`crossroads.metrics.territory`:
    whose territory the paths cross, on ``corridors`` or the shipped corridor data,
    placed with the store's PeeringDB presence when loaded) and the state-control shares
    (when the store holds the state-owned ASes); neither changes the other parts.

    ``cache``: use the store's results cache (see the module docstring); a result that
    rests on files outside the store (a calibration's RIBs, ``ribs``, ``corridors``) is
    computed afresh."""
    cc = snap.require_country(country)
    options = (direction, mode, sources, targets,
               tuple(destinations) if destinations else None, chokepoint_k, robustness_k,
               territory)

    def compute() -> DependencyReport:
        return _dependency(snap, cc, *options, workers=workers, calibration=calibration,
                           ribs=ribs, corridors=corridors)

    outside = calibration is not None or bool(ribs) or corridors is not None
    if not cache or snap.store is None or outside:
        return compute()
    got = snap.store.cached(("dependency", cc, options, snapshot_key(snap)), compute)
    return dataclasses.replace(got.value, cache="hit" if got.served else "miss")


def snapshot_key(snap: Snapshot) -> tuple[object, ...]:
    """What a result computed on ``snap`` depends on besides its options: the datasets'
    SHA-256, the country meaning, the sibling merge, the vantage points, and a digest of
    the graph's links (a graph edited after loading, e.g. ``--robust``, differs)."""
    lk = snap.graph.links
    digest = hashlib.sha256()
    for col in (lk.as1, lk.as2, lk.rel):
        digest.update(np.ascontiguousarray(col).tobytes())
    return (datasets_key(snap.datasets), snap.country_by, snap.merge is not None,
            snap.vantage_points, snap.graph.n, digest.hexdigest())


def _dependency(
    snap: Snapshot, cc: str, direction: Direction, mode: RouteMode, sources: SourceWeighting,
    targets: OutboundTargets, destinations: Sequence[int] | None, chokepoint_k: int,
    robustness_k: int, territory: bool, *, workers: int, calibration: Calibration | None,
    ribs: Sequence[str | Path], corridors: CorridorSet | None,
) -> DependencyReport:
    start = time.perf_counter()
    graph, table = snap.graph, snap.table
    vps = list(snap.vantage_points)
    notes: list[str] = []
    inb = out = None
    phys = None
    if territory and snap.merge is not None:
        notes.append("territory and state control not computed on a sibling-merged "
                     "snapshot (its links join organisations, not ASes)")
    elif territory:
        phys = territory_inputs(snap, corridors)
    owned = phys.state_owned if phys is not None else None
    owners = owner_labels(graph, owned) if owned is not None else None
    # the carrying set reuses the inbound propagations when both weigh by addresses
    folded: list[FoldedDag] | None = (
        [] if chokepoint_k > 0 and sources == "addresses" else None)

    def outbound_part() -> tuple[DirectionResult, str | None]:
        named = None
        if targets == "world":
            dests = None
        else:
            dests = list(destinations) if destinations else default_destinations(graph, table, cc)
            named = "outbound destinations: " + ", ".join(
                CONTENT_ASNS.get(a, f"AS{a}") for a in dests)
        return outbound(graph, table, cc, dests, mode=mode, workers=workers,
                        calibration=calibration, crossings=phys is not None,
                        owners=owners), named

    # independent parts run side by side (each on ``workers`` threads), unless one is asked
    robust = robust_later = None
    with Beside(workers > 1) as beside:
        later = beside.run(outbound_part) if direction in ("outbound", "both") else None
        if direction in ("inbound", "both"):
            inb = inbound(graph, table, cc, mode=mode, sources=sources, vantage_points=vps,
                          workers=workers, calibration=calibration,
                          crossings=phys is not None, owners=owners, folded=folded)
        if robustness_k > 0 and inb is not None:
            links = _link_sources(snap)
            first = inb
            robust_later = beside.run(lambda: robustness(
                graph, table, cc, first, k=robustness_k, mode=mode, sources=sources,
                vantage_points=vps, calibration=calibration, link_sources=links,
                workers=workers))
        chokes = None
        if chokepoint_k > 0:
            base = inb if inb is not None else inbound(graph, table, cc, mode=mode,
                                                       calibration=calibration, folded=folded)
            chokes = chokepoints(graph, table, cc, base, k=chokepoint_k, mode=mode,
                                 calibration=calibration, folded=folded)
        folded = None  # about 80 MiB on KZ: not kept while the rest is computed
        if later is not None:
            out, named = later()
            if named:
                notes.append(named)
        if robust_later is not None:
            robust = robust_later()
    if not vps:
        notes.append("no vantage points: inbound hegemony not computed")
    terr = None
    if phys is not None:
        terr = territorial_report(cc, inb, out, phys.corridors, table,
                                  presence=phys.presence)
        notes.append(f"territory: corridor data {phys.corridors.version}; "
                     f"{100 * terr.rule_share:.0f} % of the crossing-link mass placed by rules")
        notes.extend(phys.notes)
    notes.extend(snap.notes)
    if calibration is not None:
        notes.extend(_observed_notes(calibration, (inb, out)))
    # every simulated figure says how far simulated paths can be trusted
    notes.append(fidelity_note(snap.data_date, mode=mode))
    inb = flag_disputed(inb, snap.info) if inb is not None else None
    out = flag_disputed(out, snap.info) if out is not None else None
    seen = _observed(snap, cc, ribs)
    return DependencyReport(
        country=cc,
        mode=mode,
        inbound=inb,
        outbound=out,
        border=border_ases(graph, table, cc),
        chokepoints=chokes,
        concentration=concentration(_own_space(snap), cc, country_column=table.country_column),
        datasets=(*snap.datasets, *(p for p in (phys.datasets if phys is not None else ())
                                    if p not in snap.datasets)),
        notes=tuple(notes),
        seconds=time.perf_counter() - start,
        robustness=robust,
        country_by=snap.country_by,
        answers=tuple(
            lead(r, country_by=snap.country_by, datasets=snap.datasets,
                 observed=getattr(seen, r.direction) if seen else None,
                 observed_datasets=seen.datasets if seen else ())
            for r in (inb, out) if r is not None),
        territory=terr,
        state_control=state_control(inb, out, owned) if owned is not None else None,
    )


def _observed(snap: Snapshot, country: str, ribs: Sequence[str | Path]) -> DependencyReport | None:
    """The observed report of the RIB files (None without any)."""
    if not ribs:
        return None
    from crossroads.metrics.observed import observed_dependency  # it builds a report

    return observed_dependency(snap, ribs, country)


def _observed_notes(
    cal: Calibration, results: tuple[DirectionResult | None, ...]
) -> list[str]:
    """Which RIBs, and how much of each direction's path mass rests on observed routes."""
    out = [cal.describe()]
    for res in results:
        if res is not None and res.observed_share is not None:
            out.append(
                f"{res.direction}: {100 * res.observed_share:.1f} % of the path mass's hops "
                f"follow observed routes, {100 * (1 - res.observed_share):.1f} % simulated "
                f"ones; {100 * (res.observed_pair_share or 0):.1f} % of the pairs' routes are "
                "observed end to end")
    return out


def _link_sources(snap: Snapshot) -> LinkSources | None:
    """CAIDA's per-link inference source for the snapshot's graph (None when unknown)."""
    graph: ASGraph = snap.graph
    if graph.provenance is None or snap.store is None:
        return None
    try:
        t = snap.store.links(graph.provenance.dataset)
    except (DatasetMissingError, KeyError, ValueError):
        return None
    return (t.column("as1").to_numpy(), t.column("as2").to_numpy(),
            t.column("source").to_numpy(zero_copy_only=False))


def _own_space(snap: Snapshot) -> pd.DataFrame:
    """The rows concentration reads: per origin AS, not per merged sibling group."""
    if snap.merge is None or snap.store is None:
        return snap.info
    return snap.store.as_info()
