"""Hegemony on the lane engine: equal to the per-origin loop bit for bit, and IHR's global
definition (per-vantage-point share of paths, then the trimmed mean) worked out by hand."""

from __future__ import annotations

import doctest
import importlib
import random

import numpy as np
import pytest
from tests.metrics import hand
from tests.routing.test_backend_array import graph, random_tangle
from tests.routing.test_propagate import random_hierarchy

from crossroads.metrics.hegemony import global_hegemony, hegemony


def test_hand_graph_both_engines() -> None:
    # test_dependency_hand derives these: AS 20 0.875, AS 30 0.125, AS 40 0.5, AS 3 0.25
    g = hand.graph()
    for engine in ("lanes", "per-origin"):
        got = hegemony(g, [1, 2], [40, 50], table=hand.table(g), engine=engine)
        assert got.set_index("asn").hegemony.to_dict() == pytest.approx(
            {20: 0.875, 30: 0.125, 40: 0.5, 3: 0.25})


def test_global_hegemony_by_hand() -> None:
    # The hand graph, vantage points 40 and 50, origins 1 (768 addresses) and 2 (256).
    # VP 40: towards 1 the path 40 20 1 (AS 20 inside), towards 2 the tie 40 {20|30} 3 2:
    #   BC_40(20) = (3*1 + 1*0.5)/4 = 7/8, BC_40(30) = 1/8, BC_40(3) = 1/4.
    # VP 50: 50 40 20 1 and 50 40 {20|30} 3 2: BC_50(40) = 1, BC_50(20) = 7/8,
    #   BC_50(30) = 1/8, BC_50(3) = 1/4. Two VPs: nothing trimmed, plain means.
    g = hand.graph()
    got = global_hegemony(g, [40, 50], table=hand.table(g), origins=[1, 2])
    got = got.set_index("asn").hegemony
    assert got.to_dict() == pytest.approx({20: 7 / 8, 40: 0.5, 3: 0.25, 30: 1 / 8})
    # unit weights and an explicit scope give the unweighted shares
    unit = global_hegemony(g, [40, 50], origins=[1, 2]).set_index("asn").hegemony
    assert unit[20] == pytest.approx(0.75) and unit[3] == pytest.approx(0.5)


def test_trimming_drops_the_extremes() -> None:
    # ten vantage points: floor(0.1 * 10) = 1 value dropped at each end
    g = graph([(1, v, -1) for v in range(2, 13)])  # AS 1 provides 2..12
    vps = list(range(3, 13))
    scoped = hegemony(g, [2], vps)  # every VP's path to 2 crosses AS 1
    assert scoped.values.tolist() == [[1.0, 1.0]]
    glob = global_hegemony(g, vps, origins=[2, 3])  # towards 3, VP 3 is the origin
    # BC_v(1) = 1 for v = 4..12 (both origins), BC_3(1) = 1 (origin 2 only): all 1
    assert glob.values.tolist() == [[1.0, 1.0]]


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs_lanes_equal_per_origin(seed: int) -> None:
    rnd = random.Random(seed)
    for links in (random_hierarchy(seed, n=80), random_tangle(seed, n=40, m=100)):
        g = graph(links)
        origins = [int(a) for a in g.asns]
        vps = rnd.sample(origins, 12)
        weights = [rnd.choice([1.0, 256.0, 3.0]) for _ in origins]
        for mode in ("all-best", "deterministic"):
            a = hegemony(g, origins, vps, weights=weights, mode=mode)
            b = hegemony(g, origins, vps, weights=weights, mode=mode, engine="per-origin")
            assert a.equals(b)
            assert len(a) > 0


def test_module_examples_run() -> None:
    result = doctest.testmod(importlib.import_module("crossroads.metrics.hegemony"))
    assert result.attempted >= 4 and result.failed == 0


def test_unknown_engine() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        hegemony(hand.graph(), [1], [40], engine="gpu")  # type: ignore[arg-type]


@pytest.mark.slow
def test_real_origins_equal_per_origin(loaded_settings) -> None:  # type: ignore[no-untyped-def]
    from crossroads.routing import load_graph
    from crossroads.snapshots import full_feed_asns
    from crossroads.store import open_store

    g = load_graph(loaded_settings)
    vps = full_feed_asns(open_store(loaded_settings))
    assert len(vps) > 300
    origins = [9198, *g.asns[np.random.default_rng(18).choice(g.n, 99, replace=False)]]
    a = hegemony(g, origins, vps, workers=2)
    b = hegemony(g, origins, vps, engine="per-origin")
    assert a.equals(b) and len(a) > 100
