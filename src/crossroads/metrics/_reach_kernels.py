"""numba kernels of :mod:`crossroads.metrics._reach`: 64 ASes' cones or reach at once.

Private: :mod:`crossroads.metrics._reach` is the API. ``bits[v]`` (uint64, one per AS in
the lane graph's numbering, where every AS comes after its customers) holds one bit per
root. Each AS holding bits ORs them into one kind of neighbour:

* :func:`sweep` up: into its providers, customers first -- bit ``j`` then marks the ASes
  whose customer cone holds root ``j`` (they have an origin or customer route to it);
* :func:`across`: into its peers, once (a peer route: one peer link at the top);
* :func:`sweep` down: into its customers, providers first -- from one bit per root, the
  roots' customer cones; after the two above, every AS with a valley-free route.

Where provider->customer cycles make blocks (``cyclic``), a sweep is repeated until
nothing changes (the least fixed point, as the lane engine's Bellman-Ford inside a
block). The ``gone`` ASes (bool per id) neither take nor pass bits, and the links of
``cut_a[i]``--``cut_b[i]`` (ids, either direction) pass nothing; ``cut_here`` flags their
ends.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

_JIT: dict[str, Any] = {"cache": True, "nogil": True}


@njit(**_JIT)
def _cut(u, v, cut_a, cut_b):
    for i in range(cut_a.shape[0]):
        if (cut_a[i] == u and cut_b[i] == v) or (cut_a[i] == v and cut_b[i] == u):
            return True
    return False


@njit(**_JIT)
def _push(ptr, idx, src, dst, v, gone, cut_here, cut_a, cut_b):
    """ORs ``src[v]`` into ``dst`` of ``v``'s neighbours in ``(ptr, idx)``; whether one
    of them changed."""
    m = src[v]
    changed = False
    for e in range(ptr[v], ptr[v + 1]):
        u = idx[e]
        if gone[u] or (cut_here[v] and _cut(u, v, cut_a, cut_b)):
            continue
        if dst[u] | m != dst[u]:
            dst[u] |= m
            changed = True
    return changed


@njit(**_JIT)
def sweep(ptr, idx, bits, gone, cut_here, cut_a, cut_b, cyclic, down):
    """Pushes every AS's bits to its neighbours in ``(ptr, idx)``: its providers, in
    increasing ids (``down`` False), or its customers, in decreasing ids (``down`` True).
    Only ASes holding bits push, so a sweep costs the links of those."""
    n = bits.shape[0]
    changed = True
    while changed:
        changed = False
        for t in range(n):
            v = n - 1 - t if down else t
            if bits[v] != 0 and not gone[v]:
                if _push(ptr, idx, bits, bits, v, gone, cut_here, cut_a, cut_b):
                    changed = cyclic


@njit(**_JIT)
def across(peer_ptr, peer_idx, bits, gone, cut_here, cut_a, cut_b):
    """``bits`` ORed with the bits of each AS's peers (one step)."""
    out = bits.copy()
    for v in range(bits.shape[0]):
        if bits[v] != 0 and not gone[v]:
            _push(peer_ptr, peer_idx, bits, out, v, gone, cut_here, cut_a, cut_b)
    return out


@njit(**_JIT)
def bit_sums(bits, weights, k):
    """``out[i, j]``: the sum of ``weights[i, v]`` over the ASes ``v`` with bit ``j``."""
    out = np.zeros((weights.shape[0], k))
    for v in range(bits.shape[0]):
        m = bits[v]
        if m == 0:
            continue
        for i in range(weights.shape[0]):
            x = weights[i, v]
            if x != 0.0:
                for j in range(k):
                    out[i, j] += x * np.float64((m >> np.uint64(j)) & np.uint64(1))
    return out


@njit(**_JIT)
def popcount(bits):
    """How many bits each AS holds."""
    out = np.zeros(bits.shape[0], np.int64)
    for v in range(bits.shape[0]):
        m = bits[v]
        while m:
            m &= m - np.uint64(1)
            out[v] += 1
    return out
