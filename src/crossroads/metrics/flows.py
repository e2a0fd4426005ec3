"""The one-destination flow pass of the dependency metrics, as numba kernels.

Shared by the metric engines (:mod:`crossroads.metrics.dependency` and its private
engines, which are the API) and by the scenario sweep, whose jitted repair of a pass after
a link removal (:mod:`crossroads.scenarios.sweep`) calls :func:`cont_of` and
:func:`order_by_length` from inside its own loops -- so these live in a public module of
the lower layer rather than behind Python wrappers. The conventions (``cc``, ``home``,
``w``, ``root``, ``virtual``, ``dest_home``) are those of :mod:`crossroads.metrics._kernels`.

Example: the next-hop DAG ``2 -> 1 -> 0`` towards AS 0, ASes 0 and 1 at home (country 0),
AS 2 abroad (country 1) with source weight 1. Inbound (``outbound=False``), the unit from
AS 2 crosses AS 1 and enters home directly (no foreign transit AS):

>>> import numpy as np
>>> length, ptr, idx = np.array([0, 1, 2]), np.array([0, 0, 1, 2]), np.array([0, 1])
>>> cc, w = np.array([0, 0, 1], np.int32), np.array([0.0, 0.0, 1.0])
>>> order_by_length(np.array([2, -1, 0, 1])).tolist()
[2, 3, 0]
>>> transit, gateway, direct, domestic, reached = flow(
...     length, ptr, idx, cc, 0, w, 0, False, True, False)
>>> transit.tolist(), gateway.tolist(), float(direct), float(domestic), float(reached)
([0.0, 1.0, 0.0], [0.0, 0.0, 0.0], 1.0, 0.0, 1.0)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.routing.arrays import grow, push_mass

__all__ = ["cont_of", "flow", "flow_crossings", "order_by_length"]


@njit(cache=True, nogil=True)
def order_by_length(length: np.ndarray) -> np.ndarray:
    """Reachable ASes sorted by increasing path length (counting sort, stable)."""
    n = length.shape[0]
    m = 0
    top = 0
    for v in range(n):
        if length[v] >= 0:
            m += 1
            if length[v] > top:
                top = length[v]
    count = np.zeros(top + 2, np.int64)
    for v in range(n):
        if length[v] >= 0:
            count[length[v] + 1] += 1
    for i in range(1, top + 2):
        count[i] += count[i - 1]
    out = np.empty(m, np.int32)
    for v in range(n):
        if length[v] >= 0:
            out[count[length[v]]] = v
            count[length[v]] += 1
    return out


@njit(cache=True, nogil=True)
def flow(
    length: np.ndarray, nh_ptr: np.ndarray, nh_idx: np.ndarray, cc: np.ndarray, home: int,
    w: np.ndarray, root: int, virtual: bool, dest_home: bool, outbound: bool,
) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """Transit mass, gateway mass and the direct/domestic buckets of one destination.

    Returns ``(transit, gateway, direct, domestic, reached)``:

    * ``transit[v] = sum_s w[s] P(v strictly inside s's path)`` (tie-split);
    * ``gateway[v]``: the mass whose gateway is ``v`` -- for ``outbound`` the first
      foreign AS after the path leaves home, else the last foreign AS before the path
      enters home for the last time (both transit ASes only);
    * ``direct``: mass whose border crossing has no foreign transit AS (the path goes
      straight from home into the foreign far end, or from it into home);
    * ``domestic``: mass of paths that never leave home;
    * ``reached``: the source weight that has a route (the denominator).

    The pass of :func:`flow_crossings` without the crossing links.
    """
    out = flow_crossings(length, nh_ptr, nh_idx, cc, home, w, root, virtual, dest_home,
                         outbound, False)
    return out[0], out[1], out[2], out[3], out[4]


@njit(cache=True, nogil=True)
def flow_crossings(
    length: np.ndarray, nh_ptr: np.ndarray, nh_idx: np.ndarray, cc: np.ndarray, home: int,
    w: np.ndarray, root: int, virtual: bool, dest_home: bool, outbound: bool, record: bool,
) -> tuple[np.ndarray, np.ndarray, float, float, float, np.ndarray, np.ndarray, np.ndarray,
           float]:
    """:func:`flow`, and with ``record`` the path mass on each **crossing link** of the
    destination: the link at which a path enters home for the last time (inbound) or
    leaves it for the first time (outbound), in the same pass.

    Returns ``(transit, gateway, direct, domestic, reached, home_as, foreign_as, mass,
    to_stub)``: one crossing entry per crossing edge with mass (several entries may name
    the same edge; none without ``record``), and ``to_stub``, the mass crossing on the
    virtual last hop between ``root`` and its stub destination. Inbound, the mass on edge
    ``v -> u`` (v foreign, u home) is ``m(v)/k_v * dom(u)`` with ``m(v) = transit[v] +
    w[v]`` the mass through v and ``dom(u)`` the probability that the path from u stays
    home; outbound, the mass pushed from home u to a foreign next hop v while it has not
    yet left home. The entries and ``to_stub`` sum to ``reached - domestic`` (every
    international path crosses exactly once in this sense): per foreign AS v, its
    entries sum to ``gateway[v]`` plus the direct mass of v.
    """
    n = length.shape[0]
    order = order_by_length(length)
    m = order.shape[0]
    mass = np.zeros(n, np.float64)
    reached = 0.0
    for i in range(m):
        v = order[i]
        mass[v] = w[v]
        reached += w[v]
    mass = push_mass(length, nh_ptr, nh_idx, mass)  # the routing engine's push
    transit = mass - np.where(length >= 0, w, 0.0)
    if not virtual:
        transit[root] = 0.0
    gateway = np.zeros(n, np.float64)
    direct = 0.0
    domestic = 0.0
    cap = 64 if record else 0
    ha = np.empty(cap, np.int32)
    fa = np.empty(cap, np.int32)
    ms = np.empty(cap, np.float64)
    k = 0
    to_stub = 0.0
    if outbound:
        # mass that has not yet left home, pushed through home ASes only
        hm = np.zeros(n, np.float64)
        for i in range(m):
            v = order[i]
            if cc[v] == home:
                hm[v] = w[v]
        for i in range(m - 1, -1, -1):
            v = order[i]
            x = hm[v]
            if x == 0.0:
                continue
            if cc[v] != home:  # first foreign transit AS
                if v == root and not virtual:
                    direct += x
                else:
                    gateway[v] += x
                continue
            a, b = nh_ptr[v], nh_ptr[v + 1]
            if a == b:  # reached the origin inside home
                if virtual:
                    if dest_home:
                        domestic += x
                    else:
                        direct += x
                        to_stub += x
                else:
                    domestic += x
                continue
            share = x / (b - a)
            for j in range(a, b):
                u = nh_idx[j]
                hm[u] += share
                if record and cc[u] != home:
                    ha, fa, ms = _put(ha, fa, ms, k, v, u, share)
                    k += 1
    else:
        # dom[v] = P(the path from v, v included, to the destination stays home)
        dom = np.zeros(n, np.float64)
        cont = np.zeros(n, np.float64)  # cont[v] = mean dom over v's next hops
        for i in range(m):
            v = order[i]
            cont_of(v, nh_ptr[v], nh_ptr[v + 1], nh_idx, dom, cont, cc, home, virtual,
                    dest_home)
        for i in range(m):
            v = order[i]
            if cc[v] == home:
                domestic += w[v] * dom[v]
                continue
            direct += w[v] * cont[v]
            gateway[v] += transit[v] * cont[v]
            x = transit[v] + w[v]
            if not record or x == 0.0 or cont[v] == 0.0:  # no next hop stays home
                continue
            a, b = nh_ptr[v], nh_ptr[v + 1]
            if a == b:
                if virtual and v == root and dest_home:
                    to_stub += x
                continue
            for j in range(a, b):
                u = nh_idx[j]
                if cc[u] == home and dom[u] != 0.0:
                    ha, fa, ms = _put(ha, fa, ms, k, u, v, x / (b - a) * dom[u])
                    k += 1
    return transit, gateway, direct, domestic, reached, ha[:k], fa[:k], ms[:k], to_stub


@njit(cache=True, nogil=True)
def _put(
    ha: np.ndarray, fa: np.ndarray, ms: np.ndarray, k: int, h: int, f: int, x: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Store crossing entry ``k`` (home AS, foreign AS, mass), growing the arrays."""
    if k == ha.shape[0]:
        cap = 2 * max(k, 32)
        ha, fa, ms = grow(ha, cap), grow(fa, cap), grow(ms, cap)
    ha[k], fa[k], ms[k] = h, f, x
    return ha, fa, ms


@njit(cache=True, nogil=True)
def cont_of(
    v: int, a: int, b: int, row: np.ndarray, dom: np.ndarray, cont: np.ndarray, cc: np.ndarray,
    home: int, virtual: bool, dest_home: bool,
) -> None:
    """Set ``cont[v]`` (mean ``dom`` over ``v``'s next hops ``row[a:b]``) and ``dom[v]``
    (the chance that the path from ``v``, ``v`` included, stays at home); an AS without
    next hops is the destination. Shared by :func:`flow` and the scenario sweep's repair."""
    if a == b:
        if virtual:
            cont[v] = 1.0 if dest_home else 0.0
            dom[v] = cont[v] if cc[v] == home else 0.0
        else:
            dom[v] = 1.0 if dest_home else 0.0
        return
    s = 0.0
    for k in range(a, b):
        s += dom[row[k]]
    cont[v] = s / (b - a)
    dom[v] = cont[v] if cc[v] == home else 0.0
