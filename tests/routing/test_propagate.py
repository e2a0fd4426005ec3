"""Propagation on hand-made graphs whose routes are derived by hand in the comments."""

from __future__ import annotations

import random

import numpy as np
import pytest

from crossroads.routing import (
    ASGraph,
    RouteClass,
    all_paths,
    find_p2c_cycles,
    path,
    propagate,
    propagate_many,
)

from ._reference import simulate

P2C, PEER = -1, 0


def graph(*links: tuple[int, int, int]) -> ASGraph:
    a, b, r = zip(*links, strict=True)
    return ASGraph.from_links(list(a), list(b), list(r))


def by_asn(g: ASGraph, arr: np.ndarray) -> dict[int, int]:
    return {int(a): int(x) for a, x in zip(g.asns, arr, strict=True)}


def test_valley_is_not_used() -> None:
    # 2 provides origin 1 and 3; 4 provides 3. The only way from 4 to 1 is 4>3<2... i.e.
    # 4 -> 3 (its customer) -> 2 (3's provider): 3 learned the route from its provider 2
    # and exports it only to customers, never up to 4. So 4 is unreachable.
    g = graph((2, 1, P2C), (2, 3, P2C), (4, 3, P2C))
    r = propagate(g, g.index_of(1))
    assert by_asn(g, r.rel) == {1: 1, 2: 2, 3: 4, 4: 0}
    assert by_asn(g, r.length) == {1: 0, 2: 1, 3: 2, 4: -1}
    assert path(g, r, g.index_of(3)) == [3, 2, 1]
    assert path(g, r, g.index_of(4)) == []


def test_peer_routes_are_not_passed_to_other_peers() -> None:
    # 2 provides origin 1; 2=3 and 3=4 peer; 3 provides 5.
    # 3 gets a peer route (3 2 1, length 2) and gives it only to its customer 5 (length 3);
    # 4 would need two peer links in a row: unreachable.
    g = graph((2, 1, P2C), (2, 3, PEER), (3, 4, PEER), (3, 5, P2C))
    r = propagate(g, g.index_of(1))
    assert by_asn(g, r.rel) == {1: 1, 2: 2, 3: 3, 4: 0, 5: 4}
    assert path(g, r, g.index_of(5)) == [5, 3, 2, 1]


def test_customer_route_beats_shorter_peer_route() -> None:
    # 9 peers with origin 1 (1 hop) but is also provider of 3 > 2 > 1 (3 hops up):
    # customer beats peer whatever the length, so 9 uses 9 3 2 1.
    g = graph((9, 1, PEER), (2, 1, P2C), (3, 2, P2C), (9, 3, P2C))
    r = propagate(g, g.index_of(1))
    assert r.rel[g.index_of(9)] == RouteClass.CUSTOMER
    assert path(g, r, g.index_of(9)) == [9, 3, 2, 1]


def test_peer_route_beats_shorter_provider_route() -> None:
    # 5 provides origin 1 and 6; 6 is... 6 has provider 5 (route 6 5 1, length 2, provider
    # class) and peer 7 where 7 provides 8 provides 1 (route 6 7 8 1, length 3, peer class).
    g = graph((5, 1, P2C), (5, 6, P2C), (6, 7, PEER), (7, 8, P2C), (8, 1, P2C))
    r = propagate(g, g.index_of(1))
    assert r.rel[g.index_of(6)] == RouteClass.PEER
    assert path(g, r, g.index_of(6)) == [6, 7, 8, 1]


def test_shortest_route_within_a_class() -> None:
    # 10 is provider of 2 (which provides origin 1) and of 4 > 3 > 1: 10 2 1 is shorter.
    g = graph((2, 1, P2C), (10, 2, P2C), (3, 1, P2C), (4, 3, P2C), (10, 4, P2C))
    r = propagate(g, g.index_of(1))
    assert path(g, r, g.index_of(10)) == [10, 2, 1]
    assert r.length[g.index_of(10)] == 2


# The tie graph: origin 1 has providers 2 and 3; 4 provides 2 and 3; 5 provides 2;
# 6 provides 4 and 5. Customer routes: 2, 3 at length 1; 4 (via 2 or 3) and 5 (via 2) at 2;
# 6 (via 4 or 5) at 3. Deterministic = lowest next-hop ASN: 6 4 2 1.
# All-best mass from 6: 4 and 5 get 1/2 each; 4 splits 1/4 to 2 and 1/4 to 3; 5 gives its
# 1/2 to 2. So 2 carries 3/4, 3 carries 1/4, origin 1 carries 1.
TIE = ((2, 1, P2C), (3, 1, P2C), (4, 2, P2C), (4, 3, P2C), (5, 2, P2C), (6, 4, P2C), (6, 5, P2C))


def test_tie_deterministic_lowest_next_hop() -> None:
    g = graph(*TIE)
    r = propagate(g, g.index_of(1))
    assert path(g, r, g.index_of(6)) == [6, 4, 2, 1]
    assert by_asn(g, np.diff(r.nh_ptr)) == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}


def test_tie_all_best_keeps_every_equal_route() -> None:
    g = graph(*TIE)
    r = propagate(g, g.index_of(1), mode="all-best")
    assert [int(g.asns[u]) for u in r.next_hops(g.index_of(6))] == [4, 5]
    assert [int(g.asns[u]) for u in r.next_hops(g.index_of(4))] == [2, 3]
    assert all_paths(g, r, g.index_of(6)) == [[6, 4, 2, 1], [6, 4, 3, 1], [6, 5, 2, 1]]
    assert path(g, r, g.index_of(6)) == [6, 4, 2, 1]  # next_hop stays the lowest ASN


def test_disconnected_part_is_unreachable() -> None:
    # 2 provides origin 1; 8 provides 9 in a separate island.
    g = graph((2, 1, P2C), (8, 9, P2C))
    r = propagate(g, g.index_of(1), mode="all-best")
    for asn in (8, 9):
        i = g.index_of(asn)
        assert (r.rel[i], r.length[i], r.next_hop[i]) == (0, -1, -1)
        assert r.next_hops(i).size == 0
    assert r.reachable.tolist() == [True, True, False, False]


def test_multiple_origins_each_as_takes_the_nearer() -> None:
    # 3 provides origins 1 and 2 (MOAS); 4 provides 3 and 5; 5 provides 2... chain:
    # 5 provides 2, so 5 is one hop from origin 2; 6 is a customer of 3.
    g = graph((3, 1, P2C), (3, 2, P2C), (4, 3, P2C), (5, 2, P2C), (3, 6, P2C))
    r = propagate(g, g.indices_of([1, 2]), mode="all-best")
    assert by_asn(g, r.rel) == {1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 4}
    assert [int(g.asns[u]) for u in r.next_hops(g.index_of(3))] == [1, 2]
    assert path(g, r, g.index_of(5)) == [5, 2]
    assert path(g, r, g.index_of(6)) == [6, 3, 1]
    assert r.origins.tolist() == [0, 1]


def test_cycle_is_detected_and_propagation_terminates() -> None:
    # 1>2>3>1 is a provider->customer cycle; 3 provides origin 4.
    # Up from 4: 3 (1 hop), 2 (2 hops, 2 is 3's provider), 1 (3 hops); 3 keeps its 1-hop
    # route, no loop is followed.
    g = graph((1, 2, P2C), (2, 3, P2C), (3, 1, P2C), (3, 4, P2C))
    assert find_p2c_cycles(g) == [[1, 2, 3]]
    r = propagate(g, g.index_of(4), mode="all-best")
    assert by_asn(g, r.length) == {1: 3, 2: 2, 3: 1, 4: 0}
    assert path(g, r, g.index_of(1)) == [1, 2, 3, 4]


def test_bad_origins_and_mode() -> None:
    g = graph(*TIE)
    with pytest.raises(IndexError):
        propagate(g, 99)
    with pytest.raises(ValueError, match="at least one origin"):
        propagate(g, [])
    with pytest.raises(ValueError, match="unknown mode"):
        propagate(g, 0, mode="fastest")  # type: ignore[arg-type]


def random_hierarchy(seed: int, n: int = 40) -> list[tuple[int, int, int]]:
    """A random graph whose providers have lower numbers (no p2c cycles) plus peers."""
    rnd = random.Random(seed)
    links = {}
    for v in range(2, n + 1):
        for p in rnd.sample(range(1, v), k=min(v - 1, rnd.randint(1, 3))):
            links[(p, v)] = P2C
    for _ in range(n):
        a, b = rnd.sample(range(1, n + 1), 2)
        if (a, b) not in links and (b, a) not in links:
            links[(a, b)] = PEER
    return [(a, b, r) for (a, b), r in links.items()]


@pytest.mark.parametrize("seed", range(25))
def test_agrees_with_path_vector_simulation(seed: int) -> None:
    links = random_hierarchy(seed)
    g = graph(*links)
    rnd = random.Random(seed)
    origins = rnd.sample(sorted(int(a) for a in g.asns), k=1 + seed % 2)
    best, ties = simulate(links, origins)
    det = propagate(g, g.indices_of(origins))
    allb = propagate(g, g.indices_of(origins), mode="all-best")
    for i, asn in enumerate(g.asns.tolist()):
        if asn not in best:
            assert det.rel[i] == 0 and allb.rel[i] == 0
            continue
        cls, p = best[asn]
        assert (det.rel[i], det.length[i]) == (cls, len(p) - 1), asn
        assert path(g, det, i) == list(p), asn
        assert {int(g.asns[u]) for u in allb.next_hops(i)} == ties[asn], asn


def test_propagate_many_streams_in_order_on_threads() -> None:
    g = graph(*random_hierarchy(7, n=60))
    origins = list(range(g.n))

    def reach(r):  # a small per-origin result
        return int(r.reachable.sum()), int(r.length.max())

    serial = propagate_many(g, origins, reach)
    threaded = propagate_many(g, origins, reach, workers=2, mode="all-best")
    assert serial == threaded == [reach(propagate(g, o)) for o in origins]
    with pytest.raises(ValueError):
        propagate_many(g, origins, reach, workers=0)
