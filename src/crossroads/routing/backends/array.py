"""Gao-Rexford routes for many origins at once, written against an array module.

The same code runs on numpy + :mod:`scipy.sparse` (the CPU, and what CI tests) and on
cupy + :mod:`cupyx.scipy.sparse` (an NVIDIA GPU): only the :class:`ArrayModule` handed in
differs. Column ``k`` of every ``N x K`` matrix is the prefix announced by origin set
``k``; each phase advances all ``K`` columns one BFS level per sparse product.

For a frontier matrix ``F`` (``F[u, k]``: AS ``u`` holds, for column ``k``, a route it
may export and whose length is the current level ``L``) and a 0/1 relationship matrix
``A`` (``A[v, u] = 1`` when ``v`` accepts ``u``'s route over that relationship), the ASes
offered a route of length ``L + 1`` are ``(A @ F) > 0``. The three phases of the CPU
kernel (:func:`crossroads.routing._kernels.gao_rexford`) become:

1. customer routes: ``A = `` customers-of (row ``v`` lists ``v``'s customers), frontier
   the origin/customer routes of length ``L``, until no AS is newly reached;
2. peer routes: ``A = `` peers-of, for every level ``L`` of phase 1, frontier the
   origin/customer routes of length ``L`` (an AS keeps the first, i.e. shortest, offer);
3. provider routes: ``A = `` providers-of, frontier *every* route of length ``L``, for
   ``L = 0, 1, ...`` up to the longest route (a level-synchronous unit-weight Dijkstra).

Only ASes without a route (class 0) take an offer, so class preference follows from the
phase order and length preference from the level order. The deterministic next hop of
``v`` (class ``c``, length ``l``) is then the lowest-index neighbour ``u`` in ``c``'s
relationship set whose route is one hop shorter and exportable to ``v`` (origin or
customer route for ``c`` in {customer, peer}; any route for ``c`` = provider), exactly
the set :func:`~crossroads.routing._kernels.all_best_next_hops` lists; it is found for
all columns at once over the CSR edges, in column chunks to bound memory.

Cost per batch: ``O(levels * nnz * K)`` for the products plus ``O(nnz * K)`` for the
next hops, with ``levels`` ~ 2 x the longest route (about 30 on the 2025 graph).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse

from crossroads.routing import _kernels as _k
from crossroads.routing.graph import ASGraph

__all__ = ["ArrayModule", "DeviceGraph", "classes_and_lengths", "numpy_module",
           "propagate_columns", "to_device"]


@dataclass(frozen=True)
class ArrayModule:
    """An array library and its sparse companion, plus how to get results back to numpy.

    ``frontier_dtype`` is the dtype of the sparse products: bool on scipy (whose sparse
    kernels add booleans as OR, 1.5x faster than float32 here), float32 where the sparse
    library only multiplies floats (cuSPARSE); counts up to 2**24 are exact in float32.
    ``chunk_elements`` bounds the size of the ``K x nnz`` temporaries of the next-hop step.
    """

    name: str
    xp: Any
    sparse: Any
    to_host: Callable[[Any], np.ndarray]
    frontier_dtype: Any
    chunk_elements: int = 1 << 23
    scatter_add: Callable[[Any, Any, Any], None] = np.add.at  # a[idx] += v, repeats add


def numpy_module() -> ArrayModule:
    """numpy + scipy.sparse: the CPU module every backend is checked against in CI."""
    return ArrayModule("numpy", np, scipy.sparse, np.asarray, np.bool_)


@dataclass(frozen=True)
class _Edges:
    """One relationship's CSR as edge lists on the device: ``v`` accepts routes of ``u``."""

    rows: Any  # int32 [nnz], v
    cols: Any  # int32 [nnz], u (ascending within each v)
    matrix: Any  # float32 N x N sparse 0/1 matrix, ``matrix[v, u] = 1``


@dataclass(frozen=True)
class DeviceGraph:
    """An :class:`ASGraph`'s three relationships, on the array module's device."""

    n: int
    customers: _Edges  # row v: the customers of v (v learns customer routes from them)
    peers: _Edges
    providers: _Edges  # row v: the providers of v (v learns provider routes from them)


def to_device(graph: ASGraph, module: ArrayModule) -> DeviceGraph:
    """Copy ``graph``'s CSR adjacency to ``module``'s device (once per graph and batch run)."""

    def edges(ptr: np.ndarray, idx: np.ndarray) -> _Edges:
        xp, n = module.xp, graph.n
        rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(ptr))
        data = xp.ones(idx.shape[0], dtype=module.frontier_dtype)
        mat = module.sparse.csr_matrix(
            (data, xp.asarray(idx, dtype=xp.int32), xp.asarray(ptr, dtype=xp.int32)),
            shape=(n, n),
        )
        return _Edges(xp.asarray(rows), xp.asarray(idx, dtype=xp.int32), mat)

    return DeviceGraph(
        n=graph.n,
        customers=edges(graph.cust_ptr, graph.cust_idx),
        peers=edges(graph.peer_ptr, graph.peer_idx),
        providers=edges(graph.prov_ptr, graph.prov_idx),
    )


def propagate_columns(
    module: ArrayModule, dg: DeviceGraph, seed_rows: np.ndarray, seed_cols: np.ndarray, k: int
) -> tuple[Any, Any, Any]:
    """Route class (int8), length (int16) and next hop (int32) as ``N x K`` device arrays.

    Column ``j`` announces from the ASes ``seed_rows[seed_cols == j]`` (one or more per
    column; every column needs at least one).
    """
    rel, length = classes_and_lengths(module, dg, seed_rows, seed_cols, k)
    return rel, length, _next_hops(module, dg, rel, length)


def classes_and_lengths(
    module: ArrayModule, dg: DeviceGraph, seed_rows: np.ndarray, seed_cols: np.ndarray, k: int
) -> tuple[Any, Any]:
    """Route class (int8) and length (int16) as ``N x K`` device arrays: the three phases
    without the next-hop step (reducers that split over every best next hop find them
    themselves)."""
    xp, n = module.xp, dg.n
    rel = xp.zeros((n, k), dtype=xp.int8)
    length = xp.full((n, k), -1, dtype=xp.int16)
    r, c = xp.asarray(seed_rows), xp.asarray(seed_cols)
    rel[r, c] = _k.ORIGIN
    length[r, c] = 0
    up_levels = _customer_phase(dg, rel, length)
    _peer_phase(dg, rel, length, up_levels)
    _provider_phase(dg, rel, length)
    return rel, length


# -------------------------------------------------------------------- phases
def _offered(edges: _Edges, frontier: Any) -> Any:
    """``(A @ F) > 0``: which (AS, column) pairs hear a route from the frontier."""
    product = edges.matrix @ frontier.astype(edges.matrix.dtype, copy=False)
    return product if product.dtype == bool else product > 0


def _take(rel: Any, length: Any, offered: Any, cls: int, level: int) -> bool:
    """Give class ``cls`` and length ``level`` to offered pairs without a route yet."""
    new = offered & (rel == _k.UNREACHABLE)
    if not bool(new.any()):
        return False
    rel[new] = cls
    length[new] = level
    return True


def _customer_phase(dg: DeviceGraph, rel: Any, length: Any) -> int:
    """Phase 1, up provider links; returns the number of levels holding routes (>= 1)."""
    frontier = rel == _k.ORIGIN
    level = 0
    while True:
        offered = _offered(dg.customers, frontier)
        if not _take(rel, length, offered, _k.CUSTOMER, level + 1):
            return level + 1
        level += 1
        frontier = length == level  # only customer routes exist at this level yet


def _peer_phase(dg: DeviceGraph, rel: Any, length: Any, up_levels: int) -> None:
    """Phase 2, one hop across peer links from every origin/customer route."""
    for level in range(up_levels):
        frontier = (length == level) & (rel != _k.PEER)  # peer routes are not re-exported
        if bool(frontier.any()):
            _take(rel, length, _offered(dg.peers, frontier), _k.PEER, level + 1)


def _provider_phase(dg: DeviceGraph, rel: Any, length: Any) -> None:
    """Phase 3, down customer links from every route, in increasing length."""
    top = int(length.max())
    level = 0
    while level <= top:
        frontier = length == level
        if bool(frontier.any()):
            if _take(rel, length, _offered(dg.providers, frontier), _k.PROVIDER, level + 1):
                top = max(top, level + 1)
        level += 1


# -------------------------------------------------------------------- next hops
def _next_hops(module: ArrayModule, dg: DeviceGraph, rel: Any, length: Any) -> Any:
    """Lowest-index best next hop of every (AS, column), -1 at origins and unreachable."""
    xp = module.xp
    n, k = rel.shape
    nh = xp.full((n, k), -1, dtype=xp.int32)
    for cls, edges in (
        (_k.CUSTOMER, dg.customers),
        (_k.PEER, dg.peers),
        (_k.PROVIDER, dg.providers),
    ):
        nnz = int(edges.rows.shape[0])
        step = max(1, module.chunk_elements // max(nnz, 1))
        for c0 in range(0, k if nnz else 0, step):
            rel_t = xp.ascontiguousarray(rel[:, c0 : c0 + step].T)
            len_t = xp.ascontiguousarray(length[:, c0 : c0 + step].T)
            _first_best(xp, edges, cls, rel_t, len_t, nh, c0)
    return nh


def _first_best(
    xp: Any, edges: _Edges, cls: int, rel_t: Any, len_t: Any, nh: Any, c0: int
) -> None:
    """Fill ``nh`` in columns ``c0, c0 + 1, ...`` for the ASes whose class is ``cls``.

    ``rel_t``/``len_t`` are ``Kc x N``. Edge ``(v, u)`` qualifies in column ``j`` when
    ``v`` has class ``cls`` and ``u`` a route one hop shorter that it exports to ``v``:
    ``want[j, v] == offer[j, u]`` with ``want`` = length of ``v`` where its class is
    ``cls`` (else -7) and ``offer`` = length + 1 of an exported route (else -9). The
    qualifying (column, edge) pairs come out of ``nonzero`` sorted by column then edge,
    i.e. by (column, v, u); the first of each (column, v) run is the lowest ``u``.
    """
    if cls == _k.PROVIDER:
        exported = rel_t != _k.UNREACHABLE
    else:
        exported = (rel_t == _k.ORIGIN) | (rel_t == _k.CUSTOMER)
    want = xp.where(rel_t == cls, len_t, xp.int16(-7))
    offer = xp.where(exported, len_t + xp.int16(1), xp.int16(-9))
    jj, ee = xp.nonzero(want[:, edges.rows] == offer[:, edges.cols])
    if int(jj.shape[0]) == 0:
        return
    v = edges.rows[ee]
    key = jj.astype(xp.int64) * rel_t.shape[1] + v
    first = xp.ones(key.shape[0], dtype=bool)
    first[1:] = key[1:] != key[:-1]
    nh[v[first], jj[first] + c0] = edges.cols[ee[first]]
