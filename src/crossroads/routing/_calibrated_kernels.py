"""numba kernels of calibrated routing: observed routes fixed, every other AS simulated.

Private: arrays in, arrays out; :mod:`crossroads.routing.calibration` is the API and
``docs/methods/calibration.md`` the method. One propagation reads

* the graph's CSR adjacency and the origin indices;
* the *trie* of the routes observed towards the destination, nodes ``lo..hi-1``: node
  ``i`` is one observed AS-path suffix ``node_idx[i] ... origin`` (an AS index, -1 when
  the graph lacks the AS); ``node_par[i]`` is the node of the suffix one hop shorter
  (-1 at the root, the origin) and comes before ``i``; ``node_cnt[i]`` counts the
  observed paths that contain the suffix;
* learned preference counts aligned with the three CSRs (``up_pref``, ``down_pref``,
  ``across_pref``: for the neighbour at position ``k`` of AS ``u``'s provider, customer,
  peer row, how often it was seen choosing ``u``), for simulated ties.

Phases: (1) a suffix is *valid* when its parent is valid and its first link exists in
the graph (the root must be an origin), so a removed AS or link invalidates every
observed route through it; (2) the valid suffixes give each observed AS its next hops
weighted by counts; (3) heights (1 + the highest next hop, origin 0) order the fixed
ASes, and a loop among them (only conflicting observations can make one) is broken by
dropping next hops towards ASes seen no closer to the origin (:func:`_resolve`); (4) the
three Gao-Rexford phases of :func:`crossroads.routing._kernels.gao_rexford` run with the
fixed ASes as extra seeds whose routes never change and are exported by the usual rules
(class of the most-seen next hop); (5) a simulated AS takes, among its equally best next
hops, one whose own route is observed (fixed), then the one it was seen using most, then
the lowest index.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.routing._fidelity_kernels import _ACROSS, _DOWN, _NONE, _relation
from crossroads.routing.arrays import (
    CUSTOMER,
    ORIGIN,
    PEER,
    PROVIDER,
    UNREACHABLE,
    sort_by_length,
)

MAX_WEIGHT = 16  # next-hop multiplicities of one observed AS add up to at most this


@njit(cache=True, nogil=True)
def _class_of(rel_code):
    """Route class of an AS whose next hop is its customer / peer / provider."""
    if rel_code == _DOWN:
        return CUSTOMER
    if rel_code == _ACROSS:
        return PEER
    return PROVIDER


@njit(cache=True, nogil=True)
def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


@njit(cache=True, nogil=True)
def _observed_edges(adj, rel, node_idx, node_par, node_cnt, lo, hi):
    """Valid suffixes -> merged (AS, next hop, count, shortest observed length) edges,
    sorted by AS then next hop; and how many suffixes were invalid."""
    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx = adj
    m = hi - lo
    valid = np.zeros(m, np.bool_)
    depth = np.zeros(m, np.int64)
    keys = np.empty(m, np.int64)
    cnts = np.empty(m, np.int64)
    deps = np.empty(m, np.int64)
    ne = 0
    dropped = 0
    for i in range(lo, hi):
        v = node_idx[i]
        p = node_par[i]
        if p < 0:
            valid[i - lo] = v >= 0 and rel[v] == ORIGIN
            continue
        u = node_idx[p]
        ok = valid[p - lo] and v >= 0 and rel[v] != ORIGIN
        if ok:
            ok = _relation(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
                           v, u) != _NONE
        if not ok:
            dropped += 1
            continue
        valid[i - lo] = True
        depth[i - lo] = depth[p - lo] + 1
        keys[ne] = (np.int64(v) << 32) | np.int64(u)
        cnts[ne] = node_cnt[i]
        deps[ne] = depth[i - lo]
        ne += 1
    order = np.argsort(keys[:ne])
    ev = np.empty(ne, np.int32)
    eu = np.empty(ne, np.int32)
    ec = np.zeros(ne, np.int64)
    ed = np.zeros(ne, np.int64)
    k = -1
    last = np.int64(-1)
    for j in order:
        if keys[j] != last:
            k += 1
            last = keys[j]
            ev[k] = np.int32(last >> 32)
            eu[k] = np.int32(last & 0xFFFFFFFF)
            ed[k] = deps[j]
        ec[k] += cnts[j]
        ed[k] = min(ed[k], deps[j])
    return ev[: k + 1], eu[: k + 1], ec[: k + 1], ed[: k + 1], dropped


@njit(cache=True, nogil=True)
def _kahn(rel, eu, ec, fpos, f_start, state, height):
    """Resolve every fixed AS whose kept next hops are all resolved, until none changes."""
    progress = True
    while progress:
        progress = False
        for f in range(f_start.shape[0] - 1):
            if state[f] != 0:
                continue
            h = 0
            for e in range(f_start[f], f_start[f + 1]):
                if ec[e] == 0:
                    continue
                u = eu[e]
                if rel[u] == ORIGIN:
                    hu = 0
                elif state[fpos[u]] == 1:
                    hu = height[fpos[u]]
                else:
                    h = -1
                    break
                h = max(h, hu + 1)
            if h > 0:
                state[f] = 1
                height[f] = h
                progress = True


@njit(cache=True, nogil=True)
def _resolve(rel, ev, eu, ec, ed, fpos, f_start, state, height):
    """Heights of the fixed ASes; loops broken as in the module doc. Returns the number of
    next hops dropped to break loops (their count is set to 0).

    With ``d(v)`` the shortest route observed at ``v`` (0 at an origin), an AS left
    unresolved keeps the next hops ``u`` already resolved or with ``d(u) < d(v)``: ``d``
    strictly decreases along the kept next hops, so no loop remains, and every AS keeps
    at least the next hop of its shortest observed route.
    """
    _kahn(rel, eu, ec, fpos, f_start, state, height)
    nf = f_start.shape[0] - 1
    dmin = np.zeros(nf, np.int64)
    for f in range(nf):
        dmin[f] = ed[f_start[f]]
        for e in range(f_start[f], f_start[f + 1]):
            dmin[f] = min(dmin[f], ed[e])
    cut = 0
    for f in range(nf):
        if state[f] != 0:
            continue
        for e in range(f_start[f], f_start[f + 1]):
            u = eu[e]
            if rel[u] == ORIGIN or state[fpos[u]] == 1 or dmin[fpos[u]] < dmin[f]:
                continue
            ec[e] = 0
            cut += 1
    if cut:
        _kahn(rel, eu, ec, fpos, f_start, state, height)
    return cut


@njit(cache=True, nogil=True)
def calibrated_routes(
    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, origins,
    node_idx, node_par, node_cnt, lo, hi, up_pref, down_pref, across_pref,
):
    """``(rel, length, next_hop, nh_ptr, nh_idx, fixed, stats)`` of every AS (module doc).

    ``stats``: fixed ASes, observed suffixes dropped (AS or link missing), observed next
    hops dropped to break a loop.
    """
    adj = (prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx)
    n = prov_ptr.shape[0] - 1
    rel = np.zeros(n, np.int8)
    length = np.full(n, -1, np.int32)
    nh = np.full(n, -1, np.int32)
    fixed = np.zeros(n, np.bool_)
    for o in origins:
        rel[o] = ORIGIN
        length[o] = 0
    ev, eu, ec, ed, dropped = _observed_edges(adj, rel, node_idx, node_par, node_cnt, lo, hi)
    # the fixed ASes: runs of equal ev
    fpos = np.full(n, -1, np.int32)
    f_start = np.empty(ev.shape[0] + 1, np.int64)
    nf = 0
    for e in range(ev.shape[0]):
        if e == 0 or ev[e] != ev[e - 1]:
            f_start[nf] = e
            fpos[ev[e]] = nf
            nf += 1
    f_start[nf] = ev.shape[0]
    f_start = f_start[: nf + 1]
    state = np.zeros(nf, np.int8)
    height = np.zeros(nf, np.int64)
    cut = _resolve(rel, ev, eu, ec, ed, fpos, f_start, state, height)
    mult = np.zeros(ev.shape[0], np.int64)
    n_fixed = 0
    for f in range(nf):
        a, b = f_start[f], f_start[f + 1]
        v = ev[a]
        best = -1
        total = 0
        for e in range(a, b):
            total += ec[e]
            if ec[e] > 0 and (best < 0 or ec[e] > ec[best]):
                best = e
        g = 0
        for e in range(a, b):
            if ec[e] > 0:
                w = ec[e] if total <= MAX_WEIGHT else max(1, (ec[e] * MAX_WEIGHT + total // 2)
                                                          // total)
                mult[e] = w
                g = _gcd(g, w)
        for e in range(a, b):
            mult[e] //= g
        u = eu[best]
        rel[v] = _class_of(_relation(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr,
                                     peer_idx, v, u))
        length[v] = height[f]
        nh[v] = u
        fixed[v] = True
        n_fixed += 1
    fixed_list = np.empty(nf, np.int32)
    for f in range(nf):
        fixed_list[f] = ev[f_start[f]]
    _simulate(adj, (up_pref, down_pref, across_pref), rel, length, nh, fixed, origins,
              fixed_list)
    nh_ptr, nh_idx = _next_hop_csr(rel, nh, fixed, fpos, f_start, eu, mult)
    stats = np.array([n_fixed, dropped, cut], np.int64)
    return rel, length, nh, nh_ptr, nh_idx, fixed, stats


@njit(cache=True, nogil=True)
def _simulate(adj, prefs, rel, length, nh, fixed, origins, fixed_list):
    """The three Gao-Rexford phases around the fixed routes; a simulated AS's next hop is
    its equally best neighbour with an observed route, then seen most often, then of the
    lowest index (:func:`_better`), kept up to date as offers arrive. ``prefs`` =
    ``(up, down, across)``, aligned with the provider, customer and peer CSRs: entry
    ``k`` of AS ``u``'s row holds how often that neighbour was seen choosing ``u`` -- the
    count an offer from ``u`` carries, so a tie costs one array read."""
    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx = adj
    up_pref, down_pref, across_pref = prefs
    n = rel.shape[0]
    npref = np.zeros(n, np.int64)  # the count of each simulated AS's current choice
    routed = np.empty(n, np.int32)
    m = 0
    for o in origins:
        routed[m] = o
        m += 1
    for v in fixed_list:
        routed[m] = v
        m += 1
    ns = 0
    seeds = np.empty(m, np.int32)
    for j in range(m):
        if rel[routed[j]] == ORIGIN or rel[routed[j]] == CUSTOMER:
            seeds[ns] = routed[j]
            ns += 1
    seeds = sort_by_length(seeds[:ns], length)
    # up: customer routes, offered by origin/customer routes to providers
    tail = _spread(prov_ptr, prov_idx, up_pref, seeds, routed, m, rel, length, nh, npref,
                   fixed, CUSTOMER)
    # across: every origin/customer route one hop to peers without a customer route
    for j in range(tail):
        u = routed[j]
        if rel[u] != ORIGIN and rel[u] != CUSTOMER:
            continue
        lu = length[u] + 1
        for k in range(peer_ptr[u], peer_ptr[u + 1]):
            w = peer_idx[k]
            if fixed[w]:
                continue
            if rel[w] == UNREACHABLE:
                rel[w] = PEER
                routed[tail] = w
                tail += 1
            elif not (rel[w] == PEER and (lu < length[w] or (lu == length[w] and _better(
                    across_pref[k], u, npref[w], nh[w], fixed)))):
                continue
            length[w] = lu
            nh[w] = u
            npref[w] = across_pref[k]
    # down: provider routes, offered by every route to customers
    seeds = sort_by_length(routed[:tail], length)
    _spread(cust_ptr, cust_idx, down_pref, seeds, routed, tail, rel, length, nh, npref,
            fixed, PROVIDER)


@njit(cache=True, nogil=True)
def _better(p_new, u, p_cur, cur, fixed):
    """Whether an equally good offer from ``u`` (seen chosen ``p_new`` times) beats the
    current next hop ``cur`` (``p_cur`` times): ``u``'s own route is observed and
    ``cur``'s is not; else, both alike, seen more often, or as often and a lower index."""
    if fixed[u] != fixed[cur]:
        return fixed[u]
    return p_new > p_cur or (p_new == p_cur and u < cur)


@njit(cache=True, nogil=True)
def _spread(ptr, idx, pref, seeds, out, tail, rel, length, nh, npref, fixed, cls):
    """Unit-weight Dijkstra from length-sorted ``seeds`` along one CSR (``pref`` aligned
    with it: the count of the reached AS choosing the offering one): an AS reached first
    (shortest) takes class ``cls``; equal offers go to the preferred neighbour. Reached
    ASes are appended to ``out`` from ``tail``; returns the new tail."""
    head = tail
    s = 0
    ns = seeds.shape[0]
    while s < ns or head < tail:
        if head < tail and (s >= ns or length[out[head]] < length[seeds[s]]):
            u = out[head]
            head += 1
        else:
            u = seeds[s]
            s += 1
        lu = length[u] + 1
        for k in range(ptr[u], ptr[u + 1]):
            x = idx[k]
            if fixed[x]:
                continue
            if rel[x] == UNREACHABLE:
                rel[x] = cls
                length[x] = lu
                nh[x] = u
                npref[x] = pref[k]
                out[tail] = x
                tail += 1
            elif rel[x] == cls and length[x] == lu and _better(pref[k], u, npref[x], nh[x], fixed):
                nh[x] = u
                npref[x] = pref[k]
    return tail


@njit(cache=True, nogil=True)
def _next_hop_csr(rel, nh, fixed, fpos, f_start, eu, mult):
    """CSR of the next hops: one per simulated AS, each observed next hop of a fixed AS
    repeated by its multiplicity (rows sorted by index)."""
    n = rel.shape[0]
    ptr = np.zeros(n + 1, np.int64)
    for v in range(n):
        c = 0
        if fixed[v]:
            f = fpos[v]
            for e in range(f_start[f], f_start[f + 1]):
                c += mult[e]
        elif nh[v] >= 0:
            c = 1
        ptr[v + 1] = ptr[v] + c
    idx = np.empty(ptr[n], np.int32)
    for v in range(n):
        k = ptr[v]
        if fixed[v]:
            f = fpos[v]
            for e in range(f_start[f], f_start[f + 1]):
                for _ in range(mult[e]):
                    idx[k] = eu[e]
                    k += 1
        elif nh[v] >= 0:
            idx[k] = nh[v]
    return ptr, idx
