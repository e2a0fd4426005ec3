"""Calibrated routing on hand-made graphs, every route derived by hand.

Graph (CAIDA convention, ``a > b``: a provides transit to b; ``a -- b``: peers)::

        1 > 2, 1 > 3, 1 > 5, 1 > 6,  2 > 4, 3 > 4, 2 > 9,  5 -- 2

Plain Gao-Rexford towards origin 4: 2 and 3 have customer routes of 1 hop; 1 a customer
route of 2 hops tied over 2 and 3 (deterministic: 2); 5 the peer route 5 2 4 (a peer
route beats its provider route via 1); 6 the provider route 6 1 2 4; 9 the provider route
9 2 4.
"""

from __future__ import annotations

import pickle

import numpy as np
import pyarrow as pa
import pytest

from crossroads.routing import ASGraph, RouteClass, propagate, through_weights
from crossroads.routing.calibration import calibrate
from crossroads.sources.bgpdump_text import parse_bgpdump

C, P, V, OR = RouteClass.CUSTOMER, RouteClass.PEER, RouteClass.PROVIDER, RouteClass.ORIGIN


def _graph() -> ASGraph:
    return ASGraph.from_links([1, 1, 1, 1, 2, 3, 2, 5], [2, 3, 5, 6, 4, 4, 9, 2],
                              [-1, -1, -1, -1, -1, -1, -1, 0])


def _rib(*routes: tuple[int, str, str]) -> pa.Table:
    lines = [(i + 1, f"TABLE_DUMP2|1277971199|B|10.0.0.{peer}|{peer}|{prefix}|{path}|IGP|"
                     f"10.0.0.{peer}|0|0||NAG||".encode())
             for i, (peer, prefix, path) in enumerate(routes)]
    return pa.Table.from_batches(list(parse_bgpdump(lines)))


def _table(graph: ASGraph, routes) -> dict[int, tuple[int, int, list[int], bool]]:  # noqa: ANN001
    """AS -> (class, length, next hops as ASNs with multiplicity, observed)."""
    obs = routes.observed if routes.observed is not None else np.zeros(graph.n, bool)
    return {int(graph.asns[v]): (int(routes.rel[v]), int(routes.length[v]),
                                 [int(graph.asns[u]) for u in routes.next_hops(v)],
                                 bool(obs[v]))
            for v in range(graph.n)}


def test_plain_routes_unchanged_without_calibration() -> None:
    g = _graph()
    r = propagate(g, g.index_of(4))
    assert r.observed is None
    assert _table(g, r) == {1: (C, 2, [2], False), 2: (C, 1, [4], False),
                            3: (C, 1, [4], False), 4: (OR, 0, [], False),
                            5: (P, 2, [2], False), 6: (V, 3, [1], False),
                            9: (V, 2, [2], False)}


def test_observed_provider_route_is_fixed_and_exported_only_to_customers() -> None:
    """VP 2 shows ``2 1 3 4``: AS 2 really used its provider although it has a customer
    route (a class disagreement no tie-break can fix). Fixed: 2 (provider class via 1, 3
    hops), 1 (customer via 3, 2 hops), 3 (customer via 4, 1 hop). AS 2's route is a
    provider route, so it is not exported to its peer 5: 5 falls back to its provider 1
    (5 1 3 4, 3 hops). AS 2 does export it to its customer 9: 9 2 1 3 4 (4 hops). AS 6
    follows 1's fixed route: 6 1 3 4."""
    g = _graph()
    cal = calibrate(g, _rib((2, "10.4.0.0/16", "2 1 3 4")))
    r = propagate(cal.graph, cal.graph.index_of(4), mode="calibrated", calibration=cal)
    assert _table(cal.graph, r) == {1: (C, 2, [3], True), 2: (V, 3, [1], True),
                                    3: (C, 1, [4], True), 4: (OR, 0, [], False),
                                    5: (V, 3, [1], False), 6: (V, 3, [1], False),
                                    9: (V, 4, [2], False)}


def test_removed_link_drops_the_observed_routes_through_it() -> None:
    """Same RIB, link 1-3 removed (a scenario): the suffixes ``1 3 4`` and ``2 1 3 4`` use
    it and are dropped, so AS 1 and AS 2 fall back to simulation (1 2 4, 2 4); ``3 4``
    stays observed. AS 2 has a customer route again, so its peer 5 gets 5 2 4 back."""
    g = _graph()
    cal = calibrate(g, _rib((2, "10.4.0.0/16", "2 1 3 4")))
    edited = cal.graph.without_links([(1, 3)])
    r = propagate(edited, edited.index_of(4), mode="calibrated", calibration=cal)
    t = _table(edited, r)
    assert t[1] == (C, 2, [2], False) and t[2] == (C, 1, [4], False)
    assert t[3] == (C, 1, [4], True) and t[5] == (P, 2, [2], False)
    removed = cal.graph.without_ases([3])
    r = propagate(removed, removed.index_of(4), mode="calibrated", calibration=cal)
    assert not r.observed.any()
    assert _table(removed, r)[2] == (C, 1, [4], False)


def test_conflicting_observations_split_by_how_often_seen() -> None:
    """One prefix, three vantage points: 1 sees ``1 3 4``, 5 sees ``5 1 3 4``, 6 sees
    ``6 1 2 4``. AS 1 was seen twice via 3 and once via 2: next hops [2, 3, 3], weights
    1/3 and 2/3 (primary 3). From source 6 (observed via 1): T(2) = 1/3, T(3) = 2/3.
    AS 1's length is 1 + the longest next hop = 2; its class is that of the primary."""
    g = _graph()
    cal = calibrate(g, _rib((1, "10.4.0.0/16", "1 3 4"), (5, "10.4.0.0/16", "5 1 3 4"),
                            (6, "10.4.0.0/16", "6 1 2 4")))
    gg = cal.graph
    r = propagate(gg, gg.index_of(4), mode="calibrated", calibration=cal)
    t = _table(gg, r)
    assert t[1] == (C, 2, [2, 3, 3], True)
    assert int(gg.asns[r.next_hop[gg.index_of(1)]]) == 3
    assert t[5] == (V, 3, [1], True) and t[6] == (V, 3, [1], True)
    tw = through_weights(gg, r, [gg.index_of(6)])
    assert tw[gg.index_of(2)] == pytest.approx(1 / 3)
    assert tw[gg.index_of(3)] == pytest.approx(2 / 3)


def test_loop_of_conflicting_observations_is_broken() -> None:
    """One prefix: 2 sees ``2 1 3 4`` and 1 sees ``1 2 4``: AS 2 -> 1 and AS 1 -> 2
    (with 1 -> 3 and 2 -> 4 from the suffixes). Shortest observed routes: d(1) = 2,
    d(2) = 1, so 2 -> 1 (towards an AS seen no closer) is dropped: AS 2 keeps 2 4 and
    AS 1 keeps both 2 and 3 (d = 1 < 2), 1:1."""
    g = _graph()
    cal = calibrate(g, _rib((2, "10.4.0.0/16", "2 1 3 4"), (1, "10.4.0.0/16", "1 2 4")))
    r = propagate(cal.graph, cal.graph.index_of(4), mode="calibrated", calibration=cal)
    t = _table(cal.graph, r)
    assert t[1] == (C, 2, [2, 3], True) and t[2] == (C, 1, [4], True)


def test_per_prefix_variants_weighted_by_address_share() -> None:
    """Origin 4's /16 is seen ``1 3 4`` and its /24 ``1 2 4``: AS 1 chose differently, so
    the two prefixes are two variants, weighted 65,536 and 256 of 65,792 addresses; the
    main one (the /16) is the default."""
    g = _graph()
    cal = calibrate(g, _rib((1, "10.4.0.0/16", "1 3 4"), (1, "10.44.0.0/24", "1 2 4")))
    (v0, w0), (v1, w1) = cal.variants_of(4)
    assert (w0, w1) == (pytest.approx(256 / 257), pytest.approx(1 / 257))
    o = cal.graph.index_of(4)
    main = propagate(cal.graph, o, mode="calibrated", calibration=cal)
    other = propagate(cal.graph, o, mode="calibrated", calibration=cal, variant=v1)
    assert _table(cal.graph, main)[1] == (C, 2, [3], True)
    assert _table(cal.graph, other)[1] == (C, 2, [2], True)
    got = cal.variant_of_prefix(np.array(["10.44.0.0/24", "10.9.0.0/16", "10.4.0.0/16"],
                                         object), np.array([4, 4, 3]))
    assert got.tolist() == [v1, v0, -1]  # unseen prefix: main variant; unseen origin: -1
    pooled = calibrate(g, _rib((1, "10.4.0.0/16", "1 3 4"), (1, "10.44.0.0/24", "1 2 4")),
                       per_prefix=False)
    r = propagate(pooled.graph, o, mode="calibrated", calibration=pooled)
    assert _table(pooled.graph, r)[1] == (C, 2, [2, 3], True)


def test_learned_preference_breaks_simulated_ties() -> None:
    """Nothing is observed towards origin 4, where AS 1 ties over 2 and 3. The RIB's
    paths towards *other* origins show AS 1 stepping to 3 twice (``1 3``, ``6 1 3``) and
    to 2 once (``6 1 2 9``), so the simulated AS 1 prefers 3 (plain: the lower ASN 2)."""
    g = _graph()
    cal = calibrate(g, _rib((1, "10.3.0.0/16", "1 3"), (6, "10.3.0.0/16", "6 1 3"),
                            (6, "10.9.0.0/16", "6 1 2 9")))
    r = propagate(cal.graph, cal.graph.index_of(4), mode="calibrated", calibration=cal)
    t = _table(cal.graph, r)
    assert t[1] == (C, 2, [3], False) and not r.observed.any()


def test_an_observed_neighbour_wins_a_simulated_tie_in_each_phase() -> None:
    """Own graph: 2 > 4, 3 > 4 (origin 4); 1 > 2, 1 > 3 (AS 1 ties over 2 and 3 for a
    customer route of 2 hops); 7 -- 2, 7 -- 3 (a peer route of 2 hops, tied); 2 > 8,
    3 > 8 (AS 8 ties for a provider route of 2 hops). VP 3 sees ``3 4``: AS 3's route is
    observed, AS 2's only simulated. Towards origin 8 the RIB shows AS 1 and AS 7 stepping
    to 2 (``1 2 8``, ``7 2 8``), so learned preference and the lowest ASN both say 2; the
    observed neighbour comes first, and all three take 3 -- in the up, across and down
    phases alike. Without ``3 4`` they take 2."""
    g = ASGraph.from_links([2, 3, 1, 1, 7, 7, 2, 3], [4, 4, 2, 3, 2, 3, 8, 8],
                           [-1, -1, -1, -1, 0, 0, -1, -1])
    pref_only = (1, "10.8.0.0/16", "1 2 8"), (7, "10.8.0.0/16", "7 2 8")
    expected = {3: {1: (C, 2, [3], False), 7: (P, 2, [3], False), 8: (V, 2, [3], False),
                    2: (C, 1, [4], False), 3: (C, 1, [4], True)},
                2: {1: (C, 2, [2], False), 7: (P, 2, [2], False), 8: (V, 2, [2], False),
                    2: (C, 1, [4], False), 3: (C, 1, [4], False)}}
    for rib, want in ((_rib((3, "10.4.0.0/16", "3 4"), *pref_only), expected[3]),
                      (_rib(*pref_only), expected[2])):
        cal = calibrate(g, rib)
        r = propagate(cal.graph, cal.graph.index_of(4), mode="calibrated", calibration=cal)
        t = _table(cal.graph, r)
        assert {a: t[a] for a in want} == want


def test_links_seen_in_the_rib_are_added() -> None:
    """VP 9 sees ``9 3 4`` but the graph has no 9-3 link: it is added (Gao's inference
    from this one path: 3 provides 9), and 9's observed route is fixed on it."""
    g = _graph()
    cal = calibrate(g, _rib((9, "10.4.0.0/16", "9 3 4")))
    assert cal.stats["links_added"] == 1 and 9 in cal.graph.customers_of(3)
    r = propagate(cal.graph, cal.graph.index_of(4), mode="calibrated", calibration=cal)
    assert _table(cal.graph, r)[9] == (V, 2, [3], True)


def test_calibration_pickles_and_needs_the_mode() -> None:
    g = _graph()
    cal = calibrate(g, _rib((2, "10.4.0.0/16", "2 1 3 4")))
    propagate(cal.graph, 0, mode="calibrated", calibration=cal)  # fills the bind cache
    back = pickle.loads(pickle.dumps(cal))
    r = propagate(back.graph, back.graph.index_of(4), mode="calibrated", calibration=back)
    assert r.observed.sum() == 3
    with pytest.raises(ValueError, match="needs a calibration"):
        propagate(g, 0, mode="calibrated")
    with pytest.raises(ValueError, match="only used in 'calibrated'"):
        propagate(g, 0, calibration=cal)
