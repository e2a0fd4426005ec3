"""Sweeps on the hand-made graph, on a real Dask LocalCluster (2 processes, torn down).

KZ border links (CAIDA order): 2>10, 3>10, 2>11, 2>12, 21-12. Baseline R_in = R_out = 1;
inbound gateway shares (see test_operations): CN 140,800, RU 1,036,800, direct 51,200 of
1,228,800 pair-weight.

* 2>12 gone: 12 only via peer 21 -> R_in 0.6, R_out 0.5 + 0.5/12 (lost 0.4, 0.4583..).
* 2>10 gone: every path to 10 enters through AS3: CN gains the RU part of origin 10,
  (500 + 50 + 100) * 256 = 166,400 -> shift 166,400 / 1,228,800 = 0.13541..
* 3>10 gone: CN loses its 140,800 -> shift 0.11458..
* 2>11 gone: 11 via 10, where AS1 and AS20 tie over 2 and 3: CN gains
  (500 + 50) * 256 = 140,800 -> shift 0.11458.. (ties with 3>10; the lower item first)
* 21-12 gone: 21 reaches 12 through AS2: direct 51,200 becomes RU -> shift 1/24.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.scenarios._graph import INFO, LINKS, graph
from tests.scenarios.test_reach import INFO2
from tests.scenarios.test_reach import _graph as reach_graph

from crossroads.routing import ASGraph
from crossroads.scenarios import sweep
from crossroads.scenarios._incremental import without_link
from crossroads.scenarios.sweep import _link_sweep, _measure, crossing_links, foreign_upstreams
from crossroads.snapshots import ASTable, Snapshot


def test_border_links_and_upstreams() -> None:
    c = ASTable.from_frame(graph(), INFO)
    assert crossing_links(graph(), c, "KZ") == [(2, 10), (3, 10), (2, 11), (2, 12), (21, 12)]
    assert foreign_upstreams(graph(), c, "KZ") == [2, 3]


@pytest.mark.slow
def test_link_sweep_on_local_cluster() -> None:
    res = sweep(Snapshot.of(graph(), INFO), "kz", kind="links", workers=2)
    assert res.country == "KZ" and (res.baseline_inbound, res.baseline_outbound) == (1.0, 1.0)
    assert [r.item for r in res.rows] == [(2, 12), (2, 10), (2, 11), (3, 10), (21, 12)]
    top = res.rows[0]
    assert top.lost_inbound == pytest.approx(0.4)
    assert top.lost_outbound == pytest.approx(0.5 - 0.5 / 12)
    shifts = {r.item: r.dependency_shift for r in res.rows}
    assert shifts[(2, 10)] == pytest.approx(166_400 / 1_228_800)
    assert shifts[(3, 10)] == pytest.approx(140_800 / 1_228_800)
    assert shifts[(2, 11)] == pytest.approx(140_800 / 1_228_800)
    assert shifts[(21, 12)] == pytest.approx(1 / 24)
    assert all(r.isolated == 0 for r in res.rows)
    # Removing the upstream AS2 leaves 12 with its peer 21 (R_in 0.4, see test_operations);
    # removing AS3 isolates AS3 itself, one of the 5 sources, and nothing else: R_in 4/5.
    ases = sweep(Snapshot.of(graph(), INFO), "KZ", kind="ases", workers=2)
    assert [r.item for r in ases.rows] == [(2,), (3,)]
    assert ases.rows[0].lost_inbound == pytest.approx(0.6)
    assert ases.rows[1].lost_inbound == pytest.approx(0.2)


def _same(got: tuple, want: tuple) -> bool:
    keys = set(got[3]) | set(want[3])
    return got[:3] == pytest.approx(want[:3], rel=1e-9, abs=1e-12) and {
        k: got[3].get(k, 0.0) for k in keys} == pytest.approx(
        {k: want[3].get(k, 0.0) for k in keys}, abs=1e-12)


def test_incremental_link_evaluation_equals_full_recomputation() -> None:
    """On the graph with the grouped stubs AS13/AS14 (test_reach), every border link:
    the repaired measure equals reachability + dependency recomputed on the edited
    graph, and the CSR edit equals a rebuild."""
    g, info = reach_graph(), INFO2
    c = ASTable.from_frame(g, info)
    items = [tuple(x) for x in crossing_links(g, c, "KZ")]
    base, got = _link_sweep(g, c, "KZ", items, "all-best", None, 1)
    assert base[:2] == (1.0, 1.0)
    assert _same(base, _measure(g, c, "KZ", "all-best"))
    for (a, b), m in zip(items, got, strict=True):
        fast = without_link(g, a, b)
        slow = g.without_links([(a, b)])
        for x, y in zip(fast.adjacency, slow.adjacency, strict=True):
            assert np.array_equal(x, y)
        assert _same(m, _measure(slow, c, "KZ", "all-best")), (a, b)


def _random_graph(seed: int, n: int) -> tuple[ASGraph, pd.DataFrame]:
    """A provider tree with extra providers and random peerings; 4 countries."""
    rng = np.random.default_rng(seed)
    pairs: dict[tuple[int, int], int] = {}
    for v in range(2, n + 1):
        for _ in range(int(rng.integers(1, 3))):
            pairs.setdefault((int(rng.integers(1, v)), v), -1)
    for _ in range(n // 2):
        x, y = (int(v) for v in rng.integers(1, n + 1, 2))
        if x != y and (x, y) not in pairs and (y, x) not in pairs:
            pairs[(x, y)] = 0
    a, b = zip(*pairs, strict=True)
    g = ASGraph.from_links(list(a), list(b), list(pairs.values()))
    info = pd.DataFrame({
        "asn": g.asns, "name": [None] * g.n,
        "reg_cc": rng.choice(["KZ", "RU", "CN", "US"], size=g.n, p=[0.35, 0.25, 0.2, 0.2]),
        "ipv4_addresses": rng.choice([0, 256, 512, 1024], size=g.n),
    })
    return g, info


@pytest.mark.parametrize("seed", range(12))
def test_repair_equals_recomputation_on_random_graphs(seed: int) -> None:
    """Random valley-free graphs (ties, peer routes, routes that get shorter when a
    link goes): every border link, repaired vs recomputed on the edited graph."""
    g, info = _random_graph(seed, 60)
    c = ASTable.from_frame(g, info)
    items = [tuple(x) for x in crossing_links(g, c, "KZ")]
    assert items
    _, got = _link_sweep(g, c, "KZ", items, "all-best", None, 1)
    for item, m in zip(items, got, strict=True):
        assert _same(m, _measure(g.without_links([item]), c, "KZ", "all-best")), item


def _as_sweep_matches_recomputation(g: ASGraph, info: pd.DataFrame, mode: str) -> int:
    """Every foreign upstream removed on the lane engine vs. _measure on the edited graph;
    returns the number of items checked."""
    from crossroads.scenarios._lanesweep import as_sweep

    c = ASTable.from_frame(g, info)
    items = foreign_upstreams(g, c, "KZ")
    base, got = as_sweep(g, c, "KZ", items, mode=mode)
    assert _same(base, _measure(g, c, "KZ", mode))
    for a, m in zip(items, got, strict=True):
        assert _same(m, _measure(g.without_ases([a]), c, "KZ", mode)), a
    return len(items)


def test_as_sweep_by_hand_and_against_recomputation() -> None:
    # hand graph: removing AS2 leaves AS12 its peer 21 only (R_in 0.4, as in the local
    # cluster test); AS3 isolates only itself, one source of 5 (R_in 0.8)
    from crossroads.scenarios._lanesweep import as_sweep

    base, (two, three) = as_sweep(graph(), ASTable.from_frame(graph(), INFO), "KZ", [2, 3])
    assert base[:3] == (1.0, 1.0, 0)
    assert two[0] == pytest.approx(0.4) and three[0] == pytest.approx(0.8)
    assert _as_sweep_matches_recomputation(graph(), INFO, "all-best") == 2
    assert _as_sweep_matches_recomputation(reach_graph(), INFO2, "all-best") >= 2
    # a KZ stub (AS15, 128 addresses) whose only provider is the foreign AS3: its lanes
    # are grouped below AS3, and removing AS3 leaves it isolated (nobody reaches it)
    g = ASGraph.from_links([a for a, _, _ in LINKS] + [3], [b for _, b, _ in LINKS] + [15],
                           [r for _, _, r in LINKS] + [-1])
    info = pd.concat([INFO, pd.DataFrame({"asn": [15], "name": ["KZ-S"], "reg_cc": ["KZ"],
                                          "ipv4_addresses": [128]})], ignore_index=True)
    _, (_, no3) = as_sweep(g, ASTable.from_frame(g, info), "KZ", [2, 3])
    assert no3[2] == 1
    assert _as_sweep_matches_recomputation(g, info, "all-best") == 2


@pytest.mark.parametrize("seed", range(8))
def test_as_sweep_equals_recomputation_on_random_graphs(seed: int) -> None:
    g, info = _random_graph(seed, 60)
    for mode in ("all-best", "deterministic"):
        assert _as_sweep_matches_recomputation(g, info, mode) > 0
