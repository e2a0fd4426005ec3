"""numba kernels of the routing engine: arrays in, arrays out, no Python objects.

Private: the typed wrappers in :mod:`crossroads.routing.propagate` and
:mod:`crossroads.routing.flow` are the API. Every kernel releases the GIL (``nogil``) so
that :func:`~crossroads.routing.propagate.propagate_many` can run origins on threads.

Route classes (the values of :class:`~crossroads.routing.routes.RouteClass`):
0 unreachable, 1 origin, 2 learned from a customer, 3 from a peer, 4 from a provider.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.routing.arrays import (
    CUSTOMER,
    ORIGIN,
    PEER,
    PROVIDER,
    UNREACHABLE,
    grow,
    is_best_via,
    sort_by_length,
)


@njit(cache=True, nogil=True)
def gao_rexford(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, origins):
    """Route class, AS-path length (hops) and lowest-index best next hop of every AS.

    Phase 1 walks provider links breadth-first from the origins (customer routes: BFS
    order is shortest-path order); phase 2 offers every origin/customer route one hop to
    peers; phase 3 walks customer links from every routed AS in increasing path length
    (a merge of the sorted seeds with the FIFO of newly reached ASes is a unit-weight
    Dijkstra), giving provider routes to ASes that have nothing better.
    """
    n = prov_ptr.shape[0] - 1
    rel = np.zeros(n, np.int8)
    length = np.full(n, -1, np.int32)
    nh = np.full(n, -1, np.int32)
    queue = np.empty(n, np.int32)
    tail = 0
    for o in origins:
        if rel[o] == UNREACHABLE:
            rel[o] = ORIGIN
            length[o] = 0
            queue[tail] = o
            tail += 1
    # phase 1: up the provider links
    head = 0
    while head < tail:
        u = queue[head]
        head += 1
        lu = length[u] + 1
        for k in range(prov_ptr[u], prov_ptr[u + 1]):
            p = prov_idx[k]
            if rel[p] == UNREACHABLE:
                rel[p] = CUSTOMER
                length[p] = lu
                nh[p] = u
                queue[tail] = p
                tail += 1
            elif rel[p] == CUSTOMER and length[p] == lu and u < nh[p]:
                nh[p] = u
    n_up = tail
    # phase 2: one hop across peer links
    for i in range(n_up):
        u = queue[i]
        lu = length[u] + 1
        for k in range(peer_ptr[u], peer_ptr[u + 1]):
            w = peer_idx[k]
            if rel[w] == UNREACHABLE:
                rel[w] = PEER
                length[w] = lu
                nh[w] = u
                queue[tail] = w
                tail += 1
            elif rel[w] == PEER and (lu < length[w] or (lu == length[w] and u < nh[w])):
                length[w] = lu
                nh[w] = u
    # phase 3: down the customer links, in increasing path length
    seeds = sort_by_length(queue[:tail], length)
    down = np.empty(n, np.int32)
    d_head = 0
    d_tail = 0
    s = 0
    while s < tail or d_head < d_tail:
        if d_head < d_tail and (s >= tail or length[down[d_head]] < length[seeds[s]]):
            u = down[d_head]
            d_head += 1
        else:
            u = seeds[s]
            s += 1
        lu = length[u] + 1
        for k in range(cust_ptr[u], cust_ptr[u + 1]):
            c = cust_idx[k]
            if rel[c] == UNREACHABLE:
                rel[c] = PROVIDER
                length[c] = lu
                nh[c] = u
                down[d_tail] = c
                d_tail += 1
            elif rel[c] == PROVIDER and length[c] == lu and u < nh[c]:
                nh[c] = u
    return rel, length, nh


@njit(cache=True, nogil=True)
def all_best_next_hops(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, rel, length):
    """CSR (ptr, idx) of every equally best next hop of every AS, rows sorted by index.

    An AS with a customer route may use any customer holding an origin/customer route one
    hop shorter; a peer route, any such peer; a provider route, any provider holding any
    route one hop shorter. These are exactly the routes the export rules deliver.
    """
    n = rel.shape[0]
    ptr = np.zeros(n + 1, np.int64)
    buf = np.empty(prov_idx.shape[0] + cust_idx.shape[0] + peer_idx.shape[0], np.int32)
    total = 0
    for v in range(n):
        ptr[v] = total
        r = rel[v]
        if r == CUSTOMER:
            a, b, idx = cust_ptr[v], cust_ptr[v + 1], cust_idx
        elif r == PEER:
            a, b, idx = peer_ptr[v], peer_ptr[v + 1], peer_idx
        elif r == PROVIDER:
            a, b, idx = prov_ptr[v], prov_ptr[v + 1], prov_idx
        else:
            continue
        for k in range(a, b):
            u = idx[k]
            if is_best_via(r, length[v], rel[u], length[u]):
                buf[total] = u
                total += 1
    ptr[n] = total
    return ptr, buf[:total].copy()


@njit(cache=True, nogil=True)
def per_source_mass(length, nh_ptr, nh_idx, sources):
    """COO (source position, AS index, probability) of the ASes on each source's paths."""
    n = length.shape[0]
    stamp = np.full(n, -1, np.int64)
    prob = np.zeros(n, np.float64)
    stack = np.empty(n, np.int32)
    seen = np.empty(n, np.int32)
    cap = 1024
    out_s = np.empty(cap, np.int64)
    out_v = np.empty(cap, np.int32)
    out_p = np.empty(cap, np.float64)
    total = 0
    for j in range(sources.shape[0]):
        s = sources[j]
        if length[s] < 0:
            continue
        # gather the sub-DAG reachable from s
        stamp[s] = j
        stack[0] = s
        top = 1
        m = 0
        while top > 0:
            top -= 1
            v = stack[top]
            seen[m] = v
            m += 1
            for k in range(nh_ptr[v], nh_ptr[v + 1]):
                u = nh_idx[k]
                if stamp[u] != j:
                    stamp[u] = j
                    stack[top] = u
                    top += 1
        order = sort_by_length(seen[:m], length)
        for i in range(m):
            prob[order[i]] = 0.0
        prob[s] = 1.0
        if total + m > cap:
            while total + m > cap:
                cap *= 2
            out_s = grow(out_s, cap)
            out_v = grow(out_v, cap)
            out_p = grow(out_p, cap)
        for i in range(m - 1, -1, -1):
            v = order[i]
            x = prob[v]
            out_s[total] = j
            out_v[total] = v
            out_p[total] = x
            total += 1
            a, b = nh_ptr[v], nh_ptr[v + 1]
            if a < b:
                share = x / (b - a)
                for k in range(a, b):
                    prob[nh_idx[k]] += share
    return out_s[:total].copy(), out_v[:total].copy(), out_p[:total].copy()


@njit(cache=True, nogil=True)
def overlay(rel_s, len_s, ptr_s, idx_s, rel_c, len_c, ptr_c, idx_c):
    """Forwarding by longest-prefix match: each AS uses the more-specific prefix's next
    hops when it has that route, else the covering prefix's. Returns (rel, length, ptr,
    idx) where ``length`` is the longest forwarding path in hops (exact when one next hop).
    """
    n = rel_s.shape[0]
    rel = np.empty(n, np.int8)
    length = np.full(n, -1, np.int32)
    ptr = np.zeros(n + 1, np.int64)
    total = 0
    for v in range(n):
        if rel_s[v] != UNREACHABLE:
            total += ptr_s[v + 1] - ptr_s[v]
        else:
            total += ptr_c[v + 1] - ptr_c[v]
    idx = np.empty(total, np.int32)
    total = 0
    for v in range(n):
        ptr[v] = total
        if rel_s[v] != UNREACHABLE:
            rel[v] = rel_s[v]
            length[v] = len_s[v]
            a, b, src = ptr_s[v], ptr_s[v + 1], idx_s
        else:
            rel[v] = rel_c[v]
            a, b, src = ptr_c[v], ptr_c[v + 1], idx_c
        for k in range(a, b):
            idx[total] = src[k]
            total += 1
    ptr[n] = total
    # ASes on the covering route only: their next hops are one covering hop closer, so
    # increasing covering length is a topological order of the forwarding DAG
    rest = np.empty(n, np.int32)
    m = 0
    for v in range(n):
        if rel_s[v] == UNREACHABLE and rel_c[v] != UNREACHABLE:
            rest[m] = v
            m += 1
    order = sort_by_length(rest[:m], len_c)
    for i in range(m):
        v = order[i]
        best = -1
        for k in range(ptr[v], ptr[v + 1]):
            if length[idx[k]] > best:
                best = length[idx[k]]
        length[v] = best + 1  # an origin of the covering prefix has no next hop: 0
    return rel, length, ptr, idx
