"""Inbound dependency in calibrated mode on the hand graph of ``hand.py``, by hand.

The RIB has one route: VP 40 reaches AS 2's prefix by ``40 30 3 2`` (plain all-best
splits 40's route over 20 and 30). Calibrated: 40 (via 30, 3 hops), 30 (via 3) and 3
(via 2) are fixed towards AS 2, which has observations and so is propagated on its own
(not grouped below its provider 3). Nothing is observed towards AS 1, and no simulated
AS ties there, so its routes are the plain ones (see ``test_dependency_hand.py``).

Towards 2 (W = 1): 40 {30, 3} | 50 {40, 30, 3} | 60 {30, 3} | 80 {60, 30, 3}.
Towards 1 (W = 3): 40 {20} | 50 {40, 20} | 60 {30, 3} | 80 {60, 30, 3}.
Pair weights as before (R = 32). any BB = 12 + 6 = 18 -> 18/32; any CC = 3 + 3 + (4 + 2
+ 1 + 1) = 14 -> 14/32; DD (AS 40, transit for 50) = 6 + 2 = 8/32; unknown (AS 60,
transit for 80) = 3 + 1 = 4/32. Gateways: BB 18/32, CC 14/32.

Observed share (hop mass): towards 1 nothing is observed: 2*4 + 3*2 + 3*1 + 4*1 = 21 hops
of mass, times W = 3: 63. Towards 2: 3*4 + 4*2 + 3*1 + 4*1 = 27, of which along observed
routes (the hops out of 40, 30 and 3): 3*4 + 3*2 + 2*1 + 2*1 = 22. Share 22 / 90.
Pairs whose whole route is observed: source 40 towards 2 (4 * 1) -> 4/32.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from tests.metrics import hand

from crossroads.metrics.dependency import inbound
from crossroads.routing.calibration import calibrate
from crossroads.sources.bgpdump_text import parse_bgpdump

LINE = b"TABLE_DUMP2|1277971199|B|10.0.0.40|40|10.2.0.0/16|40 30 3 2|IGP|x|0|0||NAG||"


def _calibration():  # noqa: ANN202
    return calibrate(hand.graph(), pa.Table.from_batches(list(parse_bgpdump([(1, LINE)]))))


def test_calibrated_inbound_by_hand() -> None:
    cal = _calibration()
    g = cal.graph
    r = inbound(g, hand.table(g), "AA", mode="calibrated", calibration=cal)
    f = r.by_country.set_index("country")
    assert f.any_share.to_dict() == pytest.approx(
        {"BB": 18 / 32, "CC": 14 / 32, "DD": 8 / 32, "unknown": 4 / 32})
    assert f.gateway_share.to_dict() == pytest.approx(
        {"BB": 18 / 32, "CC": 14 / 32, "DD": 0.0, "unknown": 0.0})
    assert r.observed_share == pytest.approx(22 / 90)
    assert r.observed_pair_share == pytest.approx(4 / 32)
    assert r.mode == "calibrated" and r.propagations == 2
    assert "1 observed routes" in r.calibration


def test_calibrated_inbound_after_a_removed_link_falls_back() -> None:
    """Link 30-3 removed: ``40 30 3 2`` and ``30 3 2`` use it and are dropped; ``3 2``
    stays. Towards 2: 40 via 20 (customer, 3 hops), 30 via its provider 40 (4), 60 via 30
    (5), 80 (6), 50 via 40 (4). Hop mass towards 2: 3*4 + 4*2 + 5*1 + 6*1 = 31, observed
    (the hops out of AS 3 only) 4 + 2 + 1 + 1 = 8. Towards 1: 40 {20}, 50 {40, 20},
    60 {30, 40, 20}, 80 {60, 30, 40, 20}: 2*4 + 3*2 + 4*1 + 5*1 = 23, times 3: 69.
    Share 8 / 100; no source's whole route is observed any more."""
    cal = _calibration()
    g = cal.graph.without_links([(30, 3)])
    r = inbound(g, hand.table(g), "AA", mode="calibrated", calibration=cal)
    assert r.observed_share == pytest.approx(8 / 100)
    assert r.observed_pair_share == 0.0
    assert r.by_country.set_index("country").gateway_share.to_dict() == pytest.approx(
        {"BB": 1.0, "DD": 0.0, "CC": 0.0, "unknown": 0.0})


def test_plain_modes_report_no_observed_share() -> None:
    g = hand.graph()
    r = inbound(g, hand.table(g), "AA")
    assert r.observed_share is None and r.calibration is None
    with pytest.raises(ValueError, match="needs a calibration"):
        inbound(g, hand.table(g), "AA", mode="calibrated")


def test_world_matrix_row_calibrated_by_hand() -> None:
    """The world matrix's AA row in calibrated mode is the calibrated inbound result
    above (BB 18/32, CC 14/32); the calibration pickles to the worker processes."""
    from crossroads.metrics.world import world_matrix
    from crossroads.snapshots import Snapshot

    cal = _calibration()
    snap = Snapshot.of(cal.graph, hand.info())
    for workers in (1, 2):
        m = world_matrix(snap, mode="calibrated", calibration=cal, chunk=2, workers=workers)
        assert m.shares.loc["AA", "BB"] == pytest.approx(18 / 32)
        assert m.shares.loc["AA", "CC"] == pytest.approx(14 / 32)
        assert m.mode == "calibrated" and 0 < m.observed_share < 1
        assert "1 observed routes" in m.calibration


def test_calibrated_chokepoints_and_robustness_reroute_each_edited_graph() -> None:
    """Calibrated mode takes the edited-graph path (lanes carry no observed routes). The
    observed route here is valley-free, so who reaches AA is what the rules give: the
    losses equal the plain (lane) chokepoints'. Removing 40 > 20 leaves 40 and 50 on the
    observed 40 30 3 towards AS 2 and on 30 3 towards AS 1: BB's gateway share goes from
    18/32 to 0 and CC's to 1."""
    from crossroads.metrics.chokepoints import chokepoints
    from crossroads.metrics.robustness import robustness

    cal = _calibration()
    g = cal.graph
    t = hand.table(g)
    folded: list = []
    res = inbound(g, t, "AA", mode="calibrated", calibration=cal, folded=folded)
    got = chokepoints(g, t, "AA", res, mode="calibrated", calibration=cal)
    # the inbound pass's folded DAGs (one per observed variant) give the same carrying set
    reused = chokepoints(g, t, "AA", res, mode="calibrated", calibration=cal, folded=folded)
    assert reused.carrying.asn.tolist() == got.carrying.asn.tolist()
    assert reused.carrying.added_share.tolist() == pytest.approx(
        got.carrying.added_share.tolist(), rel=1e-12)
    plain = chokepoints(g, t, "AA", inbound(g, t, "AA"))
    for part in ("ases", "countries", "links"):
        a, b = getattr(got, part), getattr(plain, part)
        key = a.columns[0] if part != "links" else ["as1", "as2"]
        a, b = a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
        assert set(a[a.columns[0]]) == set(b[b.columns[0]])
        assert a.loss.tolist() == pytest.approx(b.loss.tolist(), nan_ok=True)
        assert a.country_loss.tolist() == pytest.approx(b.country_loss.tolist(), nan_ok=True)
    rob = robustness(g, t, "AA", res, k=3, mode="calibrated", calibration=cal)
    row = rob.set_index(["as1", "as2"]).loc[(40, 20)]
    assert row["delta_BB"] == pytest.approx(-18 / 32)
    assert row["delta_CC"] == pytest.approx(18 / 32)
