"""A slow, independent model of Gao-Rexford routing used only to check the kernels.

It simulates BGP as a path-vector protocol: in synchronous rounds every AS offers its
current best route (a full AS path) to the neighbours its export rule allows, and every
AS picks the best offer (customer > peer > provider, then shortest path, then lowest
next-hop ASN) while rejecting paths that contain itself -- until nothing changes. It shares
no code with ``crossroads.routing`` beyond reading the link list.
"""

from __future__ import annotations

from collections.abc import Iterable

ORIGIN, CUSTOMER, PEER, PROVIDER = 1, 2, 3, 4
Route = tuple[int, tuple[int, ...]]  # (class, path from this AS to the origin)


def neighbours(links: Iterable[tuple[int, int, int]]) -> dict[int, dict[int, int]]:
    """``nb[v][u]`` = the class a route learned by v from u gets (u's relation to v)."""
    nb: dict[int, dict[int, int]] = {}
    for a, b, rel in links:
        nb.setdefault(a, {})
        nb.setdefault(b, {})
        if rel == -1:  # a provider of b
            nb[a][b] = CUSTOMER  # a learns from its customer b
            nb[b][a] = PROVIDER
        else:
            nb[a][b] = nb[b][a] = PEER
    return nb


def simulate(
    links: Iterable[tuple[int, int, int]], origins: Iterable[int]
) -> tuple[dict[int, Route], dict[int, set[int]]]:
    """Converged best route of every AS (by ASN) and the set of equally best next hops."""
    nb = neighbours(links)
    best: dict[int, Route] = {o: (ORIGIN, (o,)) for o in origins}
    while True:
        offers = _offers(nb, best)
        new: dict[int, Route] = {}
        ties: dict[int, set[int]] = {}
        for v in nb:
            if v in best and best[v][0] == ORIGIN:
                new[v] = best[v]
                ties[v] = set()
                continue
            cands = offers.get(v, [])
            if not cands:
                continue
            key = min((c, len(p)) for c, p in cands)
            top = [(c, p) for c, p in cands if (c, len(p)) == key]
            new[v] = min(top, key=lambda cp: cp[1][1])
            ties[v] = {p[1] for _, p in top}
        if new == best:
            return best, ties
        best = new


def _offers(nb: dict[int, dict[int, int]], best: dict[int, Route]) -> dict[int, list[Route]]:
    out: dict[int, list[Route]] = {}
    for u, (cls_u, path_u) in best.items():
        for v in nb[u]:
            learned_as = nb[v][u]
            # v learns from u with class `learned_as`; u exports its own/customer routes to
            # everyone, peer/provider routes only to its customers (v learns as PROVIDER).
            if cls_u in (PEER, PROVIDER) and learned_as != PROVIDER:
                continue
            if v in path_u:
                continue
            out.setdefault(v, []).append((learned_as, (v, *path_u)))
    return out


def is_valley_free(path: list[int], nb: dict[int, dict[int, int]]) -> bool:
    """Whether ``path`` (source first) climbs providers, crosses at most one peer link and
    then only descends to customers, reading the links in the origin->source direction."""
    # walk from the origin: each step u -> v is a hop of the announcement
    phase = 0  # 0: going up (to providers), 1: after the peer hop or going down
    for u, v in zip(path[::-1], path[-2::-1], strict=False):
        learned = nb[v].get(u)
        if learned is None:
            return False  # not a link at all
        if learned == CUSTOMER:  # u is v's customer: the announcement climbs
            if phase != 0:
                return False
        elif learned == PEER:
            if phase != 0:
                return False
            phase = 1
        else:  # learned from a provider: descending
            phase = 1
    return True
