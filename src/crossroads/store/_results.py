"""Results worth keeping between processes, in the store directory.

``cached(directory, key_parts, compute)`` returns ``compute()``'s value, from a file of
``directory`` when a previous process already computed it for the same key, and says
which (:class:`Cached`). The key is the SHA-256 of the caller's ``key_parts`` (their
``repr``: plain values -- strings, numbers, tuples -- give a stable key) and of the
**code version** (:func:`code_version`, the SHA-256 of the source of every computing
package), so an entry is stale, and never read, when either the inputs (callers put the
datasets' SHA-256 of the store's records in ``key_parts``) or the code changed.

Entries are pickles written atomically (:func:`crossroads.atomic.atomic_path`: a reader
never sees half a file); the directory is bounded (``max_bytes``, least recently used
entries removed first). A damaged or unreadable entry counts as missing and is
overwritten. The files are this user's own (the store directory); pickles are not meant
to be exchanged.

Example::

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> a = cached(d, ("answer", 42), lambda: 6 * 7)
    >>> b = cached(d, ("answer", 42), lambda: 0)
    >>> (a.value, a.served), (b.value, b.served)
    ((42, False), (42, True))
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from crossroads.atomic import atomic_path
from crossroads.provenance import Provenance

__all__ = ["Cached", "cached", "code_version", "datasets_key", "prune"]

T = TypeVar("T")

MAX_BYTES = 512 * 1024 * 1024
"""Default bound of a results directory."""

_SUFFIX = ".result.pkl"
_COMPUTING = ("metrics", "outages", "physical", "routing", "scenarios", "snapshots", "sources",
              "store")
_CODE_SUFFIXES = (".py", ".csv", ".yaml")  # code and the data shipped with it


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A value and whether a cache entry served it (``served``) or it was computed."""

    value: T
    served: bool
    key: str


@lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 over the path and bytes of the ``.py`` files of the packages that compute
    results, of the data shipped with them (corridors, scenario presets) and of the
    top-level modules (not the CLI, web or report rendering)."""
    root = Path(__file__).resolve().parents[1]
    files = [p for pkg in _COMPUTING for p in (root / pkg).rglob("*")
             if p.suffix in _CODE_SUFFIXES and p.is_file()]
    h = hashlib.sha256()
    for path in sorted([*files, *root.glob("*.py")]):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def datasets_key(datasets: Iterable[Provenance]) -> tuple[tuple[str, str], ...]:
    """The part of a key that names the inputs: ``(dataset, sha256)``, sorted."""
    return tuple(sorted((p.dataset, p.sha256) for p in datasets))


def cached(
    directory: str | Path,
    key_parts: object,
    compute: Callable[[], T],
    *,
    max_bytes: int = MAX_BYTES,
) -> Cached[T]:
    """``compute()``, or its value saved under the same key by an earlier call."""
    folder = Path(directory)
    key = hashlib.sha256(f"{code_version()}\0{key_parts!r}".encode()).hexdigest()
    path = folder / f"{key}{_SUFFIX}"
    if path.is_file():
        try:
            with open(path, "rb") as fh:
                value = pickle.load(fh)
            os.utime(path)  # recently used: kept longest
            return Cached(value, True, key)
        except Exception:  # damaged, or written by an incompatible library: recompute
            pass
    value = compute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        prune(folder, max_bytes, f"*{_SUFFIX}")
    except OSError:  # a read-only or full store still answers, without keeping it
        pass
    return Cached(value, False, key)


def prune(folder: Path, limit: int, pattern: str) -> int:
    """Delete the least recently used files of ``folder`` matching ``pattern`` (by file
    time: hits touch their file) until their sizes sum to at most ``limit`` bytes;
    returns how many were deleted."""
    entries = []
    for p in folder.glob(pattern):
        try:
            st = p.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in entries)
    deleted = 0
    for _, size, p in sorted(entries):
        if total <= limit:
            break
        p.unlink(missing_ok=True)
        total -= size
        deleted += 1
    return deleted
