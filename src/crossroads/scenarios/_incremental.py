"""Single-link failures, repaired per destination instead of recomputed.

Under the Gao-Rexford rules every AS picks its best routes among those offered; taking
away a link that carries none of the best routes towards a destination (no edge of the
``all-best`` next-hop DAG) changes nothing for that destination (by induction over the
propagation order: each AS's best routes stay available and stay best). When the link
*is* an edge of the DAG, only the ASes whose routes use it, the ASes whose routes get
better because of them, and the path masses downstream of them change:
:func:`crossroads.scenarios._kernels.link_delta` repairs exactly those (see its module
docstring) and returns the change of the destination's sums.

The sweep is therefore organised by destination (the dependency engine's groups,
:func:`crossroads.metrics.groups.group_destinations`): each group is propagated once,
its baseline sums are taken, and every border link of its DAG is repaired in turn. Per
link, the changes of all groups add up (sums over destinations):

* reachability: ``R_in``/``R_out`` terms (sources reaching, foreign space reached) and
  the origins left without any foreign AS reaching them;
* inbound dependency: gateway masses by country, ``direct``, ``domestic`` and the
  reached pair weight, each times the group's destination weight.

A single-homed stub grouped below its provider (a "virtual" destination) loses
everything when its own link goes; that is its share of the group's sums.
The result equals a full recomputation on the edited graph (tested on hand-made and
random graphs and on real KZ links).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from crossroads.metrics.flows import flow
from crossroads.metrics.groups import Group, group_destinations
from crossroads.routing import ASGraph, propagate
from crossroads.routing.arrays import push_mass
from crossroads.scenarios import _kernels as _k
from crossroads.snapshots.astable import ASTable

__all__ = ["GroupDelta", "SweepBase", "group_deltas", "pair_key", "sweep_base",
           "without_link"]

_EXTRA = 6  # per link: direct, domestic, reached, sources, world space, isolated origins


@dataclass(frozen=True)
class SweepBase:
    """Everything a group task needs, built once and scattered to the workers."""

    graph: ASGraph
    cc: np.ndarray  # int32 country id per AS index
    codes: tuple[str, ...]
    home: int
    w: np.ndarray  # inbound source weight per AS index (foreign IPv4; 0 at home)
    foreign: np.ndarray  # bool per AS index (the reachability sources)
    world: np.ndarray  # foreign IPv4 per AS index
    ipv4: np.ndarray  # IPv4 per AS index (destination weights)
    groups: tuple[Group, ...]
    keys: np.ndarray  # sorted pair keys of the swept links
    n_links: int
    order: np.ndarray  # position of each sorted key in the caller's link list


@dataclass(frozen=True)
class GroupDelta:
    """One group's baseline sums and, for each swept link in its DAG, their change.

    Columns of ``base``/``delta``: gateway mass per country id, then direct, domestic,
    reached pair weight, sources reaching, foreign space reached, isolated origins --
    all already multiplied by the group's weights (see :func:`group_deltas`).
    """

    base: np.ndarray
    links: np.ndarray  # positions in the caller's link list
    delta: np.ndarray  # (len(links), n_countries + 6)


def pair_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Order-free uint64 key of AS pairs (ASNs)."""
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def sweep_base(graph: ASGraph, table: ASTable, country: str, links: np.ndarray) -> SweepBase:
    """The shared inputs for sweeping ``links`` (``(k, 2)`` ASNs) of ``country``."""
    home = table.country_id(country)
    w = np.where(table.cc_id == home, 0.0, table.ipv4)
    dests = table.origins(country)
    groups = group_destinations(graph, dests, table.ipv4[dests], keep_apart=np.flatnonzero(w))
    keys = pair_key(links[:, 0], links[:, 1])
    order = np.argsort(keys, kind="stable")
    foreign = table.cc_id != home
    return SweepBase(
        graph=graph, cc=table.cc_id.astype(np.int32), codes=table.codes, home=home, w=w,
        foreign=foreign, world=np.where(foreign, table.ipv4, 0.0), ipv4=table.ipv4,
        groups=tuple(groups),
        keys=keys[order], n_links=len(links), order=order,
    )


def group_deltas(base: SweepBase, which: list[int]) -> list[GroupDelta]:
    """Baseline sums and per-link changes of the groups ``which`` (indices)."""
    scratch = _Scratch(base.graph)
    return [_one_group(base, base.groups[j], scratch) for j in which]


def without_link(graph: ASGraph, a: int, b: int) -> ASGraph:
    """``graph.without_links([(a, b)])`` by deleting two CSR entries (no rebuild)."""
    ia, ib = graph.index_of(a), graph.index_of(b)
    links = graph.links
    hit = ((links.as1 == a) & (links.as2 == b)) | ((links.as1 == b) & (links.as2 == a))
    if not hit.any():
        return graph
    i = int(np.argmax(hit))
    keep = ~hit
    new_links = dataclasses.replace(
        links, as1=links.as1[keep], as2=links.as2[keep], rel=links.rel[keep]
    )
    if int(links.rel[i]) == -1:
        prov, cust = (ia, ib) if int(links.as1[i]) == a else (ib, ia)
        cust_ptr, cust_idx = _drop(graph.cust_ptr, graph.cust_idx, prov, cust)
        prov_ptr, prov_idx = _drop(graph.prov_ptr, graph.prov_idx, cust, prov)
        return dataclasses.replace(graph, cust_ptr=cust_ptr, cust_idx=cust_idx,
                                   prov_ptr=prov_ptr, prov_idx=prov_idx, links=new_links)
    peer_ptr, peer_idx = _drop(graph.peer_ptr, graph.peer_idx, ia, ib)
    peer_ptr, peer_idx = _drop(peer_ptr, peer_idx, ib, ia)
    return dataclasses.replace(graph, peer_ptr=peer_ptr, peer_idx=peer_idx, links=new_links)


# ------------------------------------------------------------------ private helpers
class _Scratch:
    """Work arrays of :func:`crossroads.scenarios._kernels.link_delta`, made once per
    task (the kernel leaves them as it found them)."""

    def __init__(self, graph: ASGraph) -> None:
        n = graph.n
        e = graph.prov_idx.size + graph.cust_idx.size + graph.peer_idx.size
        self.ws_i = np.zeros((7, n), np.int64)
        self.ws_i[2] = _k._INF
        self.lst = np.zeros(3 * n + 2, np.int64)
        self.ws_f = np.zeros(n, np.float64)
        self.heap = np.zeros(n + 2 * e + 2, np.int64)
        self.pool = np.zeros(2 * e + 2, np.int32)
        self.stamp = np.full((5, n), -1, np.int64)
        self.pid = 0

    def next_pid(self) -> int:
        self.pid += 2
        return self.pid


def _one_group(base: SweepBase, g: Group, s: _Scratch) -> GroupDelta:
    graph = base.graph
    routes = propagate(graph, g.root, mode="all-best")
    length, ptr, idx = routes.length, routes.nh_ptr, routes.nh_idx
    w = base.w
    if not g.virtual and w[g.root] != 0.0:
        w = w.copy()
        w[g.root] = 0.0
    dest_home = bool(base.cc[g.members[0]] == base.home)
    _, gateway, direct, domestic, reached = flow(
        length, ptr, idx, base.cc, base.home, w, g.root, g.virtual, dest_home, False
    )
    reach = length >= 0
    n_c = len(base.codes)
    stats = np.array([
        direct, domestic, reached, float(np.count_nonzero(reach & base.foreign)),
        float(base.world @ reach), 0.0,
    ])
    weight = base.ipv4[list(g.members)]
    group_w = float(weight.sum())
    row = np.concatenate([np.bincount(base.cc, weights=gateway, minlength=n_c), stats])
    any_foreign = bool((reach & base.foreign).any())
    base_row = row * group_w
    base_row[-1] = 0.0 if any_foreign else float(len(g.members))
    heads = np.repeat(np.arange(graph.n, dtype=np.int64), np.diff(ptr))
    keys = pair_key(graph.asns[heads], graph.asns[idx])
    pos = np.searchsorted(base.keys, keys)
    pos = np.minimum(pos, max(base.keys.size - 1, 0))
    hit = base.keys.size > 0
    edge_hits = np.flatnonzero(base.keys[pos] == keys) if hit else np.zeros(0, np.int64)
    out_pos: list[int] = []
    out_rows: list[np.ndarray] = []
    if edge_hits.size:
        mass0 = push_mass(length, ptr, idx, np.where(reach, w, 0.0))
        dom0, cont0 = _k.baseline_cont(length, ptr, idx, base.cc, base.home, g.virtual,
                                       dest_home)
        rel, ln = routes.rel.copy(), length.copy()
        dom, cont = dom0.copy(), cont0.copy()
        adj = graph.adjacency
        n_foreign = float(np.count_nonzero(reach & base.foreign))
        for e in edge_hits.tolist():
            d_gw, d_dir, d_dom, d_reached, d_src, d_world, d_for = _k.link_delta(
                *adj, ptr, idx, length, rel, ln, mass0, dom0, cont0, dom, cont, w, base.cc,
                base.home, g.root, g.virtual, dest_home, base.foreign, base.world,
                base.foreign, int(heads[e]), int(idx[e]), n_c, s.ws_i, s.lst, s.ws_f,
                s.heap, s.pool, s.stamp, s.next_pid(),
            )
            d = np.concatenate([d_gw, [d_dir, d_dom, d_reached, d_src, d_world, 0.0]])
            d *= group_w
            lost_all = any_foreign and n_foreign + d_for == 0.0
            d[-1] = float(len(g.members)) if lost_all else 0.0
            out_pos.append(int(base.order[pos[e]]))
            out_rows.append(d)
    if g.virtual:  # a stub's own link: that stub loses everything
        for m, wm in zip(g.members, weight.tolist(), strict=True):
            k = pair_key(graph.asns[[g.root]], graph.asns[[m]])[0]
            p = int(np.searchsorted(base.keys, k))
            if p < base.keys.size and base.keys[p] == k:
                d = -row * wm
                d[-1] = 1.0 if any_foreign else 0.0
                out_pos.append(int(base.order[p]))
                out_rows.append(d)
    delta = np.array(out_rows).reshape(-1, n_c + _EXTRA)
    return GroupDelta(base=base_row, links=np.array(out_pos, np.int64), delta=delta)


def _drop(ptr: np.ndarray, idx: np.ndarray, row: int, col: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = int(ptr[row]), int(ptr[row + 1])
    pos = start + int(np.searchsorted(idx[start:end], col))
    out_ptr = ptr.copy()
    out_ptr[row + 1 :] -= 1
    return out_ptr, np.delete(idx, pos)
