"""The answer first and the disputed attributions, on the hand graph of ``hand.py``.

Inbound of AA on the hand graph (derivations in ``test_dependency_hand.py``): of the 32
units of path mass, the gateway is AS 20 (BB) for 21 and AS 3's foreign provider AS 30 (CC)
for the other 11 (paths of 60 and 80 to AS 1, and the halves of 40 and 50 to AS 2 via
30, and 60 and 80 to AS 2). So BB = 21/32 = 65.6 %, CC = 11/32 = 34.4 %.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import pytest
from tests.metrics import hand

from crossroads.metrics.answer import lead, place
from crossroads.metrics.attribution import disputes, flag_disputed, reason
from crossroads.metrics.dependency import inbound, outbound
from crossroads.metrics.report import dependency
from crossroads.provenance import Provenance
from crossroads.snapshots import Snapshot

GRAPH = Provenance("caida-as-rel2-20250901", "test", date(2025, 9, 1), "0", datetime(2025, 9, 2),
                   "x", kind="as-rel")


def _info() -> pd.DataFrame:
    """The hand table with the three meanings: AS 20 is registered in BB but operates in
    CC and is owned from DD; AS 30 agrees everywhere; AS 40 operates mostly nowhere in
    particular (40 % of its space in DD)."""
    info = hand.info()
    info["op_cc"] = info.reg_cc
    info["op_rule"] = "geolocated-space"
    info["op_share"] = 1.0
    info["own_cc"] = info.reg_cc
    info["own_rule"] = "registration"
    info["owner"] = None
    at = info.set_index("asn").index.get_loc
    info.loc[at(20), ["op_cc", "own_cc", "own_rule", "owner"]] = ["CC", "DD", "state-owned",
                                                                  "DD-TEL"]
    info.loc[at(40), "op_share"] = 0.4
    return info


def test_reasons_by_hand() -> None:
    why = disputes(_info())
    assert why == {
        20: "AS20 Bee: operates CC, registered BB, owner DD (DD-TEL)",
        40: "AS40 Dee: operates DD (40 % of its address space), registered DD",
    }
    # an operation country that only repeats the registration is no evidence of its own
    assert reason({"reg_cc": "BB", "op_cc": "CC", "op_rule": "registration",
                   "own_cc": "BB", "own_rule": "registration"}, 7) is None


def test_rows_carrying_one_percent_are_flagged_inline() -> None:
    # by registration, AS 20 (BB) carries 21/32 of the mass: both its AS row and the BB
    # country row carry its reason; AS 40 is a source, never on a path: no row.
    g = hand.graph()
    res = flag_disputed(inbound(g, hand.table(g), "AA"), _info())
    by_as = res.by_as.set_index("asn")
    assert by_as.loc[20, "flag"] == "AS20 Bee: operates CC, registered BB, owner DD (DD-TEL)"
    assert by_as.loc[30, "flag"] == ""
    rows = res.by_country.set_index("country")
    assert rows.loc["BB", "flag"] == by_as.loc[20, "flag"]
    assert rows.loc["CC", "flag"] == ""
    # above the threshold nothing is flagged
    quiet = flag_disputed(inbound(g, hand.table(g), "AA"), _info(), threshold=0.7)
    assert (quiet.by_as.flag == "").all() and (quiet.by_country.flag == "").all()


def test_the_meaning_moves_the_mass() -> None:
    # by operation AS 20 counts for CC: CC's gateway share is 21/32 + 11/32 = 1
    snap = Snapshot.of(hand.graph(), _info(), country_by="operation")
    r = dependency(snap, "AA", direction="inbound", chokepoint_k=0)
    assert r.country_by == "operation"
    gw = r.inbound.by_country.set_index("country").gateway_share
    assert gw["CC"] == pytest.approx(1.0)
    assert r.inbound.by_country.set_index("country").loc["CC", "flag"].startswith("AS20 Bee")


def test_lead_sentence_by_hand() -> None:
    snap = Snapshot.of(hand.graph(), _info(), datasets=[GRAPH])
    r = dependency(snap, "AA", direction="inbound", chokepoint_k=0)
    (a,) = r.answers
    assert (a.partner, a.share) == ("BB", pytest.approx(21 / 32))
    assert a.sentence.startswith(
        "65.6 % of the address-weighted paths from the world into AA enter through a network "
        "registered in Barbados (AS level, simulated on the CAIDA AS graph of 2025-09-01; "
        "fidelity: ")
    c = a.comparison
    assert (c.partner, c.simulated, c.observed, c.published) == ("BB", a.share, None, ())
    assert "dates differ (graph 2025-09-01)" in c.why
    assert r.as_dict()["answers"][0]["sentence"] == a.sentence


def test_observed_share_enters_the_comparison() -> None:
    # an observed direction in which BB is the gateway of 3/4 of the paths
    g = hand.graph()
    sim = inbound(g, hand.table(g), "AA")
    seen = replace(sim, mode="observed", n_vantage_points=2, by_country=pd.DataFrame(
        {"country": ["BB", "CC"], "any_share": [0.75, 0.25], "gateway_share": [0.75, 0.25]}))
    rib = Provenance("rv.txt.gz", "x", date(2010, 7, 1), "0", datetime(2010, 7, 2), "x",
                     kind="rib")
    a = lead(sim, country_by="registration", datasets=[GRAPH], observed=seen,
             observed_datasets=[rib])
    assert (a.comparison.simulated, a.comparison.observed) == (pytest.approx(21 / 32), 0.75)
    assert a.comparison.observed_basis == "gateway share on 2 vantage points of rv.txt.gz " \
        "(2010-07-01)"
    assert "dates differ (graph 2025-09-01, RIB 2010-07-01)" in a.comparison.why
    assert place("GB") == "the United Kingdom"


def test_a_rib_that_cannot_see_a_direction_says_so() -> None:
    # outbound AA on the hand graph, a RIB read whose vantage points are none in AA: no
    # observed share, and the basis names the RIB rather than "no RIB was read"
    g = hand.graph()
    sim = outbound(g, hand.table(g), "AA", [50, 80])
    rib = Provenance("rv.txt.gz", "x", date(2010, 7, 1), "0", datetime(2010, 7, 2), "x",
                     kind="rib")
    a = lead(sim, country_by="registration", datasets=[GRAPH], observed=None,
             observed_datasets=[rib])
    assert a.comparison.observed is None
    assert a.comparison.observed_basis == ("not observable in rv.txt.gz (2010-07-01): none "
                                           "of its vantage points is in AA")
    # without a RIB the basis stays empty (the renderers say "no RIB read")
    assert lead(sim, country_by="registration", datasets=[GRAPH]).comparison.observed_basis \
        is None
