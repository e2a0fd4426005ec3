"""Sibling merging on hand-made graphs (answers worked out by hand in the comments), and
``crossroads route --merge-siblings`` / ``dependency --merge-siblings`` on a fake mirror
holding a hand-made serial-2 file and the hand-made as-org2info.jsonl fixture."""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError, UnknownASNError
from crossroads.routing import ASGraph, RouteClass, path, propagate
from crossroads.routing.siblings import merge_siblings, sibling_groups

FIXTURES = Path(__file__).resolve().parents[1] / "sources" / "fixtures"
REL = "caida-as-rel2-20250901"
ORG = "caida-as-org-20250701"


def _graph(text: str) -> ASGraph:
    rows = [tuple(int(x) for x in line.split("|")) for line in text.split()]
    as1, as2, rel = zip(*rows, strict=True)
    return ASGraph.from_links(as1, as2, rel)


# ------------------------------------------------------------------ sibling_groups
def test_groups_from_a_mapping_or_two_arrays() -> None:
    # org a: 1, 3, 7; org b: 2 alone; 9 has no org -> only [1, 3, 7] is a group
    orgs = {1: "a", 2: "b", 3: "a", 7: "a", 9: None}
    assert sibling_groups(orgs) == [[1, 3, 7]]  # type: ignore[arg-type]
    asns, ids = np.array([8, 7, 5, 6]), np.array(["x", "y", "y", "x"], dtype=object)
    assert sibling_groups((asns, ids)) == [[5, 7], [6, 8]]


def test_groups_keep_only_ases_of_the_graph() -> None:
    # the graph has 1, 2, 10: org a keeps 1 and 2; org b keeps only 10 -> no group
    g = _graph("1|10|-1 2|10|0")
    orgs = {1: "a", 2: "a", 4: "a", 10: "b", 11: "b"}
    assert sibling_groups(orgs, present=g) == [[1, 2]]
    assert sibling_groups(orgs, present=[1, 4, 10, 11]) == [[1, 4], [10, 11]]


# ------------------------------------------------------------------ merge_siblings
def test_a_valley_becomes_a_route_through_siblings() -> None:
    # AS1 provides AS10; AS2 (sibling of AS1) peers with AS20. Unmerged, AS20's only
    # neighbour AS2 has no route to AS10, so AS20 is cut off. Merged, node 1 has customer
    # 10 and peer 20: AS20 learns 10's prefix as a peer route 20 -> 1 -> 10 (2 hops), and
    # AS10 learns 20's prefix from its provider: 10 -> 1 -> 20.
    g = _graph("1|10|-1 2|20|0")
    assert propagate(g, g.indices_of([10])).rel[g.index_of(20)] == RouteClass.UNREACHABLE
    m = merge_siblings(g, [[2, 1]])
    mg = m.graph
    assert mg.asns.tolist() == [1, 10, 20]
    assert (mg.customers_of(1).tolist(), mg.peers_of(1).tolist()) == ([10], [20])
    assert m.representative == {1: 1, 2: 1} and (m.rep(2), m.rep(20)) == (1, 20)
    assert (m.internal_links, m.conflicts, m.cycles) == (0, 0, [])
    to10 = propagate(mg, mg.indices_of([10]))
    src = mg.index_of(20)
    assert (to10.rel[src], to10.length[src]) == (RouteClass.PEER, 2)
    assert path(mg, to10, src) == [20, 1, 10]
    to20 = propagate(mg, mg.indices_of([20]))
    assert to20.rel[mg.index_of(10)] == RouteClass.PROVIDER
    assert path(mg, to20, mg.index_of(10)) == [10, 1, 20]


def test_conflicting_relationships_keep_customer_then_peer_then_provider() -> None:
    # group {1, 2}; 1|2 is internal (dropped).
    # AS10: customer of 1, provider of 2 -> customer of the group (conflict 1)
    # AS20: peer of 2, provider of 1     -> peer of the group     (conflict 2)
    # AS30: provider of 2 only           -> provider of the group (no conflict)
    # AS40: peer of 1 and of 2           -> peer, the same relationship twice (no conflict)
    g = _graph("1|2|-1 1|10|-1 10|2|-1 2|20|0 20|1|-1 30|2|-1 1|40|0 2|40|0")
    m = merge_siblings(g, [[1, 2]])
    mg = m.graph
    assert mg.asns.tolist() == [1, 10, 20, 30, 40]
    assert mg.customers_of(1).tolist() == [10]
    assert mg.peers_of(1).tolist() == [20, 40]
    assert mg.providers_of(1).tolist() == [30]
    assert (m.internal_links, m.conflicts) == (1, 2)
    assert len(mg.links) == 4  # 1-10, 1-20, 1-30, 1-40


def test_links_between_two_groups() -> None:
    # groups {1, 2} and {3, 4}, plus {5, 6} and {7, 8}.
    # 1 provides 3 and 2 provides 4: the same relationship twice -> 1 provides 3.
    # 5 provides 7 but 8 provides 6: neither group's view can win -> 5 and 7 peer.
    g = _graph("1|3|-1 2|4|-1 5|7|-1 8|6|-1")
    m = merge_siblings(g, [[1, 2], [3, 4], [5, 6], [7, 8]])
    assert m.graph.asns.tolist() == [1, 3, 5, 7]
    assert m.graph.customers_of(1).tolist() == [3]
    assert m.graph.peers_of(5).tolist() == [7] and m.graph.providers_of(5).tolist() == []
    assert (m.internal_links, m.conflicts) == (0, 1)


def test_a_merge_that_closes_a_provider_customer_cycle_is_reported() -> None:
    # 1 provides 10, 10 provides 11, 11 provides 2; siblings 1 and 2 make 1->10->11->1.
    # 50->51->52->50 was a cycle before the merge: listed in cycles, not in created_cycles.
    g = _graph("1|10|-1 10|11|-1 11|2|-1 50|51|-1 51|52|-1 52|50|-1")
    m = merge_siblings(g, [[1, 2]])
    assert m.cycles == [[1, 10, 11], [50, 51, 52]]
    assert m.created_cycles == [[1, 10, 11]]
    # propagation still terminates: 1 reaches 11 down its customer chain (2 hops)
    r = propagate(m.graph, m.graph.indices_of([11]))
    assert path(m.graph, r, m.graph.index_of(1)) == [1, 10, 11]


def test_groups_that_overlap_or_name_unknown_ases_are_refused() -> None:
    g = _graph("1|2|-1 2|3|-1")
    with pytest.raises(ValueError, match="AS2 is in more than one sibling group"):
        merge_siblings(g, [[1, 2], [2, 3]])
    with pytest.raises(UnknownASNError, match="AS99"):
        merge_siblings(g, [[1, 99]])
    same = merge_siblings(g, [[3]])  # a group of one merges nothing
    assert same.graph.asns.tolist() == [1, 2, 3] and same.representative == {}


# ------------------------------------------------------------------ store and CLI
# AS1 provides AS9198; AS9198 provides AS100; AS50482 peers with AS29355. In the as-org
# fixture 9198 and 50482 are both JSC Kazakhtelecom (ORG-KT1-RIPE): merged into 9198,
# AS29355 reaches AS100 by a peer route 29355 -> 9198 -> 100; unmerged it has none.
AS_REL2 = "# hand-made\n1|9198|-1|bgp\n9198|100|-1|bgp\n50482|29355|0|mlp\n"


def _store(tmp_path: Path, *, with_org: bool) -> Settings:
    from crossroads.sources.catalog import by_name
    from crossroads.store import fetch

    mirror = tmp_path / "m"
    files = {REL: bz2.compress(AS_REL2.encode())}
    if with_org:
        files[ORG] = gzip.compress((FIXTURES / "20240101.as-org2info.jsonl").read_bytes())
    for name, data in files.items():
        dest = mirror / by_name(name).mirror_path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    settings = Settings(tmp_path / "d", tmp_path / "c", mirror)
    fetch(settings, list(files))
    return settings


def test_route_with_merged_siblings_from_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crossroads.cli import main
    from crossroads.routing.query import route_query
    from crossroads.snapshots import snapshot

    settings = _store(tmp_path, with_org=True)
    plain = route_query(snapshot(settings).graph, [100], from_asn=29355)
    assert plain.paths == () and plain.route_class == "unreachable"
    merged = snapshot(settings, merge_siblings=True)
    q = route_query(merged.graph, [100], from_asn=29355, merge=merged.merge)
    assert (q.route_class, q.length_hops, q.ases) == ("peer", 2, 4)  # 1, 100, 9198, 29355
    assert [p.asns for p in q.paths or []] == [(29355, 9198, 100)]
    assert q.siblings == {"groups": 1, "ases_merged": 2, "internal_links_dropped": 0,
                          "conflicting_links": 0, "created_cycles": []}
    assert any(n.startswith(f"siblings merged ({ORG})") for n in merged.notes)
    # asked from the other sibling, the answer is the group's (its representative's)
    q2 = route_query(merged.graph, [100], from_asn=50482, merge=merged.merge)
    assert q2.from_asn == 9198 and q2.route_class == "customer"

    main(["route", "100", "--from", "29355", "--merge-siblings", "--json",
          "--data-dir", str(settings.data_dir)])
    out = json.loads(capsys.readouterr().out)
    assert out["paths"] == [{"asns": [29355, 9198, 100], "probability": 1.0}]
    main(["route", "100", "--merge-siblings", "--data-dir", str(settings.data_dir)])
    text = capsys.readouterr().out
    assert f"siblings merged ({ORG}): 2 ASes in 1 organisations" in text
    assert "4 of 4 ASes reach it" in text


@pytest.mark.parametrize("command", [["route", "100"], ["dependency", "KZ"]])
def test_merge_siblings_without_as_org_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    from crossroads.cli import main
    from crossroads.routing.load import load_graph
    from crossroads.routing.siblings import merged_from_store
    from crossroads.store import open_store

    settings = _store(tmp_path, with_org=False)
    with pytest.raises(DatasetMissingError, match=f"crossroads fetch {ORG}` online"):
        merged_from_store(open_store(settings), load_graph(settings))
    with pytest.raises(SystemExit) as exc:
        main([*command, "--merge-siblings", "--data-dir", str(settings.data_dir)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "no CAIDA as-org dataset loaded" in err, err


def test_dependency_weighs_a_group_by_all_its_members_space() -> None:
    # group {9198, 50482} -> one row for 9198 with 1000 + 24 addresses, 9198's country and
    # name; AS1 (unmerged) unchanged; AS50482's own row is gone.
    import pandas as pd

    from crossroads.snapshots import merged_info

    info = pd.DataFrame({"asn": [1, 50482, 9198], "reg_cc": ["US", "NL", "KZ"],
                         "ipv4_addresses": [7.0, 24.0, 1000.0], "name": ["L3", "KT2", "KT"]})
    out = merged_info(info, {9198: 9198, 50482: 9198})
    assert out.to_dict(orient="list") == {"asn": [1, 9198], "reg_cc": ["US", "KZ"],
                                          "ipv4_addresses": [7.0, 1024.0], "name": ["L3", "KT"]}
