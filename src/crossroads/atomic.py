"""Write a file so that readers see either the old one or the whole new one, never half.

Every output crossroads writes (downloads, Parquet, reports, plots, caches, checkpoints)
goes through :func:`atomic_path`: content is written to a temporary file beside the
target, which is renamed over the target only when the writing block ends without an
exception; otherwise it is removed. The renamed file gets the usual permissions
(``0o666`` less the umask), not the ``0o600`` of a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "promote"]


@contextmanager
def atomic_path(
    target: str | Path, *, fsync: bool = False, temp_suffix: str | None = None,
) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target``.

    The temporary name keeps ``target``'s suffix (writers such as ``numpy.savez`` add
    their own otherwise), unless ``temp_suffix`` is given: outputs that others read by
    glob (``OUT/*.parquet``) pass ``.part`` so that a temporary left by a killed process
    never matches. With ``fsync`` the data reach the disk before the rename, so a crash
    cannot leave a renamed but empty file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = temp_suffix if temp_suffix is not None else f".part{target.suffix}"
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        promote(tmp, target, fsync=fsync)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def promote(tmp: str | Path, target: str | Path, *, fsync: bool = False) -> None:
    """Rename the finished file ``tmp`` over ``target`` in one step, with the usual
    permissions (and its data on disk first with ``fsync``). :func:`atomic_path` ends
    with this; a resumable download, whose partial file has a fixed name, calls it
    directly."""
    if fsync:
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, target)
