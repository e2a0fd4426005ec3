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

import numpy as np
from numba import njit

from crossroads.routing import ASGraph
from crossroads.snapshots.astable import ASTable

__all__ = ["CONTENT_ASNS", "customer_cone_sizes", "default_destinations", "largest_cones",
           "top_cones"]

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
    kept = _CONES.get(id(graph))
    if kept is not None and kept[0]() is graph:
        return kept[1]
    size = _cones(graph.cust_ptr, graph.cust_idx)
    size.flags.writeable = False
    key = id(graph)
    _CONES[key] = (weakref.ref(graph, lambda _: _CONES.pop(key, None)), size)
    return size


_CONES: dict[int, tuple[weakref.ref[ASGraph], np.ndarray]] = {}


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
    size = np.full(graph.n, -1, np.int64)
    if bound is None:
        size = customer_cone_sizes(graph)
    else:
        out = np.zeros(graph.n, bool)
        if exclude is not None:
            out[np.asarray(exclude, np.int64)] = True
        found: list[int] = []
        stamp, stack = np.full(graph.n, -1, np.int64), np.empty(graph.n, np.int32)
        for i in np.lexsort((graph.asns, -np.asarray(bound))).tolist():
            if len(found) >= k and bound[i] < size[found[k - 1]]:
                break
            if not out[i]:
                size[i] = _cone_size(graph.cust_ptr, graph.cust_idx, i, stamp, stack)
                found = sorted([*found, i], key=lambda x: (-size[x], x))[:k]
    size = size.astype(np.int64, copy=True)
    if exclude is not None and len(exclude):
        size[np.asarray(exclude, np.int64)] = -1
    order = np.lexsort((graph.asns, -size))[:k]
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
