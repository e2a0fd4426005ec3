"""Longest-prefix-match forwarding over a covering and a more-specific prefix."""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.routing import all_paths, propagate, through_weights
from crossroads.routing.overlay import forwarding

from .test_flow import enumerated_probabilities
from .test_propagate import P2C, PEER, graph, random_hierarchy


def test_sub_prefix_hijack_pulls_the_cone_of_the_attacker() -> None:
    # 10 provides 20 and 30; 20 provides victim 1; 30 provides attacker 9; 40 is a customer
    # of 20. Covering P from 1; more-specific p from 9 (a sub-prefix hijack). p climbs
    # 9 -> 30 -> 10 and descends to 20, 40 and 1: every AS reaches 9 for addresses in p.
    g = graph((10, 20, P2C), (10, 30, P2C), (20, 1, P2C), (30, 9, P2C), (20, 40, P2C))
    f = forwarding(propagate(g, g.index_of(9)), propagate(g, g.index_of(1)))
    assert all_paths(g, f, g.index_of(40)) == [[40, 20, 10, 30, 9]]
    assert all_paths(g, f, g.index_of(1)) == [[1, 20, 10, 30, 9]]
    assert f.origins.tolist() == sorted(g.indices_of([1, 9]).tolist())


def test_as_without_the_specific_uses_the_covering_then_switches() -> None:
    # 4 provides 1 and 5; 1 peers with 6 (the module's doctest), 6 provides 8.
    # p from 5 reaches 4 and 1 (provider route at 1, not given to peer 6); P from 1 reaches
    # 6 (peer) and 8 (provider). So 8 -> 6 on P, 6 -> 1 on P, then 1 -> 4 -> 5 on p:
    # 8 6 1 4 5, 4 hops, no ties, so every AS on it carries weight 1 in both modes.
    g = graph((4, 1, P2C), (4, 5, P2C), (1, 6, PEER), (6, 8, P2C))
    for mode in ("deterministic", "all-best"):
        f = forwarding(
            propagate(g, g.index_of(5), mode=mode), propagate(g, g.index_of(1), mode=mode)
        )
        assert all_paths(g, f, g.index_of(8)) == [[8, 6, 1, 4, 5]]
        assert f.length[g.index_of(8)] == 4
        w = through_weights(g, f, [g.index_of(8)])
        assert {int(a) for a in g.asns[w > 0]} == {8, 6, 1, 4, 5}


def test_mismatched_routes_are_refused() -> None:
    g = graph((4, 1, P2C))
    with pytest.raises(ValueError, match="mixed tie modes"):
        forwarding(propagate(g, 0), propagate(g, 1, mode="all-best"))


def hop_by_hop(spec, cov, v: int) -> list[int]:
    """Independent walk: at each AS take the specific next hop if it has that route."""
    out = [v]
    while True:
        nh = spec.next_hop[v] if spec.rel[v] else cov.next_hop[v]
        if nh < 0:
            return out
        v = int(nh)
        out.append(v)
        assert len(out) <= spec.rel.size  # no loop


@pytest.mark.parametrize("seed", range(8))
def test_random_graphs_match_hop_by_hop_and_enumeration(seed: int) -> None:
    g = graph(*random_hierarchy(seed, n=30))
    a, b = seed % g.n, (seed * 11 + 5) % g.n
    spec, cov = propagate(g, a), propagate(g, b)
    f = forwarding(spec, cov)
    for v in range(g.n):
        if f.rel[v] == 0:
            assert spec.rel[v] == 0 and cov.rel[v] == 0
            continue
        walk = hop_by_hop(spec, cov, v)
        assert all_paths(g, f, v) == [[int(x) for x in g.asns[walk]]]
        assert f.length[v] == len(walk) - 1
    fa = forwarding(propagate(g, a, mode="all-best"), propagate(g, b, mode="all-best"))
    expected = np.zeros(g.n)
    for s in range(g.n):
        for asn, pr in enumerated_probabilities(g, fa, s).items():
            expected[g.index_of(asn)] += pr
    np.testing.assert_allclose(through_weights(g, fa, np.arange(g.n)), expected, rtol=1e-12)
