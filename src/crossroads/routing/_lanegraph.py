"""The AS graph renumbered for the lane engine: a topological order, blocks, row offsets.

Private: built once per graph by :func:`lane_graph` (cached per graph object) and read by
:mod:`crossroads.routing._lane_kernels`. Internal id ``i`` is AS index ``perm[i]``; ids
follow a topological order of the customer->provider digraph (every AS after all its
customers, the strongly connected components of a provider->customer cycle contiguous),
so the kernels sweep memory front to back. Each adjacency row keeps the ASN order of the
graph's rows, so "first in the row" is still "lowest ASN"; ``*_pos[e]`` is the offset of
the row's AS in the reverse row of neighbour ``idx[e]``.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
from numba import njit

from crossroads.routing.graph import ASGraph

__all__ = ["LaneGraph", "lane_graph"]

MAX_DEGREE = 0x7FFE
"""Next hops are int16 offsets into an adjacency row: rows longer than this are refused
(the largest on the 2025 graph has 9,704 peers)."""


@dataclass(frozen=True)
class LaneGraph:
    """``graph`` renumbered (see the module docstring); arrays in internal ids."""

    n: int
    perm: np.ndarray  # int32, internal id -> AS index
    inv: np.ndarray  # int32, AS index -> internal id
    prov_ptr: np.ndarray
    prov_idx: np.ndarray
    prov_pos: np.ndarray  # int16: offset of the row's AS in its provider's customer row
    cust_ptr: np.ndarray
    cust_idx: np.ndarray
    cust_pos: np.ndarray  # int16: offset in its customer's provider row
    peer_ptr: np.ndarray
    peer_idx: np.ndarray
    peer_pos: np.ndarray
    blk_ptr: np.ndarray  # int64, block boundaries in internal ids
    cyclic: bool  # some block has more than one AS (a provider->customer cycle)
    # int64 per entry: its position in the graph's own CSR (prov_ptr/prov_idx, ...)
    prov_src: np.ndarray
    cust_src: np.ndarray
    peer_src: np.ndarray

    @property
    def adjacency(self) -> tuple[np.ndarray, ...]:
        """``(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx)``."""
        return (self.prov_ptr, self.prov_idx, self.cust_ptr, self.cust_idx, self.peer_ptr,
                self.peer_idx)


_CACHE: dict[int, tuple[weakref.ref[ASGraph], LaneGraph]] = {}
_LOCK = threading.Lock()


def lane_graph(graph: ASGraph) -> LaneGraph:
    """The renumbered form of ``graph``, computed once per graph object (kept while the
    graph lives; graphs hash by identity here, their arrays make them unhashable)."""
    key = id(graph)
    with _LOCK:  # held while building: two threads asking at once build it once
        hit = _CACHE.get(key)
        if hit is not None and hit[0]() is graph:
            return hit[1]
        lg = _build(graph)
        _CACHE[key] = (weakref.ref(graph), lg)
    weakref.finalize(graph, _CACHE.pop, key, None)
    return lg


def _build(graph: ASGraph) -> LaneGraph:
    n = graph.n
    for ptr in (graph.prov_ptr, graph.cust_ptr, graph.peer_ptr):
        if n and int(np.diff(ptr).max()) > MAX_DEGREE:
            raise ValueError(f"an AS has more than {MAX_DEGREE} neighbours of one kind")
    perm, blk_ptr = _topological(graph)
    inv = np.empty(n, np.int32)
    inv[perm] = np.arange(n, dtype=np.int32)
    prov, prov_src = _renumber(graph.prov_ptr, graph.prov_idx, perm, inv)
    cust, cust_src = _renumber(graph.cust_ptr, graph.cust_idx, perm, inv)
    peer, peer_src = _renumber(graph.peer_ptr, graph.peer_idx, perm, inv)
    return LaneGraph(
        n=n, perm=perm, inv=inv,
        prov_ptr=prov[0], prov_idx=prov[1], prov_pos=_positions(*prov, *cust, inv),
        cust_ptr=cust[0], cust_idx=cust[1], cust_pos=_positions(*cust, *prov, inv),
        peer_ptr=peer[0], peer_idx=peer[1], peer_pos=_positions(*peer, *peer, inv),
        blk_ptr=blk_ptr, cyclic=bool(np.any(np.diff(blk_ptr) > 1)),
        prov_src=prov_src, cust_src=cust_src, peer_src=peer_src,
    )


def _topological(graph: ASGraph) -> tuple[np.ndarray, np.ndarray]:
    """AS indices customers-first (Kahn over the condensation) and block boundaries."""
    n = graph.n
    cols = graph.prov_idx.astype(np.int64)
    order = _kahn(graph.prov_ptr, cols, np.bincount(cols, minlength=n).astype(np.int64))
    if order.size == n:  # no provider->customer cycle (CAIDA's graphs): every AS alone
        node_rank = np.empty(n, np.int64)
        node_rank[order] = np.arange(n)
    else:
        node_rank = _condensed_rank(graph, cols)
    # ASes without customers go first (any order among them is topological), each next to
    # the other customers of its lowest-ASN provider: a provider then reads its customers'
    # rows front to back
    leaf = np.diff(graph.cust_ptr) == 0
    first_prov = np.where(np.diff(graph.prov_ptr) > 0,
                          graph.prov_idx[np.minimum(graph.prov_ptr[:-1],
                                                    max(graph.prov_idx.size - 1, 0))]
                          if graph.prov_idx.size else 0, n)
    key = np.where(leaf, -1, node_rank)
    sub = np.where(leaf, first_prov, 0)
    perm = np.lexsort((np.arange(n), sub, key)).astype(np.int32)
    r = key[perm]
    blk_ptr = np.flatnonzero(np.r_[True, (r[1:] != r[:-1]) | (r[1:] < 0), True])
    return perm, blk_ptr.astype(np.int64)


def _condensed_rank(graph: ASGraph, cols: np.ndarray) -> np.ndarray:
    """Per AS index, the rank of its strongly connected component in a topological
    order of the components (Kahn over the condensation)."""
    from scipy.sparse import csr_matrix  # 1.3 s of imports, only for a cyclic graph
    from scipy.sparse.csgraph import connected_components

    n = graph.n
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(graph.prov_ptr))
    adj = csr_matrix((np.ones(rows.size, np.int8), (rows, cols)), shape=(n, n))
    n_comp, label = connected_components(adj, directed=True, connection="strong")
    cr, cc = label[rows], label[cols]
    keep = cr != cc
    dag = csr_matrix((np.ones(int(keep.sum()), np.int8), (cr[keep], cc[keep])),
                     shape=(n_comp, n_comp))
    indeg = np.bincount(dag.indices, minlength=n_comp).astype(np.int64)
    comp_order = _kahn(dag.indptr.astype(np.int64), dag.indices.astype(np.int64), indeg)
    rank = np.empty(n_comp, np.int64)
    rank[comp_order] = np.arange(n_comp)
    return rank[label]


@njit(cache=True)
def _kahn(ptr: np.ndarray, idx: np.ndarray, indeg: np.ndarray) -> np.ndarray:
    """The nodes in a topological order (Kahn); on a cyclic digraph, only those outside
    and before every cycle (fewer than all). ``indeg`` is used up."""
    n = indeg.shape[0]
    out = np.empty(n, np.int64)
    head = 0
    tail = 0
    for c in range(n):
        if indeg[c] == 0:
            out[tail] = c
            tail += 1
    while head < tail:
        c = out[head]
        head += 1
        for e in range(ptr[c], ptr[c + 1]):
            d = idx[e]
            indeg[d] -= 1
            if indeg[d] == 0:
                out[tail] = d
                tail += 1
    return out[:tail]


def _renumber(
    ptr: np.ndarray, idx: np.ndarray, perm: np.ndarray, inv: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Rows in internal order, entries as internal ids, each row in its original order;
    and each entry's position in the original CSR."""
    deg = np.diff(ptr)[perm]
    new_ptr = np.zeros(perm.size + 1, np.int64)
    np.cumsum(deg, out=new_ptr[1:])
    starts = np.repeat(ptr[:-1][perm] - new_ptr[:-1], deg)
    take = np.arange(new_ptr[-1], dtype=np.int64) + starts
    return (new_ptr, inv[idx[take]]), take


def _positions(
    ptr: np.ndarray, idx: np.ndarray, rptr: np.ndarray, ridx: np.ndarray, inv: np.ndarray
) -> np.ndarray:
    """For entry ``e`` (row ``v`` -> ``u``): the offset of ``v`` in ``u``'s reverse row.
    Every row lists its neighbours by increasing AS index (the graph's rows do), so one
    pass over the reverse rows in AS-index order fills each row front to back; a graph
    whose rows are not so ordered falls back to a sort."""
    pos, ok = _positions_by_order(ptr, idx, rptr, ridx, inv)
    if ok:
        return pos
    n = ptr.shape[0] - 1
    v = np.repeat(np.arange(n, dtype=np.int64), np.diff(ptr))
    u = idx.astype(np.int64)
    rrow = np.repeat(np.arange(n, dtype=np.int64), np.diff(rptr))
    key = rrow * n + ridx.astype(np.int64)
    order = np.argsort(key, kind="stable")
    found = order[np.searchsorted(key, u * n + v, sorter=order)]
    return (found - rptr[u]).astype(np.int16)


@njit(cache=True)
def _positions_by_order(
    ptr: np.ndarray, idx: np.ndarray, rptr: np.ndarray, ridx: np.ndarray, inv: np.ndarray
) -> tuple[np.ndarray, bool]:
    """:func:`_positions` in one pass, and whether every offset checks out."""
    n = ptr.shape[0] - 1
    cursor = ptr[:-1].copy()
    pos = np.zeros(idx.shape[0], np.int16)
    for uo in range(n):  # AS-index order
        u = inv[uo]
        for f in range(rptr[u], rptr[u + 1]):
            v = ridx[f]
            e = cursor[v]
            if e >= ptr[v + 1] or idx[e] != u:
                return pos, False
            cursor[v] = e + 1
            pos[e] = f - rptr[u]
    for v in range(n):
        if cursor[v] != ptr[v + 1]:
            return pos, False
    return pos, True
