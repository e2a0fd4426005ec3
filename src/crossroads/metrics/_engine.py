"""One pass over a set of destinations: routes, then every path-level sum the metrics need.

For each destination ``d`` (weight ``W_d``) the routes of every AS towards ``d`` are
propagated once, 64 destinations per pass on the lane engine
(:mod:`crossroads.routing.lanes`, the same routes as one propagation each; calibrated
mode propagates each observed per-prefix variant on its own); the kernels of
:mod:`crossroads.metrics._kernels` then reduce them to per-country "any" sums, per-AS
transit and gateway mass, the direct/domestic buckets, and (per vantage point) the
hegemony of ``d``. Everything is summed with weight ``W_d``.

Destinations sharing routes are grouped: a *single-homed stub* (an AS whose only link is
to one provider ``p``) is reached by every other AS through ``p``, on ``p``'s own routes
extended by one hop (no route towards ``p`` can pass through the stub, which has no other
neighbour). Its paths are therefore read off the routes towards ``p`` with ``p`` counted
as transit ("virtual" destination), and one propagation serves every stub of ``p``. A
stub that is itself a source or vantage point is not grouped (its own path differs).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from crossroads.metrics import _kernels as _k
from crossroads.metrics._folded import FoldedDag, any_sums, inbound_sums
from crossroads.metrics._links import (
    LinkPart,
    link_ids,
    link_part,
    observed_mass,
    observed_origins,
)
from crossroads.metrics.flows import flow_crossings
from crossroads.metrics.groups import Group, group_destinations
from crossroads.routing import ASGraph, RouteMode, Routes, per_source_through, propagate
from crossroads.routing.calibration import Calibration
from crossroads.routing.lanes import LaneBatch, map_lanes
from crossroads.snapshots.astable import ASTable

__all__ = ["Group", "Sums", "group_destinations", "hegemony_of", "observed_origins", "routes_of",
           "run"]

T = TypeVar("T")


@dataclass
class Sums:
    """Weighted sums over every (source, destination) pair; see :func:`run`."""

    any: np.ndarray  # per country id
    transit: np.ndarray  # per AS index
    gateway: np.ndarray  # per AS index
    direct: float = 0.0
    domestic: float = 0.0
    reached: float = 0.0
    offered: float = 0.0  # weight of every pair, reachable or not
    hegemony: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hegemony_weight: float = 0.0
    destinations: int = 0
    propagations: int = 0
    hop_mass: float = 0.0  # calibrated: path mass summed over every hop taken ...
    hop_observed: float = 0.0  # ... and over the hops taken along observed routes
    pair_observed: float = 0.0  # calibrated: mass of the pairs whose whole route is observed
    link_mass: np.ndarray | None = None  # per link of graph.links: path mass crossing it
    # optional parts (run(crossings=True) / run(labels=...)); None when not asked for
    crossings: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # home, foreign, mass
    label_any: np.ndarray | None = None  # per label: mass of paths crossing it


def run(
    graph: ASGraph,
    table: ASTable,
    home: int,
    groups: Sequence[Group],
    src_w: np.ndarray,
    *,
    outbound: bool,
    mode: RouteMode = "all-best",
    vantage_points: np.ndarray | None = None,
    alpha: float = 0.1,
    workers: int = 1,
    calibration: Calibration | None = None,
    links: bool = False,
    crossings: bool = False,
    labels: tuple[np.ndarray, int] | None = None,
    any_sums: bool = True,
    folded: list[FoldedDag] | None = None,
) -> Sums:
    """Sum the path metrics of every group, each weighted by its destination weight.

    ``src_w`` (per AS index) weighs the sources; pairs are weighted ``W_d * w_s``.
    ``vantage_points`` (indices), when given, yields the hegemony sums. ``workers``
    threads evaluate groups side by side (the kernels release the GIL); each lane batch
    (64 groups) is summed in group order, then the batches in order (calibrated: group
    by group), so the result does not depend on ``workers``, and only one set of sums per
    batch in flight is alive, never one per group.
    ``links`` adds the path mass crossing every link (:attr:`Sums.link_mass`);
    ``crossings`` adds the mass on each crossing link (:func:`flows.flow_crossings`);
    ``labels`` ``(label per AS index, -1 for none; number of labels)`` adds the "any"
    sums of that labelling (e.g. the owning state of state-owned ASes). ``any_sums=False``
    leaves :attr:`Sums.any` at zero (the costliest reduction; shares-only recomputations).
    ``folded`` (inbound), when given, receives every propagation's folded next-hop DAG, in
    group order (:class:`~crossroads.metrics._folded.FoldedDag`).
    """
    n = graph.n
    total_w = float(src_w.sum())
    lids = link_ids(graph) if links else None
    extra = _Extra.asked(crossings, labels, table.n_countries, n, any_sums)
    extra = dataclasses.replace(extra, dags=folded is not None and not outbound)

    def empty() -> Sums:
        return Sums(np.zeros(table.n_countries), np.zeros(n), np.zeros(n),
                    hegemony=np.zeros(n), link_mass=np.zeros(len(graph.links)) if links else None,
                    label_any=None if labels is None else np.zeros(labels[1]))

    sums = empty()
    keys: list[np.ndarray] = []
    masses: list[np.ndarray] = []

    def reduce_one(g: Group, r: Routes) -> _Part:
        return _routes_part(graph, table, home, g, src_w, outbound, r, vantage_points, alpha,
                            lids, extra)

    def fold(into: Sums, g: Group, parts: list[tuple[float, _Part]],
             ks: list[np.ndarray], ms: list[np.ndarray], ds: list[FoldedDag]) -> None:
        into.propagations += len(parts)
        into.destinations += len(g.members)
        into.offered += g.weight * (total_w - float(src_w[g.root]) * (not g.virtual))
        for frac, part in parts:  # one part per variant (calibrated), else one
            _add(into, g.weight * frac, part)
            more = part[-1]
            if more.crossing is not None:
                _add_crossings(ks, ms, g, frac, more.crossing, outbound, n)
            if more.dag is not None:
                ds.append(FoldedDag(g.root, g.virtual, g.weight * frac, *more.dag))

    def one(g: Group) -> list[tuple[float, _Part]]:
        return [(f, reduce_one(g, r)) for r, f in routes_of(graph, g.root, mode, calibration)]

    def batch_sums(batch: LaneBatch, start: int) -> tuple[Sums, list[np.ndarray],
                                                          list[np.ndarray], list[FoldedDag]]:
        # each group's part is folded into the batch's sums as soon as it is made: 64
        # parts alive at once (per-AS and per-link arrays) held ~450 MiB on the 2025 graph
        part = empty()
        ks: list[np.ndarray] = []
        ms: list[np.ndarray] = []
        ds: list[FoldedDag] = []
        for g, r in zip(groups[start : start + len(batch)], batch.all_routes(lids),
                        strict=True):
            fold(part, g, [(1.0, reduce_one(g, r))], ks, ms, ds)
        return part, ks, ms, ds

    dags: list[FoldedDag] = folded if folded is not None else []
    if mode == "calibrated":  # observed variants: one propagation each
        for g, parts in zip(groups, _map(one, groups, workers), strict=True):
            fold(sums, g, parts, keys, masses, dags)
    else:  # 64 destinations per pass, the same routes; batches summed in order
        for part, ks, ms, ds in map_lanes(graph, [g.root for g in groups], batch_sums,
                                          mode=mode, workers=workers):
            _merge(sums, part)
            keys += ks
            masses += ms
            dags += ds
    if crossings:
        sums.crossings = _reduce_crossings(keys, masses, n)
    return sums


@dataclass(frozen=True)
class _Extra:
    """What a group computes beyond the standard sums: asked for (``crossings``; the
    second labelling ``second``, offset past the countries, ``n_labels`` ids in all;
    ``dags``), then computed (``crossing``, ``label_any``, ``dag``)."""

    crossings: bool = False
    second: np.ndarray | None = None
    n_labels: int = 0
    any_sums: bool = True
    dags: bool = False
    crossing: tuple[np.ndarray, np.ndarray, np.ndarray, float] | None = None
    label_any: np.ndarray | None = None
    dag: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def asked(cls, crossings: bool, labels: tuple[np.ndarray, int] | None, n_countries: int,
              n: int, any_sums: bool = True) -> _Extra:
        """The request: the labels become ids ``n_countries + label`` (-1: none), so one
        "any" pass serves countries and labels together."""
        if labels is None:
            return cls(crossings, np.full(n, -1, np.int32), n_countries, any_sums)
        second = np.where(labels[0] >= 0, labels[0] + n_countries, -1).astype(np.int32)
        return cls(crossings, second, n_countries + labels[1], any_sums)


_Part = tuple[np.ndarray, np.ndarray, np.ndarray, float, float, float, "np.ndarray | None",
              tuple[float, ...], "LinkPart | None", _Extra]


def _add(sums: Sums, weight: float, part: _Part) -> None:
    any_, transit, gateway, direct, domestic, reached, heg, obs, lmass, more = part
    if lmass is not None and sums.link_mass is not None:
        lmass.add_to(sums.link_mass, weight)
    if more.label_any is not None and sums.label_any is not None:
        sums.label_any += weight * more.label_any
    sums.any += weight * any_
    sums.transit += weight * transit
    sums.gateway += weight * gateway
    sums.direct += weight * direct
    sums.domestic += weight * domestic
    sums.reached += weight * reached
    sums.hop_mass += weight * obs[0]
    sums.hop_observed += weight * obs[1]
    sums.pair_observed += weight * obs[2]
    if heg is not None:
        sums.hegemony += weight * heg
        sums.hegemony_weight += weight


def _merge(sums: Sums, part: Sums) -> None:
    """Add every sum of ``part`` (a batch's) to ``sums``."""
    for f in dataclasses.fields(Sums):
        mine, theirs = getattr(sums, f.name), getattr(part, f.name)
        if isinstance(mine, np.ndarray):
            mine += theirs
        elif isinstance(mine, (int, float)):
            setattr(sums, f.name, mine + theirs)


def _add_crossings(keys: list[np.ndarray], masses: list[np.ndarray], g: Group, frac: float,
                   crossing: tuple[np.ndarray, np.ndarray, np.ndarray, float], outbound: bool,
                   n: int) -> None:
    """Append one propagation's crossing-link masses (weighted by the group's weight and the
    variant's share ``frac``) as ``home * n + foreign`` keys; the virtual last hop gives
    each stub its own link with its own weight."""
    ha, fa, ms, to_stub = crossing
    keys.append(ha.astype(np.int64) * n + fa)
    masses.append(ms * g.weight * frac)
    if to_stub and g.virtual:
        for d, wd in zip(g.members, g.member_weights, strict=True):
            h, f = (g.root, d) if outbound else (d, g.root)
            keys.append(np.array([h * n + f], np.int64))
            masses.append(np.array([to_stub * wd * frac]))


def _reduce_crossings(keys: list[np.ndarray], masses: list[np.ndarray], n: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not keys:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    k, inv = np.unique(np.concatenate(keys), return_inverse=True)
    m = np.bincount(inv, weights=np.concatenate(masses), minlength=k.size)
    return k // n, k % n, m


def routes_of(
    graph: ASGraph, root: int, mode: RouteMode, calibration: Calibration | None
) -> list[tuple[Routes, float]]:
    """The routes towards destination ``root`` and their weights: one propagation, or in
    ``calibrated`` mode one per observed per-prefix variant of the destination, weighted
    by its share of the destination's observed addresses."""
    if mode != "calibrated":
        return [(propagate(graph, root, mode=mode), 1.0)]
    if calibration is None:
        raise ValueError("mode 'calibrated' needs a calibration")
    variants: Sequence[tuple[int | None, float]] = (
        calibration.variants_of(int(graph.asns[root])) or [(None, 1.0)])
    return [(propagate(graph, root, mode=mode, calibration=calibration, variant=v), f)
            for v, f in variants]


def _routes_part(
    graph: ASGraph, table: ASTable, home: int, g: Group, src_w: np.ndarray, outbound: bool,
    routes: Routes, vantage_points: np.ndarray | None, alpha: float,
    lids: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None, extra: _Extra = _Extra(),
) -> _Part:
    """One propagation's unweighted contributions: any, transit, gateway, direct,
    domestic, reached, hegemony (None without vantage points), observed-route sums,
    per-link mass (None unless ``lids``), and the extra parts asked for."""
    w = g.sources(src_w)
    dest_home = bool(table.cc_id[g.members[0]] == home)
    args = (routes.length, routes.nh_ptr, routes.nh_idx)
    nc = table.n_countries
    second = extra.second if extra.second is not None else np.full(graph.n, -1, np.int32)
    n_labels = max(extra.n_labels, nc)
    dag = None
    if outbound:
        (transit, gateway, direct, domestic, reached, ha, fa, ms, to_stub) = flow_crossings(
            *args, table.cc_id, home, w, g.root, g.virtual, dest_home, True, extra.crossings)
        total = (any_sums(*args, table.cc_id, second, w, g.root, g.virtual, n_labels)
                 if extra.any_sums else np.zeros(n_labels))
    else:  # the same sums over the ASes something passes through (leaves folded)
        s = inbound_sums(*args, table.cc_id, home, w, g.root, g.virtual, dest_home,
                         extra.crossings, second, n_labels, any_sums=extra.any_sums)
        transit, gateway, direct, domestic, reached = (s.transit, s.gateway, s.direct,
                                                       s.domestic, s.reached)
        ha, fa, ms, to_stub, total = s.home_as, s.foreign_as, s.mass, s.to_stub, s.any
        dag = s.dag if extra.dags else None
    heg = None
    if vantage_points is not None and len(vantage_points):
        heg = hegemony_of(graph, routes, g, vantage_points, alpha)
    more = _Extra(crossing=(ha, fa, ms, to_stub) if extra.crossings else None,
                  label_any=total[nc:] if extra.n_labels > nc else None, dag=dag)
    lmass = None if lids is None else link_part(graph, g, routes, transit, w, lids)
    return (total[:nc], transit, gateway, direct, domestic, reached, heg,
            observed_mass(routes, transit, w), lmass, more)


def _map(fn: Callable[[Group], T], groups: Sequence[Group], workers: int) -> Iterator[T]:
    """``map(fn, groups)`` in order, on ``workers`` threads, a bounded batch at a time."""
    if workers <= 1 or len(groups) < 2:
        yield from map(fn, groups)
        return
    step = 4 * workers
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for i in range(0, len(groups), step):
            yield from pool.map(fn, groups[i : i + step])


def hegemony_of(
    graph: ASGraph, routes: Routes, g: Group, vps: np.ndarray, alpha: float
) -> np.ndarray | None:
    """``H_d(a)``: the alpha-trimmed mean over the vantage points that reach ``d`` of the
    tie-split probability that ``a`` lies strictly inside their path to ``d``."""
    vp = vps[(routes.length[vps] >= 0) & ((vps != g.root) | g.virtual)]
    vp = vp[~np.isin(vp, g.members)]
    if vp.size == 0:
        return None
    spos, node, prob = per_source_through(graph, routes, vp)
    inside = node != vp[spos]  # the vantage point is not on its own path
    if not g.virtual:
        inside &= node != g.root  # nor is the origin
    spos, node, prob = spos[inside], node[inside], prob[inside]
    out = np.zeros(graph.n)
    cols, col_of = np.unique(node, return_inverse=True)
    if cols.size == 0:
        return out
    dense = np.zeros((vp.size, cols.size))
    dense[spos, col_of] = prob
    out[cols] = _k.trimmed_mean_columns(dense, vp.size, alpha)
    return out
