"""numba kernels of the inbound metrics on a destination's next-hop DAG without its leaves.

A *leaf* is a reachable AS that is nobody's next hop and not an origin: nothing passes
through it, it only hands its own weight ``w[v]`` on, ``w[v] / k_v`` over each of its
``k_v`` next hops. Leaves are most ASes (the stubs: about 88 % of the reachable ASes
towards a KZ destination on the 2025 graph), and every inbound sum is linear in what a
leaf hands on, so :func:`fold` folds them once per destination into per-next-hop
*credits*, and the passes run over the kept ASes alone (about 9,000 of 78,000):

* the mass pushed from the sources starts at ``w[u] + credit[u]`` (the transit of every
  AS is unchanged; a leaf's is 0);
* a leaf ``v`` of country ``c`` adds ``w[v] * cont(v) = sum_u w[v] / k_v * dom(u)`` to
  the direct (``c`` abroad) or domestic (``c`` at home) bucket of :func:`flows.flow`:
  the credits from foreign and from home leaves, times ``dom`` of the next hop;
* in the "any" sums of :func:`any_label`, a leaf's ``w[v] * a(v)`` is
  ``sum_u w[v] / k_v * b(u)``: the credit times the next hop's vector ``b(u)``;
* a leaf's crossing links (a foreign leaf with a next hop at home) are kept as a list.

The conventions (``cc``, ``home``, ``w``, ``root``, ``virtual``, ``dest_home``) are those of
:mod:`crossroads.metrics._kernels`. The sums equal the per-AS kernels' up to the order of
floating-point additions (``tests/metrics/test_folded.py``).
"any" is summed this way in both directions (it does not depend on where home is).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.metrics.flows import _put, cont_of
from crossroads.routing.arrays import grow


@njit(cache=True, nogil=True)
def fold(length, nh_ptr, nh_idx, cc, home, w):
    """Fold the leaves of one destination's DAG (module doc).

    Returns ``(kept, ptr, idx, lw, lf, lh, xv, xu, xs, reached)``: ``kept[i]`` the AS
    index of kept node ``i`` (by increasing path length, so every next hop comes
    earlier); ``ptr``/``idx`` its next hops in local numbers, in their original order;
    per kept node the credits of all leaves (``lw``), of foreign ones (``lf``) and of home
    ones (``lh``); the foreign leaves' links to a home next hop (leaf AS ``xv``, local next
    hop ``xu``, share ``xs``); ``reached``, the source weight with a route.
    """
    n = length.shape[0]
    hop = np.zeros(n, np.bool_)
    top = 0
    for v in range(n):  # index order throughout: memory read front to back
        if length[v] > top:
            top = length[v]
        for k in range(nh_ptr[v], nh_ptr[v + 1]):
            hop[nh_idx[k]] = True
    # the kept nodes by increasing length, ties by index (a stable counting sort)
    count = np.zeros(top + 2, np.int64)
    for v in range(n):
        if length[v] >= 0 and (hop[v] or nh_ptr[v] == nh_ptr[v + 1]):
            count[length[v] + 1] += 1
    for i in range(1, top + 2):
        count[i] += count[i - 1]
    m = count[top + 1]
    loc = np.full(n, -1, np.int32)
    kept = np.empty(m, np.int32)
    ptr = np.zeros(m + 1, np.int32)
    for v in range(n):
        if length[v] >= 0 and (hop[v] or nh_ptr[v] == nh_ptr[v + 1]):
            i = count[length[v]]
            count[length[v]] += 1
            loc[v] = i
            kept[i] = v
            ptr[i + 1] = nh_ptr[v + 1] - nh_ptr[v]
    lw = np.zeros(m, np.float64)
    lf = np.zeros(m, np.float64)
    lh = np.zeros(m, np.float64)
    xv = np.empty(16, np.int32)
    xu = np.empty(16, np.int32)
    xs = np.empty(16, np.float64)
    nx = 0
    reached = 0.0
    for v in range(n):
        if length[v] < 0:
            continue
        reached += w[v]
        if loc[v] >= 0 or w[v] == 0.0:
            continue
        a, b = nh_ptr[v], nh_ptr[v + 1]
        share = w[v] / (b - a)
        abroad = cc[v] != home
        for k in range(a, b):
            u = nh_idx[k]
            j = loc[u]
            lw[j] += share
            if abroad:
                lf[j] += share
                if cc[u] == home:
                    xv, xu, xs = _put(xv, xu, xs, nx, v, j, share)
                    nx += 1
            else:
                lh[j] += share
    for i in range(m):
        ptr[i + 1] += ptr[i]
    idx = np.empty(ptr[m], np.int32)
    for i in range(m):
        a = nh_ptr[kept[i]]
        for k in range(ptr[i], ptr[i + 1]):
            idx[k] = loc[nh_idx[a + k - ptr[i]]]
    return kept, ptr, idx, lw, lf, lh, xv[:nx], xu[:nx], xs[:nx], reached


@njit(cache=True, nogil=True)
def inbound_flow(kept, ptr, idx, lw, lf, lh, xv, xu, xs, n, cc, home, w, root, virtual,
                 dest_home, record):
    """:func:`crossroads.metrics.flows.flow_crossings` (``outbound=False``) on a folded
    DAG: ``(transit, gateway, direct, domestic, ha, fa, ms, to_stub)``, the first two per
    AS index."""
    m = kept.shape[0]
    through = np.empty(m, np.float64)
    for i in range(m):
        through[i] = w[kept[i]] + lw[i]
    for i in range(m - 1, -1, -1):
        x = through[i]
        a, b = ptr[i], ptr[i + 1]
        if x == 0.0 or a == b:
            continue
        share = x / (b - a)
        for k in range(a, b):
            through[idx[k]] += share
    dom = np.zeros(m, np.float64)
    cont = np.zeros(m, np.float64)
    cc_kept = cc[kept]
    for i in range(m):
        cont_of(i, ptr[i], ptr[i + 1], idx, dom, cont, cc_kept, home, virtual, dest_home)
    transit = np.zeros(n, np.float64)
    gateway = np.zeros(n, np.float64)
    direct = 0.0
    domestic = 0.0
    for i in range(m):  # what the leaves hand on, through their next hops' dom
        direct += lf[i] * dom[i]
        domestic += lh[i] * dom[i]
    cap = 64 if record else 0
    ha = np.empty(cap, np.int32)
    fa = np.empty(cap, np.int32)
    ms = np.empty(cap, np.float64)
    nk = 0
    to_stub = 0.0
    for i in range(m):
        v = kept[i]
        t = through[i] - w[v]
        if v == root and not virtual:
            t = 0.0
        transit[v] = t
        if cc[v] == home:
            domestic += w[v] * dom[i]
            continue
        direct += w[v] * cont[i]
        gateway[v] = t * cont[i]
        x = t + w[v]
        if not record or x == 0.0 or cont[i] == 0.0:
            continue
        a, b = ptr[i], ptr[i + 1]
        if a == b:
            if virtual and v == root and dest_home:
                to_stub += x
            continue
        for k in range(a, b):
            j = idx[k]
            if cc[kept[j]] == home and dom[j] != 0.0:
                ha, fa, ms = _put(ha, fa, ms, nk, kept[j], v, x / (b - a) * dom[j])
                nk += 1
    if record:
        for e in range(xv.shape[0]):
            if dom[xu[e]] != 0.0:
                ha, fa, ms = _put(ha, fa, ms, nk, kept[xu[e]], xv[e], xs[e] * dom[xu[e]])
                nk += 1
    return transit, gateway, direct, domestic, ha[:nk], fa[:nk], ms[:nk], to_stub


@njit(cache=True, nogil=True)
def any_label(kept, ptr, idx, lw, cc, cc2, w, root, virtual, n_labels, width):
    """``total[X] = sum_s w[s] * P(an AS labelled X lies strictly inside s's path)``, on a
    folded DAG (every source: kept nodes directly, leaves through ``lw``).

    Origin-side dynamic programme, exact for every label at once. Every AS has up to two
    labels in ``[0, n_labels)``: ``cc[u]`` (its country) and ``cc2[u]`` (a second
    labelling in the same id space, e.g. its owning state offset past the countries); a
    negative label marks none. With ``a(v)`` the vector of those probabilities for the
    path from ``v`` (``v`` itself excluded) and ``b(u) = a(u)`` with the entries of
    ``u``'s labels set to 1 (``u`` included)::

        a(v) = mean over next hops u of b(u);   b(root) = 0, or root's labels if virtual

    and a kept node ``v`` adds ``w[v] * a(v)``, the leaves behind it ``lw[v] * b(v)``.
    Vectors are kept sparse (at most ``width`` labels per AS), packed one after the other
    in a pool that grows as needed. Returns ``(total, overflow)``; on overflow the caller
    retries with a larger ``width``.
    """
    m = kept.shape[0]
    cap = 4 * m + width
    ids = np.empty(cap, np.int32)
    vals = np.empty(cap, np.float64)
    start = np.zeros(m, np.int64)
    cnt = np.zeros(m, np.int32)
    acc = np.zeros(n_labels, np.float64)
    touched = np.empty(n_labels, np.int32)
    total = np.zeros(n_labels, np.float64)
    used = 0
    for i in range(m):
        v = kept[i]
        a, b = ptr[i], ptr[i + 1]
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
                u = idx[k]
                s0 = start[u]
                for j in range(cnt[u]):
                    x = ids[s0 + j]
                    if acc[x] == 0.0:
                        touched[nt] = x
                        nt += 1
                    acc[x] += share * vals[s0 + j]
            if w[v] != 0.0:  # a(v) is in acc: credit the source weight
                for j in range(nt):
                    total[touched[j]] += w[v] * acc[touched[j]]
            nt = _mark(cc[v], acc, touched, _mark(cc2[v], acc, touched, nt))
        if nt > width:
            return total, True
        if used + nt > cap:
            cap = 2 * cap + nt
            ids = grow(ids, cap)
            vals = grow(vals, cap)
        start[i] = used
        for j in range(nt):
            x = touched[j]
            ids[used + j] = x
            vals[used + j] = acc[x]
            if lw[i] != 0.0:  # b(v) is in acc: credit the leaves behind v
                total[x] += lw[i] * acc[x]
            acc[x] = 0.0
        cnt[i] = nt
        used += nt
    return total, False


@njit(cache=True, nogil=True, inline="always")
def _mark(c, acc, touched, nt):
    """Set label ``c`` to 1 in the sparse vector ``acc`` (nothing when ``c < 0``)."""
    if c < 0:
        return nt
    if acc[c] == 0.0:
        touched[nt] = c
        nt += 1
    acc[c] = 1.0
    return nt


@njit(cache=True, nogil=True)
def uncovered(order, ptr, idx, mass0, own, blocked, root, virtual):
    """Path mass that avoids every ``blocked`` transit AS, per kept node and in total, on
    a DAG of :func:`fold` whose kept nodes ``order`` (AS indices) start with ``mass0``
    (their own weight ``own`` plus their leaves' credit; ``blocked`` and ``root`` in AS
    indices). A folded leaf carries no transit, and its own mass is never absorbed.

    Returns ``(transit, escaped)``: ``transit[i]`` is the mass of the paths through kept
    node ``i`` (strictly inside) that cross no blocked AS anywhere -- the mass arriving
    at it unabsorbed times ``cont[i]``, the probability that the rest of the path avoids
    the blocked ASes (an origin-side pass) -- and ``escaped`` the mass of the paths that
    avoid them all (:func:`add_at` sums ``transit`` per AS index).
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
    transit = np.zeros(m, np.float64)
    escaped = 0.0
    for i in range(m - 1, -1, -1):
        x = mass[i]
        if x == 0.0:
            continue
        v = order[i]
        if not (v == root and not virtual):
            inside = x - own[i]
            if blocked[v] and inside > 0.0:
                x -= inside  # paths reaching v from elsewhere are covered
                inside = 0.0
            transit[i] = inside * cont[i]
        a, b = ptr[i], ptr[i + 1]
        if a == b:  # the origin, or a virtual root whose own mass is not transit
            escaped += x
            continue
        share = x / (b - a)
        for k in range(a, b):
            mass[idx[k]] += share
    return transit, escaped


@njit(cache=True, nogil=True)
def add_at(out, at, values, weight):
    """``out[at[i]] += weight * values[i]`` (a kept node's sums into per-AS sums)."""
    for i in range(at.shape[0]):
        out[at[i]] += weight * values[i]
