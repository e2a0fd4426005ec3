"""Reachability details: stub grouping is exact; critical ASes and links by hand.

The graph of ``_graph.py`` plus two KZ stubs, AS13 and AS14 (64 addresses each), both
customers of AS2 and AS10 only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from tests.scenarios._graph import INFO, LINKS

from crossroads.routing import ASGraph
from crossroads.scenarios import reachability
from crossroads.snapshots import ASTable

EXTRA = [(2, 13, -1), (10, 13, -1), (2, 14, -1), (10, 14, -1)]
INFO2 = pd.concat(
    [INFO, pd.DataFrame({"asn": [13, 14], "name": ["KZ-D", "KZ-E"], "reg_cc": ["KZ", "KZ"],
                         "ipv4_addresses": [64, 64]})],
    ignore_index=True,
)


def _graph(without: int | None = None) -> ASGraph:
    links = [x for x in LINKS + EXTRA if without not in (x[0], x[1])]
    a, b, r = zip(*links, strict=True)
    return ASGraph.from_links(list(a), list(b), list(r), asns=[1, 2, 3, 10, 11, 12, 13, 14,
                                                               20, 21])


@pytest.mark.parametrize("without", [None, 2, 3, 10])
@pytest.mark.parametrize("mode", ["deterministic", "all-best"])
def test_grouping_stubs_changes_nothing(without: int | None, mode: str) -> None:
    g = _graph(without)
    c = ASTable.from_frame(g, INFO2)
    grouped = reachability(g, c, "KZ", mode=mode)  # type: ignore[arg-type]
    alone = reachability(g, c, "KZ", mode=mode, group=False)  # type: ignore[arg-type]
    assert grouped == alone


def test_critical_after_removing_as2() -> None:
    # Without AS2's links, everything foreign that reaches KZ is {1, 3, 20} (AS2 is
    # isolated; 21 reaches only 12 over the peering). Paths: 3 -> 10, 1 -> 3 -> 10,
    # 20 -> 1 -> 3 -> 10, then down to the stubs 11, 13, 14 (now stubs of AS10 alone,
    # grouped into one propagation announced by AS10).
    # AS3 carries all 3 sources towards 10, 11, 13, 14: 256 + 256 + 64 + 64 = 640.
    # AS10 is transit for 11, 13, 14: 256 + 64 + 64 = 384 (not for itself, the origin).
    # Links: 3>10 for all four (640); 10>11 (256), 10>13 (64), 10>14 (64). 1>3 carries 2
    # of 3 sources: not critical. Origin 12 has a single source (21): nothing.
    r = reachability(_graph(2), ASTable.from_frame(_graph(2), INFO2), "KZ", mode="all-best")
    assert r.critical_ases == {3: 640, 10: 384}
    assert r.critical_links == {(3, 10): 640, (10, 11): 256, (10, 13): 64, (10, 14): 64}
    # R_in: 10, 11, 13, 14 reached by 3 of 5 sources, 12 by 1 of 5:
    # (640 * 0.6 + 512 * 0.2) / 1152.
    assert r.inbound == pytest.approx((640 * 0.6 + 512 * 0.2) / 1152)
    # Path lengths from the reaching sources: to 10: 1 (AS3), 2 (AS1), 3 (AS20); to each
    # stub one more; to 12: 1 (AS21). So {1: 1+1, 2: 1+3, 3: 1+3, 4: 3}.
    assert r.path_lengths == {1: 2, 2: 4, 3: 4, 4: 3}
    assert r.unreachable_pairs == 5 * 5 - 13
