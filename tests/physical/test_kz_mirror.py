"""Kazakhstan on the public-data mirror: the territorial share via Russia beside the AS-level
gateway share, and ``kz-russia-fibre-cut``, each re-derived inside the test.

The mirror holds no PeeringDB dump, so every crossing link is placed by a rule: a link to
an AS registered in a land neighbour of KZ (a country with a border row in the corridor
data) is made at that border; any other link at KZ's hubs (``hubs.csv``: Frankfurt and
Hong Kong, weight 1 each). The territorial shares then follow from the crossing-link
masses by a few lines of arithmetic, redone here apart from ``crossroads.physical``'s
placement and share code; the corridor routes (checked by hand in ``test_hand_world``)
are taken from :func:`country_routes`.

The fibre cut is checked against the graph itself: cutting every KZ-RU crossing loses
exactly the links whose placement needs that border (every link between a KZ AS and a RU
AS; links made in Frankfurt or Hong Kong keep a route through China), so the graph after
equals the AS-level ``remove_country_links KZ RU`` edit and reachability equals the
pinned figures of ``kz-russia-transit-loss``; the origins left without any international
route, and their share of Kazakh space, are re-derived by a valley-free search written
here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from crossroads.config import Settings
from crossroads.metrics import DirectionResult, dependency
from crossroads.metrics.report import DependencyReport
from crossroads.physical import CorridorSet, country_routes, load_corridors
from crossroads.scenarios import ScenarioResult, load_scenario, simulate
from crossroads.snapshots import Snapshot, snapshot

pytestmark = pytest.mark.slow

PINNED = Path(__file__).resolve().parents[1] / "data" / "pinned"


@pytest.fixture(scope="module")
def snap(loaded_settings: Settings) -> Snapshot:
    """Countries by registration, the meaning of the pinned figures and of the issue's
    55.8 % (``test_territory_by_operation`` checks the CLI's default meaning)."""
    return snapshot(loaded_settings, country_by="registration")


@pytest.fixture(scope="module")
def report(snap: Snapshot) -> DependencyReport:
    return dependency(snap, "KZ", chokepoint_k=0, workers=2)


@pytest.fixture(scope="module")
def cut(snap: Snapshot) -> ScenarioResult:
    return simulate(snap, load_scenario("kz-russia-fibre-cut"))


def _rederived(result: DirectionResult, snap: Snapshot, country: str,
               cs: CorridorSet | None = None) -> tuple[float, float, float]:
    """(share, low, high) of ``country``'s territory from the crossing-link masses of
    ``result``, by the placement rules of the module doc, routed on ``cs`` (default: the
    shipped corridors)."""
    base = load_corridors()
    cs = cs or base
    routes = country_routes(cs, "KZ")
    neighbours = {c.countries[1 - c.countries.index("KZ")] for c in base.corridors
                  if c.operational and len(c.countries) == 2 and "KZ" in c.countries
                  and c.kind in ("border", "land", "terrestrial")}
    hubs = [(cs.metros[h.metro].country, h.weight) for h in cs.hubs_of("KZ")]
    total_w = sum(w for _, w in hubs)
    hub_p = [(w / total_w, routes.crossing(c).get(country, 0.0)) for c, w in hubs]
    links = result.crossings
    assert links is not None
    foreign = [snap.table.country_of(int(a)) for a in links["foreign_asn"]]
    mass = links["mass"].to_numpy()
    mid = low = high = 0.0
    for f, m in zip(foreign, mass, strict=True):
        if f in neighbours:
            x = m * (f == country)
            mid, low, high = mid + x, low + x, high + x
        else:
            mid += m * sum(w * p for w, p in hub_p)
            low += m * min(p for _, p in hub_p)
            high += m * max(p for _, p in hub_p)
    total = float(mass.sum())
    return mid / total, low / total, high / total


def test_crossing_mass_is_every_international_path(report: DependencyReport) -> None:
    """Every international path crosses once: the crossing-link masses sum to
    1 - domestic share, and per foreign country they hold at least its gateway share
    (the rest is the direct mass of that country's sources)."""
    inb = report.inbound
    links = inb.crossings
    assert links["mass"].sum() == pytest.approx(1 - inb.domestic_share, abs=1e-9)
    gw = inb.by_country.set_index("country")["gateway_share"]
    extra = gw.sum() + inb.direct_share - (1 - inb.domestic_share)
    assert extra == pytest.approx(0.0, abs=1e-9)


def test_territory_via_russia_beside_the_as_level_share(
        report: DependencyReport, snap: Snapshot) -> None:
    """KZ inbound: Russia's territory carries 78.0 % of the crossing-link mass (56.2 % -
    99.8 % over the rule placements), beside an AS-level gateway share of 55.8 % -- the
    paths to carriers placed in Frankfurt leave through Russia, the Hong Kong ones
    through China. Every link rests on rules (no PeeringDB on the mirror)."""
    terr = report.territory
    assert terr is not None and terr.inbound is not None
    got = terr.inbound.share_of("RU")
    assert got == pytest.approx(_rederived(report.inbound, snap, "RU"), abs=1e-9)
    assert got == pytest.approx((0.780, 0.562, 0.998), abs=5e-4)
    gw = report.inbound.by_country.set_index("country").loc["RU", "gateway_share"]
    assert gw == pytest.approx(0.558, abs=5e-4)
    assert got[1] >= gw - 1e-9  # the land-border links alone: at least the gateway share
    assert terr.inbound.rule_share == pytest.approx(1.0)
    links = {(int(h), int(f)) for d in (report.inbound, report.outbound)
             for h, f in zip(d.crossings["home_asn"], d.crossings["foreign_asn"], strict=True)}
    by_evidence = terr.as_dict()["placements_by_evidence"]
    assert sum(by_evidence.values()) == len(links)  # every link placed once
    assert set(by_evidence) == {"rule:hub", "rule:land-neighbour"}
    cn = terr.inbound.share_of("CN")
    assert cn == pytest.approx(_rederived(report.inbound, snap, "CN"), abs=1e-9)
    out = terr.outbound
    assert out is not None
    assert out.share_of("RU") == pytest.approx(_rederived(report.outbound, snap, "RU"),
                                               abs=1e-9)


def test_territory_by_operation(loaded_settings: Settings) -> None:
    """With countries by operation (the CLI's default) a few ASes change country: RU's
    territory 78.2 % (56.5 % - 100.0 %) beside an AS gateway share of 56.1 %, re-derived
    the same way."""
    snap = snapshot(loaded_settings)
    assert snap.country_by == "operation"
    report = dependency(snap, "KZ", chokepoint_k=0, direction="inbound", workers=2)
    assert report.territory is not None and report.territory.inbound is not None
    got = report.territory.inbound.share_of("RU")
    assert got == pytest.approx(_rederived(report.inbound, snap, "RU"), abs=1e-9)
    assert got == pytest.approx((0.782, 0.565, 1.000), abs=5e-4)
    gw = report.inbound.by_country.set_index("country").loc["RU", "gateway_share"]
    assert gw == pytest.approx(0.561, abs=5e-4)


def test_state_control_names_kazakhtelecom(report: DependencyReport) -> None:
    sc = report.state_control
    assert sc is not None and sc.inbound
    kz = {r.state: r for r in sc.inbound}["KZ"]
    assert "KZ-KAZAKHTELECOM" in kz.conglomerates and 0 < kz.share < 1
    kinds = {p.kind for p in report.datasets}
    assert {"corridors", "state-owned", "as-rel"} <= kinds


def _kz_ru_links(snap: Snapshot) -> np.ndarray:
    links = snap.graph.links
    ca, cb = snap.table.ids_of(links.as1), snap.table.ids_of(links.as2)
    kz, ru = snap.table.id_of("KZ"), snap.table.id_of("RU")
    return ((ca == kz) & (cb == ru)) | ((ca == ru) & (cb == kz))


def test_fibre_cut_loses_exactly_the_kz_ru_links(cut: ScenarioResult, snap: Snapshot) -> None:
    """Every KZ-RU link (708 by registration: the issue's 706 and two ASes whose RIR code
    was a region before issue 17) and no other."""
    gone = _kz_ru_links(snap)
    pin = json.loads((PINNED / "simulate-kz-russia-transit-loss.json").read_text("utf-8"))
    assert int(gone.sum()) == pin["applied"]["steps"][0]["links_removed"] == 708
    assert cut.log.steps[0].removed == int(gone.sum())
    assert cut.log.links_after == len(snap.graph.links) - int(gone.sum())


def test_fibre_cut_reachability_equals_the_as_level_cut(cut: ScenarioResult) -> None:
    """Same links lost as ``kz-russia-transit-loss``: the same reachability, pinned from
    the code before the physical layer: inbound 99.59 % -> 99.31 %."""
    pin = json.loads((PINNED / "simulate-kz-russia-transit-loss.json").read_text("utf-8"))
    for side in ("before", "after"):
        got = getattr(cut, side).reach
        assert got.inbound == pytest.approx(pin[side]["reachability_inbound"], rel=1e-9)
        assert got.outbound == pytest.approx(pin[side]["reachability_outbound"], rel=1e-9)
    assert cut.before.reach.inbound == pytest.approx(0.9959, abs=5e-5)
    assert cut.after.reach.inbound == pytest.approx(0.9931, abs=5e-5)


def _isolated(snap: Snapshot, keep: np.ndarray) -> set[int]:
    """KZ origins that no foreign AS reaches on the graph's links where ``keep``: under
    Gao-Rexford an AS reaches o iff it lies below (customer-wards of) an AS that has a
    customer route to o (o and its transitive providers) or a peer of one."""
    links = snap.graph.links
    a, b, r = links.as1[keep], links.as2[keep], links.rel[keep]
    providers, customers, peers = defaultdict(list), defaultdict(list), defaultdict(list)
    for x, y, rel in zip(a.tolist(), b.tolist(), r.tolist(), strict=True):
        if rel == -1:
            providers[y].append(x)
            customers[x].append(y)
        else:
            peers[x].append(y)
            peers[y].append(x)
    kz = snap.table.id_of("KZ")
    home = {int(x) for x in snap.table.asns[snap.table.cc_id == kz]}
    out = set()
    for o in (int(snap.table.asns[i]) for i in snap.table.origins("KZ")):
        up, stack = {o}, [o]
        while stack:
            for p in providers[stack.pop()]:
                if p not in up:
                    up.add(p)
                    stack.append(p)
        seen = up | {q for u in up for q in peers[u]}
        stack = list(seen)
        found = any(x not in home for x in seen)
        while stack and not found:
            for c in customers[stack.pop()]:
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
                    found = c not in home
        if not found:
            out.add(o)
    return out


def test_fibre_cut_isolated_space_rederived(cut: ScenarioResult, snap: Snapshot) -> None:
    """The origins with no international route after the cut, found by the search above,
    and their share of Kazakh IPv4 space."""
    gone = _kz_ru_links(snap)
    before, after = _isolated(snap, np.ones(len(gone), bool)), _isolated(snap, ~gone)
    assert set(cut.before.reach.isolated) == before
    assert set(cut.after.reach.isolated) == after
    lost = after - before
    assert set(cut.lost_international) == lost and len(lost) == 3
    origins = [int(snap.table.asns[i]) for i in snap.table.origins("KZ")]
    space = snap.table.ipv4_of(origins)
    share = float(space[np.isin(origins, sorted(lost))].sum() / space.sum())
    assert cut.lost_space_share == pytest.approx(share, rel=1e-12)
    assert share == pytest.approx(0.00173, abs=5e-6)  # 3 origins: 0.17 % of KZ's space
    assert cut.after.reach.isolated_share == pytest.approx(
        float(space[np.isin(origins, sorted(after))].sum() / space.sum()), rel=1e-12)


def test_fibre_cut_moves_the_territory_to_china(cut: ScenarioResult, snap: Snapshot) -> None:
    """After the cut the links made in Frankfurt and Hong Kong leave KZ through the 2
    KZ-CN crossings: China's territory carries all the crossing-link mass but the few
    links made at the KG and UZ borders (99.99 %); Frankfurt is reached over China and
    Russia (land border, grade D), so Russia keeps 49.9 % (0 - 99.8 %)."""
    after = cut.after.territory
    assert after is not None and after.inbound is not None
    cs = cut.log.corridors
    assert cs is not None and not any(set(c.countries) == {"KZ", "RU"} for c in cs.corridors)
    for cc in ("CN", "RU", "KG"):
        assert after.inbound.share_of(cc) == pytest.approx(
            _rederived(cut.after.inbound, snap, cc, cs), abs=1e-9)
    assert after.inbound.share_of("CN")[0] == pytest.approx(0.9999, abs=5e-5)
    assert after.inbound.share_of("RU") == pytest.approx((0.499, 0.0, 0.998), abs=5e-4)
    assert cut.before.territory is not None and cut.before.territory.inbound is not None
    assert cut.before.territory.inbound.share_of("RU")[0] == pytest.approx(0.780, abs=5e-4)
