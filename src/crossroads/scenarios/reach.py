"""Reachability of a country's address space, in and out, under the valley-free model.

Let ``O`` be the country's origins (its ASes that originate IPv4 space, ``a_o`` addresses
each; optionally restricted), ``S`` the sources standing for "the world" (every foreign
AS in the graph, or the chosen vantage points), ``F`` every foreign AS with its space
``a_f``, and ``[x -> y]`` 1 when AS ``x`` has a route to a prefix of ``y``:

.. math::

    R_{in}  = \\frac{1}{A_O}\\sum_{o \\in O} a_o \\, \\frac{|\\{s \\in S : [s \\to o]\\}|}{|S|}
    \\qquad
    R_{out} = \\frac{1}{A_O}\\sum_{o \\in O} a_o \\,
              \\frac{\\sum_{f \\in F} a_f [o \\to f]}{A_F}

with ``A_O = sum a_o`` and ``A_F = sum a_f``: inbound is the address-weighted share of
the country's space that an average source reaches; outbound the share of the world's
(foreign) space that an average address of the country reaches.

Under Gao-Rexford rules an AS has a route to ``y`` exactly when a valley-free path to it
exists (customer routes climb every provider chain, peer routes take one hop, provider
routes descend to every customer), and the reverse of a valley-free path is valley-free,
so ``[o -> f] = [f -> o]``. One propagation per origin of the country therefore gives
both directions: O(|O| (N + E)) instead of one propagation per foreign prefix.

Example -- AS 1 (foreign, 256 addresses) provides AS 2 (KZ, 256) and AS 3 (KZ, 768); AS 4
(foreign, 512) hangs under AS 3 but AS 3 is its only link to anyone::

    >>> import numpy as np, pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> from crossroads.snapshots import ASTable
    >>> g = ASGraph.from_links([1, 1, 3], [2, 3, 4], [-1, -1, -1])
    >>> t = ASTable.from_frame(g, pd.DataFrame({"asn": [1, 2, 3, 4], "name": [None] * 4,
    ...     "reg_cc": ["RU", "KZ", "KZ", "CN"], "ipv4_addresses": [256, 256, 768, 512]}))
    >>> r = reachability(g, t, "KZ")
    >>> r.inbound, r.outbound   # everyone reaches everyone: 1 and 1
    (1.0, 1.0)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from crossroads.routing import ASGraph, RouteMode, Routes, propagate_many, through_weights
from crossroads.routing.calibration import Calibration
from crossroads.routing.lanes import map_lanes
from crossroads.snapshots import ASTable

__all__ = ["Reachability", "propagation_jobs", "reachability"]


@dataclass(frozen=True)
class Reachability:
    """Inbound/outbound reachability of one country (shares in [0, 1] of IPv4 space)."""

    inbound: float
    outbound: float
    origins: tuple[int, ...]  # measured origins (ASNs)
    origin_ipv4: tuple[int, ...]  # their IPv4 addresses
    origin_inbound: tuple[float, ...]  # share of sources reaching each origin
    isolated: tuple[int, ...]  # origins no foreign AS reaches
    path_lengths: dict[int, int]  # AS-path hops -> (source, origin) pairs with a route
    unreachable_pairs: int  # (source, origin) pairs without a route
    critical_ases: dict[int, int]  # AS on every best path to some origins -> their IPv4
    critical_links: dict[tuple[int, int], int]  # (from, to) link likewise -> IPv4
    sources: int  # |S|
    origin_space: int  # A_O, IPv4 addresses
    world_space: int  # A_F, IPv4 addresses

    def space_of(self, asns: tuple[int, ...]) -> float:
        """Share of the measured origins' IPv4 space held by ``asns`` (origins among them).

        >>> r = Reachability(1.0, 1.0, (2, 3), (256, 768), (1.0, 0.0), (3,), {}, 0, {}, {},
        ...                  1, 1024, 0)
        >>> r.space_of(r.isolated), r.isolated_share
        (0.75, 0.75)
        """
        want = set(asns)
        held = sum(a for o, a in zip(self.origins, self.origin_ipv4, strict=True) if o in want)
        return held / self.origin_space if self.origin_space else 0.0

    @property
    def isolated_share(self) -> float:
        """Share of the measured origins' IPv4 space that no foreign AS reaches."""
        return self.space_of(self.isolated)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (without the per-origin columns)."""
        return {
            "reachability_inbound": self.inbound,
            "reachability_outbound": self.outbound,
            "isolated_share": self.isolated_share,
            "sources": self.sources,
            "origins": len(self.origins),
            "origin_ipv4_addresses": self.origin_space,
            "world_ipv4_addresses": self.world_space,
            "isolated_origins": list(self.isolated),
            "path_lengths": {str(k): v for k, v in sorted(self.path_lengths.items())},
            "unreachable_pairs": self.unreachable_pairs,
            "critical_ases": [
                {"asn": a, "ipv4_addresses": v} for a, v in self.critical_ases.items()
            ],
            "critical_links": [
                {"link": list(k), "ipv4_addresses": v} for k, v in self.critical_links.items()
            ],
        }


def reachability(
    graph: ASGraph,
    table: ASTable,
    country: str,
    *,
    origins: tuple[int, ...] | None = None,
    sources: np.ndarray | None = None,
    mode: RouteMode = "deterministic",
    workers: int = 1,
    group: bool = True,
    calibration: Calibration | None = None,
) -> Reachability:
    """``R_in`` and ``R_out`` of ``country`` on ``graph`` (see the module docstring).

    ``origins`` narrows the measured origins (ASNs of the country); ``sources`` gives the
    vantage points as ASNs (default: every foreign AS of the graph). ``mode`` picks the
    best routes that decide which ASes and links are *critical* (on every best path from
    the sources that reach an origin); reachability itself is the same in both modes.
    ``workers`` threads share the propagations. ``group`` shares one propagation among
    stubs with the same providers (exact; off only to check that it is, and in
    ``calibrated`` mode, where each origin's observed routes are its own; the
    ``calibration`` then routes every origin's main observed variant).
    """
    table = table.aligned(graph)
    code = table.id_of(country)
    cc = table.cc_id
    space = table.ipv4
    foreign = cc != code
    mine = ~foreign & (space > 0)
    if origins is not None:
        mine &= np.isin(graph.asns, np.asarray(origins, dtype=np.int64))
    orig_idx = np.flatnonzero(mine)
    src_idx = _sources(graph, foreign, sources)
    world = np.where(foreign, space, 0.0)
    world_total = float(world.sum())
    group = group and calibration is None
    jobs = propagation_jobs(graph, orig_idx) if group else [([o], [o]) for o in orig_idx.tolist()]

    def reduce(routes: Routes) -> _PerJob:
        reached = routes.length >= 0
        lengths = routes.length[src_idx]
        n_reached = int(np.count_nonzero(lengths >= 0))
        return (
            n_reached,
            float(world @ reached),
            bool((reached & foreign).any()),
            np.bincount(lengths[lengths >= 0], minlength=1),
            _critical(graph, routes, src_idx, n_reached),
        )

    if calibration is not None:  # observed routes: one propagation each
        per_job = propagate_many(graph, [j[0] for j in jobs], reduce, mode=mode,
                                 workers=workers, calibration=calibration)
    else:  # 64 jobs per pass on the lanes, the same routes
        per_job = [part for parts in map_lanes(
            graph, [j[0] for j in jobs], lambda b, s: [reduce(r) for r in b.all_routes()],
            mode=mode, workers=workers) for part in parts]
    per: dict[int, _PerJob] = {}
    for (announcing, members), res in zip(jobs, per_job, strict=True):
        full, links, full_origins = res[4]
        for o in members:
            if announcing == [o]:
                per[o] = (*res[:4], (full, links, []))
            else:  # stubs below their providers: one hop longer, providers are transit
                down = [(int(graph.asns[p]), int(graph.asns[o])) for p in full_origins]
                hist = np.concatenate([[0], res[3]])
                per[o] = (*res[:3], hist, (full + [int(graph.asns[p]) for p in full_origins],
                                           links + down, []))
    a_o = space[orig_idx]
    n_src = int(src_idx.shape[0])
    frac_in = np.array([per[o][0] / n_src if n_src else 0.0 for o in orig_idx])
    frac_out = np.array([per[o][1] / world_total if world_total else 0.0 for o in orig_idx])
    total = float(a_o.sum())
    hist: Counter[int] = Counter()
    crit_as: Counter[int] = Counter()
    crit_link: Counter[tuple[int, int]] = Counter()
    for o, a in zip(orig_idx.tolist(), a_o, strict=True):
        p = per[o]
        hist.update({i: int(c) for i, c in enumerate(p[3]) if c})
        crit_as.update({v: int(a) for v in p[4][0]})
        crit_link.update({e: int(a) for e in p[4][1]})
    reached_pairs = sum(hist.values())
    return Reachability(
        inbound=float(a_o @ frac_in / total) if total else 0.0,
        outbound=float(a_o @ frac_out / total) if total else 0.0,
        origins=tuple(int(x) for x in graph.asns[orig_idx]),
        origin_ipv4=tuple(int(x) for x in a_o),
        origin_inbound=tuple(float(x) for x in frac_in),
        isolated=tuple(int(graph.asns[o]) for o in orig_idx.tolist() if not per[o][2]),
        path_lengths=dict(hist),
        critical_ases=dict(crit_as.most_common()),
        critical_links=dict(crit_link.most_common()),
        unreachable_pairs=n_src * len(orig_idx) - reached_pairs,
        sources=n_src,
        origin_space=int(total),
        world_space=int(world_total),
    )


_Critical = tuple[list[int], list[tuple[int, int]], list[int]]
_PerJob = tuple[int, float, bool, np.ndarray, _Critical]


def propagation_jobs(graph: ASGraph, orig_idx: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Propagation jobs ``(announcing indices, measured origins)``.

    An origin with providers but no customers and no peers (a stub) never carries
    anyone's route, so a source reaches it exactly when it reaches one of its providers,
    over the same routes one hop longer. Stubs with the same provider set therefore
    share one propagation announced by those providers (a "virtual" origin); every other
    origin gets its own.
    """
    groups: dict[tuple[int, ...], list[int]] = {}
    jobs: list[tuple[list[int], list[int]]] = []
    for o in orig_idx.tolist():
        n_cust = graph.cust_ptr[o + 1] - graph.cust_ptr[o]
        n_peer = graph.peer_ptr[o + 1] - graph.peer_ptr[o]
        provs = graph.prov_idx[graph.prov_ptr[o] : graph.prov_ptr[o + 1]]
        if n_cust == 0 and n_peer == 0 and provs.size:
            groups.setdefault(tuple(int(p) for p in provs), []).append(o)
        else:
            jobs.append(([o], [o]))
    for provs, members in groups.items():
        jobs.append((list(provs), members) if len(members) > 1 else ([members[0]], members))
    return jobs


def _critical(
    graph: ASGraph, routes: Routes, src_idx: np.ndarray, n_reached: int
) -> _Critical:
    """ASes and links (ASNs) that carry every best path from the reaching sources.

    With through-weights ``T`` (:func:`crossroads.routing.through_weights`, unit source
    weights), AS ``v`` is critical when ``T(v)`` equals the number of reaching sources,
    and link ``u -> w`` when ``T(u) / k_u`` does (``k_u``: ``u``'s best next hops).
    Nothing is critical when fewer than two sources reach. The announcing ASes come back
    apart (third): they are the origin itself, or, for stubs grouped below their
    providers, transit ASes on the last hop.
    """
    if n_reached < 2:
        return [], [], []
    t = through_weights(graph, routes, src_idx)
    full = t >= n_reached - 1e-6
    last = [int(p) for p in routes.origins if full[p]]
    full[routes.origins] = False
    k = np.diff(routes.nh_ptr)
    heads = np.repeat(np.arange(graph.n), k)
    flow = t[heads] / k[heads]
    edges = flow >= n_reached - 1e-6
    tails = routes.nh_idx[edges]
    return (
        [int(a) for a in graph.asns[full]],
        [(int(graph.asns[u]), int(graph.asns[w])) for u, w in zip(heads[edges], tails,
                                                                    strict=True)],
        last,
    )


def _sources(graph: ASGraph, foreign: np.ndarray, sources: np.ndarray | None) -> np.ndarray:
    """Indices of the sources: the given ASNs present in the graph and foreign, else all
    foreign ASes."""
    if sources is None:
        return np.flatnonzero(foreign)
    pos = _present(graph, np.asarray(sources, dtype=np.int64))
    return np.unique(pos[foreign[pos]])


def _present(graph: ASGraph, asns: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(graph.asns, asns)
    safe = np.minimum(pos, graph.n - 1)
    return safe[(pos < graph.n) & (graph.asns[safe] == asns)]
