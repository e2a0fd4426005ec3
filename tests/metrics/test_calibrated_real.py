"""Calibrated routing on the mirror's real data: the 2002 RIS bview on the 2002 graph.

In sample, every observed route is fixed: a vantage point whose observed path crosses
only ASes seen with a single next hop (in its prefix's variant) must get exactly that path
back from the calibrated propagation -- re-derived here from the bview itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.config import Settings
from crossroads.errors import CrossroadsError
from crossroads.metrics.report import dependency
from crossroads.routing import path, propagate
from crossroads.routing._fidelity_data import observed_routes
from crossroads.routing.calibration import calibrate
from crossroads.routing.load import graph_from_file
from crossroads.routing.ribs import read_rib
from crossroads.snapshots import calibrated_snapshot

pytestmark = pytest.mark.slow

BVIEW = "mrt/bview.20020722.2337.gz"


def test_observed_routes_come_back_in_sample(mirror) -> None:  # noqa: ANN001
    graph = graph_from_file(mirror / "caida/serial-1/20020101.as-rel.txt.bz2")
    obs = observed_routes(read_rib(mirror / BVIEW), graph)
    cal = calibrate(graph, obs)
    g = cal.graph
    rows = np.flatnonzero(obs.vp_asn == 1853)
    rows = np.random.default_rng(7).choice(rows, 300, replace=False)
    variants = cal.variant_of_prefix(obs.prefix[rows], obs.origin[rows])
    checked = 0
    for r, v in zip(rows.tolist(), variants.tolist(), strict=True):
        seen = [int(a) for a in obs.flat[obs.ptr[r] : obs.ptr[r + 1]]]
        routes = propagate(g, g.index_of(seen[-1]), mode="calibrated", calibration=cal,
                           variant=v)
        hops = g.indices_of(seen[:-1])
        assert routes.observed[hops].all()  # every AS of an observed path is fixed
        if all(np.unique(routes.next_hops(int(h))).size == 1 for h in hops):
            assert path(g, routes, int(hops[0])) == seen
            checked += 1
    assert checked > 250  # most paths cross no AS with conflicting observations


def test_kz_dependency_calibrated_on_the_2002_bview(loaded_settings: Settings, mirror) -> None:  # noqa: ANN001
    snap, cal = calibrated_snapshot(loaded_settings, [mirror / BVIEW])
    rep = dependency(snap, "KZ", direction="inbound", mode="calibrated", calibration=cal,
                     chokepoint_k=0, robustness_k=1)
    inb = rep.inbound
    assert rep.mode == "calibrated" and inb is not None
    assert "bview.20020722.2337.gz" in inb.calibration and "18 vantage points" in inb.calibration
    assert 0.0 < inb.observed_share < 1.0 and 0.0 <= inb.observed_pair_share < 1.0
    total = inb.by_country.gateway_share.sum() + inb.direct_share + inb.domestic_share
    assert total == pytest.approx(1.0)
    names = [d.dataset for d in rep.datasets]
    assert "caida-as-rel-20020101" in names and "bview.20020722.2337.gz" in names
    assert len(rep.robustness) == 1
    top = rep.robustness.iloc[0]
    # the observed paths crossing the top link, counted again from the bview's population
    graph = graph_from_file(mirror / "caida/serial-1/20020101.as-rel.txt.bz2")
    obs = observed_routes(read_rib(mirror / BVIEW), graph)
    pairs = {(int(x), int(y)) for x, y in ((top.as1, top.as2), (top.as2, top.as1))}
    steps = sum((int(obs.flat[i]), int(obs.flat[i + 1])) in pairs
                for r in range(obs.n) for i in range(obs.ptr[r], obs.ptr[r + 1] - 1))
    assert top.observed_paths == steps
    with pytest.raises(CrossroadsError, match="days from the AS graph"):
        calibrated_snapshot(loaded_settings, [mirror / BVIEW], max_gap_days=100)


def test_route_from_the_vantage_point_is_its_observed_route(
        loaded_settings: Settings, mirror) -> None:  # noqa: ANN001
    """AS1853 reaches every prefix of AS9198 in the bview by ``1853 1239 5511 2854 9198``
    (prepending removed): calibrated, its route is that path, marked observed."""
    from crossroads.routing.query import route_query

    t = read_rib(mirror / BVIEW)
    seen = {tuple(dict.fromkeys(p)) for peer, p in zip(t.column("peer_asn").to_pylist(),
                                                         t.column("as_path").to_pylist(),
                                                         strict=True)
            if peer == 1853 and p and p[-1] == 9198}
    assert seen == {(1853, 1239, 5511, 2854, 9198)}
    snap, cal = calibrated_snapshot(loaded_settings, [mirror / BVIEW])
    q = route_query(snap.graph, [9198], from_asn=1853, mode="calibrated", calibration=cal)
    assert q.observed is True and q.datasets[0].data_date.isoformat() == "2002-01-01"
    assert [p.asns for p in q.paths] == [(1853, 1239, 5511, 2854, 9198)]
    assert "bview.20020722.2337.gz" in q.calibration


def test_calibration_from_the_ribs_in_the_store(publishers, scratch_settings) -> None:  # noqa: ANN001
    """Without RIB files, calibrated mode reads the RIBs ``crossroads fetch ribs`` stored:
    here rrc00's dump of 2024-09-01 is the mirror's 2002 bview (a local publisher), so the
    calibration is that of the file itself -- same routes, same graph of 2002-01-01."""
    from datetime import date

    from crossroads.routing.load import calibrated_graph
    from crossroads.sources.index import HttpTransport
    from crossroads.store import fetch_ribs

    fetch_ribs(scratch_settings, on=date(2024, 9, 1), collectors=["rrc00"],
               transport=HttpTransport(base=publishers.base, timeout=5.0))
    g, stored = calibrated_graph(scratch_settings, [])
    _, direct = calibrated_graph(scratch_settings, [scratch_settings.mirror / BVIEW])
    assert stored.stats == direct.stats and g.provenance.data_date == date(2002, 1, 1)
    assert [p.dataset for p in stored.provenance] == ["rib-rrc00-20240901.0000"]
    with pytest.raises(CrossroadsError, match="no RIB stored"):
        calibrated_graph(scratch_settings, [], date(2020, 1, 1))
    # --mode auto's rule (ribs_near): the dump of 2024-09-01 is 609 days after a graph of
    # 2023-01-01, none is within 730 days of 2020-01-01 (the next dump in reach would have
    # to be at or before 2021-12-31); the RIBs it chose calibrate the graph of the date
    # given, not that of the RIBs in force on it (none on 2002-01-01)
    from crossroads.routing.load import ribs_near

    assert ribs_near(scratch_settings, date(2020, 1, 1), 730) == []
    near = ribs_near(scratch_settings, date(2023, 1, 1), 730)
    assert [r.name for r in near] == ["rib-rrc00-20240901.0000"]
    g2, chosen = calibrated_graph(scratch_settings, [], date(2002, 1, 1), 10**6, stored=near)
    assert chosen.stats == direct.stats and g2.provenance.data_date == date(2002, 1, 1)
