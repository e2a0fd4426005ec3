"""The lane graph's reverse-row offsets and the link numbers the lane engine hands out.

``_positions`` finds, for every adjacency entry ``v -> u``, where ``v`` sits in ``u``'s
reverse row: in one ordered pass when the rows list their neighbours by AS index (every
:class:`ASGraph`; the reverse rows may be in any order), else by a sort. Both must give
the offsets found by looking each one up. ``LaneBatch.all_routes(links)`` must name,
beside every next hop, the number given for the adjacency entry it is taken over.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from crossroads.routing._lanegraph import _positions, _positions_by_order, lane_graph
from crossroads.routing.arrays import CUSTOMER, PEER, PROVIDER
from crossroads.routing.lanes import propagate_lanes

from .test_backend_array import graph
from .test_propagate import random_hierarchy


def _lookup(ptr: np.ndarray, idx: np.ndarray, rptr: np.ndarray, ridx: np.ndarray
            ) -> np.ndarray:
    """The offsets, one search at a time (the reference)."""
    out = np.zeros(idx.size, np.int16)
    for v in range(ptr.size - 1):
        for e in range(ptr[v], ptr[v + 1]):
            u = idx[e]
            row = ridx[rptr[u]:rptr[u + 1]].tolist()
            out[e] = row.index(v)
    return out


def _transpose(ptr: np.ndarray, idx: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.repeat(np.arange(n), np.diff(ptr))
    order = np.lexsort((rows, idx))
    rptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(idx, minlength=n), out=rptr[1:])
    return rptr, rows[order].astype(np.int32)


@pytest.mark.parametrize("seed", range(5))
def test_positions_equal_a_lookup_in_order_and_shuffled(seed: int) -> None:
    rnd = random.Random(seed)
    n = 40
    pairs = sorted({(rnd.randrange(n), rnd.randrange(n)) for _ in range(150)})
    pairs = [(a, b) for a, b in pairs if a != b]
    rows = np.array([a for a, _ in pairs])
    cols = np.array([b for _, b in pairs], np.int32)
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
    rptr, ridx = _transpose(ptr, cols, n)
    inv = np.arange(n, dtype=np.int32)
    want = _lookup(ptr, cols, rptr, ridx)
    got, ok = _positions_by_order(ptr, cols, rptr, ridx, inv)
    assert ok
    np.testing.assert_array_equal(got, want)
    # the reverse rows may come in any order: the pass reads each where it stands
    shuffled = ridx.copy()
    for u in range(n):
        rnd.shuffle(shuffled[rptr[u]:rptr[u + 1]])
    got, ok = _positions_by_order(ptr, cols, rptr, shuffled, inv)
    assert ok
    np.testing.assert_array_equal(got, _lookup(ptr, cols, rptr, shuffled))
    # rows listing their neighbours out of AS-index order: the pass refuses, the sort
    # still answers
    unordered = cols.copy()
    for v in range(n):
        unordered[ptr[v]:ptr[v + 1]] = unordered[ptr[v]:ptr[v + 1]][::-1]
    if any(ptr[v + 1] - ptr[v] > 1 for v in range(n)):
        assert not _positions_by_order(ptr, unordered, rptr, ridx, inv)[1]
    np.testing.assert_array_equal(_positions(ptr, unordered, rptr, ridx, inv),
                                  _lookup(ptr, unordered, rptr, ridx))


@pytest.mark.parametrize("mode", ["deterministic", "all-best"])
def test_all_routes_name_the_entry_of_every_next_hop(mode: str) -> None:
    g = graph(random_hierarchy(3, 60))
    lg = lane_graph(g)
    # the number of each graph CSR entry: (kind, row, neighbour) packed in one integer
    numbers = tuple(
        kind * g.n * g.n + np.repeat(np.arange(g.n), np.diff(ptr)) * g.n + idx
        for kind, (ptr, idx) in enumerate(((g.prov_ptr, g.prov_idx),
                                           (g.cust_ptr, g.cust_idx),
                                           (g.peer_ptr, g.peer_idx))))
    batch = propagate_lanes(g, list(range(0, g.n, 3)), mode=mode)
    checked = 0
    for r in batch.all_routes(numbers):
        assert r.nh_link is not None and r.nh_link.size == r.nh_idx.size
        for v in range(g.n):
            for k in range(r.nh_ptr[v], r.nh_ptr[v + 1]):
                kind, rest = divmod(int(r.nh_link[k]), g.n * g.n)
                row, u = divmod(rest, g.n)
                assert (row, u) == (v, int(r.nh_idx[k]))
                # a provider route leaves over a provider entry, and so on
                assert kind == {PROVIDER: 0, CUSTOMER: 1, PEER: 2}[int(r.rel[v])]
                checked += 1
    assert checked > 100
    assert all(r.nh_link is None for r in batch.all_routes())
    assert lg.prov_src.size == g.prov_idx.size
