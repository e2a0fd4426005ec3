"""numba kernels of the link sweep: one link removed, one destination, repaired in place.

Private: :mod:`crossroads.scenarios._linkdelta` wraps them. Arrays in, arrays out.

Given the ``all-best`` routes towards one destination (route class ``rel``, length ``ln``,
next-hop DAG ``nh_ptr``/``nh_idx``) and the baseline path masses of the inbound
dependency metric (``mass``: source weight through each AS; ``dom``/``cont``: the
probability that the rest of the path stays in the home country, as in
:func:`crossroads.metrics.flows.flow`), :func:`link_delta` computes how the
destination's gateway masses, reached weight and reachability counts change when the
link ``ra``-``rb`` is removed, touching only the ASes whose routes or masses change:

1. ``D``: the ASes every best route of which uses the link (a counting pass up the DAG);
2. their routes are recomputed by a Dijkstra over (route class, length) -- class first,
   as the Gao-Rexford preference -- seeded by the offers of their other neighbours;
   an AS outside ``D`` whose route gets *better* (an AS of ``D`` now exports a worse
   class more widely) is relaxed the same way;
3. the next-hop rows of those ASes and of their neighbours are rebuilt; the mass change
   ``Delta = (I - A_new^T)^{-1} (A_new - A_old)^T mass`` is pushed down the new DAG
   from the changed rows, longest routes first;
4. ``cont``/``dom`` are recomputed up the new DAG from the changed rows, through home
   ASes only (``dom`` is 0 abroad), shortest routes first.

The working arrays (``rel``, ``ln``, ``dom``, ``cont``) are restored before returning.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.metrics.flows import cont_of, order_by_length
from crossroads.routing.arrays import is_best_via

_KEY = np.int64(1) << np.int64(24)  # key = class * _KEY + length
_INF = np.int64(1) << np.int64(40)
_LOW = np.int64(0xFFFFFFFF)


@njit(cache=True, nogil=True)
def _push(h, size, item):
    i = size
    h[i] = item
    while i > 0:
        p = (i - 1) >> 1
        if h[p] <= h[i]:
            break
        t = h[p]
        h[p] = h[i]
        h[i] = t
        i = p
    return size + 1


@njit(cache=True, nogil=True)
def _pop(h, size):
    top = h[0]
    size -= 1
    h[0] = h[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        c = left
        if left + 1 < size and h[left + 1] < h[left]:
            c = left + 1
        if h[i] <= h[c]:
            break
        t = h[c]
        h[c] = h[i]
        h[i] = t
        i = c
    return top, size

@njit(cache=True, nogil=True)
def _enlist(y, pid, queued, delta, lst, base, nt, heap, hs, ln):
    """First touch of ``y`` in pass ``pid``: zero its delta, list it, queue it by length
    (longest first). Returns the new list and heap sizes."""
    if queued[y] != pid:
        queued[y] = pid
        delta[y] = 0.0
        lst[base + nt] = y
        nt += 1
        hs = _push(heap, hs, ((_KEY - ln[y]) << 32) | y)
    return nt, hs



@njit(cache=True, nogil=True)
def _gone(x, y, ra, rb):
    return (x == ra and y == rb) or (x == rb and y == ra)


@njit(cache=True, nogil=True)
def _row(x, rel, ln, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, ra, rb,
         out, pos):
    """Write the equally best next hops of ``x`` (current state) at ``out[pos:]``."""
    r = rel[x]
    if r == 2:
        a, b, idx = cust_ptr[x], cust_ptr[x + 1], cust_idx
    elif r == 3:
        a, b, idx = peer_ptr[x], peer_ptr[x + 1], peer_idx
    elif r == 4:
        a, b, idx = prov_ptr[x], prov_ptr[x + 1], prov_idx
    else:
        return 0
    k = 0
    for j in range(a, b):
        y = idx[j]
        if _gone(x, y, ra, rb):
            continue
        if is_best_via(r, ln[x], rel[y], ln[y]):
            out[pos + k] = y
            k += 1
    return k


@njit(cache=True, nogil=True)
def _nbrs(role, x, prov_ptr, prov_idx, peer_ptr, peer_idx, cust_ptr, cust_idx):
    """``x``'s providers (role 0), peers (1) or customers (2) as ``idx[a:b]``."""
    if role == 0:
        return prov_ptr[x], prov_ptr[x + 1], prov_idx
    if role == 1:
        return peer_ptr[x], peer_ptr[x + 1], peer_idx
    return cust_ptr[x], cust_ptr[x + 1], cust_idx


@njit(cache=True, nogil=True)
def _is_pred(y, x, role, rel, ln):
    """Whether ``y`` (``x``'s provider: role 0, peer: 1, customer: 2) has ``x`` as a
    best next hop."""
    want = 2 if role == 0 else (3 if role == 1 else 4)
    return rel[y] == want and is_best_via(rel[y], ln[y], rel[x], ln[x])


@njit(cache=True, nogil=True)
def baseline_cont(length, nh_ptr, nh_idx, cc, home, virtual, dest_home):
    """``dom`` and ``cont`` of :func:`crossroads.metrics.flows.flow` (inbound)."""
    n = length.shape[0]
    order = order_by_length(length)
    m = order.shape[0]
    dom = np.zeros(n, np.float64)
    cont = np.zeros(n, np.float64)
    for i in range(m):
        v = order[i]
        cont_of(v, nh_ptr[v], nh_ptr[v + 1], nh_idx, dom, cont, cc, home, virtual,
                 dest_home)
    return dom, cont


@njit(cache=True, nogil=True)
def link_delta(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
               nh_ptr, nh_idx, len0, rel, ln, mass0, dom0, cont0, dom, cont,
               w, cc, home, root, virtual, dest_home, is_src, world, foreign,
               ra, rb, n_countries, ws_i, lst, ws_f, heap, pool, stamp, pid):
    """Changes of one destination's inbound sums when link ``ra``-``rb`` goes.

    Returns ``(gateway by country, direct, domestic, reached, sources reached, world
    space reached, foreign ASes reached)``, each after minus before. ``ws_i`` (int64,
    7 x n), ``lst`` (int64, 3n + 2), ``ws_f`` (float64, n), ``heap`` (int64, n + 2E),
    ``pool`` (int32, 2E) and ``stamp`` (int64, 5 x n; ``pid`` and ``pid + 1`` new,
    ``pid`` rising by 2 per call) are scratch space; ``ws_i[1]`` must start at 0 and
    ``ws_i[2]`` at ``_INF``.
    """
    d_gw = np.zeros(n_countries, np.float64)
    # the DAG edge u -> v of the link, if any
    u = -1
    for j in range(nh_ptr[ra], nh_ptr[ra + 1]):
        if nh_idx[j] == rb:
            u = ra
    for j in range(nh_ptr[rb], nh_ptr[rb + 1]):
        if nh_idx[j] == ra:
            u = rb
    if u < 0:
        return d_gw, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    dl = ws_i[0]  # D, then the log of route changes
    dcnt = ws_i[1]
    best = ws_i[2]
    old_rel = ws_i[3]
    old_ln = ws_i[4]
    rows = ws_i[5]  # pool start of a rebuilt row
    rowk = ws_i[6]
    delta = ws_f
    in_d = stamp[0]  # == pid: in D;  stamp[1]: logged;  [2]: row candidate;  [3]: queued
    # ---- 1. D: every best route uses the link
    nd = 0
    if nh_ptr[u + 1] - nh_ptr[u] == 1:
        in_d[u] = pid
        dl[0] = u
        nd = 1
    i = 0
    nc = 0  # touched dcnt entries, listed in lst
    while i < nd:
        x = dl[i]
        i += 1
        for role in range(3):
            a, b, idx = _nbrs(role, x, prov_ptr, prov_idx, peer_ptr, peer_idx, cust_ptr,
                              cust_idx)
            for j in range(a, b):
                y = idx[j]
                if in_d[y] == pid or _gone(x, y, ra, rb) or not _is_pred(y, x, role, rel, ln):
                    continue
                if dcnt[y] == 0:
                    lst[nc] = y
                    nc += 1
                dcnt[y] += 1
                if dcnt[y] == nh_ptr[y + 1] - nh_ptr[y]:
                    in_d[y] = pid
                    dl[nd] = y
                    nd += 1
    for j in range(nc):
        dcnt[lst[j]] = 0
    # ---- 2. new routes of D (and of ASes that improve), Dijkstra on (class, length)
    logged = stamp[1]
    nlog = nd
    for j in range(nd):
        x = dl[j]
        logged[x] = pid
        old_rel[j] = rel[x]
        old_ln[j] = ln[x]
        rel[x] = 0
        ln[x] = -1
    hs = 0
    nb = 0  # entries of best set, listed in lst
    for j in range(nd):
        x = dl[j]
        k = _INF
        for q in range(cust_ptr[x], cust_ptr[x + 1]):
            y = cust_idx[q]
            if not _gone(x, y, ra, rb) and (rel[y] == 1 or rel[y] == 2):
                k = min(k, 2 * _KEY + ln[y] + 1)
        for q in range(peer_ptr[x], peer_ptr[x + 1]):
            y = peer_idx[q]
            if not _gone(x, y, ra, rb) and (rel[y] == 1 or rel[y] == 2):
                k = min(k, 3 * _KEY + ln[y] + 1)
        for q in range(prov_ptr[x], prov_ptr[x + 1]):
            y = prov_idx[q]
            if not _gone(x, y, ra, rb) and rel[y] != 0:
                k = min(k, 4 * _KEY + ln[y] + 1)
        if k < _INF:
            best[x] = k
            lst[nb] = x
            nb += 1
            hs = _push(heap, hs, (k << 32) | x)
    while hs > 0:
        item, hs = _pop(heap, hs)
        k = item >> 32
        x = item & _LOW
        if k != best[x] or (rel[x] != 0 and k == rel[x] * _KEY + ln[x]):
            continue  # stale, or already settled at this key
        if logged[x] != pid:
            logged[x] = pid
            dl[nlog] = x
            old_rel[nlog] = rel[x]
            old_ln[nlog] = ln[x]
            nlog += 1
        rel[x] = k // _KEY
        ln[x] = k % _KEY
        nl = ln[x] + 1
        for role in range(3):
            if role < 2 and rel[x] > 2:
                continue  # peer and provider routes go to customers only
            a, b, idx = _nbrs(role, x, prov_ptr, prov_idx, peer_ptr, peer_idx, cust_ptr,
                              cust_idx)
            offer = (role + 2) * _KEY + nl  # providers learn a customer route, ...
            for q in range(a, b):
                y = idx[q]
                if _gone(x, y, ra, rb):
                    continue
                cur = best[y]
                if rel[y] != 0:
                    cur = min(cur, rel[y] * _KEY + ln[y])
                if offer < cur:
                    if best[y] == _INF:
                        lst[nb] = y
                        nb += 1
                    best[y] = offer
                    hs = _push(heap, hs, (offer << 32) | y)
    for j in range(nb):
        best[lst[j]] = _INF
    # ---- 3. rebuilt rows: changed ASes, their neighbours, and the link's ends
    cand = stamp[2]
    ncand = 0
    for j in range(nlog + 2):
        if j < nlog:
            x = dl[j]
            if rel[x] == old_rel[j] and ln[x] == old_ln[j]:
                continue
        else:
            x = ra if j == nlog else rb
        if cand[x] != pid:
            cand[x] = pid
            lst[ncand] = x
            ncand += 1
        if j >= nlog:
            continue
        for role in range(3):
            a, b, idx = _nbrs(role, x, prov_ptr, prov_idx, peer_ptr, peer_idx, cust_ptr,
                              cust_idx)
            for q in range(a, b):
                y = idx[q]
                if cand[y] != pid:
                    cand[y] = pid
                    lst[ncand] = y
                    ncand += 1
    used = 0
    ns = 0  # rows that differ, compacted at the front of lst
    for j in range(ncand):
        x = lst[j]
        k = _row(x, rel, ln, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
                 ra, rb, pool, used)
        a, b = nh_ptr[x], nh_ptr[x + 1]
        same = k == b - a
        if same:
            for q in range(k):
                if pool[used + q] != nh_idx[a + q]:
                    same = False
                    break
        if same:
            cand[x] = pid - 1  # not rebuilt after all: read the old row
            continue
        cand[x] = pid
        rows[x] = used
        rowk[x] = k
        used += k
        lst[ns] = x
        ns += 1
    # ---- 4. mass change, pushed down the new DAG longest routes first
    queued = stamp[3]
    hs = 0
    nt = 0  # nodes with delta entries: listed after the changed rows in lst
    base = ns
    for j in range(ns):
        x = lst[j]
        m = mass0[x]
        if m == 0.0:
            continue
        a, b = nh_ptr[x], nh_ptr[x + 1]
        if b > a:
            share = m / (b - a)
            for q in range(a, b):
                y = nh_idx[q]
                nt, hs = _enlist(y, pid, queued, delta, lst, base, nt, heap, hs, ln)
                delta[y] -= share
        k = rowk[x]
        if k > 0:
            share = m / k
            for q in range(rows[x], rows[x] + k):
                y = pool[q]
                nt, hs = _enlist(y, pid, queued, delta, lst, base, nt, heap, hs, ln)
                delta[y] += share
    while hs > 0:
        item, hs = _pop(heap, hs)
        x = item & _LOW
        dx = delta[x]
        if dx == 0.0 or rel[x] == 0:
            continue
        if cand[x] == pid:
            a, b, row = rows[x], rows[x] + rowk[x], pool
        else:
            a, b, row = nh_ptr[x], nh_ptr[x + 1], nh_idx
        if b == a:
            continue
        share = dx / (b - a)
        for q in range(a, b):
            y = row[q]
            nt, hs = _enlist(y, pid, queued, delta, lst, base, nt, heap, hs, ln)
            delta[y] += share
    # ---- 5. cont/dom up the new DAG, shortest routes first
    nx = base + nt  # ASes whose cont/dom changed are listed from here
    ncc = 0
    done = stamp[1]  # pid + 1: cont recomputed
    hs = 0
    for j in range(ns):
        x = lst[j]
        hs = _push(heap, hs, (np.int64(max(ln[x], 0)) << 32) | x)
    for j in range(nlog):
        if rel[dl[j]] == 0 and old_rel[j] != 0:
            hs = _push(heap, hs, np.int64(dl[j]))
    while hs > 0:
        item, hs = _pop(heap, hs)
        x = item & _LOW
        if done[x] == pid + 1:
            continue
        done[x] = pid + 1
        od, oc = dom[x], cont[x]
        if rel[x] == 0:
            dom[x] = 0.0
            cont[x] = 0.0
        elif cand[x] == pid:
            cont_of(x, rows[x], rows[x] + rowk[x], pool, dom, cont, cc, home, virtual,
                     dest_home)
        else:
            cont_of(x, nh_ptr[x], nh_ptr[x + 1], nh_idx, dom, cont, cc, home, virtual,
                     dest_home)
        if dom[x] == od and cont[x] == oc:
            continue
        lst[nx + ncc] = x
        ncc += 1
        if dom[x] == od:
            continue
        for role in range(3):  # predecessors in the new DAG read dom[x]
            a, b, idx = _nbrs(role, x, prov_ptr, prov_idx, peer_ptr, peer_idx, cust_ptr,
                              cust_idx)
            for q in range(a, b):
                y = idx[q]
                if not _gone(x, y, ra, rb) and _is_pred(y, x, role, rel, ln):
                    hs = _push(heap, hs, (np.int64(ln[y]) << 32) | y)
    # ---- 6. the sums: every AS whose mass, cont/dom or reachability changed
    seen = stamp[4]
    d_direct = 0.0
    d_domestic = 0.0
    d_reached = 0.0
    d_src = 0.0
    d_world = 0.0
    d_foreign = 0.0
    for j in range(base, nx + ncc + nlog):
        x = lst[j] if j < nx + ncc else dl[j - nx - ncc]
        if seen[x] == pid:
            continue
        seen[x] = pid
        ro = len0[x] >= 0
        rn = rel[x] != 0
        mn = mass0[x] + (delta[x] if queued[x] == pid else 0.0)
        to = mass0[x] - w[x] if ro else 0.0
        tn = mn - w[x] if rn else 0.0
        if x == root and not virtual:
            to = 0.0
            tn = 0.0
        if cc[x] != home:
            d_gw[cc[x]] += tn * cont[x] - to * cont0[x]
            d_direct += w[x] * (cont[x] - cont0[x])
        else:
            d_domestic += w[x] * (dom[x] - dom0[x])
        if ro and not rn:
            d_reached -= w[x]
            if is_src[x]:
                d_src -= 1.0
            d_world -= world[x]
            if foreign[x]:
                d_foreign -= 1.0
    # ---- restore the working state
    for j in range(ncc):
        x = lst[nx + j]
        dom[x] = dom0[x]
        cont[x] = cont0[x]
    for j in range(nlog):
        rel[dl[j]] = old_rel[j]
        ln[dl[j]] = old_ln[j]
    return d_gw, d_direct, d_domestic, d_reached, d_src, d_world, d_foreign
