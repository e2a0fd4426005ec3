"""Routes towards many prefixes at once, on a chosen backend, as ``K x N`` matrices.

``backend="cpu"`` runs the numba kernel once per origin (the reference);
``backend="array"`` runs the batched three-phase propagation of :mod:`.array` on numpy and
scipy.sparse; ``backend="gpu"`` runs the same code on CuPy. All three give identical
class, length and next-hop matrices (tested); the point of the batched form is the GPU,
where one sparse product advances thousands of origins by one BFS level.

Worked example -- the graph of :mod:`crossroads.routing.propagate` (AS 1 provides AS 2
and AS 3, AS 3 provides AS 4, AS 2 peers with AS 5), origins AS 4 and AS 5 in one batch::

    >>> from crossroads.routing.graph import ASGraph
    >>> g = ASGraph.from_links([1, 1, 3, 2], [2, 3, 4, 5], [-1, -1, -1, 0])
    >>> b = propagate_batch(g, g.indices_of([4, 5]))
    >>> b.length.tolist()          # rows: origin AS 4, origin AS 5; columns AS 1..5
    [[2, 3, 1, 0, -1], [-1, 1, -1, -1, 0]]
    >>> g.asns[b.next_hop[1, g.index_of(2)]]   # AS 2 reaches AS 5 over their peer link
    np.int64(5)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np

from crossroads.routing import _kernels as _k
from crossroads.routing.backends.array import (
    ArrayModule,
    numpy_module,
    propagate_columns,
    to_device,
)
from crossroads.routing.backends.gpu import cupy_module
from crossroads.routing.graph import ASGraph
from crossroads.routing.propagate import Origins, _origin_array, routes_from_arrays
from crossroads.routing.routes import RouteMode, Routes

__all__ = ["Backend", "BatchRoutes", "iter_routes", "propagate_batch", "propagate_many_batched"]

Backend = Literal["cpu", "array", "gpu"]
"""``cpu``: numba, one origin at a time (the reference). ``array``: the batched code on
numpy + scipy.sparse. ``gpu``: the same batched code on CuPy (an optional extra)."""

DEFAULT_BATCH: dict[str, int] = {"cpu": 256, "array": 128, "gpu": 2048}
"""Origins per batch when none is given: ``K x N`` matrices of ~16 bytes per entry live
on the device during a batch (about 160 MB for 128 origins, 2.6 GB for 2,048)."""

T = TypeVar("T")


@dataclass(frozen=True)
class BatchRoutes:
    """Deterministic best routes towards ``K`` prefixes; row ``k`` is ``origins[k]``'s.

    * ``rel`` int8 ``K x N`` -- :class:`~crossroads.routing.routes.RouteClass`;
    * ``length`` int16 ``K x N`` -- AS-path length in hops (-1 unreachable);
    * ``next_hop`` int32 ``K x N`` -- lowest-ASN best next hop (-1 at origins and
      unreachable ASes), as :attr:`Routes.next_hop <crossroads.routing.routes.Routes>`.
    """

    origins: tuple[np.ndarray, ...]  # int32 AS indices announcing prefix k
    rel: np.ndarray
    length: np.ndarray
    next_hop: np.ndarray
    backend: Backend

    def __len__(self) -> int:
        return len(self.origins)

    def routes(self, graph: ASGraph, k: int, *, mode: RouteMode = "deterministic") -> Routes:
        """Row ``k`` as a :class:`Routes` (``all-best`` next hops derived on the CPU)."""
        return routes_from_arrays(graph, self.origins[k], self.rel[k], self.length[k],
                          self.next_hop[k], mode)


def propagate_batch(
    graph: ASGraph,
    origins: Sequence[Origins] | np.ndarray,
    *,
    backend: Backend = "array",
    batch_size: int | None = None,
) -> BatchRoutes:
    """Routes towards ``K = len(origins)`` prefixes, one per item of ``origins``.

    An item is one AS index or several (a prefix with multiple origins). ``batch_size``
    origins are computed together (default :data:`DEFAULT_BATCH` of the backend).
    """
    sets = _origin_sets(graph, origins)
    k, n = len(sets), graph.n
    rel = np.empty((k, n), np.int8)
    length = np.empty((k, n), np.int16)
    nh = np.empty((k, n), np.int32)
    for start, (r, ln, h) in _batches(graph, sets, backend, batch_size):
        stop = start + r.shape[0]
        rel[start:stop], length[start:stop], nh[start:stop] = r, ln, h
    return BatchRoutes(tuple(sets), rel, length, nh, backend)


def iter_routes(
    graph: ASGraph,
    origin_list: Iterable[Origins],
    *,
    mode: RouteMode = "deterministic",
    backend: Backend = "array",
    batch_size: int | None = None,
) -> Iterator[Routes]:
    """``propagate(graph, o, mode=mode)`` for each ``o``, computed batch by batch.

    Only one batch of ``K x N`` matrices is alive at a time; drop-in for a loop over
    :func:`~crossroads.routing.propagate.propagate` (same :class:`Routes`, same order).
    """
    sets = _origin_sets(graph, list(origin_list))
    for start, (r, ln, h) in _batches(graph, sets, backend, batch_size):
        for j in range(r.shape[0]):
            yield routes_from_arrays(graph, sets[start + j], r[j], ln[j], h[j], mode)


def propagate_many_batched(
    graph: ASGraph,
    origin_list: Iterable[Origins],
    reducer: Callable[[Routes], T],
    *,
    mode: RouteMode = "deterministic",
    backend: Backend = "array",
    batch_size: int | None = None,
) -> list[T]:
    """``[reducer(propagate(graph, o, mode=mode)) for o in origin_list]`` on a backend.

    The batch counterpart of :func:`~crossroads.routing.propagate.propagate_many`.
    """
    return [reducer(r) for r in iter_routes(graph, origin_list, mode=mode, backend=backend,
                                            batch_size=batch_size)]


# -------------------------------------------------------------------- private helpers
def _origin_sets(graph: ASGraph, origins: Sequence[Origins] | np.ndarray) -> list[np.ndarray]:
    if isinstance(origins, np.ndarray) and origins.ndim != 1:
        raise ValueError(f"origins must be one-dimensional, got shape {origins.shape}")
    sets = [_origin_array(graph, o) for o in origins]
    if not sets:
        raise ValueError("at least one origin is needed")
    return sets


def _module(backend: Backend) -> ArrayModule:
    if backend == "array":
        return numpy_module()
    if backend == "gpu":
        return cupy_module()
    raise ValueError(f"unknown backend {backend!r}; use 'cpu', 'array' or 'gpu'")


def _batches(
    graph: ASGraph, sets: list[np.ndarray], backend: Backend, batch_size: int | None
) -> Iterator[tuple[int, tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """``(start, (rel, length, next_hop))`` host matrices of ``batch_size`` rows each."""
    size = DEFAULT_BATCH.get(backend, 1) if batch_size is None else batch_size
    if size < 1:
        raise ValueError(f"batch_size must be >= 1, got {size}")
    if backend == "cpu":
        for start in range(0, len(sets), size):
            yield start, _cpu_batch(graph, sets[start : start + size])
        return
    module = _module(backend)
    dg = to_device(graph, module)
    for start in range(0, len(sets), size):
        part = sets[start : start + size]
        rows = np.concatenate(part)
        cols = np.repeat(np.arange(len(part), dtype=np.int32), [s.shape[0] for s in part])
        out = propagate_columns(module, dg, rows, cols, len(part))
        xp = module.xp
        yield start, tuple(module.to_host(xp.ascontiguousarray(a.T)) for a in out)  # type: ignore[misc]


def _cpu_batch(graph: ASGraph, part: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rel = np.empty((len(part), graph.n), np.int8)
    length = np.empty((len(part), graph.n), np.int16)
    nh = np.empty((len(part), graph.n), np.int32)
    for j, orig in enumerate(part):
        rel[j], length[j], nh[j] = _k.gao_rexford(*graph.adjacency, orig)
    return rel, length, nh
