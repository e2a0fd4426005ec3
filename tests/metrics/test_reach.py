"""Bit-parallel cones and reach on a cut graph against edited graphs and propagate()."""

from __future__ import annotations

import numpy as np
import pytest
from tests.routing.test_backend_array import graph, random_tangle
from tests.routing.test_propagate import random_hierarchy

from crossroads.metrics._cuts import edited
from crossroads.metrics._reach import cone_sizes, cut_graph, reach_counts, reached_weight
from crossroads.metrics.targets import customer_cone_sizes
from crossroads.routing import ASGraph, propagate


def test_reach_by_hand() -> None:
    # 1 provides 2 and 3, 3 provides 4, 2 peers with 5, 5 provides 6. Towards 4: 3 and 1
    # (customer routes), 2 (from its provider 1), 5 and 6 never (2 learned 4 from a
    # provider and exports it to customers only). Towards 6: 5, 2 (peer), then 1 cannot
    # (2's peer route goes to customers only) -- 3 and 4 neither.
    g = ASGraph.from_links([1, 1, 3, 2, 5], [2, 3, 4, 5, 6], [-1, -1, -1, 0, -1])
    got = reached_weight(cut_graph(g), g.indices_of([4, 6]), np.eye(g.n))
    assert got[:, 0].tolist() == [1, 1, 1, 1, 0, 0]
    assert got[:, 1].tolist() == [0, 1, 0, 0, 1, 1]
    # without AS 1 the route to 4 is 3's only; without the peer link 2-5, 6 is 5's only
    assert reach_counts(cut_graph(g, g.indices_of([1])), g.indices_of([4])).tolist() == [
        0, 0, 1, 1, 0, 0]
    cut = cut_graph(g, links=[tuple(g.indices_of([5, 2]))])
    assert reach_counts(cut, g.indices_of([6])).tolist() == [0, 0, 0, 0, 1, 1]
    assert cone_sizes(cut_graph(g, links=[tuple(g.indices_of([1, 3]))]),
                      g.indices_of([1, 3, 5])).tolist() == [2, 2, 2]


@pytest.mark.parametrize("seed", [3, 8, 21])
def test_cones_and_reach_equal_the_edited_graph(seed: int) -> None:
    """Every AS's cone and every AS's reach (more than 64 roots: two sweeps), with ASes
    removed (one of them a root), links removed (provider->customer, peer, no link) or
    both, equal customer_cone_sizes and propagate() on the edited graph; on a random
    hierarchy and a random tangle with p2c cycles."""
    rng = np.random.default_rng(seed)
    for links in (random_hierarchy(seed, n=90), random_tangle(seed, n=70, m=180)):
        g = graph(links)
        lk = g.links
        ends = np.searchsorted(g.asns, np.stack([lk.as1, lk.as2], axis=1))
        pairs = [tuple(int(x) for x in ends[i]) for i in rng.choice(len(lk), 4, replace=False)]
        peer = [tuple(int(x) for x in e) for e, r in zip(ends, lk.rel, strict=True) if r == 0]
        top = np.argsort(-customer_cone_sizes(g), kind="stable")
        cuts = [((), []), (top[:1], []), (rng.choice(g.n, 5, replace=False), []),
                ((), pairs), ((), peer[:2] + [(0, g.n - 1)]), (top[1:3], pairs[:2])]
        roots = np.arange(g.n)
        assert g.n > 64
        for ases, removed in cuts:
            e = edited(g, np.asarray(ases, np.int64), removed)
            cut = cut_graph(g, ases, removed)
            assert cone_sizes(cut, roots).tolist() == customer_cone_sizes(e).tolist()
            want = np.stack([propagate(e, r).length >= 0 for r in roots], axis=1)
            got = reached_weight(cut, roots, np.eye(g.n))
            assert (got == want).all()
            assert reach_counts(cut, roots).tolist() == want.sum(axis=1).tolist()
