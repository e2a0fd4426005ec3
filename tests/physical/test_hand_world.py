"""A hand-made world: countries, corridors, metros, AS links; every share worked out by hand.

World (real ISO codes, made-up facts): home AM; land neighbours GE (2 crossings) and IR
(1 crossing); TR beyond both (GE-TR and IR-TR land borders, 1 each); AM's hubs: a metro
in TR ("ist") and one in AM itself ("yvn"), weight 1 each.

AS graph: AS 1 (AM, 256 addresses, the only origin) buys transit from AS 2 (GE) and
AS 4 (US); both are customers of AS 5 (JP, 1024 addresses, the only foreign source).

Inbound, AS 5's route to AS 1 ties over AS 2 and AS 4: half the mass on each crossing
link, (1, 2) and (1, 4).
"""

from __future__ import annotations

import pandas as pd
import pytest

from crossroads.metrics.dependency import inbound
from crossroads.metrics.territory import territorial_report
from crossroads.physical import Corridor, CorridorSet, Hub, Metro, country_routes
from crossroads.routing import ASGraph
from crossroads.scenarios import simulate
from crossroads.scenarios.model import Scenario
from crossroads.snapshots import ASTable, Snapshot


def _row(cid: str, route: tuple[str, ...], count: int, kind: str = "border") -> Corridor:
    return Corridor(cid, kind, route, count, (), (), "operational", None, "A", "u", "t", "2025")


def world() -> tuple[ASGraph, pd.DataFrame, CorridorSet]:
    g = ASGraph.from_links([2, 4, 5, 5], [1, 1, 2, 4], [-1, -1, -1, -1])
    info = pd.DataFrame({"asn": [1, 2, 4, 5], "reg_cc": ["AM", "GE", "US", "JP"],
                         "ipv4_addresses": [256, 0, 0, 1024], "name": ["a", "b", "c", "d"]})
    metros = {"ist": Metro("ist", "Istanbul", "TR", 41.0, 29.0),
              "yvn": Metro("yvn", "Yerevan", "AM", 40.2, 44.5)}
    cs = CorridorSet(
        (_row("am-ge", ("AM", "GE"), 2), _row("am-ir", ("AM", "IR"), 1),
         _row("ge-tr", ("GE", "TR"), 1, "land"), _row("ir-tr", ("IR", "TR"), 1, "land")),
        metros,
        (Hub("AM", "ist", 1.0, "A", "u", "t", "2025"),
         Hub("AM", "yvn", 1.0, "A", "u", "t", "2025")),
    )
    return g, info, cs


def test_routes_split_ties_by_crossing_counts() -> None:
    """AM -> TR: two shortest routes, via GE (weight 2 x 1) and via IR (1 x 1)."""
    r = country_routes(world()[2], "AM")
    assert r.hops["TR"] == 2
    assert r.crossing("TR") == pytest.approx({"GE": 2 / 3, "IR": 1 / 3, "TR": 1.0})
    assert r.crossing("AM") == {}


def test_territorial_shares_and_ranges() -> None:
    """Link (1,2), mass 1/2: GE is a land neighbour, placed at the AM-GE border: crosses GE.
    Link (1,4), mass 1/2: US is not a neighbour; hubs ist (TR) and yvn (AM), 1/2 each.
    Via ist it crosses GE 2/3, IR 1/3, TR 1; via yvn nothing.

    GE: 1/2 + 1/2 (1/2 * 2/3) = 2/3, low 1/2 + 0 = 1/2, high 1/2 + 1/2 * 2/3 = 5/6.
    IR: 1/2 * 1/2 * 1/3 = 1/12, low 0, high 1/6.  TR: 1/4, low 0, high 1/2.
    Both links rest on rules: rule_share 1."""
    g, info, cs = world()
    t = ASTable.from_frame(g, info)
    inb = inbound(g, t, "AM", crossings=True)
    assert inb.crossings.set_index("foreign_asn")["mass"].to_dict() == {2: 0.5, 4: 0.5}
    tr = territorial_report("AM", inb, None, cs, t).inbound
    assert tr.share_of("GE") == pytest.approx((2 / 3, 1 / 2, 5 / 6))
    assert tr.share_of("IR") == pytest.approx((1 / 12, 0.0, 1 / 6))
    assert tr.share_of("TR") == pytest.approx((1 / 4, 0.0, 1 / 2))
    assert tr.rule_share == pytest.approx(1.0)
    assert tr.by_evidence == pytest.approx({"rule:hub": 0.5, "rule:land-neighbour": 0.5})


def test_cut_corridor_loses_the_border_link_and_reroutes_the_hub_link() -> None:
    """Cutting AM-GE (both crossings): link (1,2) was made at that border, so it is lost;
    link (1,4) keeps its hubs (TR now only via IR). AS 5 still reaches AS 1 over AS 4, so
    reachability stays 1. After: all mass on (1,4); GE 0; IR 1/2 (low 0, high 1);
    TR 1/2 (0, 1)."""
    g, info, cs = world()
    s = Scenario.model_validate({"name": "cut", "country": "AM", "operations": [
        {"op": "cut_corridor", "countries": ["AM", "GE"]}]})
    res = simulate(Snapshot.of(g, info), s, corridors=cs, workers=1)
    assert res.log.steps[0].removed == 1
    assert res.after.reach.inbound == pytest.approx(1.0)
    after = res.after.territory.inbound
    assert after.share_of("GE") == (0.0, 0.0, 0.0)
    assert after.share_of("IR") == pytest.approx((0.5, 0.0, 1.0))
    assert after.share_of("TR") == pytest.approx((0.5, 0.0, 1.0))
    before = res.before.territory.inbound
    assert before.share_of("GE") == pytest.approx((2 / 3, 1 / 2, 5 / 6))


def test_cut_of_every_route_loses_the_origin() -> None:
    """Cutting AM-GE and AM-IR leaves AM with no corridor: link (1,2) is lost (border) and
    link (1,4) keeps only the hub inside AM (yvn), which needs no corridor: it survives.
    So reachability stays 1 -- a domestic hub is a way out only if the foreign carrier is
    really there, which is why it is a rule with a range."""
    g, info, cs = world()
    s = Scenario.model_validate({"name": "cut2", "country": "AM", "operations": [
        {"op": "cut_corridor", "countries": ["AM", "GE"]},
        {"op": "cut_corridor", "countries": ["AM", "IR"]}]})
    res = simulate(Snapshot.of(g, info), s, corridors=cs, workers=1)
    assert [st.removed for st in res.log.steps] == [1, 0]
    assert res.after.territory.inbound.share_of("TR") == (0.0, 0.0, 0.0)
    assert res.after.territory.inbound.unrouted_share == pytest.approx(0.0)


def test_add_corridor_and_satellite() -> None:
    """A new system AM-TR (1 hop, weight 1) becomes the only shortest route to TR: the
    hub link's ist candidate now crosses TR only. GE: 1/2 (border link) + 0 = 1/2.
    A satellite service of share 0.1 with its station in DE scales every share by 0.9
    and gives DE 0.1: GE 0.45, TR 0.9 * 1/4 + 0 = 0.225, DE 0.1."""
    g, info, cs = world()
    s = Scenario.model_validate({"name": "add", "country": "AM", "operations": [
        {"op": "add_corridor", "route": ["AM", "TR"], "metros": ["yvn", "ist"]},
        {"op": "satellite", "share": 0.1, "station": "DE"}]})
    res = simulate(Snapshot.of(g, info), s, corridors=cs, workers=1)
    after = res.after.territory.inbound
    assert after.share_of("GE") == pytest.approx((0.45, 0.45, 0.45))
    assert after.share_of("TR")[0] == pytest.approx(0.225)
    assert after.share_of("DE") == pytest.approx((0.1, 0.1, 0.1))
    assert res.after.reach_with_satellite == pytest.approx((1.0, 1.0))


@pytest.mark.parametrize(("op", "bad"), [
    ({"op": "add_corridor", "route": ["AM", "XA", "TR"]}, "XA"),
    ({"op": "cut_corridor", "countries": ["AM", "ZZ"]}, "ZZ"),
    ({"op": "satellite", "share": 0.1, "station": "QM"}, "QM"),
])
def test_corridor_operations_refuse_user_assigned_codes(op: dict[str, object], bad: str) -> None:
    """A scenario's corridors and ground stations are on real territory, as the corridor
    data's: a user-assigned code is a one-line scenario error naming the operation."""
    from crossroads.errors import ScenarioError

    g, info, cs = world()
    s = Scenario.model_validate({"name": "u", "country": "AM", "operations": [op]})
    with pytest.raises(ScenarioError) as err:
        simulate(Snapshot.of(g, info), s, corridors=cs, workers=1)
    assert err.value.message.endswith(
        f"({op['op']}): '{bad}' is a user-assigned ISO 3166-1 code, not a territory")
