"""A small cache keyed by the identity of large inputs (graphs, DataFrames).

Scenario runs in one session share the loaded graph and ``as_info`` objects; the country
index and the baseline measures of a graph are the same for every scenario, so they are
kept per *object* (checked through weak references, so a new object that reuses a freed
``id`` never hits a stale entry) plus a hashable key of the other options.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["IdentityCache"]


class IdentityCache:
    """LRU of at most ``size`` values keyed by ``(objects by identity, key)``."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[tuple[weakref.ref[Any], ...], Any]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def get(self, objects: tuple[Any, ...], key: Hashable, make: Callable[[], T]) -> T:
        """The cached value for ``objects`` and ``key``, made by ``make()`` on a miss."""
        k = (tuple(id(o) for o in objects), key)
        with self._lock:
            hit = self._items.get(k)
            if hit is not None and all(r() is o for r, o in zip(hit[0], objects, strict=True)):
                self._items.move_to_end(k)
                return hit[1]
        value = make()
        with self._lock:
            self._items[k] = (tuple(weakref.ref(o) for o in objects), value)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
