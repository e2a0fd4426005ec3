"""Backends of the routing engine: the same routes for many origins at once.

``propagate_batch(graph, origins, backend=...)`` returns ``K x N`` class, length and
next-hop matrices; ``iter_routes`` / ``propagate_many_batched`` stream per-origin
:class:`~crossroads.routing.routes.Routes` batch by batch, as drop-ins for a loop over
``propagate`` / for ``propagate_many``. The CPU numba kernel is the reference; the batched
array code (:mod:`.array`) runs unchanged on numpy (CI) and on CuPy (``backend="gpu"``,
``pip install 'crossroads[gpu]'``). See "GPU backend" in ``docs/methods/routing.md``.
"""

from crossroads.routing.backends.batch import (
    Backend,
    BatchRoutes,
    iter_routes,
    propagate_batch,
    propagate_many_batched,
)
from crossroads.routing.backends.gpu import gpu_available

__all__ = [
    "Backend",
    "BatchRoutes",
    "gpu_available",
    "iter_routes",
    "propagate_batch",
    "propagate_many_batched",
]
