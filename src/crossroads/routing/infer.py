"""AS-relationship inference from observed AS paths: Gao's degree-based algorithm.

Reference: L. Gao, "On Inferring Autonomous System Relationships in the Internet",
IEEE/ACM Transactions on Networking 9(6), 2001 (the "refined" algorithm of section IV-C
with the peering phase of section IV-D). Method notes: ``docs/methods/inference.md``.

Input: AS paths without prepending, AS-sets or loops (any orientation; we use vantage
point first). Let ``deg(a)`` be the number of distinct neighbours of ``a`` over all paths.

1. **Top provider.** In each path ``a_0 … a_n`` the AS of highest degree ``a_j`` (the
   first one on ties) is the top of the hill: for ``i < j`` the link votes "``a_{i+1}``
   provides transit to ``a_i``", for ``i >= j`` "``a_i`` provides transit to
   ``a_{i+1}``". ``t(u, v)`` counts the votes "``v`` provides transit to ``u``".
2. **Transit links.** With ``L`` (default 1): a link is a *sibling* link when
   ``t(u,v) > L`` and ``t(v,u) > L``, or ``0 < t(u,v) <= L`` and ``0 < t(v,u) <= L``;
   otherwise ``u`` is a customer of ``v`` when ``t(u,v) > L`` or ``t(v,u) == 0``, else
   ``v`` a customer of ``u``.
3. **Peering.** In each path the links not adjacent to the top cannot be peer links, nor
   the link from the top to its lower-degree neighbour (of the two next to it). A link
   never excluded, not a sibling link, whose ends' degrees differ by less than a factor
   ``R`` (default 60), is a *peer* link.

The routing engine has no sibling relationship (siblings exchange every route); they are
output as peer links and counted in :attr:`Inferred.siblings`.

Hand example -- two paths seen from AS 1 and AS 5; AS 3 has degree 4, the others 1::

    >>> r = infer_relationships([[1, 3, 4], [5, 3, 2]], degree_ratio=3)
    >>> sorted(zip(r.links.as1.tolist(), r.links.as2.tolist(), r.links.rel.tolist()))
    [(3, 1, -1), (3, 2, -1), (3, 4, -1), (3, 5, -1)]

AS 3 is the top of both paths, so each link has one vote "3 provides transit" and none
the other way: four provider-to-customer links. In each path the top's two neighbours
tie on degree, so the link before the top (1-3, 5-3) is ruled out as a peer link and the
one after it (3-4, 3-2) stays a candidate; with ``R = 3`` the degree ratio 4 rules it out,
with Gao's ``R = 60`` it would be a peer link -- the rule trusts degrees alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from crossroads.routing.arrays import unique
from crossroads.routing.graph import ASGraph, Links, _pair_key

__all__ = ["Inferred", "infer_relationships", "paths_to_csr"]


@dataclass(frozen=True)
class Inferred:
    """Inferred links (CAIDA convention, as :class:`~crossroads.routing.graph.Links`)."""

    links: Links
    siblings: int  # sibling links, output as peer links
    peers: int  # peer links (siblings excluded)
    paths: int  # paths read

    def graph(self) -> ASGraph:
        """The inferred relationships as an :class:`ASGraph`."""
        return ASGraph.from_links(self.links.as1, self.links.as2, self.links.rel)


def paths_to_csr(paths: Iterable[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, flat)`` CSR (int64) of a list of AS paths."""
    lens: list[int] = []
    flat: list[int] = []
    for p in paths:
        lens.append(len(p))
        flat.extend(int(a) for a in p)
    ptr = np.zeros(len(lens) + 1, np.int64)
    np.cumsum(lens, out=ptr[1:])
    return ptr, np.asarray(flat, np.int64)


def infer_relationships(
    paths: Iterable[Sequence[int]] | tuple[np.ndarray, np.ndarray],
    *,
    transit_threshold: int = 1,
    degree_ratio: float = 60.0,
) -> Inferred:
    """Gao (2001) relationships of the links seen in ``paths`` (lists or a CSR pair).

    ``transit_threshold`` is Gao's ``L``, ``degree_ratio`` her ``R``.
    """
    if isinstance(paths, tuple) and len(paths) == 2 and isinstance(paths[0], np.ndarray):
        ptr, flat = paths
    else:
        ptr, flat = paths_to_csr(paths)
    ptr = np.asarray(ptr, np.int64)
    flat = np.asarray(flat, np.int64)
    n_paths = int(ptr.shape[0] - 1)
    owner = np.repeat(np.arange(n_paths), np.diff(ptr))
    # links: consecutive ASes of one path
    same = owner[1:] == owner[:-1]
    u, v, lk_owner = flat[:-1][same], flat[1:][same], owner[1:][same]
    pos = np.flatnonzero(same) - ptr[lk_owner]  # index i of the link a_i -> a_{i+1}
    nodes = unique(flat)
    deg = _degrees(nodes, u, v)
    top = _top_positions(ptr, owner, deg[np.searchsorted(nodes, flat)])
    j = top[lk_owner]
    up = pos < j  # a_{i+1} provides transit to a_i
    cust = np.where(up, u, v)
    prov = np.where(up, v, u)
    rel_as1, rel_as2, rel, sibling = _transit(cust, prov, transit_threshold)
    excluded = _not_peering(u, v, pos, j, lk_owner, nodes, deg)
    key = _pair_key(rel_as1, rel_as2)
    candidate = ~np.isin(key, excluded) & ~sibling
    d1 = deg[np.searchsorted(nodes, rel_as1)].astype(np.float64)
    d2 = deg[np.searchsorted(nodes, rel_as2)].astype(np.float64)
    ratio = np.maximum(d1, d2) / np.minimum(d1, d2)
    peer = candidate & (ratio < degree_ratio)
    rel = np.where(peer | sibling, 0, rel).astype(np.int8)
    links = Links(rel_as1, rel_as2, rel)
    return Inferred(links, int(sibling.sum()), int(peer.sum()), n_paths)


def _degrees(nodes: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Distinct-neighbour count of every node."""
    keys = unique(_pair_key(u, v))
    lo = (keys >> np.uint64(32)).astype(np.int64)
    hi = (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
    ends = np.concatenate([lo, hi])
    return np.bincount(np.searchsorted(nodes, ends), minlength=nodes.shape[0])


def _top_positions(ptr: np.ndarray, owner: np.ndarray, deg_flat: np.ndarray) -> np.ndarray:
    """Per path, the position of its first AS of highest degree."""
    pos = np.arange(owner.shape[0]) - ptr[owner]
    order = np.lexsort((pos, -deg_flat, owner))
    first = np.ones(order.shape[0], bool)
    first[1:] = owner[order][1:] != owner[order][:-1]
    top = np.zeros(ptr.shape[0] - 1, np.int64)
    top[owner[order][first]] = pos[order][first]
    return top


def _transit(
    cust: np.ndarray, prov: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Phase 2: per undirected link ``(provider, customer, -1, sibling?)``."""
    key = _pair_key(cust, prov)
    lo_is_cust = np.minimum(cust, prov) == cust
    keys, inv = np.unique(key, return_inverse=True)
    t_lo = np.bincount(inv, weights=lo_is_cust, minlength=keys.shape[0])  # t(lo, hi)
    t_hi = np.bincount(inv, weights=~lo_is_cust, minlength=keys.shape[0])  # t(hi, lo)
    lo = (keys >> np.uint64(32)).astype(np.int64)
    hi = (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
    big = (t_lo > threshold) & (t_hi > threshold)
    small = (t_lo > 0) & (t_lo <= threshold) & (t_hi > 0) & (t_hi <= threshold)
    sibling = big | small
    lo_customer = (t_lo > threshold) | (t_hi == 0)
    as1 = np.where(lo_customer, hi, lo)  # the provider
    as2 = np.where(lo_customer, lo, hi)
    return as1, as2, np.full(keys.shape[0], -1, np.int8), sibling


def _not_peering(
    u: np.ndarray, v: np.ndarray, pos: np.ndarray, j: np.ndarray, lk_owner: np.ndarray,
    nodes: np.ndarray, deg: np.ndarray,
) -> np.ndarray:
    """Phase 3: keys of the links some path rules out as peer links."""
    before = pos == j - 1  # link a_{j-1} - a_j
    after = pos == j  # link a_j - a_{j+1}
    far = ~(before | after)
    # for the two links next to the top, the one towards the lower-degree neighbour
    d_u = deg[np.searchsorted(nodes, u)]
    d_v = deg[np.searchsorted(nodes, v)]
    nb_deg = np.where(before, d_u, d_v)  # degree of the non-top end
    other = _other_neighbour_degree(lk_owner, before, after, nb_deg)
    # Gao: if deg(a_{j-1}) > deg(a_{j+1}) the link to a_{j+1} is ruled out, else a_{j-1}'s
    lower = (before & (other >= 0) & (nb_deg <= other)) | (after & (nb_deg < other))
    return unique(_pair_key(u[far | lower], v[far | lower]))


def _other_neighbour_degree(
    lk_owner: np.ndarray, before: np.ndarray, after: np.ndarray, nb_deg: np.ndarray
) -> np.ndarray:
    """For a link next to the top, the degree of the top's other neighbour (-1: none)."""
    other = np.full(lk_owner.shape[0], -1, np.int64)
    ib = np.flatnonzero(before[:-1])
    # links are in path order: the link after the top follows the one before it
    pair_b = ib[after[ib + 1] & (lk_owner[ib + 1] == lk_owner[ib])]
    other[pair_b] = nb_deg[pair_b + 1]
    other[pair_b + 1] = nb_deg[pair_b]
    return other
