"""History: one snapshot's summary on a hand graph, and the snapshot selection."""

from __future__ import annotations

import pandas as pd
import pytest

from crossroads.metrics.history import history_snapshots, summarise_graph
from crossroads.routing import ASGraph


def test_summary_of_a_hand_graph() -> None:
    # AS 10 (AA, 256 addresses) has providers 20 (BB) and 30 (CC), both customers of
    # 40 (DD, 1024 addresses). Inbound: AS 40's route to 10 ties over 20 and 30 -> any and
    # gateway shares BB = CC = 0.5. Outbound: destinations are the largest customer cones
    # outside AA: 40 (cone 4), 20 and 30 (cone 2), weight 1 each; 10 -> 40 ties (BB 1/2,
    # CC 1/2), 10 -> 20 and 10 -> 30 are direct -> BB = CC = 1/6, direct 2/3.
    g = ASGraph.from_links([20, 30, 40, 40], [10, 10, 20, 30], [-1, -1, -1, -1])
    info = pd.DataFrame({"asn": [10, 20, 30, 40], "reg_cc": ["AA", "BB", "CC", "DD"],
                         "ipv4_addresses": [256, 0, 0, 1024], "name": ["a", "b", "c", "d"]})
    out = summarise_graph(g, info, "AA", when="2010-01-01", dataset="hand")
    row = out["summary"]
    assert (row["ases"], row["links"], row["country_ases"]) == (4, 4, 1)
    assert (row["border_ases"], row["foreign_upstreams"], row["unknown_as_share"]) == (1, 2, 0.0)
    assert row["inbound_top_country"] in ("BB", "CC") and row["inbound_top_any"] == 0.5
    assert row["outbound_top_any"] == pytest.approx(1 / 6)
    assert row["outbound_direct"] == pytest.approx(2 / 3)
    bc = out["by_country"].set_index(["direction", "country"])
    assert bc.loc[("inbound", "CC"), "gateway_share"] == 0.5
    assert set(out["top_ases"].asn) == {20, 30}


def test_unknown_share_counts_ases_without_country() -> None:
    # AS 40 has no row: 1 of 4 ASes is 'unknown'
    g = ASGraph.from_links([20, 30, 40, 40], [10, 10, 20, 30], [-1, -1, -1, -1])
    info = pd.DataFrame({"asn": [10, 20, 30], "reg_cc": ["AA", "BB", "CC"],
                         "ipv4_addresses": [256, 512, 0]})
    row = summarise_graph(g, info, "AA")["summary"]
    assert row["unknown_as_share"] == 0.25


def test_snapshot_selection() -> None:
    years = [s.data_date.year for s in history_snapshots()]
    assert years == [2002, 2004, 2006, 2008, 2010, 2012, 2014, 2016, 2018, 2025]
    assert [s.data_date.year for s in history_snapshots(2009, 2016)] == [2010, 2012, 2014, 2016]
