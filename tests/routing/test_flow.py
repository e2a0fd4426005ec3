"""Through-weights on hand-made graphs, and against path enumeration on random ones."""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.routing import ASGraph, all_paths, per_source_through, propagate, through_weights

from .test_propagate import TIE, graph, random_hierarchy


def weights_by_asn(g: ASGraph, w: np.ndarray) -> dict[int, float]:
    return {int(a): float(x) for a, x in zip(g.asns, w, strict=True) if x != 0}


def test_tie_graph_all_best_exact_fractions() -> None:
    # Derivation in test_propagate.TIE: from 6, 4 and 5 carry 1/2; 2 carries 1/4 + 1/2.
    g = graph(*TIE)
    r = propagate(g, g.index_of(1), mode="all-best")
    w = through_weights(g, r, [g.index_of(6)])
    assert weights_by_asn(g, w) == {1: 1.0, 2: 0.75, 3: 0.25, 4: 0.5, 5: 0.5, 6: 1.0}


def test_tie_graph_deterministic_is_one_path() -> None:
    g = graph(*TIE)
    r = propagate(g, g.index_of(1))
    w = through_weights(g, r, [g.index_of(6)])
    assert weights_by_asn(g, w) == {1: 1.0, 2: 1.0, 4: 1.0, 6: 1.0}


def test_weights_and_several_sources_add_up() -> None:
    # sources 6 (weight 2) and 3 (weight 10): 3's only path is 3 1.
    # 2: 2 * 3/4 = 1.5; 3: 2 * 1/4 + 10 = 10.5; 1: 12; 4, 5: 1 each; 6: 2.
    g = graph(*TIE)
    r = propagate(g, g.index_of(1), mode="all-best")
    w = through_weights(g, r, g.indices_of([6, 3]), [2.0, 10.0])
    assert weights_by_asn(g, w) == {1: 12.0, 2: 1.5, 3: 10.5, 4: 1.0, 5: 1.0, 6: 2.0}
    with pytest.raises(ValueError, match="weights"):
        through_weights(g, r, [0, 1], [1.0])


def test_unreachable_source_contributes_nothing() -> None:
    g = ASGraph.from_links([2, 8], [1, 9], [-1, -1])
    r = propagate(g, g.index_of(1))
    assert through_weights(g, r, g.indices_of([8, 9])).sum() == 0.0
    s, v, p = per_source_through(g, r, g.indices_of([9, 2]))
    assert s.tolist() == [1, 1] and sorted(g.asns[v].tolist()) == [1, 2]


def test_per_source_triples_on_the_tie_graph() -> None:
    g = graph(*TIE)
    r = propagate(g, g.index_of(1), mode="all-best")
    s, v, p = per_source_through(g, r, g.indices_of([6, 5]))
    got = {(int(si), int(g.asns[vi])): float(pi) for si, vi, pi in zip(s, v, p, strict=True)}
    assert got == {
        (0, 6): 1.0, (0, 4): 0.5, (0, 5): 0.5, (0, 2): 0.75, (0, 3): 0.25, (0, 1): 1.0,
        (1, 5): 1.0, (1, 2): 1.0, (1, 1): 1.0,
    }
    assert s.dtype == np.int64 and v.dtype == np.int32 and p.dtype == np.float64


def enumerated_probabilities(g: ASGraph, r, src: int) -> dict[int, float]:
    """P(v on path) by listing every path with its probability (product of 1/k)."""
    probs: dict[int, float] = {}
    for p in all_paths(g, r, src):
        idx = g.indices_of(p)
        pr = float(np.prod([1.0 / r.next_hops(int(i)).size for i in idx[:-1]]))
        for asn in p:
            probs[asn] = probs.get(asn, 0.0) + pr
    return probs


@pytest.mark.parametrize("seed", range(10))
def test_through_weights_match_path_enumeration(seed: int) -> None:
    g = graph(*random_hierarchy(seed, n=30))
    r = propagate(g, [seed % g.n, (seed * 7) % g.n], mode="all-best")
    sources = np.arange(g.n)
    expected = np.zeros(g.n)
    for s in sources:
        for asn, pr in enumerated_probabilities(g, r, int(s)).items():
            expected[g.index_of(asn)] += pr
    np.testing.assert_allclose(through_weights(g, r, sources), expected, rtol=1e-12)
    si, vi, pi = per_source_through(g, r, sources)
    dense = np.zeros((g.n, g.n))
    dense[si, vi] = pi
    np.testing.assert_allclose(dense.sum(axis=0), expected, rtol=1e-12)
