"""The lane engine: Gao-Rexford routes towards up to 64 prefixes in one pass over the graph.

A *lane* is one prefix (one origin AS, or several), optionally on an edited graph: some
ASes or links removed in that lane only. :func:`propagate_lanes` computes every AS's route
in every lane of a batch at once, node-major (row = AS, column = lane), so that one visit
of an adjacency entry serves all lanes with vector instructions; :func:`map_lanes` runs
batches on threads and hands each to a reducer, so only a few batches are alive at once
and no per-origin :class:`~crossroads.routing.routes.Routes` need exist.

**Same routes.** Lane ``j`` of a batch holds exactly what
:func:`~crossroads.routing.propagate.propagate` returns for ``origins[j]`` (class, length,
lowest-ASN next hop, and every equally best next hop) on the graph without lane ``j``'s
removed ASes and links (:meth:`ASGraph.without_ases <crossroads.routing.ASGraph>`,
``without_links``): see "The lane engine" in ``docs/methods/routing.md`` for the
formulation and why it is exact, and ``tests/routing/test_lanes.py`` for the checks.

Worked example -- AS 1 provides AS 2 and AS 3, AS 3 provides AS 4, AS 2 peers with AS 5;
lane 0 is announced by AS 4, lane 1 by AS 5, lane 2 by AS 4 without AS 3::

    >>> from crossroads.routing.graph import ASGraph
    >>> g = ASGraph.from_links([1, 1, 3, 2], [2, 3, 4, 5], [-1, -1, -1, 0])
    >>> b = propagate_lanes(g, g.indices_of([4, 5, 4]), blocked=[[], [], g.indices_of([3])])
    >>> [b.routes(j).length.tolist() for j in range(3)]   # AS 1..5
    [[2, 3, 1, 0, -1], [-1, 1, -1, -1, 0], [-1, -1, -1, 0, -1]]
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from crossroads.routing import _lane_kernels as _k
from crossroads.routing._lanegraph import LaneGraph, lane_graph
from crossroads.routing.graph import ASGraph
from crossroads.routing.propagate import Origins, _origin_array
from crossroads.routing.routes import RouteMode, Routes

__all__ = ["LANES", "LaneBatch", "LaneGraph", "lane_graph", "map_lanes", "propagate_lanes"]

LANES = 64
"""Most lanes per batch (lane sets are 64-bit masks)."""

T = TypeVar("T")


@dataclass(frozen=True)
class LaneBatch:
    """Routes of every AS in ``K`` lanes, in the lane graph's numbering (``lg.perm[v]`` is
    the AS index of row ``v``). Arrays are the kernel's (see
    :func:`crossroads.routing._lane_kernels.propagate_lanes`); read them through
    :meth:`routes` or the metric reducers. Valid until its workspace is reused."""

    lg: LaneGraph
    origins: tuple[np.ndarray, ...]  # AS indices announcing lane j
    mode: RouteMode
    rel: np.ndarray
    ln: np.ndarray
    nh: np.ndarray
    nc: np.ndarray
    dag_prov: np.ndarray
    dag_cust: np.ndarray
    dag_peer: np.ndarray
    up_prov: np.ndarray
    up_cust: np.ndarray
    up_peer: np.ndarray
    exports: np.ndarray  # bool per row: exports an origin/customer route in some lane

    def __len__(self) -> int:
        return len(self.origins)

    def routes(self, j: int) -> Routes:
        """Lane ``j`` as the :class:`Routes` :func:`propagate` would return."""
        return self.all_routes()[j]

    def all_routes(
        self, links: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    ) -> list[Routes]:
        """Every lane as a :class:`Routes` (one pass over the next-hop bits). ``links``:
        a number per entry of the graph's provider, customer and peer CSRs (e.g. the link
        of :attr:`ASGraph.links` it stands for); each route then lists the number of the
        entry each next hop is taken over (:attr:`Routes.nh_link`)."""
        lg, k = self.lg, len(self)
        if links is None:
            none = np.zeros(0, np.int64)
            lk_in = (none, none, none)
        else:
            lk_in = (links[0][lg.prov_src], links[1][lg.cust_src], links[2][lg.peer_src])
        ptr, idx, lk = _k.lane_next_hops(
            lg.perm, lg.inv, lg.prov_ptr, lg.prov_idx, lg.cust_ptr, lg.cust_idx, lg.peer_ptr,
            lg.peer_idx, self.dag_prov, self.dag_cust, self.dag_peer, k, *lk_in)
        rel = self.rel[lg.inv, :k].T.astype(np.int8)
        length = self.ln[lg.inv, :k].T.astype(np.int32)
        length[length >= _k.INF] = -1
        out = []
        for j in range(k):
            p = ptr[j] - ptr[j, 0]
            nh_idx = idx[ptr[j, 0] : ptr[j, -1]]
            first = np.full(lg.n, -1, np.int32)
            has = np.diff(p) > 0
            first[has] = nh_idx[p[:-1][has]]
            out.append(Routes(origins=self.origins[j], mode=self.mode, rel=rel[j],
                              length=length[j], next_hop=first, nh_ptr=p, nh_idx=nh_idx,
                              nh_link=None if links is None else lk[ptr[j, 0] : ptr[j, -1]]))
        return out


class _Workspace:
    """The arrays of one batch, allocated once per thread and graph and reused."""

    def __init__(self, lg: LaneGraph, k: int) -> None:
        self.k = k
        self.cells = [np.empty((lg.n, k), np.int16) for _ in range(6)]
        sizes = (lg.prov_idx.size, lg.cust_idx.size, lg.peer_idx.size)
        self.dags = [np.empty(s, np.uint64) for s in sizes * 2]
        self.exports = np.empty(lg.n, np.bool_)
        self.origin = np.zeros(lg.n, np.uint64)
        self.blocked = np.zeros(lg.n, np.uint64)


_LOCAL = threading.local()


def _workspace(lg: LaneGraph, k: int) -> _Workspace:
    """This thread's workspace for ``k`` lanes on ``lg`` (the two most recent widths are
    kept: full batches and a shorter last one)."""
    kept: list[tuple[LaneGraph, _Workspace]] = getattr(_LOCAL, "kept", [])
    for g, ws in kept:
        if g is lg and ws.k == k:
            return ws
    ws = _Workspace(lg, k)
    _LOCAL.kept = [(g, w) for g, w in kept if g is lg][-1:] + [(lg, ws)]
    return ws


def propagate_lanes(
    graph: ASGraph,
    origins: Sequence[Origins] | np.ndarray,
    *,
    mode: RouteMode = "deterministic",
    blocked: Sequence[Sequence[int] | np.ndarray] | None = None,
    removed_links: Sequence[Sequence[tuple[int, int]]] | None = None,
) -> LaneBatch:
    """Routes towards ``K = len(origins) <= 64`` prefixes (AS indices, one item per
    lane; an item may list several origins). ``blocked[j]``: AS indices whose links are
    all removed in lane ``j``; ``removed_links[j]``: ``(a, b)`` index pairs removed in
    lane ``j``. The batch lives in a per-thread workspace: read it before the same
    thread propagates the next one."""
    if mode not in ("deterministic", "all-best"):
        raise ValueError(f"unknown mode {mode!r}; use 'deterministic' or 'all-best'")
    sets = [_origin_array(graph, o) for o in origins]
    k = len(sets)
    if not 1 <= k <= LANES:
        raise ValueError(f"a batch has 1 to {LANES} lanes, got {k}")
    lg = lane_graph(graph)
    ws = _workspace(lg, k)
    seeds = [(lg.inv[s], j) for j, s in enumerate(sets)]
    dead = [(lg.inv[np.asarray(b, np.int64)], j) for j, b in enumerate(blocked or ()) if len(b)]
    _set_bits(ws.origin, seeds)
    _set_bits(ws.blocked, dead)
    try:
        x = _link_lists(lg, removed_links)
        cells = ws.cells
        _k.propagate_lanes(lg.prov_ptr, lg.prov_idx, lg.prov_pos, lg.cust_ptr, lg.cust_idx,
                           lg.cust_pos, lg.peer_ptr, lg.peer_idx, lg.peer_pos, lg.blk_ptr,
                           ws.origin, ws.blocked, *x, mode == "deterministic", *cells,
                           *ws.dags, ws.exports)
    finally:
        _clear_bits(ws.origin, seeds)
        _clear_bits(ws.blocked, dead)
    rel, ln, nh, nc = cells[:4]
    dag_prov, dag_cust, dag_peer, up_prov, up_cust, up_peer = ws.dags
    return LaneBatch(lg, tuple(sets), mode, rel, ln, nh, nc, dag_prov, dag_cust, dag_peer,
                     up_prov, up_cust, up_peer, ws.exports)


def map_lanes(
    graph: ASGraph,
    origin_list: Sequence[Origins],
    reducer: Callable[[LaneBatch, int], T],
    *,
    mode: RouteMode = "deterministic",
    blocked: Sequence[Sequence[int] | np.ndarray] | None = None,
    removed_links: Sequence[Sequence[tuple[int, int]]] | None = None,
    lanes: int = LANES,
    workers: int = 1,
) -> Iterator[T]:
    """``reducer(batch, start)`` for consecutive batches of ``lanes`` items of
    ``origin_list`` (``start``: the first item's position), in order, streamed.

    ``workers`` threads propagate and reduce batches side by side (the kernels release
    the GIL); ``reducer`` runs in the thread that computed the batch, so it must be safe
    to call from several threads and keep nothing that points into the batch.
    """
    if not 1 <= lanes <= LANES:
        raise ValueError(f"lanes must be 1..{LANES}, got {lanes}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    starts = range(0, len(origin_list), lanes)

    def one(start: int) -> T:
        stop = start + lanes
        batch = propagate_lanes(
            graph, origin_list[start:stop], mode=mode,
            blocked=None if blocked is None else blocked[start:stop],
            removed_links=None if removed_links is None else removed_links[start:stop],
        )
        return reducer(batch, start)

    if workers == 1 or len(starts) < 2:
        yield from map(one, starts)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        step = 2 * workers
        for i in range(0, len(starts), step):
            yield from pool.map(one, starts[i : i + step])


# ------------------------------------------------------------------ private helpers
def _set_bits(bits: np.ndarray, items: Iterable[tuple[np.ndarray, int]]) -> None:
    for rows, j in items:
        np.bitwise_or.at(bits, rows, np.uint64(1) << np.uint64(j))


def _clear_bits(bits: np.ndarray, items: Iterable[tuple[np.ndarray, int]]) -> None:
    for rows, _ in items:
        bits[rows] = 0


def _link_lists(
    lg: LaneGraph, removed: Sequence[Sequence[tuple[int, int]]] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Removed links as CSR over internal ids (both ends): neighbour, lane bits."""
    rows: list[int] = []
    nbrs: list[int] = []
    bits: list[int] = []
    for j, pairs in enumerate(removed or ()):
        for a, b in pairs:
            ia, ib = int(lg.inv[a]), int(lg.inv[b])
            rows += [ia, ib]
            nbrs += [ib, ia]
            bits += [1 << j, 1 << j]
    order = np.argsort(np.asarray(rows, np.int64), kind="stable")
    ptr = np.zeros(lg.n + 1, np.int64)
    np.add.at(ptr, np.asarray(rows, np.int64) + 1, 1)
    np.cumsum(ptr, out=ptr)
    return (ptr, np.asarray(nbrs, np.int32)[order],
            np.asarray(bits, np.uint64)[order])
