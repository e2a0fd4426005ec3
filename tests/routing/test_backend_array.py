"""The batched backends against the CPU numba kernel, the reference.

``backend="array"`` is the GPU code run on numpy + scipy.sparse, so CI checks the GPU's
algorithm without a GPU: class, length and next hop must equal ``propagate()`` exactly on
the hand-made graphs of ``test_propagate.py``, on random graphs (with and without
provider->customer cycles, single and multiple origins) and on >= 200 origins of the real
2025 CAIDA graph. The one skipped test is the same comparison on a CUDA device.
"""

from __future__ import annotations

import doctest
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from crossroads.errors import CrossroadsError
from crossroads.routing import ASGraph, propagate, through_weights
from crossroads.routing.backends import (
    BatchRoutes,
    gpu_available,
    iter_routes,
    propagate_batch,
    propagate_many_batched,
)
from crossroads.routing.backends import batch as batch_module
from crossroads.routing.backends.array import numpy_module, propagate_columns, to_device
from crossroads.routing.load import graph_from_file

from .conftest import FILE_2025
from .test_propagate import TIE, random_hierarchy

P2C, PEER = -1, 0

# The hand graphs of test_propagate.py, whose routes are derived there by hand.
HAND = {
    "valley": [(2, 1, P2C), (2, 3, P2C), (4, 3, P2C)],
    "peer-chain": [(2, 1, P2C), (2, 3, PEER), (3, 4, PEER), (3, 5, P2C)],
    "customer-beats-peer": [(9, 1, PEER), (2, 1, P2C), (3, 2, P2C), (9, 3, P2C)],
    "peer-beats-provider": [(5, 1, P2C), (5, 6, P2C), (6, 7, PEER), (7, 8, P2C), (8, 1, P2C)],
    "shortest": [(2, 1, P2C), (10, 2, P2C), (3, 1, P2C), (4, 3, P2C), (10, 4, P2C)],
    "tie": list(TIE),
    "disconnected": [(2, 1, P2C), (8, 9, P2C)],
    "moas": [(3, 1, P2C), (3, 2, P2C), (4, 3, P2C), (5, 2, P2C), (3, 6, P2C)],
    "p2c-cycle": [(1, 2, P2C), (2, 3, P2C), (3, 1, P2C), (3, 4, P2C)],
}


def graph(links: list[tuple[int, int, int]]) -> ASGraph:
    a, b, r = zip(*links, strict=True)
    return ASGraph.from_links(list(a), list(b), list(r))


def random_tangle(seed: int, n: int = 30, m: int = 70) -> list[tuple[int, int, int]]:
    """Random links with random directions: provider->customer cycles are likely."""
    rnd = random.Random(seed)
    links: dict[tuple[int, int], int] = {}
    while len(links) < m:
        a, b = rnd.sample(range(1, n + 1), 2)
        if (b, a) not in links:
            links[(a, b)] = rnd.choice((P2C, P2C, PEER))
    return [(a, b, r) for (a, b), r in links.items()]


def assert_equals_cpu(g: ASGraph, batch: BatchRoutes) -> None:
    """Every row of ``batch`` equals ``propagate`` of its origins, array for array."""
    assert batch.rel.shape == batch.length.shape == batch.next_hop.shape == (len(batch), g.n)
    for k, orig in enumerate(batch.origins):
        ref = propagate(g, orig)
        np.testing.assert_array_equal(batch.rel[k], ref.rel, err_msg=f"class, row {k}")
        np.testing.assert_array_equal(batch.length[k], ref.length, err_msg=f"length, row {k}")
        np.testing.assert_array_equal(batch.next_hop[k], ref.next_hop, err_msg=f"nh, row {k}")


def every_origin(g: ASGraph) -> list[np.ndarray | int]:
    """Each AS alone, then two multi-origin sets (first+last, and every third AS)."""
    return [*range(g.n), [0, g.n - 1], list(range(0, g.n, 3))]


@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_graphs_equal_cpu(name: str) -> None:
    g = graph(HAND[name])
    assert_equals_cpu(g, propagate_batch(g, every_origin(g), backend="array"))


def test_tie_and_peer_rows_by_hand() -> None:
    # The tie graph (see test_propagate.TIE): towards origin 1, AS 6 has equal customer
    # routes via 4 and 5 (length 3) and picks 4; AS 4 ties between 2 and 3 and picks 2.
    g = graph(list(TIE))
    b = propagate_batch(g, [g.index_of(1)], batch_size=1)
    asn = g.asns
    assert {int(a): int(asn[h]) for a, h in zip(asn, b.next_hop[0], strict=True) if h >= 0} == {
        2: 1, 3: 1, 4: 2, 5: 2, 6: 4
    }
    assert b.length[0].tolist() == [0, 1, 1, 2, 2, 3]
    # Peer chain: 2 provides 1; 2=3 and 3=4 peer; 3 provides 5. Towards 1: 3 has a peer
    # route (length 2), 5 a provider route via 3 (3), 4 nothing (two peer hops).
    g = graph(HAND["peer-chain"])
    b = propagate_batch(g, [g.index_of(1)])
    assert b.rel[0].tolist() == [1, 2, 3, 0, 4] and b.length[0].tolist() == [0, 1, 2, -1, 3]


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_equal_cpu(seed: int) -> None:
    for links in (random_hierarchy(seed), random_tangle(seed)):
        g = graph(links)
        # batches of 7 columns: rows of later batches land where they belong
        assert_equals_cpu(g, propagate_batch(g, every_origin(g), batch_size=7))


def test_float_products_and_small_chunks_give_the_same_routes() -> None:
    # The GPU module multiplies float32 0/1 matrices (cuSPARSE has no boolean product) and
    # uses other chunk sizes: run that path on numpy too, with 1-column next-hop chunks.
    g = graph(random_tangle(99, n=40, m=110))
    base = numpy_module()
    ref = propagate_batch(g, np.arange(g.n), backend="cpu")
    for module in (replace(base, frontier_dtype=np.float32), replace(base, chunk_elements=1)):
        rel, length, nh = propagate_columns(
            module, to_device(g, module), np.arange(g.n), np.arange(g.n), g.n
        )
        np.testing.assert_array_equal(rel.T, ref.rel)
        np.testing.assert_array_equal(length.T, ref.length)
        np.testing.assert_array_equal(nh.T, ref.next_hop)


def test_iter_routes_matches_propagate_in_both_modes() -> None:
    g = graph(random_hierarchy(3, n=50))
    origins = [*range(g.n), [1, 7]]
    for mode in ("deterministic", "all-best"):
        got = list(iter_routes(g, origins, mode=mode, batch_size=16))
        assert len(got) == len(origins)
        for o, r in zip(origins, got, strict=True):
            ref = propagate(g, o, mode=mode)
            assert r.mode == mode and r.origins.tolist() == ref.origins.tolist()
            for field in ("rel", "length", "next_hop", "nh_ptr", "nh_idx"):
                np.testing.assert_array_equal(getattr(r, field), getattr(ref, field))
    src = np.arange(g.n)
    tw = propagate_many_batched(g, range(g.n), lambda r: through_weights(g, r, src),
                                mode="all-best")
    for o in range(g.n):
        np.testing.assert_allclose(tw[o], through_weights(g, propagate(g, o, mode="all-best"),
                                                          src))


def test_module_example_runs() -> None:
    # the worked example in batch.py's docstring (origins AS 4 and AS 5), derived there
    result = doctest.testmod(batch_module)
    assert result.attempted >= 3 and result.failed == 0


def test_bad_arguments() -> None:
    g = graph(list(TIE))
    with pytest.raises(ValueError, match="unknown backend"):
        propagate_batch(g, [0], backend="tpu")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size"):
        propagate_batch(g, [0], batch_size=0)
    with pytest.raises(ValueError, match="at least one origin"):
        propagate_batch(g, [])
    with pytest.raises(ValueError, match="at least one origin"):
        propagate_batch(g, [[0], []])
    with pytest.raises(IndexError):
        propagate_batch(g, [0, 6])
    with pytest.raises(ValueError, match="one-dimensional"):
        propagate_batch(g, np.zeros((2, 2), np.int32))
    with pytest.raises(ValueError, match="unknown mode"):
        next(iter_routes(g, [0], mode="fastest"))  # type: ignore[arg-type]


def test_gpu_backend_without_cupy_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cupy", None)  # makes `import cupy` fail everywhere
    g = graph(list(TIE))
    with pytest.raises(CrossroadsError, match="needs CuPy") as info:
        propagate_batch(g, [0], backend="gpu")
    assert "pip install 'crossroads[gpu]'" in str(info.value)
    assert not gpu_available()


@pytest.fixture(scope="module")
def real(mirror: Path) -> tuple[ASGraph, np.ndarray]:
    g = graph_from_file(mirror / FILE_2025)
    rng = np.random.default_rng(2025)
    sample = rng.choice(g.n, size=240, replace=False)
    return g, np.concatenate([[g.index_of(9198)], sample]).astype(np.int32)


@pytest.mark.slow
def test_real_2025_graph_240_origins_equal_cpu(real: tuple[ASGraph, np.ndarray]) -> None:
    g, origins = real
    assert g.n == 78_643  # the mirror's README
    batch = propagate_batch(g, origins, backend="array", batch_size=128)
    assert_equals_cpu(g, batch)
    # teeth: the sample is not trivial -- every route class occurs, long paths included
    assert set(np.unique(batch.rel).tolist()) == {0, 1, 2, 3, 4}
    assert int(batch.length.max()) >= 8
    assert (batch.next_hop >= 0).sum() > 0.9 * len(batch) * g.n


@pytest.mark.skipif(not gpu_available(), reason="needs CuPy and a CUDA device; CI has no GPU")
def test_gpu_backend_equals_cpu_on_real_graph(real: tuple[ASGraph, np.ndarray]) -> None:
    g, origins = real
    assert_equals_cpu(g, propagate_batch(g, origins, backend="gpu"))
    h = graph(random_tangle(5))
    assert_equals_cpu(h, propagate_batch(h, every_origin(h), backend="gpu", batch_size=9))
