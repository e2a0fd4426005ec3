"""Robustness tables and the implausible-chain rule, by hand.

Hand graph (``hand.py``). Link masses of AA's inbound result (R = 32): 40 > 20 carries
40's and 50's mass towards 1 (6 * 3 = 18) and half of it towards 2 (3): 21/32; 20 > 1
carries 18/32; 30 > 3 11/32. Customer cones (the AS itself included): 1, 2, 50, 80: 1;
60: 2; 3: 3 (1, 2); 20: 4; 30: 6; 40: 9. For 40 > 20: own cone 9 - 4 = 5, customer 4.

Removing 40 > 20: AS 40 keeps only 30 and 50 below it, so every source reaches AA through
30 -> 3: gateway CC = 1, BB = 0 (before 11/32 and 21/32); shift 21/32.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.metrics import hand

from crossroads.metrics.dependency import inbound
from crossroads.metrics.robustness import (
    discount_implausible,
    implausible_links,
    robustness,
)
from crossroads.routing import ASGraph


def test_robustness_table_by_hand() -> None:
    g = hand.graph()
    t = hand.table(g)
    res = inbound(g, t, "AA")
    rob = robustness(g, t, "AA", res, k=3,
                     link_sources=(np.array([20, 40]), np.array([40, 30]),
                                   np.array(["bgp", "mlp"], object)))
    assert rob[["as1", "as2"]].values.tolist() == [[40, 20], [20, 1], [30, 3]]
    assert rob.mass_share.tolist() == pytest.approx([21 / 32, 18 / 32, 11 / 32])
    first = rob.iloc[0]
    assert first.rel == "p2c" and first.source == "bgp" and first.observed_paths is None
    assert (first.cone_provider_own, first.cone_customer) == (5, 4)
    assert not rob.small_provider.any()
    assert first["shift"] == pytest.approx(21 / 32)
    assert first.delta_BB == pytest.approx(-21 / 32)
    assert first.delta_CC == pytest.approx(21 / 32)


def test_implausible_link_made_a_peer_link() -> None:
    """AS 5 has customers 10..20 (cone 12). AS 9 provides 5 and nothing else: own cone
    13 - 12 = 1, and 12 > 10 * 1: implausible; so is 7 > 9 above it (own 14 - 13 = 1, a
    chain of single-customer providers). AS 8 provides 5 and 30..49 (own cone 21):
    plausible. The rule turns both into peer links: 9 learns 5's routes as peer routes
    and does not pass them to its peer 7, which has no other way to 10."""
    a = [5] * 11 + [9, 8] + [8] * 20 + [7]
    b = list(range(10, 21)) + [5, 5] + list(range(30, 50)) + [9]
    g = ASGraph.from_links(a, b, [-1] * len(a))
    bad = implausible_links(g)
    assert bad[["as1", "as2", "cone_provider_own", "cone_customer"]].values.tolist() == [
        [9, 5, 1, 12], [7, 9, 1, 13]]
    r = discount_implausible(g)
    assert 5 in r.peers_of(9) and 9 in r.peers_of(7) and 5 in r.customers_of(8)
    from crossroads.routing import propagate

    before = propagate(g, g.index_of(10))
    after = propagate(r, r.index_of(10))
    assert before.length[g.index_of(7)] == 3 and after.length[r.index_of(7)] == -1
    assert np.array_equal(implausible_links(r).as1.to_numpy(), [])


@pytest.mark.parametrize("seed", [3, 11])
@pytest.mark.parametrize("mode", ["deterministic", "all-best"])
def test_lane_recomputations_equal_inbound_on_each_edited_graph(seed: int, mode: str) -> None:
    """The robustness table's recomputations (one lane per link and destination group)
    give the gateway shares that :func:`inbound` gives on each edited graph, including a
    cut stub link (the stub is no longer read off its provider) and a p2c tangle."""
    from tests.metrics.test_lanes import random_table
    from tests.routing.test_backend_array import graph, random_tangle
    from tests.routing.test_propagate import random_hierarchy

    from crossroads.metrics.robustness import _gateway, gateways_without

    for links in (random_hierarchy(seed, n=60), random_tangle(seed, n=40, m=100)):
        g = graph(links)
        t = random_table(g, seed)
        home = t.codes[t.cc_id[int(np.argmax(t.ipv4))]]
        lk = g.links
        ones = np.bincount(np.searchsorted(g.asns, np.concatenate([lk.as1, lk.as2])),
                           minlength=g.n)
        stub = [i for i in range(len(lk)) if ones[g.index_of(int(lk.as2[i]))] == 1][:1]
        pick = sorted(set(stub + list(range(0, len(lk), max(1, len(lk) // 6)))))
        pairs = [(int(lk.as1[i]), int(lk.as2[i])) for i in pick]
        got = gateways_without(g, t, home, pairs, mode=mode)
        for p, shares in zip(pairs, got, strict=True):
            want = _gateway(inbound(g.without_links([p]), t, home, mode=mode))
            want = {c: v for c, v in want.items() if v > 0}
            assert {c: v for c, v in shares.items() if v > 0} == pytest.approx(want)
