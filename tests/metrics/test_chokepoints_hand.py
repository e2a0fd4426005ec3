"""Chokepoints, border ASes and concentration on the hand graph of ``hand.py``."""

from __future__ import annotations

import pytest
from tests.metrics import hand

from crossroads.metrics.border import border_ases, border_links
from crossroads.metrics.chokepoints import carrying_set, chokepoints, reached_share
from crossroads.metrics.concentration import concentration
from crossroads.metrics.dependency import inbound


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


def test_chokepoint_tables_by_hand() -> None:
    # candidates = top-2 foreign ASes by transit (20, 30). Without AS 20 nobody is cut off
    # (AS 1 keeps 3, AS 40 and 50 go via 30). Without AS 30 the sources 60 and 80 (their
    # only way out is 30) lose every route: 2 of the 8 units of foreign space -> loss 1/4.
    # Countries BB and CC are one AS each: the same losses. Border links of the top-2
    # gateway ASes (20 first): 1-20 and 3-20, neither a loss (AS 1 and 3 keep another way).
    g, t = hand.graph(), hand.table()
    res = inbound(g, t, "AA")
    c = chokepoints(g, t, "AA", res, k=2)
    assert c.baseline == 1.0
    assert c.ases.asn.tolist() == [30, 20]
    assert c.ases.loss.tolist() == pytest.approx([0.25, 0.0])
    assert c.countries.country.tolist() == ["CC", "BB"]
    assert c.countries.loss.tolist() == pytest.approx([0.25, 0.0])
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
