"""Inbound/outbound dependency on the hand graph of ``hand.py``, every value by hand.

Routes towards AS 1 (providers 3 and 20): 3 and 20 hold customer routes of length 1,
30 (via 3) and 40 (via 20) length 2; down: 50 via 40 (3), 60 via 30 (3), 80 via 60 (4).
Source paths, transit in braces:  40 {20} | 50 {40, 20} | 60 {30, 3} | 80 {60, 30, 3}.

Towards AS 2 (a stub of 3): 20 and 30 via 3 (length 2), 40 ties over 20 and 30 (3):
40 {20|30 half each, 3} | 50 {40, 20|30, 3} | 60 {30, 3} | 80 {60, 30, 3}.

Pair weights W_d * w_s (units of 256 addresses squared): towards 1: 40:12 50:6 60:3 80:3;
towards 2: 40:4 50:2 60:1 80:1. Reached R = 24 + 8 = 32.

any BB: 12 + 6 + (0.5*4 + 0.5*2) = 21 -> 21/32.  any CC: 3 + 3 + (2 + 1 + 1 + 1) = 11
-> 11/32.  any DD (AS 40, transit only for 50): 6 + 2 = 8 -> 1/4.  any unknown (AS 60,
transit only for 80): 3 + 1 = 4 -> 1/8.  Sources themselves are the far end: not counted.
gateway (last foreign transit AS before AA): BB 12 + 6 + 2 + 1 = 21/32, CC 3 + 3 + 2 +
1 + 1 + 1 = 11/32; sum 1, direct 0, domestic 0.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.metrics import hand

from crossroads.metrics.dependency import inbound, outbound


def _shares(result):
    f = result.by_country.set_index("country")
    return f.any_share.to_dict(), f.gateway_share.to_dict()


@pytest.mark.parametrize("grouping", [True, False])
def test_inbound_shares_by_hand(grouping: bool) -> None:
    g = hand.graph()
    r = inbound(g, hand.table(g), "AA", grouping=grouping)
    any_s, gw = _shares(r)
    assert any_s == pytest.approx({"BB": 21 / 32, "CC": 11 / 32, "DD": 1 / 4, "unknown": 1 / 8})
    assert gw == pytest.approx({"BB": 21 / 32, "CC": 11 / 32, "DD": 0.0, "unknown": 0.0})
    assert r.direct_share == 0 and r.domestic_share == 0 and r.unreachable_share == 0
    assert r.n_destinations == 2
    assert r.propagations == (1 if grouping else 0) + 1 + (0 if grouping else 1)


def test_inbound_gateway_variant_sums_to_one() -> None:
    g = hand.graph()
    r = inbound(g, hand.table(g), "AA")
    total = r.by_country.gateway_share.sum() + r.direct_share + r.domestic_share
    assert total == pytest.approx(1.0)


def test_inbound_by_as_transit_shares() -> None:
    # transit mass: AS 20: 21 (as for BB), AS 30: 11, AS 40: 8, AS 60: 4 (of R = 32)
    g = hand.graph()
    r = inbound(g, hand.table(g), "AA")
    t = r.by_as.set_index("asn").transit_share.to_dict()
    assert t == pytest.approx({20: 21 / 32, 30: 11 / 32, 40: 8 / 32, 60: 4 / 32})
    assert r.by_as.set_index("asn").loc[60, "country"] == "unknown"
    assert np.isnan(r.by_as.hegemony).all()  # no vantage points given


def test_inbound_from_vantage_points_with_hegemony() -> None:
    # VPs 40 and 50, weight 1 each. Towards 1 (W=3): 40 {20}, 50 {40, 20};
    # towards 2 (W=1): 40 {20|30, 3}, 50 {40, 20|30, 3}.
    # any BB = (3*(1+1) + 1*(0.5+0.5)) / (3*2 + 1*2) = 7/8; CC = 1/8; DD = (3+1)/8 = 1/2.
    # Hegemony (2 VPs: alpha = 0.1 trims floor(0.2) = 0, a plain mean; a VP is not on its
    # own path, so VP 40 counts 0 for AS 40): H_1(20) = 1, H_1(40) = 0.5;
    # H_2(20) = H_2(30) = 0.5, H_2(40) = 0.5. Country hegemony, weights 3 and 1:
    # AS 20: (3*1 + 0.5)/4 = 0.875; AS 30: 0.5/4 = 0.125; AS 40: (1.5 + 0.5)/4 = 0.5.
    g = hand.graph()
    r = inbound(g, hand.table(g), "AA", sources="vantage-points", vantage_points=[40, 50])
    any_s, gw = _shares(r)
    assert any_s == pytest.approx({"BB": 7 / 8, "CC": 1 / 8, "DD": 1 / 2})
    assert gw == pytest.approx({"BB": 7 / 8, "CC": 1 / 8, "DD": 0.0})
    h = r.by_as.set_index("asn").hegemony.to_dict()
    assert h == pytest.approx({20: 0.875, 30: 0.125, 40: 0.5})


@pytest.mark.parametrize("grouping", [True, False])
def test_outbound_shares_by_hand(grouping: bool) -> None:
    # Sources 1 (w 3) and 2 (w 1); destinations 50 and 80, weight 1 each (both stubs:
    # grouped under 40 and 60). Towards 50: 40 has a customer route, 20 and 30 provider
    # routes via 40, 1 via 20 (length 3), 3 ties over 20 and 30, 2 via 3:
    #   1 {20, 40}: gateway BB;  2 {3, 20|30, 40}: gateway BB 0.5, CC 0.5.
    # Towards 80: 60, 30, 40 customer routes; 3 via 30, 1 and 2 via 3:
    #   1 {3, 30, 60}, 2 {3, 30, 60}: gateway CC.
    # R = 8. any BB = (3 + 0.5)/8, CC = (0.5 + 4)/8, DD = 4/8, unknown = 4/8;
    # gateway BB = 3.5/8, CC = 4.5/8.
    g = hand.graph()
    r = outbound(g, hand.table(g), "AA", [50, 80], grouping=grouping)
    any_s, gw = _shares(r)
    assert any_s == pytest.approx(
        {"BB": 3.5 / 8, "CC": 4.5 / 8, "DD": 0.5, "unknown": 0.5}
    )
    assert gw == pytest.approx({"BB": 3.5 / 8, "CC": 4.5 / 8, "DD": 0.0, "unknown": 0.0})
    assert r.propagations == 2


def test_outbound_direct_neighbour_is_direct() -> None:
    # towards AS 20 itself: 1 -> 20 and 2 -> 3 -> 20 never cross a foreign transit AS
    g = hand.graph()
    r = outbound(g, hand.table(g), "AA", [20])
    assert r.direct_share == pytest.approx(1.0)
    assert r.by_country.empty


def test_outbound_hegemony_uses_home_sources_as_vantage_points() -> None:
    # VPs 1 and 2 (unweighted mean, 2 VPs: no trimming). Towards 50: P(20) = 1 and 0.5,
    # P(30) = 0 and 0.5, P(40) = 1 and 1 -> H_50: 20: 0.75, 30: 0.25, 40: 1.
    # Towards 80: 30 and 60 on both paths -> H_80: 30: 1, 60: 1. Mean over 2 destinations.
    g = hand.graph()
    r = outbound(g, hand.table(g), "AA", [50, 80])
    h = r.by_as.set_index("asn").hegemony.to_dict()
    assert h == pytest.approx({20: 0.375, 30: 0.625, 40: 0.5, 60: 0.5})


def test_deterministic_mode_breaks_the_tie_by_lowest_asn() -> None:
    # towards 2, AS 40 now always goes via 20 (lower ASN than 30): any BB gains the
    # 0.5*4 + 0.5*2 = 3 that went to CC: BB = 24/32, CC = 8/32.
    g = hand.graph()
    r = inbound(g, hand.table(g), "AA", mode="deterministic")
    any_s, _ = _shares(r)
    assert any_s["BB"] == pytest.approx(24 / 32)
    assert any_s["CC"] == pytest.approx(8 / 32)


def test_hegemony_scopes_by_hand() -> None:
    # one origin (AS 1): H(20) = 1, H(40) = 0.5 (see the VP test above);
    # both origins weighted by addresses (3 and 1): the country values 0.875/0.125/0.5
    from crossroads.metrics.hegemony import hegemony

    g = hand.graph()
    one = hegemony(g, [1], [40, 50]).set_index("asn").hegemony.to_dict()
    assert one == pytest.approx({20: 1.0, 40: 0.5})
    both = hegemony(g, [1, 2], [40, 50], table=hand.table(g))
    got = both.set_index("asn").hegemony.to_dict()
    assert got == pytest.approx({20: 0.875, 30: 0.125, 40: 0.5, 3: 0.25})


def _links(result) -> dict[tuple[int, int], float]:
    c = result.crossings.groupby(["home_asn", "foreign_asn"])["mass"].sum()
    return {(int(h), int(f)): float(m) for (h, f), m in c.items()}


@pytest.mark.parametrize("grouping", [True, False])
def test_crossing_links_by_hand(grouping: bool) -> None:
    # Inbound, the link where each path enters AA (paths of the module doc, weights of
    # 256^2): towards 1, 40 and 50 enter at 20 -> 1 (12 + 6), 60 and 80 at 30 -> 3 (3 + 3);
    # towards 2, 40 and 50 split at 20|30 -> 3 (2 + 2, 1 + 1), 60 and 80 at 30 -> 3 (1 + 1).
    # (1, 20): 18/32, (3, 20): 3/32, (3, 30): 11/32 -- per foreign AS, the gateway shares.
    # Outbound (paths of test_outbound_shares_by_hand): towards 50, 1 leaves at 1 -> 20 (3),
    # 2 at 3 -> 20|30 (0.5 each); towards 80, both at 3 -> 30 (3 + 1): (1, 20) 3/8,
    # (3, 20) 0.5/8, (3, 30) 4.5/8. The other results do not change with crossings=True.
    g = hand.graph()
    t = hand.table(g)
    r = inbound(g, t, "AA", grouping=grouping, crossings=True)
    assert _links(r) == pytest.approx({(1, 20): 18 / 32, (3, 20): 3 / 32, (3, 30): 11 / 32})
    plain = inbound(g, t, "AA", grouping=grouping)
    assert r.by_country.equals(plain.by_country) and r.by_as.equals(plain.by_as)
    o = outbound(g, t, "AA", [50, 80], grouping=grouping, crossings=True)
    assert _links(o) == pytest.approx({(1, 20): 3 / 8, (3, 20): 0.5 / 8, (3, 30): 4.5 / 8})


def test_direct_crossings_name_the_foreign_far_end() -> None:
    # towards AS 20 itself (direct, no foreign transit): 1 -> 20 (w 3) and 2 -> 3 -> 20
    # (w 1): the crossing links are (1, 20) 3/4 and (3, 20) 1/4, all of it direct mass.
    g = hand.graph()
    o = outbound(g, hand.table(g), "AA", [20], crossings=True)
    assert _links(o) == pytest.approx({(1, 20): 0.75, (3, 20): 0.25})
    assert o.direct_share == pytest.approx(1.0)
