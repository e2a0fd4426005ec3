"""Who lies on the paths towards a prefix, with what weight.

For sources ``S`` with weights ``w`` and routes towards one prefix, the through-weight of
AS ``v`` is

.. math::  T(v) = \\sum_{s \\in S} w_s \\, P(v \\in \\mathrm{path}(s)),

where in ``all-best`` mode an AS with ``k`` equally best next hops sends each of them
``1/k`` of what reaches it (so ``P`` is the probability of meeting ``v`` on a path drawn by
choosing uniformly at every AS); in ``deterministic`` mode ``P`` is 0 or 1. Every next hop
is one hop closer to the origin, so a path visits an AS at most once and pushing the mass
from the sources down the next-hop DAG, longest routes first, yields ``T`` in O(N + E).
This is the quantity AS hegemony (Fontugne et al. 2018) and country dependency average.

``T`` counts the source itself and the origin(s) (each path contains both); callers that
want only the transit ASes subtract or mask them. Sources without a route contribute
nothing.

Worked example -- origin AS 4 with providers AS 2 and AS 3, both customers of AS 1, with
AS 5 a customer of AS 1: AS 5's route goes 5 -> 1 -> {2 or 3} -> 4, a tie::

    >>> from crossroads.routing.graph import ASGraph
    >>> from crossroads.routing.propagate import propagate
    >>> g = ASGraph.from_links([1, 1, 2, 3, 1], [2, 3, 4, 4, 5], [-1, -1, -1, -1, -1])
    >>> r = propagate(g, g.index_of(4), mode="all-best")
    >>> through_weights(g, r, [g.index_of(5)]).tolist()   # AS 1..5
    [1.0, 0.5, 0.5, 1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from crossroads.routing import _kernels as _k
from crossroads.routing.arrays import push_mass
from crossroads.routing.graph import ASGraph
from crossroads.routing.routes import Routes

__all__ = ["per_source_through", "through_weights"]


def through_weights(
    graph: ASGraph,
    routes: Routes,
    sources: Sequence[int] | np.ndarray,
    weights: npt.ArrayLike | None = None,
) -> np.ndarray:
    """``T(v)`` for every AS index ``v`` (float64, length N); ``weights`` default to 1.

    A source listed twice counts twice.
    """
    src = _indices(graph, sources)
    w = np.ones(src.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != src.shape:
        raise ValueError(f"{src.shape[0]} sources but {w.shape} weights")
    mass = np.zeros(graph.n, np.float64)
    np.add.at(mass, src, np.where(routes.length[src] >= 0, w, 0.0))
    return push_mass(routes.length, routes.nh_ptr, routes.nh_idx, mass)


def per_source_through(
    graph: ASGraph, routes: Routes, sources: Sequence[int] | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``P(v on path(s))`` per source: ``(source_pos, as_index, prob)`` triples.

    ``source_pos`` indexes ``sources`` (int64); ``as_index`` is int32, ``prob`` float64 in
    (0, 1]. Each source's triples include itself and the origin(s) it reaches; a source
    without a route has none. Used for per-vantage-point hegemony (trimmed means).
    """
    src = _indices(graph, sources)
    return _k.per_source_mass(routes.length, routes.nh_ptr, routes.nh_idx, src)


def _indices(graph: ASGraph, sources: Sequence[int] | np.ndarray) -> np.ndarray:
    src = np.asarray(sources, dtype=np.int64).ravel()
    if src.size and (src.min() < 0 or src.max() >= graph.n):
        raise IndexError(f"source index out of range 0..{graph.n - 1}")
    return src.astype(np.int32)
