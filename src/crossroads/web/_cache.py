"""Results of long computations (dependency, scenarios), cached per key and computed once.

The first request for a key runs the computation in Starlette's threadpool (the event
loop stays free for other requests); concurrent requests for the same key wait for that
one run instead of starting their own. Errors are not cached. At most ``size`` results
are kept, least recently used first out.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool

__all__ = ["ResultCache"]


class ResultCache:
    """An LRU of computed results with one in-flight computation per key."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._done: OrderedDict[Hashable, Any] = OrderedDict()
        self._running: dict[Hashable, asyncio.Future[Any]] = {}
        self.computed = 0

    async def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result for ``key``, computing it with ``compute()`` in a thread if needed."""
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        if key in self._running:
            return await asyncio.shield(self._running[key])
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            value = await run_in_threadpool(compute)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del self._running[key]
        self.computed += 1
        future.set_result(value)
        self._done[key] = value
        while len(self._done) > self.size:
            self._done.popitem(last=False)
        return value
