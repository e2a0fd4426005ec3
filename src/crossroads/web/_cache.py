"""Results of long computations (dependency, scenarios), cached per key and computed once.

The first request for a key starts the computation: in a :class:`~crossroads.web._work.
WorkPool` when one is given (bounded, cancellable, in worker processes), otherwise in
Starlette's threadpool; the event loop stays free for other requests either way.
Concurrent requests for the same key wait for that one run instead of starting their own.
Each waiter passes ``gone``, a check of whether its client has disconnected; when every
waiter of a running key has gone, its computation is cancelled. Errors are not cached. At
most ``size`` results and ``max_bytes`` of them (each measured once, by its pickled
length: what a worker process sent) are kept, least recently used first out; a result
larger than ``max_bytes`` is answered but not kept.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from crossroads.web._work import Job, WorkPool

__all__ = ["ClientGone", "ResultCache"]

Gone = Callable[[], Awaitable[bool]]
POLL_SECONDS = 0.25
"""How often a waiter checks whether its client is still connected."""


class ClientGone(Exception):
    """Every client that asked for this result has disconnected."""


@dataclass
class _Flight:
    """A computation in progress and how many requests wait for it."""

    future: asyncio.Future[Any]
    job: Job | None
    task: asyncio.Task[Any] | None = None
    waiters: int = 0

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
        elif self.task is not None:
            self.task.cancel()


class ResultCache:
    """An LRU of computed results with one in-flight computation per key."""

    def __init__(self, size: int = 64, max_bytes: int = 256 * 2**20) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._sizes: dict[Hashable, int] = {}
        self._done: OrderedDict[Hashable, Any] = OrderedDict()
        self._running: dict[Hashable, _Flight] = {}
        self.computed = 0

    def __len__(self) -> int:
        return len(self._done)

    async def get(self, key: Hashable, compute: Callable[[], Any], *,
                  pool: WorkPool | None = None, gone: Gone | None = None) -> Any:
        """The result for ``key``, computing it with ``compute()`` if needed (in ``pool``,
        else a thread). Raises :class:`~crossroads.errors.BusyError` when ``pool`` is full
        and :class:`ClientGone` when ``gone()`` turns true before the result is there."""
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        flight = self._running.get(key)
        if flight is None:
            job = pool.submit(compute) if pool is not None else None  # BusyError: refused
            flight = _Flight(asyncio.get_running_loop().create_future(), job)
            self._running[key] = flight
            flight.task = asyncio.ensure_future(self._complete(key, flight, compute))
        flight.waiters += 1
        try:
            return await self._wait(flight, gone)
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.future.done():
                flight.cancel()

    async def _complete(self, key: Hashable, flight: _Flight,
                        compute: Callable[[], Any]) -> None:
        try:
            if flight.job is not None:
                value = await flight.job.result()
            else:
                value = await run_in_threadpool(compute)
        except asyncio.CancelledError:
            flight.future.cancel()
            return
        except BaseException as exc:  # noqa: BLE001 - handed to every waiter
            flight.future.set_exception(exc)
            flight.future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            return
        finally:
            del self._running[key]
        self.computed += 1
        flight.future.set_result(value)
        nbytes = _size_of(value)
        if nbytes <= self.max_bytes:
            self._done[key] = value
            self._sizes[key] = nbytes
            self.bytes += nbytes
        while len(self._done) > self.size or self.bytes > self.max_bytes:
            old, _ = self._done.popitem(last=False)
            self.bytes -= self._sizes.pop(old)

    @staticmethod
    async def _wait(flight: _Flight, gone: Gone | None) -> Any:
        while True:
            done, _ = await asyncio.wait({flight.future}, timeout=POLL_SECONDS)
            if done:
                return flight.future.result()
            if gone is not None and await gone():
                raise ClientGone()


def _size_of(value: Any) -> int:
    """Bytes of ``value`` as a worker process sends it (pickled); a value that does not
    pickle counts its own object size."""
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        return sys.getsizeof(value)
