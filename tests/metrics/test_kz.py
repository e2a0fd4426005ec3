"""Kazakhstan on the 2025 graph: sanity of the full report and independent re-derivations.

Every expectation here was verified on the 2025-09-01 CAIDA graph with the 2026-06-17
ip-location-db and 2018-10-13 RIR data of the mirror (see ``docs/validation-kz.md``).
"""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.config import Settings
from crossroads.metrics.dependency import inbound
from crossroads.metrics.report import DependencyReport, dependency
from crossroads.routing import all_paths, load_graph, propagate
from crossroads.snapshots import snapshot
from crossroads.snapshots.astable import ASTable
from crossroads.store import open_store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kz(loaded_settings: Settings) -> DependencyReport:
    return dependency(snapshot(loaded_settings), "KZ", chokepoint_k=2)


def test_shares_sum_to_one_per_variant(kz: DependencyReport) -> None:
    for res in (kz.inbound, kz.outbound):
        assert res is not None
        f = res.by_country
        assert f.gateway_share.sum() + res.direct_share + res.domestic_share == pytest.approx(1.0)
        assert ((f.any_share >= f.gateway_share - 1e-9) & (f.any_share <= 1 + 1e-9)).all()
        assert "KZ" not in set(f.country)


def test_russia_is_the_top_inbound_gateway(kz: DependencyReport) -> None:
    # verified: RU 56.1 % of inbound paths enter KZ from an AS operating in Russia (55.8 %
    # by registration), the largest share
    f = kz.inbound.by_country
    assert f.country.iloc[0] == "RU"
    assert 0.5 < f.gateway_share.iloc[0] < 0.6
    assert "RU" in set(kz.outbound.by_country.country.head(3))


def test_hegemony_uses_collector_peers(kz: DependencyReport) -> None:
    assert kz.inbound.n_vantage_points > 300  # full-feed IPv4 peers of RIS + RouteViews
    h = kz.inbound.by_as.set_index("asn").hegemony
    assert h.notna().all() and (h >= 0).all() and (h <= 1).all()


def test_concentration_matches_the_store(kz: DependencyReport, loaded_settings: Settings) -> None:
    info = open_store(loaded_settings).as_info()
    kzi = info[(info.op_cc == "KZ") & (info.ipv4_addresses > 0)]  # the default: operation
    shares = np.sort(kzi.ipv4_addresses.to_numpy())[::-1] / kzi.ipv4_addresses.sum()
    assert kz.concentration.top1 == pytest.approx(shares[0])
    assert kz.concentration.hhi == pytest.approx(float(((100 * shares) ** 2).sum()))
    top = kz.concentration.by_as.asn.iloc[0]
    assert top == 9198  # Kazakhtelecom originates the most KZ space


def test_border_ases_have_foreign_neighbours(kz: DependencyReport) -> None:
    b = kz.border.set_index("asn")
    assert 9198 in b.index
    assert (b.foreign_providers + b.foreign_peers + b.foreign_customers > 0).all()


def test_one_destination_against_path_enumeration(loaded_settings: Settings) -> None:
    """inbound() with three vantage points and a single KZ origin equals the tie-split
    probabilities summed over every best path, enumerated with routing.all_paths."""
    graph = load_graph(loaded_settings)
    info = open_store(loaded_settings).as_info()
    dest = 35104  # Jusan Mobile
    one = info.assign(ipv4_addresses=np.where(
        (info.reg_cc == "KZ") & (info.asn != dest), 0, info.ipv4_addresses))
    table = ASTable.from_frame(graph, one)
    vps = [3356, 1299, 6939]
    res = inbound(graph, table, "KZ", sources="vantage-points", vantage_points=vps)
    routes = propagate(graph, graph.index_of(dest), mode="all-best")
    any_ru = gw = 0.0
    for vp in vps:
        for p in all_paths(graph, routes, graph.index_of(vp)):
            prob = 1.0
            for a in p[:-1]:
                prob /= len(routes.next_hops(graph.index_of(a)))
            cc = [table.country_of(a) for a in p]
            if "RU" in cc[1:-1]:
                any_ru += prob
            i = len(p) - 1
            while cc[i] == "KZ":
                i -= 1
            if 0 < i and cc[i] == "RU":
                gw += prob
    got = res.by_country.set_index("country")
    assert any_ru > 0  # verified: some of these paths cross Russia
    assert got.any_share.get("RU", 0.0) == pytest.approx(any_ru / 3)
    assert got.gateway_share.get("RU", 0.0) == pytest.approx(gw / 3)


def test_cli_json_keys(loaded_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    from crossroads.cli import main

    main(["dependency", "KZ", "--json", "--chokepoints", "0", "--top", "3",
          "--data-dir", str(loaded_settings.data_dir), "--mirror", str(loaded_settings.mirror)])
    import json

    d = json.loads(capsys.readouterr().out)
    assert d["country"] == "KZ"
    for k in ("inbound", "outbound"):
        assert set(d[k]["by_country"][0]) >= {"country", "any_share", "gateway_share"}
        assert set(d[k]["by_as"][0]) >= {"asn", "name", "country", "hegemony"}
    assert set(d["concentration"]) >= {"hhi", "top1", "top3", "top5"}
    assert any(x.get("dataset") == "caida-as-rel2-20250901" for x in d["datasets"])
    # simulated figures carry the fidelity of the nearest graph (2010-01-01, 15.7 y away)
    fidelity = [n for n in d["notes"] if n.startswith("Simulated paths (fidelity measured")]
    assert len(fidelity) == 1 and "16 years from this graph" in fidelity[0]


def test_cli_unknown_country_is_one_line(loaded_settings: Settings,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from crossroads.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["dependency", "QQ", "--chokepoints", "0",
              "--data-dir", str(loaded_settings.data_dir), "--mirror", str(loaded_settings.mirror)])
    assert exc.value.code == 2
    assert "QQ" in capsys.readouterr().err
