"""Destinations grouped by shared routes, the unit of work of every metric engine.

A *single-homed stub* (an AS whose only link is to one provider ``p``) is reached by every
other AS through ``p``, on ``p``'s own routes extended by one hop (no route towards ``p``
can pass through the stub, which has no other neighbour). Its paths are therefore read off
the routes towards ``p`` with ``p`` counted as transit (a *virtual* group), and one
propagation serves every stub of ``p``. A stub in ``keep_apart`` (itself a source or
vantage point, whose own path differs) gets a group of its own.

Example: AS 30 (index 2) hangs below AS 10 (index 0) only; ASes 10 and 20 peer.

>>> import numpy as np
>>> from crossroads.routing import ASGraph
>>> g = ASGraph.from_links([10, 10], [30, 20], [-1, 0])
>>> [(x.root, x.virtual, x.members) for x in group_destinations(
...     g, np.arange(3), np.ones(3))]
[(0, False, (0,)), (0, True, (2,)), (1, False, (1,))]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crossroads.routing import ASGraph

__all__ = ["Group", "group_destinations"]


@dataclass(frozen=True)
class Group:
    """Destinations evaluated on the routes towards ``root`` (``virtual``: stubs below it)."""

    root: int
    virtual: bool
    weight: float  # sum of the members' destination weights
    members: tuple[int, ...]
    member_weights: tuple[float, ...] = ()  # per member (virtual groups)

    def sources(self, w: np.ndarray) -> np.ndarray:
        """The source weights ``w`` (per AS index) of the paths towards this group: a real
        destination is never its own source (``w`` itself when nothing changes)."""
        if self.virtual or w[self.root] == 0.0:
            return w
        out = w.copy()
        out[self.root] = 0.0
        return out



def group_destinations(
    graph: ASGraph,
    dests: np.ndarray,
    weights: np.ndarray,
    *,
    keep_apart: np.ndarray | None = None,
    grouping: bool = True,
    removed_links: Sequence[tuple[int, int]] = (),
) -> list[Group]:
    """Group destination indices by shared routes (see the module docstring).
    ``removed_links`` (index pairs): the groups of ``graph`` without those links
    (:meth:`~crossroads.routing.ASGraph.without_links`), without building that graph:
    only the ends' links change."""
    n_prov = np.diff(graph.prov_ptr)
    degree = n_prov + np.diff(graph.cust_ptr) + np.diff(graph.peer_ptr)
    first = _ends_cut(graph, removed_links, n_prov, degree)
    apart = np.zeros(graph.n, bool)
    if keep_apart is not None and len(keep_apart):
        apart[np.asarray(keep_apart, np.int64)] = True
    stubs: dict[int, list[tuple[int, float]]] = {}
    groups: list[Group] = []
    for d, wd in zip(dests.tolist(), weights.tolist(), strict=True):
        if grouping and degree[d] == 1 and n_prov[d] == 1 and not apart[d]:
            p = first.get(d, int(graph.prov_idx[graph.prov_ptr[d]]))
            stubs.setdefault(p, []).append((d, wd))
        else:
            groups.append(Group(d, False, float(wd), (d,)))
    for p, items in stubs.items():
        groups.append(Group(p, True, float(sum(x for _, x in items)),
                            tuple(d for d, _ in items), tuple(x for _, x in items)))
    groups.sort(key=lambda g: (g.root, g.virtual))
    return groups


def _ends_cut(
    graph: ASGraph, removed: Sequence[tuple[int, int]], n_prov: np.ndarray, degree: np.ndarray
) -> dict[int, int]:
    """Take the ``removed`` links (index pairs) off ``n_prov`` and ``degree`` (in place);
    returns the first provider left of each end that lost one."""
    gone: dict[int, set[int]] = {}
    for a, b in {(min(a, b), max(a, b)) for a, b in removed}:
        for x, y in ((int(a), int(b)), (int(b), int(a))):
            prov, cust, peer = (idx[ptr[x] : ptr[x + 1]] for ptr, idx in (
                (graph.prov_ptr, graph.prov_idx), (graph.cust_ptr, graph.cust_idx),
                (graph.peer_ptr, graph.peer_idx)))
            if np.any(prov == y):
                n_prov[x] -= 1
                gone.setdefault(x, set()).add(y)
            if np.any(prov == y) or np.any(cust == y) or np.any(peer == y):
                degree[x] -= 1
    first = {}
    for x, ys in gone.items():
        left = [int(q) for q in graph.prov_idx[graph.prov_ptr[x] : graph.prov_ptr[x + 1]]
                if int(q) not in ys]
        if left:
            first[x] = left[0]
    return first
