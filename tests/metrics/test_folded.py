"""The folded-DAG kernels against the per-AS kernels and a path enumeration.

``_folded.inbound_sums`` must give what ``flows.flow_crossings`` (inbound) gives on the
same routes, to rounding (the leaves' shares are added in another order), and its "any"
sums what the paths, enumerated one by one, cross; the carrying set's ``uncovered`` on a
folded DAG must give the path mass that avoids the blocked ASes, path by path. Random
hierarchies and tangles (provider->customer cycles), both tie modes, virtual and real
destinations.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator

import numpy as np
import pytest
from tests.metrics.test_lanes import random_cases

from crossroads.metrics._fold_kernels import add_at, fold, uncovered
from crossroads.metrics._folded import inbound_sums
from crossroads.metrics.flows import flow_crossings
from crossroads.routing import propagate


def crossings(ha: np.ndarray, fa: np.ndarray, ms: np.ndarray) -> dict[tuple[int, int], float]:
    out: dict[tuple[int, int], float] = defaultdict(float)
    for h, f, m in zip(ha.tolist(), fa.tolist(), ms.tolist(), strict=True):
        out[(h, f)] += m
    return dict(out)


@pytest.mark.parametrize("mode", ["all-best", "deterministic"])
@pytest.mark.parametrize("seed", range(6))
def test_folded_inbound_sums_equal_per_as_kernels(seed: int, mode: str) -> None:
    rnd = random.Random(seed)
    checked = 0
    for g, t, lanes in random_cases(seed, 25):
        second = np.array([rnd.choice([-1, -1, t.n_countries, t.n_countries + 1])
                           for _ in range(g.n)], np.int32)
        n_labels = t.n_countries + 2
        for root, virtual, home, _ in lanes:
            r = propagate(g, root, mode=mode)
            w = t.ipv4.astype(np.float64).copy()
            w[t.cc_id == home] = 0.0
            if not virtual:
                w[root] = 0.0
            dest_home = rnd.random() < 0.7
            args = (r.length, r.nh_ptr, r.nh_idx)
            want = flow_crossings(*args, t.cc_id, home, w, root, virtual, dest_home, False,
                                  True)
            want_any = np.zeros(n_labels)
            for _, p, inside in paths(r, w, root, virtual):
                for x in {int(c) for u in inside for c in (t.cc_id[u], second[u]) if c >= 0}:
                    want_any[x] += p
            got = inbound_sums(*args, t.cc_id, home, w, root, virtual, dest_home, True,
                               second, n_labels)
            np.testing.assert_allclose(got.transit, want[0], rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(got.gateway, want[1], rtol=1e-12, atol=1e-9)
            assert (got.direct, got.domestic, got.reached, got.to_stub) == pytest.approx(
                (want[2], want[3], want[4], want[8]), rel=1e-12, abs=1e-9)
            np.testing.assert_allclose(got.any, want_any, rtol=1e-12, atol=1e-9)
            a = crossings(got.home_as, got.foreign_as, got.mass)
            b = crossings(want[5], want[6], want[7])
            assert a.keys() == b.keys()
            assert [a[k] for k in b] == pytest.approx([b[k] for k in b], rel=1e-12)
            checked += int(want[4] > 0)
    assert checked > 40  # most of the 50 destinations are reached by some source


def paths(r, w: np.ndarray, root: int, virtual: bool) -> Iterator[tuple[int, float, list[int]]]:
    """Every (source, tie-split path mass, ASes strictly inside the path): a virtual root
    is inside its stubs' paths, a real one is not, nor is the source."""
    def walk(v: int, p: float, inside: list[int], src: int
             ) -> Iterator[tuple[int, float, list[int]]]:
        hops = r.next_hops(v).tolist()
        if not hops:
            yield src, p, [*inside, v] if virtual and v == root and v != src else inside
            return
        for u in hops:
            yield from walk(u, p / len(hops), inside + [u] if r.next_hops(u).size else inside,
                            src)

    for s in np.flatnonzero((r.length >= 0) & (w > 0)).tolist():
        yield from walk(s, float(w[s]), [], s)


def avoiding(r, w: np.ndarray, blocked: np.ndarray, root: int, virtual: bool
             ) -> tuple[np.ndarray, float]:
    """Path by path: the mass of the paths through each AS (strictly inside) that cross
    no blocked AS inside, and the mass of the paths that cross none."""
    transit = np.zeros(len(w))
    escaped = 0.0
    for _, p, inside in paths(r, w, root, virtual):
        if not any(blocked[u] for u in inside):
            escaped += p
            for u in inside:
                transit[u] += p
    return transit, escaped


@pytest.mark.parametrize("seed", range(6))
def test_folded_uncovered_equals_path_enumeration(seed: int) -> None:
    rnd = random.Random(seed)
    for g, t, lanes in random_cases(seed, 8):
        for root, virtual, _, _ in lanes:
            r = propagate(g, root, mode="all-best")
            w = t.ipv4.astype(np.float64)
            if not virtual:
                w = w.copy()
                w[root] = 0.0
            blocked = np.zeros(g.n, bool)
            blocked[rnd.sample(range(g.n), k=3)] = True
            kept, ptr, idx, lw, *_ = fold(r.length, r.nh_ptr, r.nh_idx, t.cc_id, -1, w)
            local, escaped = uncovered(kept, ptr, idx, w[kept] + lw, w[kept], blocked, root,
                                       virtual)
            transit = np.zeros(g.n)
            add_at(transit, kept, local, 1.0)
            want_t, want_e = avoiding(r, w, blocked, root, virtual)
            assert escaped == pytest.approx(want_e, rel=1e-12, abs=1e-9)
            np.testing.assert_allclose(transit, want_t, rtol=1e-12, atol=1e-9)
