"""Every operation on the hand-made graph of ``_graph.py``, with hand-derived values.

Baseline: every AS reaches every AS (the hierarchy under AS1 is connected), so
R_in = R_out = 1. Notation below: "o: k/5" = k of the 5 foreign sources reach origin o;
R_in = sum(a_o * k_o/5) / 1024; R_out = sum(a_o * reached foreign space/1200) / 1024.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.scenarios._graph import INFO, graph, snap, table

from crossroads.routing import propagate
from crossroads.scenarios import apply, reachability
from crossroads.scenarios.model import Scenario
from crossroads.scenarios.run import simulate


def _scenario(*ops: dict, **extra: object) -> Scenario:
    return Scenario.model_validate({"name": "t", "country": "KZ", "operations": list(ops),
                                    **extra})


def _reach(s: Scenario, collectors: tuple[int, ...] = ()):  # noqa: ANN202
    res = simulate(snap(collectors=collectors), s)
    return res


def test_baseline_everyone_reaches_everyone() -> None:
    r = reachability(graph(), table(), "KZ")
    assert (r.inbound, r.outbound, r.isolated) == (1.0, 1.0, ())
    assert r.sources == 5 and r.origin_space == 1024 and r.world_space == 1200


CASES = [
    # remove_as 2: its 5 links go (1>2, 2>10, 2>11, 2>12, 2>21). Left: 1>3, 1>20, 3>10,
    # 10>11, 21-12. 10: {1,3,20} 3/5; 11 (via 10): 3/5; 12: peer 21 only, 1/5.
    # R_in = (256*.6 + 256*.6 + 512*.2)/1024 = 0.4. Out: 10 and 11 reach 1,3,20 =
    # 1100/1200, 12 reaches 21 = 100/1200: R_out = (512*11/12 + 512*1/12)/1024 = 0.5.
    ({"op": "remove_as", "asns": [2]}, (5, 0, 0), 0.4, 0.5, ()),
    # remove_link 2-12: 12 keeps its peer 21 (1/5): R_in = (512 + 512*.2)/1024 = 0.6;
    # R_out = (512 + 512/12)/1024 = 0.541666...
    ({"op": "remove_link", "a": 12, "b": 2}, (1, 0, 0), 0.6, 0.5 + 0.5 / 12, ()),
    # remove_country_links KZ RU: 2>10, 2>11, 2>12 and 21-12 go (4); 10, 11 via AS3 reach
    # all 5; 12 is cut off: R_in = R_out = 512/1024 = 0.5; 12 isolated.
    ({"op": "remove_country_links", "countries": ["kz", "RU"]}, (4, 0, 0), 0.5, 0.5, (12,)),
    # depeer AS3 from KZ: only 3>10 goes; 10 keeps AS2: everything still reaches: 1, 1.
    ({"op": "depeer", "asn": 3, "country": "KZ"}, (1, 0, 0), 1.0, 1.0, ()),
    # no_foreign_transit RU: RU providers with non-RU customers: 2>10, 2>11, 2>12 (3);
    # 2>21 is domestic, 1>2 has a DE provider, the 21-12 peering stays. 10, 11 reach all
    # via AS3; 12 only by peer 21 (1/5): R_in = 0.6, R_out = 0.541666...
    ({"op": "no_foreign_transit", "country": "RU"}, (3, 0, 0), 0.6, 0.5 + 0.5 / 12, ()),
    # disconnect_country KZ: 2>10, 3>10, 2>11, 2>12, 21-12 go (5); 10>11 stays (domestic).
    # Nothing foreign reaches KZ: 0, 0, all three origins isolated.
    ({"op": "disconnect_country", "country": "KZ"}, (5, 0, 0), 0.0, 0.0, (10, 11, 12)),
    # change_relationship 2-12 to p2p: 12 is reached by its peers 2 and 21 and by 2's
    # customer cone (10, 11, 21): foreign {2, 21} 2/5. R_in = (512 + 512*.4)/1024 = 0.7;
    # 12 reaches 2 (0 addr) and 21 (100): R_out = (512 + 512/12)/1024.
    ({"op": "change_relationship", "a": 2, "b": 12, "rel": "p2p"}, (0, 0, 1), 0.7,
     0.5 + 0.5 / 12, ()),
]


@pytest.mark.parametrize(("op", "counts", "r_in", "r_out", "isolated"), CASES,
                         ids=[c[0]["op"] for c in CASES])
def test_single_operation(op: dict, counts: tuple[int, int, int], r_in: float, r_out: float,
                          isolated: tuple[int, ...]) -> None:
    res = _reach(_scenario(op))
    step = res.log.steps[0]
    assert (step.removed, step.added, step.changed) == counts
    assert res.before.reach.inbound == 1.0 and res.before.reach.outbound == 1.0
    assert res.after.reach.inbound == pytest.approx(r_in)
    assert res.after.reach.outbound == pytest.approx(r_out)
    assert res.after.reach.isolated == isolated
    assert res.lost_international == isolated


@pytest.mark.parametrize(
    ("rel", "a", "b", "r_in", "r_out"),
    [
        # After remove_link 2-12, AS20 provides AS12: 12 is reached by everyone again
        # (2 -> 1 -> 20 -> 12 is valley-free): 1, 1.
        ("p2c", 20, 12, 1.0, 1.0),
        ("c2p", 12, 20, 1.0, 1.0),  # the same link written from the customer's side
        # 12-20 peering: 12 reached by peers 20 and 21 only (2/5): R_in = 0.7; 12 reaches
        # 20 + 21 = 200/1200: R_out = (512 + 512/6)/1024.
        ("p2p", 12, 20, 0.7, 0.5 + 0.5 / 6),
    ],
)
def test_add_link_after_remove(rel: str, a: int, b: int, r_in: float, r_out: float) -> None:
    s = _scenario({"op": "remove_link", "a": 2, "b": 12},
                  {"op": "add_link", "a": a, "b": b, "rel": rel})
    after, log = apply(graph(), table(), s)
    assert [(x.removed, x.added) for x in log.steps] == [(1, 0), (0, 1)]
    assert (log.links_before, log.links_after) == (10, 10)
    if rel == "p2p":
        assert 20 in after.peers_of(12).tolist()
    else:
        assert after.providers_of(12).tolist() == [20]
    res = _reach(s)
    assert res.after.reach.inbound == pytest.approx(r_in)
    assert res.after.reach.outbound == pytest.approx(r_out)


def test_restrict_origins_and_vantage_points() -> None:
    # Only origin 12 after remove_link 2-12: reached by 21 (1/5): R_in = 0.2; it reaches
    # 21 only: R_out = 100/1200.
    s = _scenario({"op": "remove_link", "a": 2, "b": 12}, {"op": "restrict", "origins": [12]})
    res = _reach(s)
    assert res.after.reach.inbound == pytest.approx(0.2)
    assert res.after.reach.outbound == pytest.approx(100 / 1200)
    assert res.before.reach.origins == (12,)
    # Sources {20, 21}: 10 and 11 reached by both, 12 by 21 only: (512 + 512*.5)/1024.
    s = _scenario({"op": "remove_link", "a": 2, "b": 12},
                  {"op": "restrict", "vantage_points": [20, 21, 1]},
                  {"op": "restrict", "vantage_points": [20, 21]})
    assert _reach(s).after.reach.inbound == pytest.approx(0.75)
    # Collectors {1, 20} (intersected with nothing else): 12 reached by neither: 0.5.
    s = _scenario({"op": "remove_link", "a": 2, "b": 12},
                  {"op": "restrict", "vantage_points": "collectors"})
    res = _reach(s, collectors=(1, 20))
    assert res.after.reach.inbound == pytest.approx(0.5)
    assert res.after.reach.sources == 2


def test_outbound_equals_direct_propagation_from_foreign_origins() -> None:
    """R_out re-derived without the symmetry argument: propagate from every foreign origin
    and check which KZ origins reach it."""
    s = _scenario({"op": "remove_as", "asns": [2]})
    after, _ = apply(graph(), table(), s)
    space = dict(zip(INFO.asn, INFO.ipv4_addresses, strict=True))
    kz = [10, 11, 12]
    total = 0.0
    for f in (1, 20, 21):
        routes = propagate(after, after.index_of(f))
        for o in kz:
            if routes.length[after.index_of(o)] >= 0:
                total += space[o] * space[f]
    expected = total / (1024 * 1200)
    got = reachability(after, table(), "KZ").outbound
    assert got == pytest.approx(expected) and got == pytest.approx(0.5)


def test_depeer_makes_as2_and_its_links_critical() -> None:
    # Before: AS1 ties between 2 and 3 towards AS10; AS3 reaches AS11 through its customer
    # AS10; AS21 reaches AS12 over their peering. So AS2 is on every path to no origin.
    # After depeer 3-KZ every source reaches 10 and 11 through AS2 (12 still has 21's
    # peering): AS2 becomes critical for 256 + 256 = 512 addresses, links 2>10 and 2>11.
    res = _reach(_scenario({"op": "depeer", "asn": 3, "country": "KZ"}))
    assert 2 not in res.before.reach.critical_ases
    assert res.new_critical_ases == {2: 512}
    assert res.new_critical_links == {(2, 10): 256, (2, 11): 256}


def test_dependency_by_country_both_variants() -> None:
    # Inbound pairs weigh w_s * W_o with w = {1: 1000, 20: 100, 21: 100} (2 and 3 have no
    # space) and W = {10: 256, 11: 256, 12: 512}; total 1200 * 1024 = 1,228,800.
    # CN gateway: to 10, AS1 and AS20 tie over 2 and 3: (1000*.5 + 100*.5) * 256 = 140,800.
    # direct: 21 -> 12 peering, no transit: 100 * 512 = 51,200. RU gateway: the rest,
    # 1,036,800 (0.84375). DE (AS1) is transit on AS20's paths only and never the last
    # foreign AS: any = 100 * 1024 / 1,228,800 = 1/12, gateway = 0.
    # After depeer 3-KZ, CN drops out and RU takes 1 - 1/24.
    res = _reach(_scenario({"op": "depeer", "asn": 3, "country": "KZ"}))
    before = res.before.by_country("inbound").set_index("country")
    after = res.after.by_country("inbound").set_index("country")
    assert before.at["CN", "gateway_share"] == pytest.approx(140_800 / 1_228_800)
    assert before.at["RU", "gateway_share"] == pytest.approx(0.84375)
    assert before.at["DE", "any_share"] == pytest.approx(1 / 12)
    assert before.at["DE", "gateway_share"] == pytest.approx(0.0)
    assert "CN" not in after.index
    assert after.at["RU", "gateway_share"] == pytest.approx(1 - 1 / 24)
    assert res.after.inbound.direct_share == pytest.approx(1 / 24)
    d = res.as_dict()
    for side in ("before", "after"):
        assert {"reachability_inbound", "reachability_outbound", "by_country"} <= set(d[side])
    assert d["scenario"] == "t" and d["country"] == "KZ"


def test_apply_keeps_indices_and_input_graph() -> None:
    g = graph()
    after, _ = apply(g, table(g), _scenario({"op": "disconnect_country", "country": "KZ"}))
    assert np.array_equal(after.asns, g.asns)
    assert len(g.links) == 10  # the input graph is untouched
