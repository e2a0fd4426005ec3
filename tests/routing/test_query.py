"""route_query and ``crossroads route`` on the real 2025 graph, checked against the raw file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.errors import UnknownASNError
from crossroads.routing import ASGraph, load_graph
from crossroads.routing.query import route_query

from ._reference import is_valley_free


@pytest.fixture(scope="module")
def settings(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("route")
    return Settings(data_dir=tmp / "data", cache_dir=tmp / "cache", mirror=mirror)


@pytest.fixture(scope="module")
def graph(settings: Settings) -> ASGraph:
    return load_graph(settings)  # no store: read from the mirror file


@pytest.fixture(scope="module")
def nb(nb_2025: dict[int, dict[int, int]]) -> dict[int, dict[int, int]]:
    return nb_2025


def test_summary_adds_up(graph: ASGraph) -> None:
    q = route_query(graph, [9198])
    assert (q.ases, q.mode) == (78_643, "deterministic")
    [g] = q.datasets
    assert (g.dataset, g.data_date.isoformat(), g.kind) == (
        "caida-as-rel2-20250901", "2025-09-01", "as-rel")
    assert sum(q.by_class.values()) == q.ases
    assert q.by_class["origin"] == 1
    assert q.reachable == q.ases - q.by_class["unreachable"] == sum(q.length_histogram.values())
    assert q.length_histogram[0] == 1


def test_direct_provider_has_a_one_hop_customer_route(
    settings: Settings, graph: ASGraph, nb
) -> None:
    # in the raw file AS3356 lists AS9198 as its customer
    assert nb[3356][9198] == 2  # 3356 learns from its customer 9198
    q = route_query(graph, [9198], from_asn=3356)
    assert (q.route_class, q.length_hops) == ("customer", 1)
    assert [p.asns for p in q.paths] == [(3356, 9198)]
    assert load_graph(settings) is load_graph(settings)  # cached per settings


def test_all_best_paths_probabilities(graph: ASGraph, nb) -> None:
    # the first AS (by ASN) with several equally best routes to AS9198
    from crossroads.routing import propagate

    g = graph
    r = propagate(g, g.index_of(9198), mode="all-best")
    tied = next(i for i in range(g.n) if r.next_hops(i).size > 1)
    q = route_query(g, [9198], from_asn=int(g.asns[tied]), mode="all-best")
    assert len(q.paths) > 1
    assert sum(p.probability for p in q.paths) == pytest.approx(1.0)
    for p in q.paths:
        assert len(p.asns) - 1 == q.length_hops and p.asns[-1] == 9198
        assert is_valley_free(p.asns, nb)
    assert [p.probability for p in q.paths] == sorted((p.probability for p in q.paths),
                                                      reverse=True)


def test_unknown_asn(graph: ASGraph) -> None:
    with pytest.raises(UnknownASNError, match="AS4294967294"):
        route_query(graph, [9198], from_asn=4_294_967_294)


def _cli(settings: Settings) -> list[str]:
    return ["--data-dir", str(settings.data_dir), "--mirror", str(settings.mirror)]


def test_cli_json_and_errors(loaded_settings: Settings,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from crossroads.cli import main  # imported here: the CLI registers every command group

    main(["route", "AS9198", "--from", "3356", "--mode", "deterministic", "--json",
          *_cli(loaded_settings)])
    out = json.loads(capsys.readouterr().out)
    assert out["paths"] == [{"asns": [3356, 9198], "probability": 1.0}]
    assert out["datasets"][0]["data_date"] == "2025-09-01"
    with pytest.raises(SystemExit) as exc:
        main(["route", "ASX", *_cli(loaded_settings)])
    assert exc.value.code == 2
    assert "not an AS number: 'ASX'" in capsys.readouterr().err


def test_cli_table_summary(loaded_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    from crossroads.cli import main

    main(["route", "9198", "--from", "3356", *_cli(loaded_settings)])
    out = capsys.readouterr().out
    assert "caida-as-rel2-20250901 (2025-09-01)" in out
    assert "Kazakhtelecom (KZ)" in out and "AS3356" in out  # hops labelled with name, country
    main(["route", "9198", *_cli(loaded_settings)])
    assert "ASes reach it" in capsys.readouterr().out
