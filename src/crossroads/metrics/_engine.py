"""One pass over a set of destinations: routes, then every path-level sum the metrics need.

For each destination ``d`` (weight ``W_d``) the routes of every AS towards ``d`` are
propagated once; the kernels of :mod:`crossroads.metrics._kernels` then reduce them to
per-country "any" sums, per-AS transit and gateway mass, the direct/domestic buckets, and
(per vantage point) the hegemony of ``d``. Everything is summed with weight ``W_d``.

Destinations sharing routes are grouped: a *single-homed stub* (an AS whose only link is
to one provider ``p``) is reached by every other AS through ``p``, on ``p``'s own routes
extended by one hop (no route towards ``p`` can pass through the stub, which has no other
neighbour). Its paths are therefore read off the routes towards ``p`` with ``p`` counted
as transit ("virtual" destination), and one propagation serves every stub of ``p``. A
stub that is itself a source or vantage point is not grouped (its own path differs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from crossroads.metrics import _kernels as _k
from crossroads.routing import ASGraph, RouteMode, Routes, per_source_through, propagate
from crossroads.routing.calibration import Calibration
from crossroads.snapshots.astable import ASTable

__all__ = ["Group", "Sums", "group_destinations", "hegemony_of", "link_ids", "link_key",
           "observed_mass", "observed_origins", "routes_of", "run"]

T = TypeVar("T")


@dataclass(frozen=True)
class Group:
    """Destinations evaluated on the routes towards ``root`` (``virtual``: stubs below it)."""

    root: int
    virtual: bool
    weight: float  # sum of the members' destination weights
    members: tuple[int, ...]
    member_weights: tuple[float, ...] = ()  # each member's weight (virtual groups)


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
        groups.append(Group(p, True, float(sum(x for _, x in items)), tuple(d for d, _ in items),
                            tuple(float(x) for _, x in items)))
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
    calibration: Calibration | None = None,
    links: bool = False,
) -> Sums:
    """Sum the path metrics of every group, each weighted by its destination weight.

    ``src_w`` (per AS index) weighs the sources; pairs are weighted ``W_d * w_s``.
    ``vantage_points`` (indices), when given, yields the hegemony sums. ``workers``
    threads evaluate groups side by side (the kernels release the GIL); the sums are
    added in group order either way, so the result does not depend on ``workers``.
    ``links`` adds the path mass crossing every link (:attr:`Sums.link_mass`).
    """
    n = graph.n
    sums = Sums(np.zeros(table.n_countries), np.zeros(n), np.zeros(n), hegemony=np.zeros(n))
    total_w = float(src_w.sum())
    lids = link_ids(graph) if links else None
    if links:
        sums.link_mass = np.zeros(len(graph.links))

    def one(g: Group) -> list[tuple[float, _Part]]:
        return [(f, _routes_part(graph, table, home, g, src_w, outbound, r, vantage_points,
                                 alpha, lids))
                for r, f in routes_of(graph, g.root, mode, calibration)]

    for g, parts in zip(groups, _map(one, groups, workers), strict=True):
        sums.propagations += len(parts)
        sums.destinations += len(g.members)
        sums.offered += g.weight * (total_w - float(src_w[g.root]) * (not g.virtual))
        for frac, part in parts:  # one part per variant (calibrated), else one
            _add(sums, g.weight * frac, part)
    return sums


_Part = tuple[np.ndarray, np.ndarray, np.ndarray, float, float, float, "np.ndarray | None",
              tuple[float, ...], "np.ndarray | None"]


def _add(sums: Sums, weight: float, part: _Part) -> None:
    any_, transit, gateway, direct, domestic, reached, heg, obs, lmass = part
    if lmass is not None and sums.link_mass is not None:
        sums.link_mass += weight * lmass
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
    variants = calibration.variants_of(int(graph.asns[root])) or [(None, 1.0)]
    return [(propagate(graph, root, mode=mode, calibration=calibration, variant=v), f)
            for v, f in variants]


def _routes_part(
    graph: ASGraph, table: ASTable, home: int, g: Group, src_w: np.ndarray, outbound: bool,
    routes: Routes, vantage_points: np.ndarray | None, alpha: float,
    lids: tuple[np.ndarray, ...] | None = None,
) -> _Part:
    """One propagation's unweighted contributions: any, transit, gateway, direct,
    domestic, reached, hegemony (None without vantage points), observed-route sums,
    per-link mass (None unless ``lids``)."""
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
    lmass = None if lids is None else _link_part(graph, g, routes, transit, w, lids)
    return (any_, transit, gateway, direct, domestic, reached, heg,
            observed_mass(routes, transit, w), lmass)


def link_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An order-free uint64 key per AS pair (ASNs): ``min << 32 | max``."""
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def link_ids(graph: ASGraph) -> tuple[np.ndarray, ...]:
    """The number (position in ``graph.links``) of the link of every entry of the
    provider, customer and peer CSRs."""
    lk = graph.links
    keys = link_key(lk.as1, lk.as2)
    order = np.argsort(keys)
    out = []
    for ptr, idx in ((graph.prov_ptr, graph.prov_idx), (graph.cust_ptr, graph.cust_idx),
                     (graph.peer_ptr, graph.peer_idx)):
        rows = np.repeat(np.arange(graph.n), np.diff(ptr))
        key = link_key(graph.asns[rows], graph.asns[idx])
        out.append(order[np.searchsorted(keys[order], key)].astype(np.int64))
    return tuple(out)


def _link_part(
    graph: ASGraph, g: Group, routes: Routes, transit: np.ndarray, w: np.ndarray,
    lids: tuple[np.ndarray, ...],
) -> np.ndarray:
    """Path mass crossing every link towards one destination (a virtual group's stub
    links carry all that reaches the root, split by the stubs' weights)."""
    mass = np.where(routes.length >= 0, transit + w, 0.0)
    out = _k.link_mass(routes.length, routes.nh_ptr, routes.nh_idx, mass, *graph.adjacency,
                        *lids, np.zeros(len(graph.links)))
    if g.virtual and g.weight > 0:
        at_root = float(transit[g.root] + w[g.root])
        for m, wm in zip(g.members, g.member_weights, strict=True):
            k = int(graph.prov_ptr[m])  # a stub's one link: to its provider, the root
            out[lids[0][k]] += at_root * wm / g.weight
    return out


def observed_mass(routes: Routes, transit: np.ndarray, w: np.ndarray) -> tuple[float, ...]:
    """``(hop mass, hop mass on observed routes, pair mass fully observed)``: every AS
    ``v`` with a next hop passes on what reaches it (``transit + w``); the hop is
    observed when ``v``'s route is; a pair's route is wholly observed when its source's
    is (the next hops of an observed route are observed routes)."""
    if routes.observed is None:
        return (0.0, 0.0, 0.0)
    reach = routes.length >= 0
    mass = np.where(reach, transit + w, 0.0)
    hops = np.diff(routes.nh_ptr) > 0
    return (float(mass[hops].sum()), float(mass[hops & routes.observed].sum()),
            float(w[reach & routes.observed].sum()))


def observed_origins(graph: ASGraph, calibration: Calibration | None) -> np.ndarray:
    """Indices of the origins with observed routes: never grouped below a provider (their
    own observed routes differ from the provider's)."""
    if calibration is None:
        return np.zeros(0, np.int32)
    pos = np.searchsorted(graph.asns, calibration.var_origin)
    ok = (pos < graph.n) & (graph.asns[np.minimum(pos, graph.n - 1)] == calibration.var_origin)
    return np.unique(pos[ok]).astype(np.int32)


def _map(fn: Callable[[Group], T], groups: Sequence[Group], workers: int) -> Iterator[T]:
    """``map(fn, groups)`` in order, on ``workers`` threads, a bounded batch at a time."""
    if workers <= 1 or len(groups) < 2:
        yield from map(fn, groups)
        return
    step = 4 * workers
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for i in range(0, len(groups), step):
            yield from pool.map(fn, groups[i : i + step])


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
