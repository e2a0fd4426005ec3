"""The lane engine against the single-origin kernel, the reference.

Every lane must hold exactly what ``propagate()`` returns for its origins (class, length,
lowest-ASN next hop, every equally best next hop, in both tie modes) -- on the edited graph
(``without_ases`` / ``without_links``) when the lane removes ASes or links: on the hand
graphs of ``test_propagate.py``, on random hierarchies and random tangles (provider->
customer cycles), and on real origins of the 2025 CAIDA graph.
"""

from __future__ import annotations

import doctest
import random

import numpy as np
import pytest

from crossroads.routing import ASGraph, Routes, propagate
from crossroads.routing import lanes as lanes_module
from crossroads.routing._lanegraph import lane_graph
from crossroads.routing.lanes import LANES, map_lanes, propagate_lanes
from crossroads.routing.load import graph_from_file

from .conftest import FILE_2025
from .test_backend_array import HAND, every_origin, graph, random_tangle
from .test_propagate import TIE, random_hierarchy

FIELDS = ("rel", "length", "next_hop", "nh_ptr", "nh_idx")
MODES = ("deterministic", "all-best")


def assert_same(got: Routes, ref: Routes, what: str) -> None:
    assert got.mode == ref.mode
    assert got.origins.tolist() == ref.origins.tolist()
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(got, f), getattr(ref, f), err_msg=f"{f}, {what}")


def check(g: ASGraph, origins: list, mode: str, *, blocked: list | None = None,
          links: list | None = None, lanes: int = LANES) -> int:
    """Compare every lane with ``propagate`` on the lane's edited graph; returns lanes."""
    n = 0
    for start in range(0, len(origins), lanes):
        part = origins[start : start + lanes]
        blk = None if blocked is None else blocked[start : start + lanes]
        rml = None if links is None else links[start : start + lanes]
        batch = propagate_lanes(g, part, mode=mode, blocked=blk, removed_links=rml)
        for j, o in enumerate(part):
            edited = g
            if blk is not None and len(blk[j]):
                edited = edited.without_ases(g.asns[np.asarray(blk[j])].tolist())
            if rml is not None and rml[j]:
                edited = edited.without_links([(int(g.asns[a]), int(g.asns[b]))
                                               for a, b in rml[j]])
            assert_same(batch.routes(j), propagate(edited, o, mode=mode), f"lane {start + j}")
            n += 1
    return n


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_graphs_equal_single_origin(name: str, mode: str) -> None:
    g = graph(HAND[name])
    assert check(g, every_origin(g), mode, lanes=5) == g.n + 2


def test_tie_lanes_by_hand() -> None:
    # The tie graph (test_propagate.TIE): towards origin 1, AS 6 ties between 4 and 5
    # (customer routes of length 3) and AS 4 between 2 and 3; towards origin 2 nobody
    # ties. All-best keeps both, deterministic the lowest ASN.
    g = graph(list(TIE))
    b = propagate_lanes(g, g.indices_of([1, 2]), mode="all-best")
    one, two = b.routes(0), b.routes(1)
    asn = g.asns
    assert [asn[one.next_hops(g.index_of(a))].tolist() for a in (4, 6)] == [[2, 3], [4, 5]]
    assert one.length.tolist() == [0, 1, 1, 2, 2, 3]
    assert two.rel.tolist()[:2] == [4, 1]  # AS 1 reaches AS 2 through its provider
    d = propagate_lanes(g, g.indices_of([1]), mode="deterministic").routes(0)
    assert asn[d.next_hops(g.index_of(6))].tolist() == [4]


@pytest.mark.parametrize("seed", range(10))
def test_random_graphs_equal_single_origin(seed: int) -> None:
    for links in (random_hierarchy(seed), random_tangle(seed)):
        g = graph(links)
        for mode in MODES:
            check(g, every_origin(g), mode, lanes=13)


def test_tangles_have_cycles_the_order_sweeps_again() -> None:
    # teeth for the cyclic-block sweeps: some tangles are not orderable, and still equal
    cyclic = [s for s in range(10) if lane_graph(graph(random_tangle(s))).cyclic]
    assert len(cyclic) >= 5
    assert not lane_graph(graph(random_hierarchy(0))).cyclic


@pytest.mark.parametrize("seed", range(6))
def test_removed_ases_and_links_equal_edited_graphs(seed: int) -> None:
    rnd = random.Random(seed)
    for links in (random_hierarchy(seed, n=40), random_tangle(seed)):
        g = graph(links)
        pairs = [(g.index_of(a), g.index_of(b)) for a, b, _ in links]
        origins, blocked, removed = [], [], []
        for _ in range(40):
            origins.append(rnd.randrange(g.n))
            blocked.append(rnd.sample(range(g.n), rnd.choice((0, 1, 3))))
            removed.append(rnd.sample(pairs, rnd.choice((0, 1, 2))))
        for mode in MODES:
            check(g, origins, mode, blocked=blocked, links=removed, lanes=17)


def test_removed_origin_keeps_only_itself() -> None:
    # an origin whose links are all removed still has its own route (class origin,
    # length 0) and nobody else has one -- as on graph.without_ases([origin])
    g = graph(list(TIE))
    b = propagate_lanes(g, [0, 0], blocked=[[0], []])
    assert b.routes(0).length.tolist() == [0, -1, -1, -1, -1, -1]
    assert (b.routes(1).length >= 0).all()


def test_map_lanes_streams_in_order_on_threads() -> None:
    g = graph(random_hierarchy(4, n=60))
    origins = list(range(g.n))

    def reducer(batch, start):  # type: ignore[no-untyped-def]
        return start, [r.length.copy() for r in batch.all_routes()]

    one = list(map_lanes(g, origins, reducer, mode="all-best", lanes=7))
    two = list(map_lanes(g, origins, reducer, mode="all-best", lanes=7, workers=2))
    assert [s for s, _ in one] == list(range(0, g.n, 7)) == [s for s, _ in two]
    flat = [x for _, ls in two for x in ls]
    for o, got in zip(origins, flat, strict=True):
        np.testing.assert_array_equal(got, propagate(g, o, mode="all-best").length)


def test_bad_arguments() -> None:
    g = graph(list(TIE))
    with pytest.raises(ValueError, match="1 to 64 lanes"):
        propagate_lanes(g, [0] * 65)
    with pytest.raises(ValueError, match="unknown mode"):
        propagate_lanes(g, [0], mode="fastest")  # type: ignore[arg-type]
    with pytest.raises(IndexError):
        propagate_lanes(g, [6])
    with pytest.raises(ValueError, match="lanes must be"):
        next(map_lanes(g, [0], lambda b, s: s, lanes=0))


def test_module_example_runs() -> None:
    result = doctest.testmod(lanes_module)
    assert result.attempted >= 3 and result.failed == 0


@pytest.mark.slow
def test_real_2025_graph_origins_equal_single_origin(mirror) -> None:  # type: ignore[no-untyped-def]
    g = graph_from_file(mirror / FILE_2025)
    assert g.n == 78_643 and not lane_graph(g).cyclic  # the mirror's README; no p2c cycle
    rng = np.random.default_rng(18)
    origins = [g.index_of(9198), *rng.choice(g.n, 127, replace=False).tolist()]
    for mode in MODES:
        batch = propagate_lanes(g, origins[:64], mode=mode)
        routes = batch.all_routes()
        for o, r in zip(origins[:64], routes, strict=True):
            assert_same(r, propagate(g, o, mode=mode), f"origin {o}")
        # teeth: every route class occurs and paths are long
        rel = np.stack([r.rel for r in routes])
        assert set(np.unique(rel).tolist()) == {0, 1, 2, 3, 4}
        assert max(int(r.length.max()) for r in routes) >= 7
    check(g, origins[64:], "all-best")
    # KZ with its transit cut off, lane by lane: Kazakhtelecom without each of two
    # providers, and without both of its first two provider links
    kz = g.index_of(9198)
    provs = g.prov_idx[g.prov_ptr[kz] : g.prov_ptr[kz + 1]][:2].tolist()
    check(g, [kz, kz, kz], "all-best", blocked=[[provs[0]], [provs[1]], []],
          links=[[], [], [(kz, provs[0]), (kz, provs[1])]])
