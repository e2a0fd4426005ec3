"""Provider-to-customer cycles: found and reported, never looped on.

In a consistent hierarchy no AS is (indirectly) its own provider. Inferred relationships
can break that; the propagation stays correct on such graphs (customer routes are found
breadth-first, so a cycle only offers longer routes, which lose), but a cycle is a data
error worth showing. A cycle is reported as the strongly connected component of the
provider->customer digraph that contains it.

Example -- AS 1 provides AS 2, AS 2 provides AS 3, AS 3 provides AS 1::

    >>> from crossroads.routing.graph import ASGraph
    >>> g = ASGraph.from_links([1, 2, 3, 3], [2, 3, 1, 4], [-1, -1, -1, -1])
    >>> find_p2c_cycles(g)
    [[1, 2, 3]]
"""

from __future__ import annotations

import numpy as np

from crossroads.routing.graph import ASGraph

__all__ = ["find_p2c_cycles"]


def find_p2c_cycles(graph: ASGraph) -> list[list[int]]:
    """Every provider->customer cycle, as sorted ASN lists of its strongly connected
    component (components with more than one AS), sorted by their smallest ASN."""
    core = _peel(graph)
    if core.size == 0:
        return []
    comps = _tarjan(graph, set(core.tolist()))
    out = [sorted(int(a) for a in graph.asns[c]) for c in comps if len(c) > 1]
    return sorted(out)


def _peel(graph: ASGraph) -> np.ndarray:
    """ASes left after repeatedly removing those without providers or without customers
    (Kahn's algorithm both ways): exactly the ASes on or between cycles."""
    n = graph.n
    n_prov = np.diff(graph.prov_ptr).astype(np.int64)
    n_cust = np.diff(graph.cust_ptr).astype(np.int64)
    alive = np.ones(n, bool)
    stack = [int(v) for v in np.flatnonzero((n_prov == 0) | (n_cust == 0))]
    alive[stack] = False
    while stack:
        v = stack.pop()
        for p in graph.prov_idx[graph.prov_ptr[v] : graph.prov_ptr[v + 1]]:
            n_cust[p] -= 1
            if alive[p] and n_cust[p] == 0:
                alive[p] = False
                stack.append(int(p))
        for c in graph.cust_idx[graph.cust_ptr[v] : graph.cust_ptr[v + 1]]:
            n_prov[c] -= 1
            if alive[c] and n_prov[c] == 0:
                alive[c] = False
                stack.append(int(c))
    return np.flatnonzero(alive)


def _tarjan(graph: ASGraph, nodes: set[int]) -> list[list[int]]:
    """Strongly connected components of the p2c digraph restricted to ``nodes``
    (iterative Tarjan, so deep hierarchies cannot overflow the Python stack)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    comps: list[list[int]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            kids = graph.cust_idx[graph.cust_ptr[v] : graph.cust_ptr[v + 1]]
            recurse = False
            for j in range(i, len(kids)):
                w = int(kids[j])
                if w not in nodes:
                    continue
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comps
