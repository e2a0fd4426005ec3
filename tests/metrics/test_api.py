"""The public surface of crossroads.metrics: sorted, importable, and the hand report."""

from __future__ import annotations

import json

import pytest
from tests.metrics import hand

import crossroads.metrics as m
from crossroads.snapshots import Snapshot


def test_all_is_sorted_and_importable() -> None:
    assert m.__all__ == sorted(m.__all__)
    for name in m.__all__:
        assert getattr(m, name) is not None


def test_dependency_report_on_the_hand_graph_is_json_ready() -> None:
    # the same numbers as test_dependency_hand, through the report the CLI renders
    snap = Snapshot.of(hand.graph(), hand.info(), vantage_points=[40, 50])
    r = m.dependency(snap, "AA", destinations=[50, 80], chokepoint_k=1)
    d = json.loads(json.dumps(r.as_dict()))
    inb = {x["country"]: x for x in d["inbound"]["by_country"]}
    assert inb["BB"]["gateway_share"] == pytest.approx(21 / 32)
    out = {x["country"]: x for x in d["outbound"]["by_country"]}
    assert out["CC"]["any_share"] == pytest.approx(4.5 / 8)
    heg = {x["asn"]: x["hegemony"] for x in d["inbound"]["by_as"]}
    assert heg[20] == pytest.approx(0.875)
    assert d["concentration"]["hhi"] == pytest.approx(6250.0)
    assert d["chokepoints"]["carrying_set"]["ases"][0]["asn"] == 20
    assert {"country", "inbound", "outbound", "chokepoints", "concentration",
            "datasets"} <= set(d)
