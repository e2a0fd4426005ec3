"""numba kernels of :mod:`crossroads.routing.fidelity`: simulate, then walk observed paths.

Private: arrays in, arrays out. One call propagates every origin group once (with the
engine's own :func:`crossroads.routing._kernels.gao_rexford`) and scores every observed
route of that group against the simulated routes, so no per-origin Python work remains.

Per route the kernel writes (``out_*`` arrays, one row per route):

* ``sim_len`` -- simulated AS-path length in hops from the vantage point (-1: no route);
* ``det_exact`` / ``det_nh`` -- the deterministic simulated path equals the observed one /
  has the same first hop. The deterministic path follows, at every AS, the equally best
  next hop seen most often for this destination (``learned-routes``), then with the
  highest learned preference score, then the lowest index (ASN);
* ``p_exact`` / ``p_nh`` -- the same under the tie-split (``all-best``) model: the
  probability that a walk that splits evenly over equally best next hops takes the
  observed path / first hop;
* ``in_best`` -- the observed path is one of the simulator's equally best paths;
* ``valid`` -- 0 valley-free under the graph, 1 a link of the path is missing from the
  graph, 2 every link exists but the path has a valley (so no simulation can match it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.routing._kernels import (
    CUSTOMER,
    ORIGIN,
    PEER,
    PROVIDER,
    UNREACHABLE,
    gao_rexford,
)

_NONE = 0
_DOWN = 1  # the next AS is a customer
_ACROSS = 2  # a peer
_UP = 3  # a provider


@njit(cache=True, nogil=True)
def _position(ptr, idx, v, u):
    """Where ``u`` is, or would be inserted, in CSR row ``v`` (rows sorted ascending)."""
    lo = ptr[v]
    hi = ptr[v + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if idx[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _in_row(ptr, idx, v, u):
    """Whether ``u`` is in CSR row ``v`` (rows sorted ascending)."""
    k = _position(ptr, idx, v, u)
    return k < ptr[v + 1] and idx[k] == u


@njit(cache=True, nogil=True)
def _relation(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, v, u):
    """What ``u`` is to ``v``: customer, peer, provider or nothing."""
    if _in_row(cust_ptr, cust_idx, v, u):
        return _DOWN
    if _in_row(peer_ptr, peer_idx, v, u):
        return _ACROSS
    if _in_row(prov_ptr, prov_idx, v, u):
        return _UP
    return _NONE


@njit(cache=True, nogil=True)
def _best_row(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, rel, v):
    """``(idx, a, b)``: the neighbour list (slice of ``idx``) holding ``v``'s best next hops."""
    r = rel[v]
    if r == CUSTOMER:
        return cust_idx, cust_ptr[v], cust_ptr[v + 1]
    if r == PEER:
        return peer_idx, peer_ptr[v], peer_ptr[v + 1]
    return prov_idx, prov_ptr[v], prov_ptr[v + 1]


@njit(cache=True, nogil=True)
def _is_best(rel, length, v, u):
    """Whether neighbour ``u`` (in the right list) offers ``v`` an equally best route."""
    if length[u] != length[v] - 1:
        return False
    if rel[v] == PROVIDER:
        return rel[u] != UNREACHABLE
    return rel[u] == ORIGIN or rel[u] == CUSTOMER


@njit(cache=True, nogil=True)
def _pref(pref_keys, pref_vals, v, u):
    """Learned preference score of next hop ``u`` at ``v`` (0 when none)."""
    if pref_keys.shape[0] == 0:
        return 0
    key = (np.int64(v) << 32) | np.int64(u)
    i = np.searchsorted(pref_keys, key)
    if i < pref_keys.shape[0] and pref_keys[i] == key:
        return pref_vals[i]
    return 0


@njit(cache=True, nogil=True)
def score_routes(
    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
    grp_ptr, grp_orig, route_ptr, vp, path_ptr, path_idx, pref_keys, pref_vals,
    dest_lo, dest_hi, dest_keys, dest_vals,
):
    """Score every observed route (see the module docstring).

    Groups ``g`` announce from ``grp_orig[grp_ptr[g]:grp_ptr[g+1]]``; their routes are rows
    ``route_ptr[g]:route_ptr[g+1]``; route ``i`` was observed at AS ``vp[i]`` with the AS
    path ``path_idx[path_ptr[i]:path_ptr[i+1]]`` (indices; -1 for an AS not in the graph).
    Group ``g``'s destination-specific preferences are ``dest_keys/dest_vals[dest_lo[g]:
    dest_hi[g]]`` (sorted keys ``v << 32 | u``, as ``pref_keys``).
    """
    m = vp.shape[0]
    sim_len = np.full(m, -1, np.int32)
    det_exact = np.zeros(m, np.bool_)
    det_nh = np.zeros(m, np.bool_)
    p_exact = np.zeros(m, np.float64)
    p_nh = np.zeros(m, np.float64)
    in_best = np.zeros(m, np.bool_)
    valid = np.zeros(m, np.int8)
    for g in range(grp_ptr.shape[0] - 1):
        origins = grp_orig[grp_ptr[g] : grp_ptr[g + 1]]
        rel, length, _ = gao_rexford(
            prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, origins
        )
        dk = dest_keys[dest_lo[g] : dest_hi[g]]
        dv = dest_vals[dest_lo[g] : dest_hi[g]]
        for i in range(route_ptr[g], route_ptr[g + 1]):
            a = path_ptr[i]
            b = path_ptr[i + 1]
            valid[i] = _check_path(
                prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, path_idx, a, b
            )
            v = vp[i]
            if length[v] < 0:
                continue
            sim_len[i] = length[v]
            # deterministic walk, compared hop by hop with the observed path
            same = True
            w = v
            k = a
            while length[w] > 0:
                nxt = _choose(
                    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
                    rel, length, w, pref_keys, pref_vals, dk, dv,
                )
                k += 1
                if k == a + 1:
                    det_nh[i] = k < b and path_idx[k] == nxt
                if same and (k >= b or path_idx[k] != nxt):
                    same = False
                w = nxt
            det_exact[i] = same and k == b - 1
            # tie-split walk along the observed path
            prob = 1.0
            ok = True
            for j in range(a, b - 1):
                x = path_idx[j]
                y = path_idx[j + 1]
                if x < 0 or y < 0 or length[x] <= 0:
                    ok = False
                    break
                idx, lo, hi = _best_row(
                    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, rel, x
                )
                n_best = 0
                hit = False
                for t in range(lo, hi):
                    u = idx[t]
                    if _is_best(rel, length, x, u):
                        n_best += 1
                        if u == y:
                            hit = True
                if not hit:
                    ok = False
                    break
                prob /= n_best
                if j == a:
                    p_nh[i] = prob
            if ok and length[path_idx[b - 1]] == 0:
                in_best[i] = True
                p_exact[i] = prob
    return sim_len, det_exact, det_nh, p_exact, p_nh, in_best, valid


@njit(cache=True, nogil=True)
def _choose(
    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
    rel, length, v, pref_keys, pref_vals, dest_keys, dest_vals,
):
    """``v``'s deterministic next hop: most seen for this destination, then highest learned
    score, then lowest index."""
    idx, lo, hi = _best_row(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, rel, v)
    best = -1
    best_score = -1
    for t in range(lo, hi):
        u = idx[t]
        if _is_best(rel, length, v, u):
            s = (_pref(dest_keys, dest_vals, v, u) << 40) + _pref(pref_keys, pref_vals, v, u)
            if s > best_score:  # rows ascend, so equal scores keep the lowest index
                best = u
                best_score = s
    return best


@njit(cache=True, nogil=True)
def _check_path(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, path_idx, a, b):
    """0 valley-free, 1 a link missing, 2 a valley (vantage point first: up*, peer?, down*)."""
    phase = _UP
    for j in range(a, b - 1):
        x = path_idx[j]
        y = path_idx[j + 1]
        if x < 0 or y < 0:
            return 1
        r = _relation(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, x, y)
        if r == _NONE:
            return 1
    for j in range(a, b - 1):
        r = _relation(
            prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
            path_idx[j], path_idx[j + 1],
        )
        if r == _UP:
            if phase != _UP:
                return 2
        elif r == _ACROSS:
            if phase != _UP:
                return 2
            phase = _ACROSS
        else:
            phase = _DOWN
    return 0


@njit(cache=True, nogil=True)
def check_paths(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, path_ptr, path_idx):
    """:func:`_check_path` of every path of a CSR (0 valley-free, 1 missing link, 2 valley)."""
    m = path_ptr.shape[0] - 1
    out = np.zeros(m, np.int8)
    for i in range(m):
        out[i] = _check_path(
            prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
            path_idx, path_ptr[i], path_ptr[i + 1],
        )
    return out


@njit(cache=True, nogil=True)
def valley_links(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, path_ptr, path_idx):
    """``(x, y)`` index pairs of the first link breaking valley-freeness in each path.

    Walking vantage point first (provider*, peer?, customer*), the first step that goes to
    a provider or a peer after the walk has gone across or down is the valley; re-labelling
    that link as "``x`` provides transit to ``y``" is the smallest change that removes it.
    Paths with a missing link are skipped.
    """
    m = path_ptr.shape[0] - 1
    xs = np.empty(m, np.int32)
    ys = np.empty(m, np.int32)
    k = 0
    for i in range(m):
        a = path_ptr[i]
        b = path_ptr[i + 1]
        if _check_path(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
                       path_idx, a, b) != 2:
            continue
        phase = _UP
        for j in range(a, b - 1):
            x = path_idx[j]
            y = path_idx[j + 1]
            r = _relation(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, x, y)
            if (r == _UP or r == _ACROSS) and phase != _UP:
                xs[k] = x
                ys[k] = y
                k += 1
                break
            if r != _UP:
                phase = r
    return xs[:k].copy(), ys[:k].copy()


@njit(cache=True, nogil=True)
def scc_labels(ptr, idx):
    """Strongly connected component label of every node of a CSR digraph (Tarjan, iterative).

    Used on the provider-to-customer links: an edge whose two ends share a label lies on a
    provider-customer cycle, which Gao-Rexford routing cannot honour (an AS would be its
    own indirect customer).
    """
    n = ptr.shape[0] - 1
    index = np.full(n, -1, np.int64)
    low = np.zeros(n, np.int64)
    on_stack = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int32)
    sp = 0
    label = np.full(n, -1, np.int32)
    n_label = 0
    call_v = np.empty(n, np.int32)
    call_k = np.empty(n, np.int64)
    counter = 0
    for s in range(n):
        if index[s] >= 0:
            continue
        top = 0
        call_v[0] = s
        call_k[0] = ptr[s]
        _open(s, counter, sp, index, low, stack, on_stack)
        counter += 1
        sp += 1
        while top >= 0:
            v = call_v[top]
            k = call_k[top]
            if k < ptr[v + 1]:
                call_k[top] = k + 1
                w = idx[k]
                if index[w] < 0:
                    _open(w, counter, sp, index, low, stack, on_stack)
                    counter += 1
                    sp += 1
                    top += 1
                    call_v[top] = w
                    call_k[top] = ptr[w]
                elif on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
            if low[v] == index[v]:
                while True:
                    sp -= 1
                    w = stack[sp]
                    on_stack[w] = False
                    label[w] = n_label
                    if w == v:
                        break
                n_label += 1
            top -= 1
            if top >= 0 and low[v] < low[call_v[top]]:
                low[call_v[top]] = low[v]
    return label


@njit(cache=True, nogil=True)
def _open(v, counter, sp, index, low, stack, on_stack):
    """Tarjan's first visit of ``v``: number it and push it on the component stack."""
    index[v] = counter
    low[v] = counter
    stack[sp] = v
    on_stack[v] = True
