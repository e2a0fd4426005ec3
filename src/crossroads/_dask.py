"""One way to get a Dask distributed client, shared by every part that scales out.

Without a scheduler address, a :class:`distributed.LocalCluster` of single-threaded worker
processes is started for the duration of the block and torn down after it; with one
(``tcp://host:8786``), the block runs on that real cluster. An unreachable scheduler is a
:class:`~crossroads.errors.CrossroadsError`, not a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from crossroads.errors import CrossroadsError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["dask_client"]


@contextmanager
def dask_client(scheduler: str | None = None, *, workers: int | None = None) -> Iterator[Client]:
    """A client to ``scheduler``, or to a LocalCluster of ``workers`` processes.

    ``workers`` defaults to the CPU count.
    """
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, timeout="20s")
        except OSError as exc:
            raise CrossroadsError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                hint="start one with `dask scheduler` or leave --scheduler out",
            ) from exc
        with client:
            yield client
    finally:
        if cluster is not None:
            cluster.close()
