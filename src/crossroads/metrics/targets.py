"""Destination networks for outbound dependency: content/cloud ASes and large cones.

Outbound paths of a country go somewhere; "the rest of the world" weighted by address
space is dominated by a few large allocations, so by default crossroads measures paths to
the networks users actually talk to: the content and cloud providers below, plus the ASes
with the largest customer cones (the transit "cores" of the graph).

The customer cone of AS ``a`` (Luckie et al., "AS Relationships, Customer Cones, and
Validation", IMC 2013) is the set of ASes reachable from ``a`` by following provider ->
customer links only, ``a`` included; its size is computed here from the graph itself.

Example -- AS 1 provides 2 and 3, AS 3 provides 4::

    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([1, 1, 3], [2, 3, 4], [-1, -1, -1])
    >>> customer_cone_sizes(g).tolist()   # AS 1, 2, 3, 4
    [4, 1, 2, 1]
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

import numpy as np
from numba import njit

from crossroads.metrics._reach import cone_sizes, cut_graph
from crossroads.routing import ASGraph
from crossroads.routing.lanes import LANES
from crossroads.snapshots.astable import ASTable

__all__ = ["CONTENT_ASNS", "customer_cone_sizes", "cut_largest_cones", "default_destinations",
           "largest_cones", "top_cones"]

CONTENT_ASNS: dict[int, str] = {
    15169: "Google",
    13335: "Cloudflare",
    16509: "Amazon",
    8075: "Microsoft",
    32934: "Meta",
    20940: "Akamai",
    714: "Apple",
    2906: "Netflix",
    54113: "Fastly",
    396982: "Google Cloud",
    14618: "Amazon (AES)",
    36459: "GitHub",
    13414: "Twitter/X",
    138699: "TikTok (ByteDance)",
    47541: "VKontakte",
    13238: "Yandex",
}
"""Major content, cloud and CDN networks (ASN -> operator), from the operators' public
PeeringDB records. Each is weighted 1 as a destination (a service, not an address block)."""


def customer_cone_sizes(graph: ASGraph) -> np.ndarray:
    """Size of every AS's customer cone (int64 per AS index, itself included; read-only,
    computed once per graph object)."""
    return _cones_of(graph)[0]


def _cones_of(graph: ASGraph) -> tuple[np.ndarray, np.ndarray]:
    """:func:`customer_cone_sizes` and the AS indices by decreasing size (ties: lower
    ASN), computed once per graph object."""
    kept = _CONES.get(id(graph))
    if kept is not None and kept[0]() is graph:
        return kept[1]
    size = _cones(graph.cust_ptr, graph.cust_idx)
    size.flags.writeable = False
    order = np.lexsort((graph.asns, -size))
    order.flags.writeable = False
    key = id(graph)
    _CONES[key] = (weakref.ref(graph, lambda _: _CONES.pop(key, None)), (size, order))
    return size, order


_CONES: dict[int, tuple[weakref.ref[ASGraph], tuple[np.ndarray, np.ndarray]]] = {}


def top_cones(graph: ASGraph, k: int, *, exclude: np.ndarray | None = None) -> np.ndarray:
    """ASNs of the ``k`` largest customer cones (ties: lower ASN), skipping ``exclude``
    (indices)."""
    return graph.asns[largest_cones(graph, k, exclude=exclude)[0]]


def largest_cones(
    graph: ASGraph, k: int, *, exclude: np.ndarray | None = None,
    bound: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cone sizes of the ``k`` largest customer cones (ties: lower ASN), the
    ``exclude`` indices ranked last with size -1.

    ``bound``: upper bounds of every cone size, e.g. the sizes on the graph this one was
    cut from (removing links only shrinks cones). Cones are then measured one at a time,
    by decreasing bound, until the next bound is below the ``k``-th size found: the same
    answer as measuring every cone, at a few cones' cost.

        >>> g = ASGraph.from_links([1, 1, 3], [2, 3, 4], [-1, -1, -1])
        >>> cut = g.without_links([(1, 3)])
        >>> [x.tolist() for x in largest_cones(cut, 2, bound=customer_cone_sizes(g))]
        [[0, 2], [2, 2]]
    """
    if bound is None:
        return _ranked(graph, k, customer_cone_sizes(graph), exclude)
    stamp, stack = np.full(graph.n, -1, np.int64), np.empty(graph.n, np.int32)

    def measure(roots: np.ndarray) -> np.ndarray:
        return np.array([_cone_size(graph.cust_ptr, graph.cust_idx, int(r), stamp, stack)
                         for r in roots], np.int64)

    order = np.lexsort((graph.asns, -np.asarray(bound)))
    return _bounded(graph, k, exclude, bound, order, measure, 1)


def cut_largest_cones(
    graph: ASGraph, k: int, *, without: np.ndarray, removed_links: Sequence[tuple[int, int]],
    exclude: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`largest_cones` of the graph without the links of the ASes ``without`` and
    without ``removed_links`` (index pairs) -- ``graph.without_ases(...).without_links(...)``
    -- measured on ``graph`` itself, no edited graph built: the bounds are the cone sizes
    of ``graph``, and candidates are measured 64 at a time
    (:func:`crossroads.metrics._reach.cone_sizes`).

        >>> g = ASGraph.from_links([1, 1, 3], [2, 3, 4], [-1, -1, -1])
        >>> cut = cut_largest_cones(g, 2, without=np.zeros(0, np.int64),
        ...                         removed_links=[(0, 2)])
        >>> [x.tolist() for x in cut]
        [[0, 2], [2, 2]]
    """
    cut = cut_graph(graph, without, removed_links)
    return _bounded(graph, k, exclude, *_cones_of(graph), lambda r: cone_sizes(cut, r), LANES)


def _bounded(
    graph: ASGraph, k: int, exclude: np.ndarray | None, bound: np.ndarray, order: np.ndarray,
    measure: Callable[[np.ndarray], np.ndarray], chunk: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest cones, measuring by decreasing ``bound`` (``order``; ``chunk``
    candidates per call of ``measure``) until the next bound is below the ``k``-th size
    found (:func:`largest_cones`)."""
    out = np.zeros(graph.n, bool)
    if exclude is not None:
        out[np.asarray(exclude, np.int64)] = True
    cand = order[~out[order]]
    size = np.full(graph.n, -1, np.int64)
    measured: dict[int, int] = {}
    found: list[int] = []
    for pos in range(cand.size):
        i = int(cand[pos])
        if len(found) >= k and bound[i] < size[found[k - 1]]:
            break
        if i not in measured:
            part = cand[pos : pos + chunk]
            measured.update(zip(part.tolist(), measure(part).tolist(), strict=True))
        size[i] = measured[i]
        found = sorted([*found, i], key=lambda x: (-size[x], x))[:k]
    return _ranked(graph, k, size, exclude)


def _ranked(
    graph: ASGraph, k: int, size: np.ndarray, exclude: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` first by decreasing ``size``, ties lower ASN (the ``exclude`` and the
    unmeasured, size -1, last)."""
    size = size.astype(np.int64, copy=True)
    if exclude is not None and len(exclude):
        size[np.asarray(exclude, np.int64)] = -1
    live = np.flatnonzero(size >= 0)
    order = live[np.lexsort((graph.asns[live], -size[live]))][:k]
    if order.size < k:  # indices are in ASN order
        order = np.concatenate([order, np.flatnonzero(size < 0)[: k - order.size]])
    return order, size[order]


def default_destinations(
    graph: ASGraph, table: ASTable, country: str, *, cones: int = 10
) -> list[int]:
    """:data:`CONTENT_ASNS` present in the graph, then the ``cones`` largest customer cones
    outside ``country`` (no duplicates)."""
    present = [a for a in CONTENT_ASNS if _has(graph, a)]
    home = table.members(country)
    extra = [int(a) for a in top_cones(graph, cones + len(present), exclude=home)]
    out = present + [a for a in extra if a not in present]
    return out[: len(present) + cones]


def _has(graph: ASGraph, asn: int) -> bool:
    i = int(np.searchsorted(graph.asns, asn))
    return i < graph.n and int(graph.asns[i]) == asn


@njit(cache=True)
def _cone_size(
    cust_ptr: np.ndarray, cust_idx: np.ndarray, root: int, stamp: np.ndarray, stack: np.ndarray
) -> int:
    """Size of ``root``'s customer cone; marks it with ``root`` in ``stamp`` (a workspace
    shared by calls for distinct roots, -1 at first), ``stack`` a workspace of size n."""
    stamp[root] = root
    stack[0] = root
    top, count = 1, 0
    while top > 0:
        top -= 1
        u = stack[top]
        count += 1
        for k in range(cust_ptr[u], cust_ptr[u + 1]):
            c = cust_idx[k]
            if stamp[c] != root:
                stamp[c] = root
                stack[top] = c
                top += 1
    return count


@njit(cache=True)
def _cones(cust_ptr: np.ndarray, cust_idx: np.ndarray) -> np.ndarray:
    n = cust_ptr.shape[0] - 1
    size = np.ones(n, np.int64)
    stamp = np.full(n, -1, np.int64)
    stack = np.empty(n, np.int32)
    for v in range(n):
        if cust_ptr[v] != cust_ptr[v + 1]:
            size[v] = _cone_size(cust_ptr, cust_idx, v, stamp, stack)
    return size
