"""Inbound sums on the lane engine against the per-destination kernel, bit for bit.

For every lane the gateway mass by country, ``direct``, ``domestic`` and the reached
weight must *equal* (not approximate) what ``flows.flow`` gives on ``propagate()``'s
routes -- on random graphs with random countries and weights (virtual and real
destinations, both tie modes, provider->customer cycles included), on the hand graph, and
the whole world matrix on real groups of the 2025 graph must be identical to today's
per-origin engine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from tests.metrics import hand
from tests.routing.test_backend_array import graph, random_tangle
from tests.routing.test_propagate import random_hierarchy

from crossroads.metrics.flows import flow
from crossroads.metrics.lane_sums import LaneDestinations, inbound_lanes
from crossroads.metrics.world import world_groups, world_matrix
from crossroads.routing import ASGraph, propagate
from crossroads.routing.lanes import propagate_lanes
from crossroads.snapshots import ASTable, Snapshot


def reference(g: ASGraph, t: ASTable, root: int, virtual: bool, home: int, mode: str,
              w: np.ndarray, excl: int) -> tuple[np.ndarray, float, float, float]:
    """The per-destination sums: flow() on propagate()'s routes, as world.py sums them."""
    r = propagate(g, root, mode=mode)
    wl = np.where(t.cc_id != excl, w, 0.0)
    if not virtual:
        wl[root] = 0.0
    _, gw, direct, domestic, reached = flow(r.length, r.nh_ptr, r.nh_idx, t.cc_id, home,
                                            wl, root, virtual, True, False)
    return np.bincount(t.cc_id, weights=gw, minlength=t.n_countries), direct, domestic, reached


def random_table(g: ASGraph, seed: int) -> ASTable:
    rnd = random.Random(seed)
    return ASTable.from_frame(g, pd.DataFrame({
        "asn": g.asns, "reg_cc": [rnd.choice(["AA", "BB", "CC", "DD", None]) for _ in g.asns],
        "ipv4_addresses": [rnd.choice([0, 256, 512, 768, 1024, 4096]) for _ in g.asns],
    }))


Lane = tuple[int, bool, int, int]  # root, virtual, home, excluded country


def random_cases(seed: int, n: int) -> Iterator[tuple[ASGraph, ASTable, list[Lane]]]:
    """A random hierarchy and a random tangle (p2c cycles), with countries, weights and
    ``n`` random destination lanes each (mixed homes, virtual and real, exclusions)."""
    rnd = random.Random(seed)
    for links in (random_hierarchy(seed, n=60), random_tangle(seed, n=40, m=100)):
        g = graph(links)
        t = random_table(g, seed)
        lanes = []
        for _ in range(n):
            root = rnd.randrange(g.n)
            home = int(t.cc_id[root])
            lanes.append((root, rnd.random() < 0.3, home, rnd.choice([home, home, -1])))
        yield g, t, lanes


def destinations(part: list[Lane]) -> LaneDestinations:
    return LaneDestinations(
        np.array([p[0] for p in part]), np.array([p[1] for p in part]),
        np.array([p[2] for p in part], np.int32), np.ones(len(part), np.bool_),
        np.array([p[3] for p in part], np.int32))


def assert_lanes_equal(g: ASGraph, t: ASTable, lanes: list[tuple[int, bool, int, int]],
                       mode: str) -> None:
    w = t.ipv4
    for start in range(0, len(lanes), 64):
        part = lanes[start : start + 64]
        batch = propagate_lanes(g, [p[0] for p in part], mode=mode)
        got = inbound_lanes(batch, t.cc_id, w, t.n_countries, destinations(part))
        for j, (root, virtual, home, excl) in enumerate(part):
            gw, direct, domestic, reached = reference(g, t, root, virtual, home, mode, w, excl)
            np.testing.assert_array_equal(got.gateway[j], gw, err_msg=f"lane {j} gateway")
            assert (got.direct[j], got.domestic[j], got.reached[j]) == (
                direct, domestic, reached), f"lane {j}"


@pytest.mark.parametrize("mode", ["all-best", "deterministic"])
@pytest.mark.parametrize("seed", range(8))
def test_random_lanes_equal_flow(seed: int, mode: str) -> None:
    for g, t, lanes in random_cases(seed, 90):  # two batches
        assert_lanes_equal(g, t, lanes, mode)


def test_hand_graph_lanes_and_world_engines() -> None:
    g, t = hand.graph(), hand.table()
    groups = world_groups(g, t)
    assert_lanes_equal(g, t, [(r, v, c, c) for r, v, c, _ in groups], "all-best")
    snap = Snapshot.of(g, hand.info(), table=t)
    a = world_matrix(snap, chunk=2)
    b = world_matrix(snap, chunk=2, engine="per-origin")
    assert a.shares.equals(b.shares) and a.weights.equals(b.weights)
    assert a.shares.loc["AA", "BB"] == 21 / 32  # exact: see test_world_hand


def test_unknown_engine() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        world_matrix(Snapshot.of(hand.graph(), hand.info()), engine="tpu")  # type: ignore[arg-type]


@pytest.mark.slow
def test_real_world_matrix_sample_identical_to_per_origin(loaded_settings) -> None:  # type: ignore[no-untyped-def]
    from crossroads import snapshot

    snap = snapshot(loaded_settings)
    a = world_matrix(snap, sample=400, seed=18, workers=2)
    b = world_matrix(snap, sample=400, seed=18, engine="per-origin")
    assert a.groups_done == 400 and a.shares.shape[0] > 50
    assert a.shares.equals(b.shares) and a.weights.equals(b.weights)


@pytest.mark.parametrize("mode", ["all-best", "deterministic"])
@pytest.mark.parametrize("seed", range(4))
def test_array_engine_equals_lanes_to_rounding(seed: int, mode: str) -> None:
    # the GPU code, run on numpy: the same sums as the lane engine up to summation order
    from crossroads.metrics._array_inbound import inbound_columns
    from crossroads.routing.backends.array import numpy_module, to_device

    for g, t, part in random_cases(seed, 40):
        dest = destinations(part)
        module = numpy_module()
        got = inbound_columns(module, to_device(g, module), t.cc_id, t.ipv4, t.n_countries,
                              dest, deterministic=mode == "deterministic")
        for j, (root, virtual, home, excl) in enumerate(part):
            gw, direct, domestic, reached = reference(g, t, root, virtual, home, mode, t.ipv4,
                                                      excl)
            np.testing.assert_allclose(got.gateway[j], gw, rtol=1e-12, atol=1e-6)
            assert got.direct[j] == pytest.approx(direct, rel=1e-12, abs=1e-6)
            assert got.domestic[j] == pytest.approx(domestic, rel=1e-12, abs=1e-6)
            assert got.reached[j] == reached


def test_world_matrix_array_engine_on_hand_graph() -> None:
    snap = Snapshot.of(hand.graph(), hand.info())
    a = world_matrix(snap, chunk=2, engine="array")
    b = world_matrix(snap, chunk=2)
    np.testing.assert_allclose(a.shares.to_numpy(), b.shares.to_numpy(), rtol=1e-12)


def test_gpu_engine_without_cupy_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from crossroads.errors import CrossroadsError

    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(CrossroadsError, match="needs CuPy") as info:
        world_matrix(Snapshot.of(hand.graph(), hand.info()), engine="gpu")
    assert "pip install 'crossroads[gpu]'" in str(info.value)


def test_key_order_sorts_packed_term_keys_like_a_stable_sort() -> None:
    """The radix order of the term keys (AS index, or length << 32 | AS index; repeats
    across lanes) is the order a stable comparison sort gives, empty input included."""
    from crossroads.metrics._lane_kernels import key_order

    rnd = np.random.default_rng(7)
    idx = rnd.integers(0, 80_000, 50_000)
    length = rnd.integers(0, 40, 50_000)
    keys = np.where(rnd.random(50_000) < 0.3, idx, (length << 32) | idx).astype(np.int64)
    assert key_order(keys).tolist() == np.argsort(keys, kind="stable").tolist()
    assert key_order(np.zeros(0, np.int64)).tolist() == []
    assert key_order(np.array([5, 0, 5, 1], np.int64)).tolist() == [1, 3, 0, 2]
