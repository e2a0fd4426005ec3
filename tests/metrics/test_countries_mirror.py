"""Country meanings, the answer first and chokepoints about the country, on the mirror.

The 2025-09-01 CAIDA graph, the 2026-06-17 ip-location-db ranges, the 2018-10-13 RIR files,
the state-owned ASes (2022) and the 2010 RouteViews RIB; every expectation is re-derived
here from the store's rows, the graph or the RIB text, or was verified on them (see
``docs/validation-kz.md``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.metrics.test_observed import RIB, _direct_count

from crossroads.config import Settings
from crossroads.metrics.chokepoints import keeps_world
from crossroads.metrics.report import DependencyReport, dependency
from crossroads.scenarios import load_scenario, simulate
from crossroads.snapshots import Snapshot, snapshot

pytestmark = pytest.mark.slow

ODD = ("AU", "SC", "EU")  # registration countries that misnamed KZ's gateways


@pytest.fixture(scope="module")
def op(loaded_settings: Settings) -> Snapshot:
    return snapshot(loaded_settings)  # the default meaning: operation


@pytest.fixture(scope="module")
def kz(op: Snapshot, mirror: Path) -> DependencyReport:
    return dependency(op, "KZ", chokepoint_k=5, ribs=[mirror / RIB])


def test_uzbektelekom_is_domestic_by_operation(op: Snapshot) -> None:
    # AS28910 Uzbektelekom: registered UA in the 2018 RIPE file, its space geolocated in UZ
    row = op.info.set_index("asn").loc[28910]
    assert (row.reg_cc, row.op_cc, row.own_cc) == ("UA", "UZ", "UZ")
    assert op.table.country_of(28910) == "UZ"
    r = dependency(op, "UZ", direction="inbound", chokepoint_k=0)
    assert 28910 not in set(r.inbound.by_as.asn)  # domestic: never a foreign gateway
    ua = r.inbound.by_country.set_index("country")
    assert "UA" not in ua.index or ua.loc["UA", "gateway_share"] < 0.01


def test_uzbektelekom_is_flagged_by_registration(loaded_settings: Settings) -> None:
    # by registration Ukraine is "the" gateway of UZ (98.2 % in issue 17): now flagged
    snap = snapshot(loaded_settings, country_by="registration")
    r = dependency(snap, "UZ", direction="inbound", chokepoint_k=0)
    rows = r.inbound.by_country.set_index("country")
    assert rows.loc["UA", "gateway_share"] > 0.9
    assert "AS28910" in rows.loc["UA", "flag"] and "operates UZ" in rows.loc["UA", "flag"]
    assert r.answers[0].partner == "UA"  # the sentence says it, the table flags it


def test_kz_shows_no_odd_country_unflagged(kz: DependencyReport, op: Snapshot) -> None:
    # An AU, SC or EU row carrying >= 1 % is either flagged, or made only of networks that
    # are registered *and* operate there (by outbound paths, Vocus AS4826 and Macquarie
    # AS17477 are Australian: a true AU row of 1.8 % any-share, not a misattribution).
    info = op.info.set_index("asn")
    for res in (kz.inbound, kz.outbound):
        assert res is not None
        rows = res.by_country
        assert "EU" not in set(rows.country)
        heavy = rows[rows.country.isin(ODD)
                     & ((rows.any_share >= 0.01) | (rows.gateway_share >= 0.01))]
        for r in heavy[heavy.flag == ""].itertuples():
            members = res.by_as[res.by_as.country == r.country].asn
            assert (info.loc[members, "reg_cc"] == r.country).all(), (res.direction, r)
            assert (info.loc[members, "op_cc"] == r.country).all(), (res.direction, r)
    sc = kz.inbound.by_country.set_index("country").loc["SC"]
    assert sc.any_share > 0.2 and sc.flag.startswith("AS139057 Edgenext")
    # verified: by operation AS23764 (China Telecom Global) counts for HK, flagged
    by_as = kz.inbound.by_as.set_index("asn")
    assert by_as.loc[23764, "country"] == "HK"
    assert by_as.loc[23764, "flag"].startswith("AS23764 China Telecom Global Limited: "
                                                "operates HK (44 % of its address space), "
                                                "registered AU")


def test_kz_answer_first(kz: DependencyReport, op: Snapshot, mirror: Path) -> None:
    a = kz.answers[0]
    rows = kz.inbound.by_country.set_index("country")
    assert (a.direction, a.partner) == ("inbound", "RU")
    assert a.share == rows.loc["RU", "gateway_share"] == rows.gateway_share.max()
    assert a.sentence.startswith(
        f"{100 * a.share:.1f} % of the address-weighted paths from the world into Kazakhstan "
        "enter through a network operating in the Russian Federation (AS level, simulated "
        "on the CAIDA AS graph of 2025-09-01; fidelity: ")
    # the observed share is re-derived from the RIB text with the same countries
    cc = {int(x): str(c) for x, c in zip(op.info.asn, op.info.op_cc, strict=True)
          if isinstance(c, str)}
    assert a.comparison.observed == pytest.approx(_direct_count(mirror / RIB, cc)["gw_ru"])
    assert a.comparison.observed > 0.95
    (isoc,) = a.comparison.published
    assert (isoc.value, isoc.year, isoc.partner) == (0.95, 2025, "RU")
    assert "traffic volume" in a.comparison.why and "RIB 2010-07-01" in a.comparison.why


def test_level3_is_not_the_kz_headline(kz: DependencyReport, op: Snapshot) -> None:
    c = kz.chokepoints
    assert c is not None
    lvl3 = c.ases.set_index("asn").loc[3356]
    # verified: without AS3356, 9.0 % of the (foreign, KZ) pairs lose every route, all of
    # them from sources left with no route to the rest of the world (DoD space, AS749 ...)
    assert lvl3.loss > 0.08
    assert lvl3.isolated_loss == pytest.approx(lvl3.loss)
    assert lvl3.country_loss < 1e-9
    assert c.ases.asn.iloc[0] != 3356
    assert "AS3356" not in str(c.headline["element"]) and "3356" not in c.headline["sentence"]
    # independently: AS749 (US DoD) has AS3356 as its only provider, and without it
    # reaches none of the core
    g = op.graph
    assert g.providers_of(749).tolist() == [3356]
    without = g.without_ases([3356])
    keeps = keeps_world(without, np.union1d(g.indices_of([3356]), op.table.members("KZ")))
    assert not keeps[g.index_of(749)] and keeps[g.index_of(174)]
    # removing every Russian network is what KZ itself loses most of, among the countries
    assert c.countries.country.iloc[0] == "RU" and c.countries.country_loss.iloc[0] > 0


def test_a_scenario_says_how_to_read_it(op: Snapshot) -> None:
    d = simulate(op, load_scenario("kz-russia-transit-loss")).as_dict()
    change = d["changes"]["reachability_inbound"]  # type: ignore[index]
    assert abs(change) < 0.01
    assert d["reading"].startswith("Reachability barely moves")
    assert "not that the traffic still fits" in d["reading"]
    assert len(d["limits"]) == 3 and d["limits"][0].startswith("reachability, not capacity")
