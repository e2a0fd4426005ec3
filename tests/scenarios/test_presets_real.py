"""Every KZ preset on the real 2025-09-01 CAIDA graph and the mirror's as_info.

Expected link counts are re-derived here from the raw CAIDA file with plain Python (and
the store's ``reg_cc`` column), independently of :mod:`crossroads.scenarios.apply`.
"""

from __future__ import annotations

import bz2
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from crossroads.config import Settings
from crossroads.routing import ASGraph, propagate
from crossroads.scenarios import ScenarioResult, apply, load_scenario, simulate
from crossroads.snapshots import ASTable, Snapshot, snapshot

pytestmark = pytest.mark.slow

Run = Callable[[str], ScenarioResult]


@dataclass(frozen=True)
class Base:
    snap: Snapshot
    links: list[tuple[int, int, int]]  # raw CAIDA rows (as1, as2, rel)
    cc: dict[int, str]  # ASN -> reg_cc

    @property
    def graph(self) -> ASGraph:
        return self.snap.graph

    @property
    def info(self) -> pd.DataFrame:
        return self.snap.info

    @property
    def table(self) -> ASTable:
        return self.snap.table


@pytest.fixture(scope="session")
def base(loaded_settings: Settings, mirror: Path) -> Base:
    snap = snapshot(loaded_settings, country_by="registration")  # the reg_cc re-derivations
    info = snap.info
    links = []
    with bz2.open(mirror / "caida" / "20250901.as-rel2.txt.bz2", "rt") as f:
        for line in f:
            if not line.startswith("#"):
                a, b, r = line.split("|")[:3]
                links.append((int(a), int(b), int(r)))
    cc = {int(a): c for a, c in zip(info.asn, info.reg_cc, strict=True) if isinstance(c, str)}
    return Base(snap, links, cc)


@pytest.fixture(scope="session")
def preset(base: Base) -> Callable[[str], ScenarioResult]:
    """Run a preset once per session (several tests read the same result)."""
    cache: dict[str, ScenarioResult] = {}

    def get(name: str) -> ScenarioResult:
        if name not in cache:
            cache[name] = simulate(base.snap, load_scenario(name))
        return cache[name]

    return get


def _kz(base: Base, asn: int) -> bool:
    return base.cc.get(asn) == "KZ"


def test_national_shutdown_cuts_every_border_link(base: Base, preset: Run) -> None:
    res = preset("kz-national-shutdown")
    border = sum(1 for a, b, _ in base.links if _kz(base, a) != _kz(base, b))
    assert res.log.steps[0].removed == border > 100
    assert res.before.reach.inbound > 0.9
    assert res.after.reach.inbound == 0.0 and res.after.reach.outbound == 0.0
    assert set(res.after.reach.isolated) == set(res.after.reach.origins)
    assert len(res.lost_international) == len(res.after.reach.origins) - len(
        res.before.reach.isolated)


def test_kazakhtelecom_failure(base: Base, preset: Run) -> None:
    res = preset("kz-kazakhtelecom-failure")
    gone = {9198, 50482}
    expected = sum(1 for a, b, _ in base.links if a in gone or b in gone)
    assert res.log.steps[0].removed == expected
    assert 9198 in res.after.reach.isolated and 9198 not in res.before.reach.isolated
    assert res.after.reach.inbound < res.before.reach.inbound


def test_russia_transit_loss_leaves_no_russian_gateway(base: Base, preset: Run) -> None:
    res = preset("kz-russia-transit-loss")
    pairs = {frozenset((a, b)) for a, b, _ in base.links
             if {base.cc.get(a), base.cc.get(b)} == {"KZ", "RU"}}
    assert res.log.steps[0].removed == len(pairs) > 10
    before = res.before.by_country("inbound").set_index("country")
    after = res.after.by_country("inbound").set_index("country")
    assert before.at["RU", "gateway_share"] > 0.05
    # With no KZ-RU link, no Russian AS can be the last foreign AS before KZ.
    assert "RU" not in after.index or after.at["RU", "gateway_share"] == 0.0


def test_cogent_lumen_depeer_russia(base: Base, preset: Run) -> None:
    res = preset("kz-cogent-lumen-depeer-russia")
    carriers = [174, 3356, 3549, 209]
    for step, asn in zip(res.log.steps, carriers, strict=True):
        expected = sum(1 for a, b, _ in base.links
                       if (a == asn and base.cc.get(b) == "RU")
                       or (b == asn and base.cc.get(a) == "RU"))
        assert step.removed == expected
    assert res.log.steps[0].removed > 0  # Cogent had Russian links in 2025
    after, _ = apply(base.graph, base.table, load_scenario("kz-cogent-lumen-depeer-russia"))
    for asn in carriers:
        nbrs = [*after.providers_of(asn), *after.customers_of(asn), *after.peers_of(asn)]
        assert not any(base.cc.get(int(n)) == "RU" for n in nbrs)


def test_trans_caspian_link_puts_azertelecom_on_kz_paths(base: Base, preset: Run) -> None:
    res = preset("kz-trans-caspian-link")
    assert res.log.steps[0].added == 1
    after, _ = apply(base.graph, base.table, load_scenario("kz-trans-caspian-link"))
    assert 196925 in after.providers_of(9198).tolist()
    assert 196925 not in base.graph.providers_of(9198).tolist()
    # AzerTelecom's own route to Kazakhtelecom is now the direct customer link.
    r = propagate(after, after.index_of(9198))
    assert int(r.length[after.index_of(196925)]) == 1
    by_as_b = res.before.inbound.by_as.set_index("asn")
    by_as_a = res.after.inbound.by_as.set_index("asn")
    share_b = by_as_b.at[196925, "transit_share"] if 196925 in by_as_b.index else 0.0
    assert by_as_a.at[196925, "transit_share"] > share_b
    assert base.cc.get(196925) == "AZ"


def test_china_route_leaves_only_chinese_foreign_providers(base: Base, preset: Run) -> None:
    res = preset("kz-china-route")
    after, _ = apply(base.graph, base.table, load_scenario("kz-china-route"))
    foreign = {int(p) for p in after.providers_of(9198) if not _kz(base, int(p))}
    assert foreign == {23764, 4134, 4837}
    assert base.cc[4134] == base.cc[4837] == "CN"
    # AS23764 is China Telecom Global; its RIR entry says AU (as_info keeps the data's word).
    names = dict(zip(base.info.asn, base.info.name, strict=True))
    assert names[23764].startswith("China Telecom")
    before = res.before.by_country("inbound").set_index("country")
    after_cc = res.after.by_country("inbound").set_index("country")
    assert after_cc.at["CN", "any_share"] > before.at["CN", "any_share"]


def test_link_sweep_repair_equals_recomputation_on_real_kz_links(base: Base) -> None:
    """Three real KZ border links -- one whose loss cuts an origin off (48096-212189),
    one that moves routes off Kazakhtelecom (43727-9198), one tie-only peering of
    Kazakhtelecom (3356-9198) -- repaired per destination vs measured from scratch on
    the edited graph."""
    from crossroads.scenarios.sweep import _link_sweep, _measure

    t = base.table
    items: list[tuple[int, ...]] = [(48096, 212189), (43727, 9198), (3356, 9198)]
    assert all(_kz(base, a) != _kz(base, b) for a, b in items)  # border links
    before, got = _link_sweep(base.graph, t, "KZ", items, "all-best", None, 1)
    want = _measure(base.graph, t, "KZ", "all-best")
    assert before[:3] == pytest.approx(want[:3], rel=1e-12)
    for item, m in zip(items, got, strict=True):
        after = _measure(base.graph.without_links([item]), t, "KZ", "all-best")
        assert m[:3] == pytest.approx(after[:3], rel=1e-12), item
        keys = set(m[3]) | set(after[3])
        assert {k: m[3].get(k, 0.0) for k in keys} == pytest.approx(
            {k: after[3].get(k, 0.0) for k in keys}, abs=1e-12), item
    assert got[0][2] == 1 and got[0][0] < before[0]  # 212189 loses every foreign route
    assert got[1][0] < before[0]
