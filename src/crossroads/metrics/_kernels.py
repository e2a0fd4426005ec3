"""numba kernels of the dependency metrics: arrays in, arrays out.

Private: :mod:`crossroads.metrics._paths` wraps them. Every kernel reads one destination's
next-hop DAG (``length``, ``nh_ptr``, ``nh_idx`` of :class:`~crossroads.routing.Routes`),
in which every next hop is one hop closer to the origin, so sorting the reachable ASes by
path length gives a topological order: increasing length for origin-side dynamic
programmes, decreasing length for pushing mass from the sources.

Conventions shared by the kernels:

* ``cc`` (int32, per AS) is a country id; ``home`` the id of the country studied;
* ``w`` (float64, per AS) is the source weight (0 for an AS that is not a source);
* ``root`` is the origin the routes were computed for; with ``virtual`` set, the real
  destination is a single-homed stub hanging below ``root`` (its only neighbour), so
  ``root`` is a *transit* AS of every path and the path ends one hop further;
* ``dest_home`` says whether the real destination lies in the home country.

The far ends of a path (the source, and the destination) are never "on" it: the metrics
describe the transit between them (see ``docs/methods/dependency.md``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.metrics.flows import order_by_length
from crossroads.routing.arrays import grow, position


@njit(cache=True, nogil=True)
def any_country(length, nh_ptr, nh_idx, cc, cc2, w, root, virtual, n_countries, width):
    """``total[X] = sum_s w[s] * P(an AS labelled X lies strictly inside s's path)``.

    Origin-side dynamic programme, exact for every label at once. Every AS has up to two
    labels in ``[0, n_countries)``: ``cc[u]`` (its country) and ``cc2[u]`` (a second
    labelling in the same id space, e.g. its owning state offset past the countries); a
    negative label marks none. With ``a(v)`` the vector of those probabilities for the
    path from ``v`` (``v`` itself excluded) and ``b(u) = a(u)`` with the entries of
    ``u``'s labels set to 1 (``u`` included)::

        a(v) = mean over next hops u of b(u);   b(root) = 0, or root's labels if virtual

    Vectors are kept sparse (at most ``width`` countries per AS), packed one after the
    other in a pool that grows as needed (every AS's vector is written once, when it is
    reached in the topological order). Returns ``(total, overflow)``; on overflow the
    caller retries with a larger ``width``.
    """
    n = length.shape[0]
    order = order_by_length(length)
    cap = 4 * order.shape[0] + width
    ids = np.empty(cap, np.int32)
    vals = np.empty(cap, np.float64)
    start = np.zeros(n, np.int64)
    cnt = np.zeros(n, np.int32)
    acc = np.zeros(n_countries, np.float64)
    touched = np.empty(n_countries, np.int32)
    total = np.zeros(n_countries, np.float64)
    used = 0
    for i in range(order.shape[0]):
        v = order[i]
        a, b = nh_ptr[v], nh_ptr[v + 1]
        nt = 0
        if a == b:  # the origin (or an AS announcing the prefix itself)
            if not (virtual and v == root):
                continue
            nt = _mark(cc[v], acc, touched, _mark(cc2[v], acc, touched, 0))
            if nt == 0:
                continue
        else:
            share = 1.0 / (b - a)
            for k in range(a, b):
                u = nh_idx[k]
                s0 = start[u]
                for j in range(cnt[u]):
                    x = ids[s0 + j]
                    if acc[x] == 0.0:
                        touched[nt] = x
                        nt += 1
                    acc[x] += share * vals[s0 + j]
            # a(v) is in acc: credit the source weight
            if w[v] != 0.0:
                for j in range(nt):
                    total[touched[j]] += w[v] * acc[touched[j]]
            # b(v) = a(v) with v's labels set to 1
            nt = _mark(cc[v], acc, touched, _mark(cc2[v], acc, touched, nt))
        if nt > width:
            return total, True
        if used + nt > cap:
            cap = 2 * cap + nt
            ids = grow(ids, cap)
            vals = grow(vals, cap)
        start[v] = used
        for j in range(nt):
            x = touched[j]
            ids[used + j] = x
            vals[used + j] = acc[x]
            acc[x] = 0.0
        cnt[v] = nt
        used += nt
    return total, False


@njit(cache=True, nogil=True, inline="always")
def _mark(c, acc, touched, nt):
    """Set label ``c`` to 1 in the sparse vector ``acc`` (nothing when ``c < 0``);
    returns the new number of touched entries."""
    if c < 0:
        return nt
    if acc[c] == 0.0:
        touched[nt] = c
        nt += 1
    acc[c] = 1.0
    return nt


@njit(cache=True, nogil=True)
def trimmed_mean_columns(values, n_rows, alpha):
    """Alpha-trimmed mean of each column of ``values[:n_rows]`` (sorted in place).

    ``floor(alpha * n)`` values are dropped at each end; the rest are averaged.
    """
    cut = int(np.floor(alpha * n_rows))
    keep = n_rows - 2 * cut
    out = np.zeros(values.shape[1], np.float64)
    if keep <= 0:
        return out
    for j in range(values.shape[1]):
        col = np.sort(values[:n_rows, j])
        s = 0.0
        for i in range(cut, n_rows - cut):
            s += col[i]
        out[j] = s / keep
    return out


@njit(cache=True, nogil=True)
def folded_dag(length, nh_ptr, nh_idx, w):
    """One destination's next-hop DAG without its leaves, in topological order.

    A *leaf* is a reachable AS that is nobody's next hop and not an origin: nothing
    passes through it, so it only hands its own weight ``w`` on, split evenly over its
    next hops. Folding that into the next hops' starting mass loses nothing a source-side
    pass needs (a leaf's transit is 0), and leaves are most ASes (the stubs).

    Returns ``(order, ptr, idx, mass0)``: ``order[i]`` the AS index of kept node ``i``
    (by increasing path length, :func:`order_by_length`); ``ptr``/``idx`` its next hops
    in local numbers, in their original order (each comes earlier: a pass over
    ``range(m)`` is origin side, over ``range(m - 1, -1, -1)`` source side); ``mass0``
    its own weight plus the shares of its leaves.
    """
    n = length.shape[0]
    order = order_by_length(length)
    hop = np.zeros(n, np.bool_)  # somebody's next hop
    for v in order:
        for k in range(nh_ptr[v], nh_ptr[v + 1]):
            hop[nh_idx[k]] = True
    loc = np.full(n, -1, np.int32)
    m = 0
    for v in order:
        if hop[v] or nh_ptr[v] == nh_ptr[v + 1]:
            loc[v] = m
            m += 1
    kept = np.empty(m, np.int32)
    ptr = np.zeros(m + 1, np.int32)
    mass0 = np.zeros(m, np.float64)
    for v in order:
        i = loc[v]
        a, b = nh_ptr[v], nh_ptr[v + 1]
        if i >= 0:
            kept[i] = v
            ptr[i + 1] = b - a
            mass0[i] += w[v]
        elif w[v] != 0.0:
            share = w[v] / (b - a)
            for k in range(a, b):
                mass0[loc[nh_idx[k]]] += share
    for i in range(m):
        ptr[i + 1] += ptr[i]
    idx = np.empty(ptr[m], np.int32)
    for i in range(m):
        a = nh_ptr[kept[i]]
        for k in range(ptr[i], ptr[i + 1]):
            idx[k] = loc[nh_idx[a + k - ptr[i]]]
    return kept, ptr, idx, mass0


@njit(cache=True, nogil=True)
def uncovered(order, ptr, idx, mass0, n, w, blocked, root, virtual):
    """Path mass that avoids every ``blocked`` transit AS, per AS and in total, on a
    DAG of :func:`folded_dag` (``w``, ``blocked`` and ``root`` in AS indices; ``n`` ASes;
    a folded leaf carries no transit, and its own mass is never absorbed).

    Returns ``(transit, escaped)``: ``transit[v]`` (per AS index) is the mass of the
    paths through ``v`` (``v`` strictly inside) that cross no blocked AS anywhere -- the
    mass arriving at ``v`` unabsorbed times ``cont[v]``, the probability that the rest of
    the path avoids the blocked ASes (an origin-side pass) -- and ``escaped`` the mass of
    the paths that avoid them all.
    """
    m = order.shape[0]
    stop = np.zeros(m, np.bool_)  # a blocked AS that absorbs paths (never a real root)
    for i in range(m):
        v = order[i]
        stop[i] = blocked[v] and (virtual or v != root)
    mass = mass0.copy()
    cont = np.ones(m, np.float64)
    for i in range(m):  # origin side: P(the path after i avoids the blocked ASes)
        a, b = ptr[i], ptr[i + 1]
        if a == b:
            continue
        s = 0.0
        for k in range(a, b):
            u = idx[k]
            if not stop[u]:
                s += cont[u]
        cont[i] = s / (b - a)
    transit = np.zeros(n, np.float64)
    escaped = 0.0
    for i in range(m - 1, -1, -1):
        x = mass[i]
        if x == 0.0:
            continue
        v = order[i]
        if not (v == root and not virtual):
            inside = x - w[v]
            if blocked[v] and inside > 0.0:
                x -= inside  # paths reaching v from elsewhere are covered
                inside = 0.0
            transit[v] = inside * cont[i]
        a, b = ptr[i], ptr[i + 1]
        if a == b:  # the origin, or a virtual root whose own mass is not transit
            escaped += x
            continue
        share = x / (b - a)
        for k in range(a, b):
            mass[idx[k]] += share
    return transit, escaped


@njit(cache=True, nogil=True)
def _lid_of(ptr, idx, lid, v, u):
    """Link number of ``u`` in ``v``'s CSR row, -1 if absent."""
    k = position(ptr, idx, v, u)
    if k < ptr[v + 1] and idx[k] == u:
        return lid[k]
    return -1


@njit(cache=True, nogil=True)
def link_mass(
    length, nh_ptr, nh_idx, mass, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
    prov_lid, cust_lid, peer_lid, out,
):
    """Add the path mass crossing every link to ``out`` (per link number).

    Every AS ``v`` holding path mass ``mass[v]`` (its own source weight plus what passes
    through it; 0 where unreachable) sends ``mass[v] / k`` over each of its ``k`` next-hop
    entries (an observed next hop listed several times counts as often: its weight), so
    the mass on link ``{v, u}`` is the path mass crossing it. ``*_lid`` give the link
    number (position in :attr:`ASGraph.links`) of every CSR entry.
    """
    for v in range(length.shape[0]):
        a, b = nh_ptr[v], nh_ptr[v + 1]
        if a == b or mass[v] == 0.0:
            continue
        share = mass[v] / (b - a)
        for k in range(a, b):
            u = nh_idx[k]
            e = _lid_of(cust_ptr, cust_idx, cust_lid, v, u)
            if e < 0:
                e = _lid_of(peer_ptr, peer_idx, peer_lid, v, u)
            if e < 0:
                e = _lid_of(prov_ptr, prov_idx, prov_lid, v, u)
            if e >= 0:
                out[e] += share
    return out
