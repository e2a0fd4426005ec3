"""One writer per store: ``fetch``, ``fetch ribs`` and ``update`` take the same lock file.

The lock is an advisory ``flock`` on ``<data_dir>/.fetch.lock``; the operating system
drops it when the process ends, however it ends, so a killed run never leaves the store
locked. A second run either waits for it (``wait`` seconds, polling) or stops at once with
:class:`~crossroads.errors.BusyError`, one line saying who holds the store.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from crossroads.config import Settings
from crossroads.errors import BusyError, CrossroadsError

__all__ = ["store_lock"]

_POLL = 0.25


@contextmanager
def store_lock(settings: Settings, *, wait: float = 0.0, what: str = "fetch") -> Iterator[None]:
    """Hold the store's write lock for the block; wait up to ``wait`` seconds for it."""
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise CrossroadsError(f"the data directory {settings.data_dir} is a file",
                              hint="give --data-dir a folder (it is created if missing)")
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrossroadsError(f"cannot create the data directory {settings.data_dir}: "
                              f"{exc.strerror or exc}") from None
    path = settings.data_dir / ".fetch.lock"
    with open(path, "a+") as f:
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    f.seek(0)
                    holder = f.read().strip() or "another crossroads process"
                    waited = f" (waited {wait:g} s)" if wait > 0 else ""
                    raise BusyError(
                        f"the store {settings.data_dir} is busy: {holder} holds it{waited}",
                        hint="wait for it to end, or pass --wait SECONDS") from None
                time.sleep(_POLL)
        try:
            f.seek(0)
            f.truncate()
            f.write(f"crossroads {what} (pid {os.getpid()})")
            f.flush()
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)
