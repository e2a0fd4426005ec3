"""Independent parts of one answer, run side by side.

A dependency report's outbound direction does not depend on its inbound pass, nor a
scenario's "after" side on its "before" side. Each part already runs its kernels on
``workers`` threads, but every part also has stretches on one core (its Python glue,
loading its compiled kernels, building a graph's lane form), so starting the next part
on a side thread while the caller computes the current one fills the idle core.
:class:`Beside` does that with one side thread, or runs each part at once where it is
asked for when threads are not wanted (``--workers 1``): the values are the same either
way, since the parts share nothing they write.

Example::

    >>> with Beside(threads=True) as beside:
    ...     later = beside.run(lambda: sum(range(10)))
    ...     now = 2 * 21
    ...     (now, later())
    (42, 45)
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["Beside"]

T = TypeVar("T")


class Beside:
    """Parts run on one side thread (``threads``) or at once where they are asked for.
    :meth:`run` returns what gives the part's value (waiting for it; the part's error is
    raised there). Leaving the ``with`` block waits for a part still running and drops
    those not started."""

    def __init__(self, threads: bool) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1) if threads else None

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self, part: Callable[[], T]) -> Callable[[], T]:
        """Start ``part`` (or, without threads, compute it now)."""
        if self._pool is None:
            value = part()
            return lambda: value
        return self._pool.submit(part).result
