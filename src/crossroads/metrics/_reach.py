"""Customer cones and route reachability of up to 64 ASes at once, on a cut graph.

A *cut* removes every link of some ASes and some links (:meth:`ASGraph.without_ases
<crossroads.routing.ASGraph>`, ``without_links``); here it is applied on the fly to
``graph`` itself, so no edited graph is built.

**Cones.** ``v`` is in the customer cone of ``r`` iff a chain of provider->customer links
leads from ``r`` down to ``v``.

**Reach.** Under Gao-Rexford export rules (a customer or origin route goes to everyone,
any other route to customers only) ``v`` has a route towards ``r``, whichever routes are
chosen, iff ``v`` is in the customer cone of an AS ``x`` such that ``r`` is in the cone
of ``x`` or of one of ``x``'s peers: the valley-free paths ``v`` up to ``x``, at most one
peer link, down to ``r``. These are exactly the ASes with a route in
:func:`~crossroads.routing.propagate` (customer routes exist where ``r`` is in the cone,
peer routes where a peer has a customer route, provider routes where a provider has any
route), so the reach of ``r`` is ``propagate(...).length >= 0`` on the edited graph
(``tests/metrics/test_reach.py``), at the cost of three sweeps over the graph for 64
roots instead of 64 propagations.

Both are bit-parallel sweeps in the lane engine's numbering
(:mod:`crossroads.metrics._reach_kernels`).

Example -- AS 1 provides 2 and 3, AS 3 provides 4, AS 2 peers with AS 5; cones and reach
of AS 4 and AS 5, then without the link 1-3::

    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([1, 1, 3, 2], [2, 3, 4, 5], [-1, -1, -1, 0])
    >>> whole = cut_graph(g)
    >>> cone_sizes(whole, g.indices_of([1, 3])).tolist()
    [4, 2]
    >>> reach_counts(whole, g.indices_of([4, 5])).tolist()  # AS 1..5: how many of 4, 5
    [1, 2, 1, 1, 1]
    >>> cut = cut_graph(g, links=[tuple(g.indices_of([1, 3]))])
    >>> reach_counts(cut, g.indices_of([4, 5])).tolist()
    [0, 1, 1, 1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crossroads.metrics import _reach_kernels as _k
from crossroads.routing import ASGraph
from crossroads.routing.lanes import LANES, LaneGraph, lane_graph

__all__ = ["CutGraph", "cone_sizes", "cut_graph", "reach_counts", "reached_weight"]


@dataclass(frozen=True)
class CutGraph:
    """``graph``'s lane graph and a cut in its numbering: the ``gone`` ASes, the ends of
    the removed links (``cut_a[i]``--``cut_b[i]``) and a flag on every end."""

    lg: LaneGraph
    gone: np.ndarray  # bool per internal id
    cut_here: np.ndarray  # bool per internal id
    cut_a: np.ndarray  # int64 internal ids
    cut_b: np.ndarray


def cut_graph(
    graph: ASGraph, ases: Sequence[int] | np.ndarray = (),
    links: Sequence[tuple[int, int]] = (),
) -> CutGraph:
    """``graph`` without every link of ``ases`` and without ``links`` (AS indices)."""
    lg = lane_graph(graph)
    gone = np.zeros(lg.n, np.bool_)
    gone[lg.inv[np.asarray(ases, np.int64)]] = True
    ends = lg.inv[np.asarray(links, np.int64).reshape(-1, 2)].astype(np.int64)
    here = np.zeros(lg.n, np.bool_)
    here[ends.ravel()] = True
    return CutGraph(lg, gone, here, ends[:, 0].copy(), ends[:, 1].copy())


def cone_sizes(cut: CutGraph, roots: Sequence[int] | np.ndarray) -> np.ndarray:
    """Customer cone size of each of ``roots`` (AS indices) on the cut graph (a removed
    AS's cone is itself)."""
    ones = np.ones((1, cut.lg.n))
    sizes = [_k.bit_sums(_down(cut, _seed(cut, p)), ones, len(p))[0] for p in _parts(roots)]
    return np.concatenate(sizes).astype(np.int64) if sizes else np.zeros(0, np.int64)


def reach_counts(cut: CutGraph, roots: Sequence[int] | np.ndarray) -> np.ndarray:
    """Per AS index: towards how many of ``roots`` it has a route on the cut graph (a
    root counts itself)."""
    out = np.zeros(cut.lg.n, np.int64)
    for part in _parts(roots):
        out += _k.popcount(_reach(cut, part))
    return out[cut.lg.inv]


def reached_weight(
    cut: CutGraph, roots: Sequence[int] | np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """``out[i, j]``: the sum of ``weights[i]`` (per AS index) over the ASes with a route
    towards ``roots[j]`` on the cut graph."""
    w = np.ascontiguousarray(np.atleast_2d(weights)[:, cut.lg.perm], np.float64)
    parts = [_k.bit_sums(_reach(cut, p), w, len(p)) for p in _parts(roots)]
    return np.hstack(parts) if parts else np.zeros((w.shape[0], 0))


def _parts(roots: Sequence[int] | np.ndarray) -> list[np.ndarray]:
    r = np.asarray(roots, np.int64)
    return [r[i : i + LANES] for i in range(0, r.size, LANES)]


def _seed(cut: CutGraph, roots: np.ndarray) -> np.ndarray:
    bits = np.zeros(cut.lg.n, np.uint64)
    for j, r in enumerate(cut.lg.inv[roots].tolist()):
        bits[r] |= np.uint64(1) << np.uint64(j)
    return bits


def _args(cut: CutGraph) -> tuple[np.ndarray, ...]:
    return cut.gone, cut.cut_here, cut.cut_a, cut.cut_b


def _down(cut: CutGraph, bits: np.ndarray) -> np.ndarray:
    lg = cut.lg
    _k.sweep(lg.cust_ptr, lg.cust_idx, bits, *_args(cut), lg.cyclic, True)
    return bits


def _reach(cut: CutGraph, roots: np.ndarray) -> np.ndarray:
    """Bit ``j`` per internal id: a route towards ``roots[j]`` (module doc)."""
    lg, bits = cut.lg, _seed(cut, roots)
    _k.sweep(lg.prov_ptr, lg.prov_idx, bits, *_args(cut), lg.cyclic, False)
    return _down(cut, _k.across(lg.peer_ptr, lg.peer_idx, bits, *_args(cut)))
