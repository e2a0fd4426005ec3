"""numba kernels of the lane engine: the routes towards K prefixes at once, node-major.

Private: :mod:`crossroads.routing.lanes` is the API. Every array is ``N x K`` int16 (row =
AS index, column = *lane*, one prefix per lane), so one visit of an adjacency entry serves
all K lanes with contiguous loads. The inner ``for j`` loops write one array each from at
most two others (LLVM vectorises those; a loop storing to several arrays under one
condition, a row *view* -- each one a reference-count update -- or Python's
division-by-zero check stays scalar, several times slower).

The three Gao-Rexford phases of :func:`crossroads.routing._kernels.gao_rexford` become
three sweeps over the ASes in a fixed order:

1. customer routes, customers before providers (the lane graph's numbering is a
   topological order of the customer->provider digraph):
   ``c(v) = 1 + min over customers u of c(u)``;
2. peer routes: ``1 + min over peers u of c(u)`` where no customer route;
3. provider routes, providers before customers: ``1 + min over providers u of a(u)``
   where no other route,

with ``c`` the length of an origin/customer route (exported to everyone) and ``a`` the
length of any route (exported to customers). In an order where every AS comes after
those it learns from, one visit per AS is the BFS's fixed point. Phases 1 and 2 read only
the few ASes that export an origin/customer route in some lane (``exports``). A
provider->customer cycle makes such an order impossible: its strongly connected component
is a *block* of consecutive ids swept again until nothing changes (Bellman-Ford inside the
block; exact, since lengths only decrease and are bounded).

Each pull reads the offers twice: the minimum first, then which neighbours match it (the
tie count, the lowest, and a bit per lane in ``dag``). Next hops are stored as **offsets**
into the AS's row of its route's class (rows are in ASN order, so the lowest offset is the
lowest ASN). Lengths use ``INF`` for "no route" (``INF + 1`` still compares greater).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from crossroads.routing.arrays import CUSTOMER, ORIGIN, PEER, PROVIDER, UNREACHABLE

INF = np.int16(0x3FFF)
NOHOP = np.int16(0x7FFF)
_ONE = np.int16(1)
_ZERO = np.int16(0)
_CUSTOMER = np.int16(CUSTOMER)
_PEER = np.int16(PEER)
_PROVIDER = np.int16(PROVIDER)
_U1 = np.uint64(1)
_JIT: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}
_INLINE: dict[str, Any] = {**_JIT, "inline": "always"}


@njit(**_INLINE)
def _bit(mask, j):
    return (mask >> np.uint64(j)) & _U1


@njit(**_INLINE)
def link_mask(x_ptr, x_nb, x_mask, v, u):
    """Lanes (bits) in which the link ``v``-``u`` is removed (listed at ``v``)."""
    m = np.uint64(0)
    for i in range(x_ptr[v], x_ptr[v + 1]):
        if x_nb[i] == u:
            m |= x_mask[i]
    return m


@njit(**_JIT)
def propagate_lanes(prov_ptr, prov_idx, prov_pos, cust_ptr, cust_idx, cust_pos, peer_ptr,
                    peer_idx, peer_pos, blk_ptr, origin, blocked, x_ptr, x_nb, x_mask, det,
                    rel, ln, nh, nc, oc, oa, dag_prov, dag_cust, dag_peer, up_prov, up_cust,
                    up_peer, exports):
    """Routes of every AS in every lane, written into the workspace arrays.

    ASes are numbered in a topological order of the customer->provider digraph (every
    AS after its customers), cut into blocks by ``blk_ptr`` (the strongly connected
    components, size 1 when acyclic); each adjacency row is in ASN order, so the first
    best offer met is the lowest ASN's; ``*_pos[e]`` is the offset of the row's AS in
    the entry AS's reverse row. ``origin[v]`` (bit ``j``): AS ``v`` announces lane
    ``j``'s prefix; ``blocked[v]`` (bit ``j``): every link of ``v`` is removed in lane
    ``j``; ``x_*`` lists single links removed in some lanes, at both ends (CSR over ASes:
    neighbour, lane bits).

    Outputs, int16 ``N x K``: class ``rel``, length ``ln`` (``INF`` without a route),
    offset ``nh`` of the lowest best next hop in the row of the route's class (``NOHOP``
    none), number ``nc`` of equally best next hops; ``oc``/``oa`` the length exported to
    everyone (origin/customer routes) and to customers (any route), ``INF`` for nothing.
    ``dag_*[e]`` (uint64, one per entry of the provider, customer and peer rows) has bit
    ``j`` set when the entry's AS is a next hop of the row's AS in lane ``j``: every
    equally best one, or with ``det`` only the lowest; ``up_*[e]`` is the same bit set
    seen from the other end (bit ``j``: the row's AS is a next hop of the entry's AS), so
    that reducers pulling from predecessors read their own rows. ``exports[v]``: ``v``
    exports an origin/customer route in some lane.
    """
    n, kk = rel.shape
    best = np.empty(kk, np.int16)
    hop = np.empty(kk, np.int16)
    cnt = np.empty(kk, np.int16)
    take = np.empty(kk, np.int16)
    for a in (dag_prov, dag_cust, dag_peer, up_prov, up_cust, up_peer):
        a[:] = 0
    # an AS's rows are written when it first gets a route (or in phase 3, whatever it
    # got): most ASes are written once, by phase 3, without being reset first
    ready = np.zeros(n, np.bool_)
    # phase 1: customer routes, customers first
    for b in range(blk_ptr.shape[0] - 1):
        s, t = blk_ptr[b], blk_ptr[b + 1]
        for v in range(s, t):
            exports[v] = origin[v] & ~blocked[v] != 0
            if origin[v] != 0:
                _reset(v, origin[v], blocked[v], rel, ln, nh, nc, oc, oa, kk)
                ready[v] = True
        while True:
            changed = False
            for v in range(s, t):
                if _pull(cust_ptr, cust_idx, v, oc, exports, False, best, hop, cnt, kk,
                         x_ptr, x_nb, x_mask, dag_cust):
                    if not ready[v]:
                        _reset(v, 0, 0, rel, ln, nh, nc, oc, oa, kk)
                        ready[v] = True
                    changed |= _settle(v, _CUSTOMER, t - s > 1, blocked[v], best, hop, cnt,
                                       take, rel, ln, nh, nc, oc, oa, kk)
                    _keep_lanes(cust_ptr, v, rel, _CUSTOMER, dag_cust, kk)
                    _mirror(cust_ptr, cust_idx, cust_pos, prov_ptr, v, dag_cust, up_prov)
                    exports[v] |= _any_below(oc, v, INF, kk)
            if t - s == 1 or not changed:
                break
    # phase 2: one hop across peer links, from every origin/customer route
    for v in range(n):
        if (not ready[v] or _wants(rel, v, UNREACHABLE, kk)) and \
                _pull(peer_ptr, peer_idx, v, oc, exports, False, best, hop, cnt, kk,
                      x_ptr, x_nb, x_mask, dag_peer):
            if not ready[v]:
                _reset(v, 0, 0, rel, ln, nh, nc, oc, oa, kk)
                ready[v] = True
            _settle(v, _PEER, False, blocked[v], best, hop, cnt, take, rel, ln, nh, nc, oc,
                    oa, kk)
            _keep_lanes(peer_ptr, v, rel, _PEER, dag_peer, kk)
            _mirror(peer_ptr, peer_idx, peer_pos, peer_ptr, v, dag_peer, up_peer)
    # phase 3: provider routes, providers first
    for b in range(blk_ptr.shape[0] - 2, -1, -1):
        s, t = blk_ptr[b], blk_ptr[b + 1]
        if t - s > 1:  # a cyclic block's ASes read each other before they settle
            for v in range(s, t):
                if not ready[v]:
                    _reset(v, 0, 0, rel, ln, nh, nc, oc, oa, kk)
                    ready[v] = True
        while True:
            changed = False
            for v in range(t - 1, s - 1, -1):
                if ready[v] and not _wants(rel, v, _PROVIDER, kk):
                    continue
                got = _pull(prov_ptr, prov_idx, v, oa, exports, True, best, hop, cnt, kk,
                            x_ptr, x_nb, x_mask, dag_prov)
                if not ready[v] and blocked[v] == 0:
                    _fresh(v, got, best, hop, cnt, take, rel, ln, nh, nc, oc, oa, kk)
                    ready[v] = True
                elif got:
                    if not ready[v]:
                        _reset(v, 0, 0, rel, ln, nh, nc, oc, oa, kk)
                        ready[v] = True
                    changed |= _settle(v, _PROVIDER, t - s > 1, blocked[v], best, hop, cnt,
                                       take, rel, ln, nh, nc, oc, oa, kk)
                elif not ready[v]:
                    _reset(v, 0, 0, rel, ln, nh, nc, oc, oa, kk)
                    ready[v] = True
                if got:
                    _keep_lanes(prov_ptr, v, rel, _PROVIDER, dag_prov, kk)
            if t - s == 1 or not changed:
                break
    if det:
        for v in range(n):
            _first_only(cust_ptr, v, dag_cust)
            _first_only(peer_ptr, v, dag_peer)
            _first_only(prov_ptr, v, dag_prov)
            _mirror(cust_ptr, cust_idx, cust_pos, prov_ptr, v, dag_cust, up_prov)
            _mirror(peer_ptr, peer_idx, peer_pos, peer_ptr, v, dag_peer, up_peer)
    for v in range(n):
        _mirror(prov_ptr, prov_idx, prov_pos, cust_ptr, v, dag_prov, up_cust)


# ------------------------------------------------------------------ per-AS steps
@njit(**_INLINE)
def _fill(a, v, x, kk):
    for j in range(kk):
        a[v, j] = x


@njit(**_INLINE)
def _reset(v, orig, bm, rel, ln, nh, nc, oc, oa, kk):
    """No route in any lane, except the lanes ``v`` announces (``orig`` bits)."""
    _fill(rel, v, _ZERO, kk)
    _fill(ln, v, INF, kk)
    _fill(nh, v, NOHOP, kk)
    _fill(nc, v, _ZERO, kk)
    _fill(oc, v, INF, kk)
    _fill(oa, v, INF, kk)
    if orig != 0:
        for j in range(kk):
            if _bit(orig, j):
                rel[v, j] = ORIGIN
                ln[v, j] = 0
                if not _bit(bm, j):
                    oc[v, j] = 0
                    oa[v, j] = 0


@njit(**_INLINE)
def _pull(ptr, idx, v, offer, exports, everyone, best, hop, cnt, kk, x_ptr, x_nb, x_mask,
          dag):
    """``best = min over neighbours u of offer[u] + 1``, then how many neighbours offer
    it (``cnt``), the offset of the first (``hop``) and, per entry, the lanes in which it
    does (``dag``). Only neighbours with ``exports`` set are read unless ``everyone``
    (blocked ASes offer ``INF`` already). Returns whether any neighbour was read."""
    has_x = x_ptr[v] < x_ptr[v + 1]
    a, b = ptr[v], ptr[v + 1]
    seen = False
    for e in range(a, b):
        u = idx[e]
        if not (everyone or exports[u]):
            continue
        if not seen:
            seen = True
            for j in range(kk):
                best[j] = INF + _ONE
        m = link_mask(x_ptr, x_nb, x_mask, v, u) if has_x else np.uint64(0)
        if m == 0:
            for j in range(kk):
                best[j] = min(best[j], np.int16(offer[u, j] + _ONE))
        else:
            for j in range(kk):
                if not _bit(m, j):
                    best[j] = min(best[j], np.int16(offer[u, j] + _ONE))
    if not seen:
        return False
    for j in range(kk):
        hop[j] = NOHOP
    for j in range(kk):
        cnt[j] = _ZERO
    for e in range(a, b):
        u = idx[e]
        if not (everyone or exports[u]):
            continue
        pos = np.int16(e - a)
        m = link_mask(x_ptr, x_nb, x_mask, v, u) if has_x else np.uint64(0)
        if m == 0:
            for j in range(kk):
                cnt[j] += np.int16(offer[u, j] + _ONE) == best[j]
            for j in range(kk):
                hop[j] = min(hop[j], pos if np.int16(offer[u, j] + _ONE) == best[j] else NOHOP)
            bits = np.uint64(0)
            for j in range(kk):
                bits |= np.uint64(np.int16(offer[u, j] + _ONE) == best[j]) << np.uint64(j)
            dag[e] = bits
        else:
            bits = np.uint64(0)
            for j in range(kk):
                if not _bit(m, j) and np.int16(offer[u, j] + _ONE) == best[j]:
                    cnt[j] += 1
                    hop[j] = min(hop[j], pos)
                    bits |= _U1 << np.uint64(j)
            dag[e] = bits
    return True


@njit(**_INLINE)
def _settle(v, cls, track, bm, best, hop, cnt, take, rel, ln, nh, nc, oc, oa, kk):
    """Lanes of ``v`` without a route (or, in a cyclic block, with an older route of
    class ``cls``) take the pulled route of class ``cls``; returns whether any lane
    changed (only computed with ``track``, in cyclic blocks)."""
    if track or bm != 0:
        changed = False
        for j in range(kk):
            r = rel[v, j]
            if (r == UNREACHABLE or r == cls) and best[j] < INF and not _bit(bm, j):
                if r != cls or ln[v, j] != best[j] or nh[v, j] != hop[j] or \
                        nc[v, j] != cnt[j]:
                    changed = True
                    rel[v, j] = cls
                    ln[v, j] = best[j]
                    nh[v, j] = hop[j]
                    nc[v, j] = cnt[j]
                    oa[v, j] = best[j]
                    if cls == _CUSTOMER:
                        oc[v, j] = best[j]
        return changed
    for j in range(kk):  # all-ones where the lane takes the route (blends vectorise)
        take[j] = -np.int16((rel[v, j] == UNREACHABLE) & (best[j] < INF))
    for j in range(kk):
        rel[v, j] = (rel[v, j] & ~take[j]) | (cls & take[j])
    for j in range(kk):
        ln[v, j] = (ln[v, j] & ~take[j]) | (best[j] & take[j])
    for j in range(kk):
        nh[v, j] = (nh[v, j] & ~take[j]) | (hop[j] & take[j])
    for j in range(kk):
        nc[v, j] = (nc[v, j] & ~take[j]) | (cnt[j] & take[j])
    for j in range(kk):
        oa[v, j] = (oa[v, j] & ~take[j]) | (best[j] & take[j])
    if cls == _CUSTOMER:
        for j in range(kk):
            oc[v, j] = (oc[v, j] & ~take[j]) | (best[j] & take[j])
    return False


@njit(**_INLINE)
def _fresh(v, got, best, hop, cnt, take, rel, ln, nh, nc, oc, oa, kk):
    """Write the rows of an AS that had no route before phase 3: its provider route where
    one was offered (``got``: it has providers), nothing elsewhere."""
    if not got:
        _reset(v, 0, 0, rel, ln, nh, nc, oc, oa, kk)
        return
    for j in range(kk):
        take[j] = -np.int16(best[j] < INF)
    for j in range(kk):
        rel[v, j] = _PROVIDER & take[j]
    for j in range(kk):
        ln[v, j] = min(best[j], INF)
    for j in range(kk):
        nh[v, j] = (hop[j] & take[j]) | (NOHOP & ~take[j])
    for j in range(kk):
        nc[v, j] = cnt[j] & take[j]
    _fill(oc, v, INF, kk)
    for j in range(kk):
        oa[v, j] = min(best[j], INF)


@njit(**_INLINE)
def _wants(rel, v, cls, kk):
    """Whether some lane of ``v`` has no route or (cyclic re-sweeps) one of ``cls``."""
    out = False
    for j in range(kk):
        out |= (rel[v, j] == UNREACHABLE) | (rel[v, j] == cls)
    return out


@njit(**_INLINE)
def _any_below(a, v, limit, kk):
    out = False
    for j in range(kk):
        out |= a[v, j] < limit
    return out


@njit(**_INLINE)
def _keep_lanes(ptr, v, rel, cls, dag, kk):
    """Keep the next-hop bits of ``v``'s row only in the lanes where ``v`` settled on a
    route of class ``cls``."""
    m = np.uint64(0)
    for j in range(kk):
        m |= np.uint64(rel[v, j] == cls) << np.uint64(j)
    for e in range(ptr[v], ptr[v + 1]):
        dag[e] &= m


@njit(**_INLINE)
def _mirror(ptr, idx, pos, rptr, v, dag, up):
    """Copy the next-hop bits of ``v``'s row to the reverse entries (``up``)."""
    for e in range(ptr[v], ptr[v + 1]):
        up[rptr[idx[e]] + pos[e]] = dag[e]


@njit(**_INLINE)
def _first_only(ptr, v, dag):
    """Deterministic mode: keep, per lane, only the first (lowest-ASN) next hop."""
    seen = np.uint64(0)
    for e in range(ptr[v], ptr[v + 1]):
        d = dag[e] & ~seen
        seen |= dag[e]
        dag[e] = d


# ------------------------------------------------------------------ per-lane read-out
_DEBRUIJN = np.uint64(0x03F79D71B4CB0A89)
_DEBRUIJN_POS = np.array(
    [0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36, 53, 51,
     43, 22, 45, 39, 33, 30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52,
     21, 44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6],
    np.int64,
)


@njit(**_INLINE)
def _low_bit(d):
    """Index of the lowest set bit of ``d`` (``d != 0``), by de Bruijn multiplication."""
    return _DEBRUIJN_POS[((d & (~d + _U1)) * _DEBRUIJN) >> np.uint64(58)]


@njit(**_JIT)
def lane_next_hops(perm, inv, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
                   dag_prov, dag_cust, dag_peer, kk, prov_lk, cust_lk, peer_lk):
    """Every lane's next-hop CSR in AS-index order, from the ``dag`` bits: ``ptr``
    (``kk x (N + 1)``, offsets into ``idx``) and ``idx`` (AS indices), row ``a`` of lane
    ``j`` listing AS ``a``'s next hops by increasing index -- exactly
    :func:`crossroads.routing._kernels.all_best_next_hops` (or the single lowest one).
    ASes are visited in index order, so that each lane's rows are written front to back.
    ``*_lk`` (one value per adjacency entry, or all three empty) give ``lk``, the value
    of the entry each next hop is taken over (empty when not given).
    """
    n = perm.shape[0]
    ptr = np.zeros((kk, n + 1), np.int64)
    for a in range(n):  # counts at [j, a], then an exclusive scan
        v = inv[a]
        _count_bits(prov_ptr, dag_prov, v, a, ptr)
        _count_bits(cust_ptr, dag_cust, v, a, ptr)
        _count_bits(peer_ptr, dag_peer, v, a, ptr)
    total = 0
    for j in range(kk):
        for a in range(n + 1):
            c = ptr[j, a]
            ptr[j, a] = total
            total += c
    idx = np.empty(total, np.int32)
    lk = np.empty(total if prov_lk.shape[0] == prov_idx.shape[0] else 0, prov_lk.dtype)
    fill = ptr[:, :n].copy()
    for a in range(n):
        v = inv[a]
        _fill_bits(prov_ptr, prov_idx, dag_prov, v, a, perm, fill, idx, prov_lk, lk)
        _fill_bits(cust_ptr, cust_idx, dag_cust, v, a, perm, fill, idx, cust_lk, lk)
        _fill_bits(peer_ptr, peer_idx, dag_peer, v, a, perm, fill, idx, peer_lk, lk)
    return ptr, idx, lk


@njit(**_INLINE)
def _count_bits(rp, dag, v, a, ptr):
    for e in range(rp[v], rp[v + 1]):
        d = dag[e]
        while d:
            ptr[_low_bit(d), a] += 1
            d &= d - _U1


@njit(**_INLINE)
def _fill_bits(rp, ri, dag, v, a, perm, fill, idx, src_lk, lk):
    with_lk = lk.shape[0] > 0
    for e in range(rp[v], rp[v + 1]):
        d = dag[e]
        if d:
            u = perm[ri[e]]
            while d:
                j = _low_bit(d)
                idx[fill[j, a]] = u
                if with_lk:
                    lk[fill[j, a]] = src_lk[e]
                fill[j, a] += 1
                d &= d - _U1
