"""Chokepoints, border ASes and concentration on the hand graph of ``hand.py``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.metrics import hand

from crossroads.metrics.border import border_ases, border_links
from crossroads.metrics.carrying import carrying_set
from crossroads.metrics.chokepoints import chokepoints, keeps_world, reached_share
from crossroads.metrics.concentration import concentration
from crossroads.metrics.dependency import inbound
from crossroads.routing import ASGraph
from crossroads.snapshots import ASTable


def test_reachability_losses_by_hand() -> None:
    # Every foreign source reaches AS 1 and AS 2: Q = 1. Without AS 3, AS 2 (1/4 of AA's
    # space) is cut off: Q = 3/4. Without AS 20, AS 1 is still reached via 30 -> 3: Q = 1.
    g, t = hand.graph(), hand.table()
    assert reached_share(g, t, "AA") == 1.0
    assert reached_share(g.without_ases([3]), t, "AA") == pytest.approx(0.75)
    assert reached_share(g.without_ases([20]), t, "AA") == pytest.approx(1.0)
    # cutting the only link of AS 2 loses 1/4; cutting 20-1 loses nothing (1 keeps 3)
    assert reached_share(g.without_links([(3, 2)]), t, "AA") == pytest.approx(0.75)
    assert reached_share(g.without_links([(20, 1)]), t, "AA") == pytest.approx(1.0)


def test_carrying_set_is_greedy_by_hand() -> None:
    # transit mass (of 32): 20: 21, 3: 14, 30: 11, 40: 8, 60: 4 -> take AS 20 (21/32).
    # Left: 60 and 80 towards 1 (3 + 3, over 30 and 3), towards 2 the halves of 40 and 50
    # over 30 (2 + 1), 60 (1), 80 (1): 11/32, all of it over both 3 and 30 -> tie, the
    # lower index (AS 3) wins; covered 32/32.
    g, t = hand.graph(), hand.table()
    c = carrying_set(g, t, "AA")
    assert c.asn.tolist() == [20, 3]
    assert c.added_share.tolist() == pytest.approx([21 / 32, 11 / 32])
    assert c.cumulative_share.tolist() == pytest.approx([21 / 32, 1.0])


def test_carrying_set_from_the_inbound_pass_equals_routing_again() -> None:
    """A dependency report hands the inbound pass's folded DAGs to the carrying set. With
    vantage points kept apart the inbound groups differ from the carrying set's own (a
    single-homed stub is routed on its own, not read off its provider); the set and its
    shares do not."""
    g, t = hand.graph(), hand.table()
    folded: list = []
    stub = [int(a) for a in g.asns if len(g.providers_of(int(a))) == 1
            and not len(g.customers_of(int(a))) and not len(g.peers_of(int(a)))]
    res = inbound(g, t, "AA", vantage_points=stub, folded=folded)
    assert res.n_vantage_points == len(stub) > 0
    assert len(folded) == res.propagations
    want = carrying_set(g, t, "AA")
    got = carrying_set(g, t, "AA", folded=folded)
    assert got.asn.tolist() == want.asn.tolist() == [20, 3]
    assert got.added_share.tolist() == pytest.approx(want.added_share.tolist(), rel=1e-12)
    c = chokepoints(g, t, "AA", res, k=2, folded=folded)
    assert c.carrying.asn.tolist() == [20, 3]


def test_chokepoint_tables_by_hand() -> None:
    # candidates = top-2 foreign ASes by transit (20, 30). Without AS 20 nobody is cut off
    # (AS 1 keeps 3, AS 40 and 50 go via 30). Without AS 30 the sources 60 and 80 (their
    # only way out is 30) lose every route: 2 of the 8 units of foreign space -> loss 1/4,
    # all of it from sources cut off from everything (isolated), none about AA: the
    # ranking by what AA loses keeps the candidates' order (20 before 30).
    # Countries BB and CC are one AS each: the same losses. Border links of the top-2
    # gateway ASes (20 first): 1-20 and 3-20, neither a loss (AS 1 and 3 keep another way).
    g, t = hand.graph(), hand.table()
    res = inbound(g, t, "AA")
    c = chokepoints(g, t, "AA", res, k=2)
    assert c.baseline == 1.0
    assert c.ases.asn.tolist() == [20, 30]
    assert c.ases.loss.tolist() == pytest.approx([0.0, 0.25])
    assert c.ases.isolated_loss.tolist() == pytest.approx([0.0, 0.25])
    assert (c.ases.country_loss == 0).all()
    assert c.headline["element"] is None
    assert c.countries.country.tolist() == ["BB", "CC"]
    assert c.countries.loss.tolist() == pytest.approx([0.0, 0.25])
    assert c.links[["as1", "as2"]].values.tolist() == [[1, 20], [3, 20]]
    assert (c.links.loss == 0).all()


def test_border_ases_by_hand() -> None:
    # AS 1: provider 20 (BB); AS 3: providers 20 (BB), 30 (CC); AS 2: no foreign link.
    g, t = hand.graph(), hand.table()
    links = border_links(g, t, "AA")
    assert links[["asn", "neighbor", "relationship"]].values.tolist() == [
        [1, 20, "provider"], [3, 20, "provider"], [3, 30, "provider"]]
    b = border_ases(g, t, "AA").set_index("asn")
    assert b.index.tolist() == [3, 1]
    assert b.loc[3, "upstream_countries"] == "BB:1, CC:1"
    assert b.loc[1, "foreign_providers"] == 1 and b.loc[1, "foreign_peers"] == 0


def test_concentration_by_hand() -> None:
    # AA: AS 1 768, AS 2 256 addresses -> 75 %, 25 %: HHI = 5625 + 625 = 6250;
    # top1 = 0.75, top3 = top5 = 1. Organisations "One" and "Two": the same.
    c = concentration(hand.info(), "AA")
    assert c.total_ipv4 == 1024
    assert c.hhi == pytest.approx(6250.0)
    assert (c.top1, c.top3, c.top5) == pytest.approx((0.75, 1.0, 1.0))
    assert c.by_org_hhi == pytest.approx(6250.0)


def _single_homed_world() -> tuple[ASGraph, ASTable]:
    """Country KK: AS 1 and AS 2 (256 addresses each). Tier-1 AS 100 provides 10 (RU),
    12 (TR), 20 (US) and 30 (DE, 1024 addresses); 10 provides 1 and 2, 12 provides 1,
    20 provides 50 (US, 4096 addresses, single-homed)."""
    links = [(100, 10), (100, 12), (100, 20), (100, 30), (10, 1), (10, 2), (12, 1),
             (20, 50)]
    a, b = zip(*links, strict=True)
    g = ASGraph.from_links(list(a), list(b), [-1] * len(links))
    info = pd.DataFrame({
        "asn": [1, 2, 10, 12, 20, 30, 50, 100],
        "name": ["K1", "K2", "Ru", "Tr", "Us", "De", "Big", "T1"],
        "reg_cc": ["KK", "KK", "RU", "TR", "US", "DE", "US", "XX"],
        "ipv4_addresses": [256, 256, 0, 0, 0, 1024, 4096, 0],
    })
    return g, ASTable.from_frame(g, info)


def test_chokepoints_rank_what_the_country_loses() -> None:
    # Foreign space: AS 50 4096 + AS 30 1024 = 5120 (5 units of 1024); KK 1 and 2 equal.
    # Transit: 100 carries every path (1), 20 the paths of 50 (4/5), 10 every path to 2
    # and half of those to 1 (3/4), 12 the other half to 1 (1/4).
    # - without 100: nobody reaches KK (loss 1); 50 keeps only 20 and 30 nothing: both
    #   reach less than half of the core {10, 12, 20}: all of it isolated;
    # - without 20: 50 loses everything (4/5 of the pairs), isolated; 30 keeps KK;
    # - without 10: AS 2 (half of KK) is cut off from both sources (loss 1/2), and both
    #   still reach the core {100, 12, 20}: all of it about KK.
    # Today's ranking by loss is 100, 20, 10, 12; by what KK loses, 10 comes first.
    g, t = _single_homed_world()
    res = inbound(g, t, "KK")
    c = chokepoints(g, t, "KK", res, k=4)
    got = c.ases.set_index("asn")
    assert got.loc[[100, 20, 10, 12], "loss"].tolist() == pytest.approx([1, 0.8, 0.5, 0])
    assert got.loc[[100, 20, 10, 12], "country_loss"].tolist() == pytest.approx([0, 0, 0.5, 0])
    assert got.loc[[100, 20, 10, 12], "isolated_loss"].tolist() == pytest.approx(
        [1, 0.8, 0, 0])
    assert c.ases.asn.tolist() == [10, 100, 20, 12]
    assert c.headline["element"] == "AS10 Ru (RU)"
    assert c.headline["country_loss"] == pytest.approx(0.5)
    assert res.by_as.asn.tolist() == [100, 20, 10, 12]  # the candidates, by transit
    # countries: RU (AS 10) first by what KK loses; links: 2-10 is the one that matters
    # (AS 2 is a single-homed stub of 10: read off the routes towards 10, its cut link
    # would show no loss, so the ends of candidate links are never grouped as stubs)
    assert c.countries.country.tolist()[0] == "RU"
    assert c.countries.country_loss.tolist()[0] == pytest.approx(0.5)
    assert c.links[["as1", "as2"]].values.tolist()[0] == [2, 10]
    assert c.links.country_loss.tolist()[0] == pytest.approx(0.5)


def test_keeps_world_on_the_hand_graph() -> None:
    # Without AS 30, AS 60 and AS 80 have no way to the core {40, 20, 60}: 80 reaches
    # only 60 (one of three), 60 nothing but itself; everyone else reaches all of it.
    g = hand.graph().without_ases([30])
    keeps = keeps_world(g, g.indices_of([1, 2, 3, 30]))
    idx = dict(zip(g.asns.tolist(), keeps.tolist(), strict=True))
    assert not idx[60] and not idx[80]
    assert idx[40] and idx[50] and idx[20]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_largest_cones_from_bounds_equal_measuring_every_cone(seed: int) -> None:
    """After a cut, the cones measured one by one from the uncut sizes (upper bounds) give
    the same top cones as measuring all of them; so does ``keeps_world``."""
    from tests.routing.test_propagate import random_hierarchy

    from crossroads.metrics.targets import customer_cone_sizes, largest_cones

    links = random_hierarchy(seed, n=80)
    g = ASGraph.from_links(*zip(*links, strict=True))
    cones = customer_cone_sizes(g)
    assert customer_cone_sizes(g) is cones and not cones.flags.writeable  # once per graph
    top = [int(a) for a in g.asns[np.argsort(-cones, kind="stable")[:3]]]
    assert customer_cone_sizes(g.without_ases(top[:1]))[g.index_of(top[0])] == 1
    for cut in (g.without_ases(top[:1]), g.without_ases(top[1:3]),
                g.without_links([(int(g.links.as1[0]), int(g.links.as2[0]))])):
        for k, exclude in ((3, None), (10, g.indices_of(top[:2]))):
            want = largest_cones(cut, k, exclude=exclude)
            got = largest_cones(cut, k, exclude=exclude, bound=cones)
            assert [x.tolist() for x in got] == [x.tolist() for x in want]
        ex = g.indices_of(top[:1])
        assert keeps_world(cut, ex, bound=cones).tolist() == keeps_world(cut, ex).tolist()


@pytest.mark.parametrize("seed", [4, 9])
def test_cut_losses_equal_repropagating_each_edited_graph(seed: int) -> None:
    """The chokepoint losses from reachability on the uncut graph with each candidate
    skipped equal those from re-propagating each edited graph and comparing reach masks,
    split and all, on a random hierarchy and a random tangle with p2c cycles."""
    from tests.metrics.test_lanes import random_table
    from tests.routing.test_backend_array import graph, random_tangle
    from tests.routing.test_propagate import random_hierarchy

    from crossroads.metrics._cuts import Cut, cut_losses
    from crossroads.metrics.chokepoints import _masked_loss, _reach_masks
    from crossroads.metrics.lane_sums import inbound_groups

    for links in (random_hierarchy(seed, n=60), random_tangle(seed, n=40, m=100)):
        g = graph(links)
        t = random_table(g, seed)
        country = t.codes[t.cc_id[int(np.argmax(t.ipv4))]]
        lk = g.links
        pairs = [(int(lk.as1[i]), int(lk.as2[i])) for i in (0, len(lk) // 2)]
        ends = g.indices_of([a for p in pairs for a in p])
        groups, src_w = inbound_groups(g, t, country, apart=ends)
        home = t.members(country)
        edits = [(g.without_ases(g.asns[[i]]), np.array([i]), []) for i in (1, 5, 17)]
        edits.append((g.without_ases(g.asns[t.members("BB")]), t.members("BB"), []))
        edits += [(g.without_links([p]), np.zeros(0, np.int64), [p]) for p in pairs]
        cuts = [Cut(r, [tuple(g.indices_of(p).tolist()) for p in ps],
                    keeps_world(e, np.union1d(home, r))) for e, r, ps in edits]
        base, got = cut_losses(g, groups, src_w, cuts)
        masks = _reach_masks(g, groups)
        want = [_masked_loss(masks, _reach_masks(e, groups), groups, src_w, c)
                for (e, _, _), c in zip(edits, cuts, strict=True)]
        assert np.asarray(got) == pytest.approx(np.asarray(want), abs=1e-15)
        assert base == reached_share(g, t, country)
        assert any(x[0] > 0 for x in got)


@pytest.mark.parametrize("seed", [2, 7, 13])
def test_cut_keeps_equal_keeps_world_on_each_edited_graph(seed: int) -> None:
    """The world check on the uncut graph (the core from cut cones measured in place, the
    reach of the core with the cut's links skipped) equals :func:`keeps_world` on each
    edited graph: top-cone ASes, a country, provider->customer links inside the big
    cones, a peer link, a link that is no link, ASes and a link at once; on a random
    hierarchy and a random tangle with p2c cycles."""
    from tests.metrics.test_lanes import random_table
    from tests.routing.test_backend_array import graph, random_tangle
    from tests.routing.test_propagate import random_hierarchy

    from crossroads.metrics._cuts import cut_keeps, edited
    from crossroads.metrics.targets import (
        customer_cone_sizes,
        cut_largest_cones,
        largest_cones,
    )

    changed = 0
    for links in (random_hierarchy(seed, n=70), random_tangle(seed, n=40, m=110)):
        g = graph(links)
        t = random_table(g, seed)
        home = t.members(t.codes[t.cc_id[int(np.argmax(t.ipv4))]])
        cones = customer_cone_sizes(g)
        top = np.argsort(-cones, kind="stable")
        lk = g.links
        ends = np.searchsorted(g.asns, np.stack([lk.as1, lk.as2], axis=1))
        p2c = [tuple(int(x) for x in e) for e, r in zip(ends, lk.rel, strict=True) if r == -1]
        peer = [tuple(int(x) for x in e) for e, r in zip(ends, lk.rel, strict=True) if r == 0]
        none = np.zeros(0, np.int64)
        cuts = [(top[[i]], []) for i in (0, 1, 4)]
        cuts += [(t.members("BB"), []), (top[[0, 2]], [p2c[0]])]
        cuts += [(none, [p]) for p in (*p2c[:3], p2c[len(p2c) // 2], peer[0])]
        cuts.append((none, [(int(top[0]), int(top[0]) + 1), p2c[-1]]))
        got = cut_keeps(g, cuts, home)
        want = [keeps_world(edited(g, r, p), np.union1d(home, r)) for r, p in cuts]
        assert [x.tolist() for x in got] == [x.tolist() for x in want]
        base = keeps_world(g, home)
        changed += sum(not np.array_equal(x, base) for x in want)
        for r, p in cuts:
            for k, ex in ((3, None), (10, np.union1d(home, r))):
                cut = cut_largest_cones(g, k, without=r, removed_links=p, exclude=ex)
                whole = largest_cones(edited(g, r, p), k, exclude=ex)
                assert [x.tolist() for x in cut] == [x.tolist() for x in whole]
    assert changed >= 4  # the cuts do change who keeps the world
