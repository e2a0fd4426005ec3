"""The inbound gateway sums of many destinations on an array module (numpy or CuPy).

The GPU form of :func:`crossroads.metrics.lane_sums.inbound_lanes`: the same per-destination
quantities -- gateway mass by country, ``direct``, ``domestic``, reached weight -- for
``K`` columns at once, written against :class:`~crossroads.routing.backends.array.ArrayModule`
so that the code CI runs on numpy is the code a GPU runs on CuPy. Routes come from
:func:`crossroads.routing.backends.array.classes_and_lengths`; every best next hop of
``v`` in column ``k`` is an edge ``(v, u)`` of the relationship of ``v``'s class with
``length[u] + 1 = length[v]`` and ``u``'s route exported over it (``deterministic``: the
lowest such ``u`` only). Then, level by level:

* ``dom``/``cont`` by increasing length (``cont[v]`` = mean ``dom`` over ``v``'s next hops,
  ``dom[v] = cont[v]`` at home, else 0; the destination as in
  :func:`crossroads.metrics._kernels.cont_of`);
* the source mass by decreasing length, each AS passing ``mass / next-hop count`` to each
  next hop (a scatter-add per level);
* gateway mass ``(mass - w) * cont`` of the foreign ASes, summed by country with a sparse
  country matrix; ``direct = sum w * cont`` abroad, ``domestic = sum w * dom`` at home.

Sums are taken in another order than the lane engine's, so results agree to rounding
(1e-12 relative, tested on numpy), not bit for bit. Memory: a few ``N x K`` float64
arrays plus ``K x edges`` masks per relationship, in column chunks of the module's
``chunk_elements``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crossroads.metrics.lane_sums import InboundLanes, LaneDestinations
from crossroads.routing import RouteClass
from crossroads.routing.backends.array import ArrayModule, DeviceGraph, classes_and_lengths

__all__ = ["inbound_columns"]

UNREACHABLE, ORIGIN = int(RouteClass.UNREACHABLE), int(RouteClass.ORIGIN)
CUSTOMER, PEER, PROVIDER = (int(RouteClass.CUSTOMER), int(RouteClass.PEER),
                            int(RouteClass.PROVIDER))


def inbound_columns(
    module: ArrayModule, dg: DeviceGraph, cc: np.ndarray, w: np.ndarray, n_countries: int,
    dest: LaneDestinations, *, deterministic: bool = False,
) -> InboundLanes:
    """The sums of :func:`crossroads.metrics.lane_sums.inbound_lanes` for one column per
    destination group (``dest``), on ``module``'s device; ``cc``/``w`` per AS index."""
    xp = module.xp
    k = len(dest.root)
    roots = np.asarray(dest.root, np.int64)
    rel, length = classes_and_lengths(module, dg, roots, np.arange(k), k)
    edges = _next_hop_edges(xp, dg, rel, length, deterministic)
    count = xp.zeros(rel.shape, dtype=xp.float64)
    for v, _, col, _ in edges:
        module.scatter_add(count, (v, col), 1.0)
    ccd = xp.asarray(np.asarray(cc, np.int64))
    home = xp.asarray(np.asarray(dest.home, np.int64))
    at_home = ccd[:, None] == home[None, :]
    root = xp.asarray(roots)
    cols = xp.arange(k)
    virtual = xp.asarray(np.asarray(dest.virtual, bool))
    dest_home = xp.asarray(np.asarray(dest.dest_home, bool)).astype(xp.float64)
    routed = rel != UNREACHABLE
    # the sources: w, less the excluded country and a real destination itself
    src = xp.asarray(np.asarray(w, np.float64))[:, None] * (
        ccd[:, None] != xp.asarray(np.asarray(dest.excl, np.int64))[None, :])
    src[root, cols] = xp.where(virtual, src[root, cols], 0.0)
    src = xp.where(routed, src, 0.0)
    top = int(length.max())
    dom, cont = _stay_home(module, edges, length, count, at_home, root, cols, virtual,
                           dest_home, top)
    mass = _push(module, edges, length, count, src.copy(), top)
    transit = mass - src
    transit[root, cols] = xp.where(virtual, transit[root, cols], 0.0)
    foreign = ~at_home
    gw_mass = xp.where(foreign, transit * cont, 0.0)
    n = rel.shape[0]
    by_country = module.sparse.csr_matrix(
        (xp.ones(n, dtype=xp.float64), (ccd, xp.arange(n))), shape=(n_countries, n))
    gateway = by_country @ gw_mass
    direct = xp.where(foreign, src * cont, 0.0).sum(axis=0)
    domestic = xp.where(at_home, src * dom, 0.0).sum(axis=0)
    host = module.to_host
    return InboundLanes(host(xp.asarray(gateway).T), host(direct), host(domestic),
                        host(src.sum(axis=0)))


_Edges = list[tuple[Any, Any, Any, int]]


def _next_hop_edges(xp: Any, dg: DeviceGraph, rel: Any, length: Any,
                    deterministic: bool) -> _Edges:
    """``(v, u, column, class)`` of every (next-hop edge, column) pair, per relationship."""
    out: _Edges = []
    for cls, e in ((CUSTOMER, dg.customers), (PEER, dg.peers), (PROVIDER, dg.providers)):
        if int(e.rows.shape[0]) == 0:
            continue
        exported = rel[e.cols] != UNREACHABLE if cls == PROVIDER else (
            (rel[e.cols] == ORIGIN) | (rel[e.cols] == CUSTOMER))
        ok = (rel[e.rows] == cls) & exported & (length[e.cols] + 1 == length[e.rows])
        if deterministic:  # the lowest u of each (v, column): rows are sorted by (v, u)
            first = xp.cumsum(ok, axis=0)
            start = xp.concatenate([xp.zeros(1, dtype=xp.int64),
                                    xp.cumsum(xp.bincount(e.rows, minlength=dg.n))[:-1]])
            before = xp.where(start[e.rows][:, None] > 0,
                              first[xp.maximum(start[e.rows] - 1, 0)], 0)
            ok &= (first - before) == 1
        edge, col = xp.nonzero(ok)
        out.append((e.rows[edge], e.cols[edge], col, cls))
    return out


def _stay_home(module: ArrayModule, edges: _Edges, length: Any, count: Any, at_home: Any,
               root: Any, cols: Any, virtual: Any, dest_home: Any,
               top: int) -> tuple[Any, Any]:
    """``dom`` and ``cont`` of every (AS, column), level by increasing length."""
    xp = module.xp
    dom = xp.zeros(length.shape, dtype=xp.float64)
    cont = xp.zeros(length.shape, dtype=xp.float64)
    cont[root, cols] = xp.where(virtual, dest_home, 0.0)
    dom[root, cols] = xp.where(virtual, xp.where(at_home[root, cols], dest_home, 0.0),
                               dest_home)
    for level in range(1, top + 1):
        acc = xp.zeros(length.shape, dtype=xp.float64)
        for v, u, col, _ in edges:
            sel = length[v, col] == level
            module.scatter_add(acc, (v[sel], col[sel]), dom[u[sel], col[sel]])
        now = (length == level) & (count > 0)
        cont = xp.where(now, acc / xp.where(count > 0, count, 1.0), cont)
        dom = xp.where(now & at_home, cont, xp.where(now, 0.0, dom))
    return dom, cont


def _push(module: ArrayModule, edges: _Edges, length: Any, count: Any, mass: Any,
          top: int) -> Any:
    """Every source's mass pushed down its next hops, longest routes first."""
    xp = module.xp
    share = xp.zeros(mass.shape, dtype=xp.float64)
    for level in range(top, 0, -1):
        now = length == level
        share = xp.where(now & (count > 0), mass / xp.where(count > 0, count, 1.0), share)
        for v, u, col, _ in edges:
            sel = length[v, col] == level
            module.scatter_add(mass, (u[sel], col[sel]), share[v[sel], col[sel]])
    return mass
