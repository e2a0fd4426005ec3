"""numba kernels of the inbound dependency sums over K lanes at once (node-major).

Private: :mod:`crossroads.metrics.lane_sums` wraps them. They read the routes of
:func:`crossroads.routing._lane_kernels.propagate_lanes` (ASes in the lane graph's
topological order; ``dag_*`` bit ``j`` of an adjacency entry: that neighbour is a next
hop in lane ``j``) and compute, lane by lane, exactly what
:func:`crossroads.metrics.flows.flow` computes for ``outbound=False`` on the same
routes, with the same floating-point operations in the same order:

* ``dom`` (the chance that the path from an AS, itself included, stays home) by
  increasing path length: customer/origin routes customers-first, then peer/provider
  routes providers-first -- every next hop comes first;
* the mass pushed from the sources, by decreasing length (the same sweeps reversed), each
  AS adding what its predecessors pass on in **decreasing ASN order** (the order in which
  :func:`~crossroads.routing.arrays.push_mass` delivers it), so every sum is
  bit-identical to the per-destination kernel;
* the per-lane totals as term lists, summed afterwards in the per-destination kernel's
  order (gateway by ASN, as ``np.bincount`` adds; ``direct``/``domestic`` by length,
  then ASN).

A lane's sources weigh ``w[v]``, except the ASes of country ``excl[j]`` and, for a real
(non-virtual) destination, the destination itself. ``dom`` is kept only for the ASes of
the lanes' home countries (``slot``), where it can be non-zero. An AS without customers
(a *leaf*) is nobody's next hop in a lane it does not announce, so its mass is its own
weight: what it passes on is recomputed from that instead of stored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from crossroads.routing import RouteClass

ORIGIN, CUSTOMER = int(RouteClass.ORIGIN), int(RouteClass.CUSTOMER)
PEER, PROVIDER = int(RouteClass.PEER), int(RouteClass.PROVIDER)

_GATEWAY, _DIRECT, _DOMESTIC = 0, 1, 2
_U1 = np.uint64(1)
_JIT: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}
_INLINE: dict[str, Any] = {**_JIT, "inline": "always"}


@njit(**_INLINE)
def _on(mask, j):
    return (mask >> np.uint64(j)) & _U1 != 0


@njit(**_INLINE)
def _lanes_in(rel, v, lo, hi, kk):
    """Bit ``j`` set where ``lo <= rel[v, j] <= hi``."""
    m = np.uint64(0)
    for j in range(kk):
        m |= np.uint64((rel[v, j] >= lo) & (rel[v, j] <= hi)) << np.uint64(j)
    return m


@njit(**_JIT)
def _cont_row(v, ptr, idx, dag, lanes, det, nc, slot, dom, out, acc, kk):
    """``out[j]`` = mean ``dom`` over ``v``'s next hops of row ``idx[ptr[v]:ptr[v+1]]``
    in the lanes of the bit set ``lanes``, each summed in row order as
    :func:`crossroads.metrics.flows.cont_of` does; other lanes are left alone."""
    for j in range(kk):
        acc[j] = 0.0
    for e in range(ptr[v], ptr[v + 1]):
        s = slot[idx[e]]
        mk = dag[e] & lanes
        if s < 0 or mk == 0:
            continue
        for j in range(kk):
            acc[j] += dom[s, j] if _on(mk, j) else 0.0
    for j in range(kk):
        if _on(lanes, j):
            out[j] = acc[j] if det else acc[j] / nc[v, j]


@njit(**_JIT)
def dom_pass(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, dag_prov,
             dag_cust, dag_peer, det, rel, nc, cc, home, root, virtual, dest_home, slot,
             dom):
    """Fill ``dom[slot[v], j]`` for every AS ``v`` holding a slot; ``dom`` must come
    zeroed, and stays 0 in the lanes whose home is not ``v``'s country."""
    n, kk = rel.shape
    cont = np.zeros(kk)
    acc = np.zeros(kk)
    for v in range(n):  # customer/origin routes: their next hops have smaller ids
        s = slot[v]
        if s < 0:
            continue
        lanes = _lanes_in(rel, v, CUSTOMER, CUSTOMER, kk)
        if lanes:
            _cont_row(v, cust_ptr, cust_idx, dag_cust, lanes, det, nc, slot, dom, cont, acc,
                      kk)
        for j in range(kk):
            r = rel[v, j]
            if r == ORIGIN and v == root[j]:
                if virtual[j]:
                    c = 1.0 if dest_home[j] else 0.0
                    dom[s, j] = c if cc[v] == home[j] else 0.0
                else:
                    dom[s, j] = 1.0 if dest_home[j] else 0.0
            elif r == CUSTOMER and cc[v] == home[j]:
                dom[s, j] = cont[j]
    for v in range(n - 1, -1, -1):  # peer/provider routes: next hops are done by now
        s = slot[v]
        if s < 0:
            continue
        _conts(v, prov_ptr, prov_idx, peer_ptr, peer_idx, dag_prov, dag_peer, rel, det, nc,
               slot, dom, cont, acc, kk)
        for j in range(kk):
            r = rel[v, j]
            if (r == PEER or r == PROVIDER) and cc[v] == home[j]:
                dom[s, j] = cont[j]


@njit(**_JIT)
def _conts(v, prov_ptr, prov_idx, peer_ptr, peer_idx, dag_prov, dag_peer, rel, det, nc,
           slot, dom, cont, acc, kk):
    """``cont`` of ``v`` in its peer-route and provider-route lanes."""
    lanes = _lanes_in(rel, v, PEER, PEER, kk)
    if lanes:
        _cont_row(v, peer_ptr, peer_idx, dag_peer, lanes, det, nc, slot, dom, cont, acc, kk)
    lanes = _lanes_in(rel, v, PROVIDER, PROVIDER, kk)
    if lanes:
        _cont_row(v, prov_ptr, prov_idx, dag_prov, lanes, det, nc, slot, dom, cont, acc, kk)


@njit(**_JIT)
def special_ases(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, slot, root):
    """ASes whose totals need a closer look: home ASes of some lane (``slot``), those
    next to one (their ``cont`` may be > 0) and the lanes' destinations."""
    n = slot.shape[0]
    out = np.zeros(n, np.bool_)
    for v in range(n):
        if slot[v] >= 0:
            out[v] = True
            continue
        for ptr, idx in ((prov_ptr, prov_idx), (cust_ptr, cust_idx), (peer_ptr, peer_idx)):
            for e in range(ptr[v], ptr[v + 1]):
                if slot[idx[e]] >= 0:
                    out[v] = True
                    break
    for r in root:
        out[r] = True
    return out


@njit(**_JIT)
def mass_pass(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, dag_prov,
              dag_cust, dag_peer, up_prov, up_cust, up_peer, one_prov, perm, det, rel, ln,
              nc, cc, w, excl, home, root, virtual, dest_home, slot, dom, special, upper,
              srow, share):
    """Push every lane's source mass down its next-hop DAG.

    Returns ``(reached, t_key, t_val, t_kind, t_lane)``: per lane the weight of the
    sources with a route, and the non-zero gateway, direct and domestic contributions
    for :func:`sum_terms`. ``share[srow[v]]`` is scratch for the ASes with customers:
    what ``v`` passes to each of its next hops, per lane. Only ASes with customers, the
    ``special`` ones and (second sweep) the ``upper`` ones (an origin or customer route in
    some lane) are visited: a leaf passes on its own weight, recomputed where needed.
    The reached weight is summed in another order than the per-destination kernel's,
    which is the same sum for integer weights (IPv4 counts, unit weights).
    """
    n, kk = rel.shape
    reached = _reached(rel, cc, w, excl, root, virtual)
    m = np.zeros(kk)
    wv = np.zeros(kk)
    cont = np.zeros(kk)
    acc = np.zeros(kk)
    terms = _new_terms(1024)
    for phase in range(2):
        lo, hi = (PEER, PROVIDER) if phase == 0 else (ORIGIN, CUSTOMER)
        for i in range(n):
            v = i if phase == 0 else n - 1 - i
            if not (special[v] or (srow[v] >= 0 if phase == 0 else upper[v])):
                continue
            lanes = _lanes_in(rel, v, lo, hi, kk)
            if lanes == 0:
                continue
            cv = cc[v]
            wx = w[v]
            for j in range(kk):
                own = (cv != excl[j]) & ((v != root[j]) | virtual[j])
                wv[j] = wx * np.float64(own)
            for j in range(kk):
                m[j] = wv[j]
            # predecessors, highest ASN first: customers with provider routes; for
            # customer/origin routes also peers with peer routes and providers with
            # customer routes (three rows merged by ASN)
            ec, sc = cust_ptr[v + 1] - 1, cust_ptr[v]
            ep, sp = peer_ptr[v + 1] - 1, peer_ptr[v]
            eq, sq = prov_ptr[v + 1] - 1, prov_ptr[v]
            if phase == 0:
                ep, eq = sp - 1, sq - 1
            while True:
                while ec >= sc and up_cust[ec] & lanes == 0:
                    ec -= 1
                while ep >= sp and up_peer[ep] & lanes == 0:
                    ep -= 1
                while eq >= sq and up_prov[eq] & lanes == 0:
                    eq -= 1
                ac = perm[cust_idx[ec]] if ec >= sc else -1
                ap = perm[peer_idx[ep]] if ep >= sp else -1
                aq = perm[prov_idx[eq]] if eq >= sq else -1
                if ac < 0 and ap < 0 and aq < 0:
                    break
                if ac >= ap and ac >= aq:
                    p, mk, unit = cust_idx[ec], up_cust[ec] & lanes, one_prov[cust_idx[ec]]
                    ec -= 1
                elif ap >= aq:
                    p, mk, unit = peer_idx[ep], up_peer[ep] & lanes, False
                    ep -= 1
                else:
                    p, mk, unit = prov_idx[eq], up_prov[eq] & lanes, False
                    eq -= 1
                # what p passes on: its stored share, or for a leaf (no customers: its
                # mass is its own weight) that weight over its next hops
                r = srow[p]
                if r >= 0:
                    for j in range(kk):
                        m[j] += share[r, j] if _on(mk, j) else 0.0
                elif det or unit:
                    wp, cp = w[p], cc[p]
                    for j in range(kk):
                        m[j] += wp if _on(mk, j) & (cp != excl[j]) else 0.0
                else:
                    wp, cp = w[p], cc[p]
                    if _at_most_two(nc, p, kk):  # x / 1 and x / 2 are exact products
                        for j in range(kk):
                            x = wp * (1.5 - 0.5 * nc[p, j])
                            m[j] += x if _on(mk, j) & (cp != excl[j]) else 0.0
                    else:
                        for j in range(kk):
                            x = wp / nc[p, j]
                            m[j] += x if _on(mk, j) & (cp != excl[j]) else 0.0
            sr = srow[v]
            if sr >= 0:
                if det:
                    for j in range(kk):
                        share[sr, j] = m[j] if _on(lanes, j) else share[sr, j]
                elif _at_most_two(nc, v, kk):
                    for j in range(kk):
                        x = m[j] * (1.5 - 0.5 * nc[v, j])
                        share[sr, j] = x if _on(lanes, j) else share[sr, j]
                else:
                    for j in range(kk):
                        x = m[j] / nc[v, j]
                        share[sr, j] = x if _on(lanes, j) else share[sr, j]
            if special[v]:
                if phase == 0:
                    _conts(v, prov_ptr, prov_idx, peer_ptr, peer_idx, dag_prov, dag_peer,
                           rel, det, nc, slot, dom, cont, acc, kk)
                else:
                    lc = _lanes_in(rel, v, CUSTOMER, CUSTOMER, kk)
                    if lc:
                        _cont_row(v, cust_ptr, cust_idx, dag_cust, lc, det, nc, slot, dom,
                                  cont, acc, kk)
                terms = _record(v, lanes, rel, ln, perm[v], cc, home, root, virtual,
                                dest_home, slot, dom, wv, m, cont, terms, kk)
    key, val, kind, lane, used = terms
    return reached, key[:used], val[:used], kind[:used], lane[:used]


@njit(**_INLINE)
def _at_most_two(nc, v, kk):
    """Whether every lane of ``v`` has at most two next hops (then dividing by the count
    is multiplying by 1 or 0.5: the same float, without a division)."""
    big = np.int16(0)
    for j in range(kk):
        big |= np.int16(nc[v, j] > 2)
    return big == 0


@njit(**_JIT)
def _reached(rel, cc, w, excl, root, virtual):
    """Per lane, the source weight with a route."""
    n, kk = rel.shape
    out = np.zeros(kk)
    for v in range(n):
        cv, wx = cc[v], w[v]
        for j in range(kk):
            own = (rel[v, j] != 0) & (cv != excl[j]) & ((v != root[j]) | virtual[j])
            out[j] += wx * np.float64(own)
    return out


@njit(**_JIT)
def _new_terms(cap):
    return (np.empty(cap, np.int64), np.empty(cap, np.float64), np.empty(cap, np.int8),
            np.empty(cap, np.int32), 0)


@njit(**_JIT)
def _add(terms, key, x, kind, j):
    """``terms`` with one more term (arrays doubled when full); zeros are not kept."""
    if x == 0.0:
        return terms
    k, v, d, ln, used = terms
    if used == k.shape[0]:
        k, v, d, ln = (_grown(k, used), _grown(v, used), _grown(d, used), _grown(ln, used))
    k[used] = key
    v[used] = x
    d[used] = kind
    ln[used] = j
    return k, v, d, ln, used + 1


@njit(**_JIT)
def _grown(a, used):
    b = np.empty(2 * a.shape[0], a.dtype)
    b[:used] = a[:used]
    return b


@njit(**_JIT)
def _record(v, lanes, rel, ln, asn_order, cc, home, root, virtual, dest_home, slot, dom,
            wv, m, cont, terms, kk):
    """``terms`` with ``v``'s domestic (home ``v``), direct and gateway terms (foreign
    ``v``) added, as :func:`crossroads.metrics.flows.flow` computes them."""
    for j in range(kk):
        if not _on(lanes, j):
            continue
        transit = m[j] - wv[j]
        if v == root[j] and not virtual[j]:
            transit = 0.0
        key = (np.int64(ln[v, j]) << 32) | np.int64(asn_order)
        if cc[v] == home[j]:
            terms = _add(terms, key, wv[j] * dom[slot[v], j], _DOMESTIC, j)
            continue
        if v == root[j] and virtual[j]:
            c = 1.0 if dest_home[j] else 0.0
        elif rel[v, j] == ORIGIN:
            c = 0.0
        else:
            c = cont[j]
        if c != 0.0:
            terms = _add(terms, key, wv[j] * c, _DIRECT, j)
            terms = _add(terms, np.int64(asn_order), transit * c, _GATEWAY, j)
    return terms


@njit(**_JIT)
def key_order(keys):
    """Indices that sort ``keys`` (``length << 32 | AS index`` or an AS index, non-
    negative) ascending, ties in input order: keys packed to ``length << b | index`` (``b``
    the bits of the largest index), then an LSD radix sort, 11 bits a pass -- two passes
    on a real graph where a comparison sort of a big batch's ~700,000 terms took most of
    :func:`sum_terms`."""
    t = keys.shape[0]
    lo_max = np.int64(0)
    for i in range(t):
        lo_max = max(lo_max, keys[i] & np.int64(0xFFFFFFFF))
    bits = np.int64(0)
    while (lo_max >> bits) > 0:
        bits += 1
    key = np.empty(t, np.int64)
    for i in range(t):
        key[i] = ((keys[i] >> 32) << bits) | (keys[i] & np.int64(0xFFFFFFFF))
    order = np.arange(t)
    top = key.max() if t else np.int64(0)
    key2 = np.empty(t, np.int64)
    order2 = np.empty(t, np.int64)
    shift = 0
    while (top >> shift) > 0:
        count = np.zeros(2049, np.int64)
        for i in range(t):
            count[((key[i] >> shift) & 2047) + 1] += 1
        for d in range(2048):
            count[d + 1] += count[d]
        for i in range(t):
            d = (key[i] >> shift) & 2047
            key2[count[d]] = key[i]
            order2[count[d]] = order[i]
            count[d] += 1
        key, key2 = key2, key
        order, order2 = order2, order
        shift += 11
    return order


@njit(**_JIT)
def sum_terms(t_key, t_val, t_kind, t_lane, cc_of_as, kk, n_countries):
    """Per lane: gateway mass by country (terms by increasing ASN, as ``np.bincount``
    adds them), ``direct`` and ``domestic`` (by increasing length, then ASN)."""
    gw = np.zeros((kk, n_countries))
    direct = np.zeros(kk)
    domestic = np.zeros(kk)
    for i in key_order(t_key):  # in key order within each lane/kind
        j = t_lane[i]
        if t_kind[i] == _GATEWAY:
            gw[j, cc_of_as[t_key[i]]] += t_val[i]
        elif t_kind[i] == _DIRECT:
            direct[j] += t_val[i]
        else:
            domestic[j] += t_val[i]
    return gw, direct, domestic


@njit(**_JIT)
def routed_sums(rel, weights):
    """``out[i, j]``: the sum of ``weights[i, v]`` over the ASes ``v`` with a route in lane
    ``j`` (rows of ``weights`` in the lane graph's numbering)."""
    n, kk = rel.shape
    out = np.zeros((weights.shape[0], kk))
    for v in range(n):
        for i in range(weights.shape[0]):
            x = weights[i, v]
            if x != 0.0:
                for j in range(kk):
                    out[i, j] += x * np.float64(rel[v, j] != 0)
    return out


# ------------------------------------------------------------------ hegemony
@njit(**_JIT)
def vp_triples(perm, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, dag_prov,
               dag_cust, dag_peer, det, rel, ln, nc, vps, roots):
    """Per lane ``j`` and vantage point ``vps[p]`` (internal ids, ascending ASN) with a
    route, other than the lane's origin ``roots[j]``: the tie-split probability that each
    AS lies strictly inside its path -- :func:`crossroads.routing._kernels.per_source_mass`
    on the lane's DAG, step for step (same DFS, same order, same divisions).

    Returns ``(n_vp, lane, vp, node, prob)``: per lane the number of vantage points
    counted, then one record per (lane, vantage point position ``p``, AS index, prob).
    A lane's next hops are read off the ``dag`` bits once per AS (``hop_*``).
    """
    n, kk = rel.shape
    n_vp = np.zeros(kk, np.int64)
    stamp = np.full(n, -1, np.int64)
    hop_lane = np.full(n, -1, np.int64)
    hop_at = np.zeros(n, np.int64)
    hop_n = np.zeros(n, np.int64)
    pool = np.empty(1 << 16, np.int32)
    prob = np.zeros(n)
    stack = np.empty(n, np.int32)
    seen = np.empty(n, np.int32)
    cap = 1 << 16
    o_lane = np.empty(cap, np.int32)
    o_vp = np.empty(cap, np.int32)
    o_node = np.empty(cap, np.int32)
    o_prob = np.empty(cap, np.float64)
    used = 0
    tick = 0
    for j in range(kk):
        at = 0
        root = roots[j]
        for p in range(vps.shape[0]):
            s = vps[p]
            if rel[s, j] == 0 or s == root:
                continue
            n_vp[j] += 1
            tick += 1
            stamp[s] = tick
            stack[0] = s
            top, m = 1, 0
            while top > 0:  # the sub-DAG below s, discovered as per_source_mass does
                top -= 1
                v = stack[top]
                seen[m] = v
                m += 1
                if hop_lane[v] != j:  # v's next hops in lane j, in row (ASN) order
                    hop_lane[v] = j
                    hop_at[v] = at
                    r = rel[v, j]
                    deg = max(cust_ptr[v + 1] - cust_ptr[v], peer_ptr[v + 1] - peer_ptr[v],
                              prov_ptr[v + 1] - prov_ptr[v])
                    if at + deg > pool.shape[0]:
                        pool = _grown(pool, at + deg)
                    # one loop per row kind: an array chosen at run time would cost a
                    # reference-count update per entry
                    if r == CUSTOMER:
                        at = _hops_into(cust_ptr, cust_idx, dag_cust, v, j, pool, at)
                    elif r == PEER:
                        at = _hops_into(peer_ptr, peer_idx, dag_peer, v, j, pool, at)
                    elif r == PROVIDER:
                        at = _hops_into(prov_ptr, prov_idx, dag_prov, v, j, pool, at)
                    hop_n[v] = at - hop_at[v]
                for k in range(hop_at[v], hop_at[v] + hop_n[v]):
                    u = pool[k]
                    if stamp[u] != tick:
                        stamp[u] = tick
                        stack[top] = u
                        top += 1
            order = _by_length(seen[:m], ln, j)
            for i in range(m):
                prob[order[i]] = 0.0
            prob[s] = 1.0
            if used + m > cap:
                cap = 2 * (used + m)
                o_lane, o_vp = _grown(o_lane, used), _grown(o_vp, used)
                o_node, o_prob = _grown(o_node, used), _grown(o_prob, used)
                o_lane, o_vp = _sized(o_lane, cap), _sized(o_vp, cap)
                o_node, o_prob = _sized(o_node, cap), _sized(o_prob, cap)
            for i in range(m - 1, -1, -1):
                v = order[i]
                x = prob[v]
                if v != s and v != root:
                    o_lane[used] = j
                    o_vp[used] = p
                    o_node[used] = perm[v]
                    o_prob[used] = x
                    used += 1
                c = hop_n[v]
                if c > 0:
                    share = x / c
                    for k in range(hop_at[v], hop_at[v] + c):
                        prob[pool[k]] += share
    return n_vp, o_lane[:used], o_vp[:used], o_node[:used], o_prob[:used]


@njit(**_INLINE)
def _hops_into(ptr, idx, dag, v, j, pool, at):
    """Append the entries of ``v``'s row that are next hops in lane ``j``."""
    for e in range(ptr[v], ptr[v + 1]):
        if _on(dag[e], j):
            pool[at] = idx[e]
            at += 1
    return at


@njit(**_JIT)
def _sized(a, cap):
    """``a``'s values in an array of ``cap`` elements (at least ``a``'s length)."""
    if a.shape[0] >= cap:
        return a
    b = np.empty(cap, a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(**_JIT)
def _by_length(nodes, ln, j):
    """``nodes`` stably sorted by their length in lane ``j`` (counting sort)."""
    top = np.int64(0)
    for v in nodes:
        top = max(top, np.int64(ln[v, j]))
    count = np.zeros(top + 2, np.int64)
    for v in nodes:
        count[ln[v, j] + 1] += 1
    for i in range(1, top + 2):
        count[i] += count[i - 1]
    out = np.empty(nodes.shape[0], np.int32)
    for v in nodes:
        out[count[ln[v, j]]] = v
        count[ln[v, j]] += 1
    return out


@njit(**_JIT)
def trimmed_by_lane(n_vp, lane, node, prob, alpha):
    """Per lane, the alpha-trimmed mean over its ``n_vp`` vantage points of each AS's
    probability (absent = 0): returns ``(lane, node, value)`` records, summed exactly as
    :func:`crossroads.metrics._kernels.trimmed_mean_columns` sums a sorted dense column
    (its zeros first, which add nothing)."""
    key = (lane.astype(np.int64) << np.int64(32)) | node.astype(np.int64)
    order = np.argsort(key, kind="mergesort")
    m = order.shape[0]
    o_lane = np.empty(m, np.int32)
    o_node = np.empty(m, np.int32)
    o_val = np.empty(m, np.float64)
    used = 0
    i = 0
    while i < m:
        e = i
        while e < m and key[order[e]] == key[order[i]]:
            e += 1
        j = lane[order[i]]
        n = n_vp[j]
        cut = int(np.floor(alpha * n))
        keep = n - 2 * cut
        vals = np.sort(prob[order[i:e]])  # non-zero, ascending; n - z zeros come first
        z = e - i
        s = 0.0
        if keep > 0:
            for t in range(z):
                if cut <= n - z + t < n - cut:
                    s += vals[t]
            s = s / keep
        o_lane[used] = j
        o_node[used] = node[order[i]]
        o_val[used] = s
        used += 1
        i = e
    return o_lane[:used], o_node[:used], o_val[:used]


@njit(**_JIT)
def add_paths(num, col, lane, vp, node, prob, wd):
    """``num[vp, col[node]] += wd[lane] * prob`` record by record (global hegemony)."""
    for i in range(lane.shape[0]):
        num[vp[i], col[node[i]]] += wd[lane[i]] * prob[i]
