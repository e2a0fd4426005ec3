"""One pass over a set of destinations: routes, then every path-level sum the metrics need.

For each destination ``d`` (weight ``W_d``) the routes of every AS towards ``d`` are
propagated once, 64 destinations per pass on the lane engine
(:mod:`crossroads.routing.lanes`, the same routes as one propagation each); the kernels
of :mod:`crossroads.metrics._kernels` then reduce them to per-country "any" sums, per-AS
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

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from crossroads.metrics import _kernels as _k
from crossroads.routing import ASGraph, RouteMode, Routes, per_source_through
from crossroads.routing.lanes import LaneBatch, map_lanes
from crossroads.snapshots.astable import ASTable

__all__ = ["Group", "Sums", "group_destinations", "hegemony_of", "run"]


@dataclass(frozen=True)
class Group:
    """Destinations evaluated on the routes towards ``root`` (``virtual``: stubs below it)."""

    root: int
    virtual: bool
    weight: float  # sum of the members' destination weights
    members: tuple[int, ...]


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


def group_destinations(
    graph: ASGraph,
    dests: np.ndarray,
    weights: np.ndarray,
    *,
    keep_apart: np.ndarray | None = None,
    grouping: bool = True,
) -> list[Group]:
    """Group destination indices by shared routes (see the module docstring)."""
    n_prov = np.diff(graph.prov_ptr)
    degree = n_prov + np.diff(graph.cust_ptr) + np.diff(graph.peer_ptr)
    apart = np.zeros(graph.n, bool)
    if keep_apart is not None and len(keep_apart):
        apart[np.asarray(keep_apart, np.int64)] = True
    stubs: dict[int, list[tuple[int, float]]] = {}
    groups: list[Group] = []
    for d, wd in zip(dests.tolist(), weights.tolist(), strict=True):
        if grouping and degree[d] == 1 and n_prov[d] == 1 and not apart[d]:
            p = int(graph.prov_idx[graph.prov_ptr[d]])
            stubs.setdefault(p, []).append((d, wd))
        else:
            groups.append(Group(d, False, float(wd), (d,)))
    for p, items in stubs.items():
        groups.append(Group(p, True, float(sum(x for _, x in items)), tuple(d for d, _ in items)))
    groups.sort(key=lambda g: (g.root, g.virtual))
    return groups


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
) -> Sums:
    """Sum the path metrics of every group, each weighted by its destination weight.

    ``src_w`` (per AS index) weighs the sources; pairs are weighted ``W_d * w_s``.
    ``vantage_points`` (indices), when given, yields the hegemony sums. ``workers``
    threads evaluate groups side by side (the kernels release the GIL); the sums are
    added in group order either way, so the result does not depend on ``workers``.
    """
    n = graph.n
    sums = Sums(np.zeros(table.n_countries), np.zeros(n), np.zeros(n), hegemony=np.zeros(n))
    total_w = float(src_w.sum())

    def batch_parts(batch: LaneBatch, start: int) -> list[_Part]:
        return [_group_part(graph, table, home, g, r, src_w, outbound, vantage_points, alpha)
                for g, r in zip(groups[start : start + len(batch)], batch.all_routes(),
                                strict=True)]

    parts = (p for ps in map_lanes(graph, [g.root for g in groups], batch_parts, mode=mode,
                                   workers=workers) for p in ps)
    for g, part in zip(groups, parts, strict=True):
        any_, transit, gateway, direct, domestic, reached, heg = part
        sums.propagations += 1
        sums.destinations += len(g.members)
        sums.any += g.weight * any_
        sums.transit += g.weight * transit
        sums.gateway += g.weight * gateway
        sums.direct += g.weight * direct
        sums.domestic += g.weight * domestic
        sums.reached += g.weight * reached
        sums.offered += g.weight * (total_w - float(src_w[g.root]) * (not g.virtual))
        if heg is not None:
            sums.hegemony += g.weight * heg
            sums.hegemony_weight += g.weight
    return sums


_Part = tuple[np.ndarray, np.ndarray, np.ndarray, float, float, float, "np.ndarray | None"]


def _group_part(
    graph: ASGraph, table: ASTable, home: int, g: Group, routes: Routes, src_w: np.ndarray,
    outbound: bool, vantage_points: np.ndarray | None, alpha: float,
) -> _Part:
    """One group's unweighted contributions (any, transit, gateway, direct, domestic,
    reached, hegemony or None) on the routes towards its root."""
    w = src_w
    if not g.virtual and src_w[g.root] != 0.0:
        w = src_w.copy()
        w[g.root] = 0.0  # a destination is never its own source
    dest_home = bool(table.cc_id[g.members[0]] == home)
    args = (routes.length, routes.nh_ptr, routes.nh_idx)
    transit, gateway, direct, domestic, reached = _k.flow(
        *args, table.cc_id, home, w, g.root, g.virtual, dest_home, outbound
    )
    heg = None
    if vantage_points is not None and len(vantage_points):
        heg = hegemony_of(graph, routes, g, vantage_points, alpha)
    any_ = _any(args, table, w, g.root, g.virtual)
    return any_, transit, gateway, direct, domestic, reached, heg


def _any(
    args: tuple[np.ndarray, ...], table: ASTable, w: np.ndarray, root: int, virtual: bool
) -> np.ndarray:
    width = 32
    while True:
        total, overflow = _k.any_country(
            *args, table.cc_id, w, root, virtual, table.n_countries, width
        )
        if not overflow:
            return total
        width *= 2


def hegemony_of(
    graph: ASGraph, routes, g: Group, vps: np.ndarray, alpha: float
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
