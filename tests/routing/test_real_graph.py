"""The engine on the real CAIDA graph of 2025-09-01, checked by independent plain Python.

The link file is re-read here with a few lines of Python (not through crossroads), and the
routes towards Kazakhtelecom's AS9198 are checked against two properties that any correct
Gao-Rexford outcome has: (1) every chosen path is valley-free over the real links and as
long as ``length`` says; (2) it is stable: no AS is offered (by a neighbour, under the
export rules) a route strictly better than the one it chose.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from crossroads.routing import ASGraph, RouteClass, find_p2c_cycles, path, propagate
from crossroads.routing.load import graph_from_file, load_graph, relationship_snapshot

from ._reference import CUSTOMER, PEER, PROVIDER, is_valley_free
from .conftest import raw_links


@pytest.fixture(scope="module")
def real(links_2025, nb_2025) -> tuple[ASGraph, dict[int, dict[int, int]], int]:
    a, b, r = (np.array(c) for c in zip(*links_2025, strict=True))
    return ASGraph.from_links(a, b, r), nb_2025, len(links_2025)


def test_graph_size_matches_the_file(real) -> None:
    g, nb, n_links = real
    assert (g.n, len(g.links), g.dropped_links) == (len(nb), n_links, 0)
    assert (g.n, n_links) == (78_643, 570_696)  # as stated by the mirror's README
    assert int(np.diff(g.cust_ptr).sum()) == sum(
        1 for v in nb.values() for c in v.values() if c == CUSTOMER
    )


@pytest.mark.slow
def test_as9198_routes_are_valley_free_and_stable(real) -> None:
    g, nb, _ = real
    r = propagate(g, g.index_of(9198))
    asns = g.asns.tolist()
    rank = {CUSTOMER: 0, PEER: 1, PROVIDER: 2}
    paths = {asn: path(g, r, i) for i, asn in enumerate(asns)}
    on_path = {asn: set(p) for asn, p in paths.items()}
    rel = dict(zip(asns, r.rel.tolist(), strict=True))
    length = dict(zip(asns, r.length.tolist(), strict=True))
    checked = 0
    for i, asn in enumerate(asns):
        if r.rel[i] in (RouteClass.UNREACHABLE, RouteClass.ORIGIN):
            continue
        p = paths[asn]
        assert p[-1] == 9198 and len(p) - 1 == r.length[i] and len(set(p)) == len(p)
        assert is_valley_free(p, nb), p
        assert nb[asn][p[1]] == r.rel[i]  # the class is the relation to the next hop
        # stability: no neighbour offers a better (class, length) under the export rules
        mine = (rank[rel[asn]], length[asn])
        for u, learned in nb[asn].items():
            if rel[u] == RouteClass.UNREACHABLE or asn in on_path[u]:
                continue  # nothing to offer, or a path asn would reject (loop)
            if rel[u] in (RouteClass.ORIGIN, RouteClass.CUSTOMER) or learned == PROVIDER:
                assert (rank[learned], length[u] + 1) >= mine, (asn, u)
                checked += 1
    assert checked > 300_000  # ~325k offers compared: the check has teeth
    # unreachable ASes have no neighbour that would export a route to them
    for i in np.flatnonzero(r.rel == RouteClass.UNREACHABLE).tolist():
        for u, learned in nb[asns[i]].items():
            assert rel[u] == RouteClass.UNREACHABLE or (
                rel[u] in (RouteClass.PEER, RouteClass.PROVIDER) and learned != PROVIDER
            )


def test_no_p2c_cycle_in_2025_by_independent_topological_sort(real) -> None:
    g, nb, _ = real
    n_prov = {v: sum(1 for c in d.values() if c == PROVIDER) for v, d in nb.items()}
    todo = [v for v, k in n_prov.items() if k == 0]
    seen = 0
    while todo:
        v = todo.pop()
        seen += 1
        for c, cls in nb[v].items():
            if cls == CUSTOMER:
                n_prov[c] -= 1
                if n_prov[c] == 0:
                    todo.append(c)
    assert seen == len(nb)  # every AS sorted: acyclic
    assert find_p2c_cycles(g) == []


def test_load_graph_from_settings(scratch_settings) -> None:
    g = load_graph(scratch_settings)
    assert g.n == 78_643
    assert g.provenance is not None and g.provenance.data_date == date(2025, 9, 1)
    assert relationship_snapshot(date(2010, 7, 1)).name == "caida-as-rel-20100101"


def test_serial1_file_loads(mirror: Path) -> None:
    file = mirror / "caida/serial-1/20100101.as-rel.txt.bz2"
    links = raw_links(file)
    g = graph_from_file(file)
    assert len(g.links) + g.dropped_links == len(links) == 63_060 + 31_737
    assert g.n == len({a for a, _, _ in links} | {b for _, b, _ in links})
