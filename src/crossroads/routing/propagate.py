"""Gao-Rexford (valley-free) route propagation for one prefix, and for many.

Model (Gao 2001; Gao & Rexford 2001; Gill, Schapira & Goldberg 2012): every AS

1. prefers a route learned from a customer over one from a peer over one from a provider
   (local preference), then the shortest AS path, then -- in ``deterministic`` mode -- the
   lowest next-hop ASN (BGPy's tie-break); in ``all-best`` mode it keeps every route that
   ties on the first two criteria;
2. exports its own and its customers' routes to everyone, and routes learned from peers or
   providers only to its customers (so no path has a valley or two peer links);
3. rejects a route whose path contains itself.

Under these rules the routes are computed in three phases per prefix (see
:func:`crossroads.routing._kernels.gao_rexford`): customer routes spread up provider links,
then one hop across peer links, then provider routes spread down customer links, each in
increasing path length, in O(N + E).

Worked example -- AS 1 provides AS 2 and AS 3, AS 3 provides AS 4, AS 2 peers with AS 5::

    >>> from crossroads.routing.graph import ASGraph
    >>> g = ASGraph.from_links([1, 1, 3, 2], [2, 3, 4, 5], [-1, -1, -1, 0])
    >>> r = propagate(g, g.index_of(4))
    >>> [int(x) for x in r.length]   # AS 1..5: 4->3->1 up, 1->2 down; 5 gets nothing
    [2, 3, 1, 0, -1]

AS 5 is unreachable: AS 2 learned the route from its provider, and provider routes are not
exported to peers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from crossroads.routing import _calibrated_kernels as _ck
from crossroads.routing import _kernels as _k
from crossroads.routing.graph import ASGraph
from crossroads.routing.routes import RouteMode, Routes

if TYPE_CHECKING:
    from crossroads.routing.calibration import Calibration

__all__ = ["Origins", "propagate", "propagate_many", "routes_from_arrays"]

Origins = int | Sequence[int] | np.ndarray
"""One AS index, or several indices announcing the same prefix (multiple origins)."""

T = TypeVar("T")


def propagate(
    graph: ASGraph,
    origins: Origins,
    *,
    mode: RouteMode = "deterministic",
    calibration: Calibration | None = None,
    variant: int | Sequence[int] | None = None,
) -> Routes:
    """The best route of every AS towards a prefix announced by ``origins`` (indices).

    ``mode="calibrated"`` needs a ``calibration``
    (:func:`crossroads.routing.calibration.calibrate`): observed routes are kept, the rest
    simulated. ``variant`` picks the observed per-prefix variant(s) of the destination
    (:meth:`~crossroads.routing.calibration.Calibration.variants_of`); by default the
    main variant of every origin.
    """
    orig = _origin_array(graph, origins)
    if mode == "calibrated":
        return _calibrated(graph, orig, calibration, variant)
    if calibration is not None:
        raise ValueError(f"a calibration is only used in 'calibrated' mode, not {mode!r}")
    rel, length, nh = _k.gao_rexford(*graph.adjacency, orig)
    return routes_from_arrays(graph, orig, rel, length, nh, mode)


def _calibrated(
    graph: ASGraph, orig: np.ndarray, cal: Calibration | None,
    variant: int | Sequence[int] | None,
) -> Routes:
    if cal is None:
        raise ValueError("mode 'calibrated' needs a calibration (routing.calibration.calibrate)")
    if variant is None:
        chosen = [v[0][0] for v in (cal.variants_of(int(a)) for a in graph.asns[orig]) if v]
    else:
        chosen = [int(variant)] if np.ndim(variant) == 0 else [int(v) for v in variant]
    b = cal.bind(graph)
    rel, length, nh, ptr, idx, fixed, _ = _ck.calibrated_routes(
        *graph.adjacency, orig, *b.nodes(cal, chosen), *b.prefs)
    return Routes(origins=orig, mode="calibrated", rel=rel, length=length, next_hop=nh,
                  nh_ptr=ptr, nh_idx=idx, observed=fixed)


def routes_from_arrays(
    graph: ASGraph,
    origins: np.ndarray,
    rel: np.ndarray,
    length: np.ndarray,
    next_hop: np.ndarray,
    mode: RouteMode,
) -> Routes:
    """:class:`Routes` from per-AS class, length and lowest-ASN next hop (any backend):
    the next-hop DAG is that one hop in ``deterministic`` mode, every equally best
    neighbour in ``all-best`` mode."""
    length = length.astype(np.int32, copy=False)
    if mode == "deterministic":
        has = next_hop >= 0
        nh_ptr = np.zeros(graph.n + 1, np.int64)
        np.cumsum(has, out=nh_ptr[1:])
        nh_idx = next_hop[has]
    elif mode == "all-best":
        nh_ptr, nh_idx = _k.all_best_next_hops(*graph.adjacency, rel, length)
    else:
        raise ValueError(f"unknown mode {mode!r}; use 'deterministic' or 'all-best' "
                         "(calibrated routes come from propagate)")
    return Routes(
        origins=origins,
        mode=mode,
        rel=rel,
        length=length,
        next_hop=next_hop,
        nh_ptr=nh_ptr,
        nh_idx=nh_idx,
    )


def propagate_many(
    graph: ASGraph,
    origin_list: Iterable[Origins],
    reducer: Callable[[Routes], T],
    *,
    mode: RouteMode = "deterministic",
    workers: int = 1,
    calibration: Calibration | None = None,
) -> list[T]:
    """``[reducer(propagate(graph, o, mode=mode)) for o in origin_list]``, streamed.

    Only one :class:`Routes` per worker is alive at a time, so memory stays that of the
    reducer's results (keep them small: counts, weight vectors, sparse triples). With
    ``workers > 1`` origins run on threads (the kernels release the GIL); ``reducer`` must
    then be safe to call from several threads (pure functions of ``routes`` are). Results
    come back in the order of ``origin_list``.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")

    def one(origins: Origins) -> T:
        return reducer(propagate(graph, origins, mode=mode, calibration=calibration))

    if workers == 1:
        return [one(o) for o in origin_list]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, origin_list))


def _origin_array(graph: ASGraph, origins: Origins) -> np.ndarray:
    orig = np.atleast_1d(np.asarray(origins, dtype=np.int64))
    if orig.size == 0:
        raise ValueError("at least one origin is needed")
    if orig.min() < 0 or orig.max() >= graph.n:
        raise IndexError(f"origin index out of range 0..{graph.n - 1}: {orig.tolist()[:5]}")
    return orig.astype(np.int32)
