"""Results of long computations kept on disk, so a second report or server start is quick.

A result (JSON-ready data) is stored under ``settings.cache_dir / "results"`` in a file
named by the SHA-256 of its key: what was computed and with which arguments, the SHA-256
of every dataset loaded in the store, and the SHA-256 of the source of the crossroads
modules that compute it. Loading new data or changing that code therefore computes
afresh; nothing is ever invalidated by hand. Files are written to a temporary name and
renamed, so a crash never leaves a half-written result; an unreadable file is recomputed.

The folder is bounded: after each write, the least recently used results (by file time,
touched on every hit) are deleted until the folder holds at most :data:`MAX_BYTES`
(``CROSSROADS_MEMO_MB`` megabytes when set). Distinct scenarios sent to the web server
therefore cannot fill the disk.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crossroads.atomic import atomic_path
from crossroads.config import Settings
from crossroads.store import prune as prune_files

__all__ = ["MAX_BYTES", "code_fingerprint", "memo", "prune"]

MAX_BYTES = 256 * 1024 * 1024
"""Default bound of the results folder (256 MB; a KZ dependency result is about 1 MB)."""


_COMPUTING = ("metrics", "routing", "scenarios", "store", "sources", "outages")


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 over the source of every crossroads module a cached result depends on (the
    computing packages and this package's ``sections``), not the rendering code."""
    root = Path(__file__).resolve().parents[1]
    files = [p for pkg in _COMPUTING for p in (root / pkg).rglob("*.py")]
    files += [*root.glob("*.py"), root / "report" / "sections.py"]
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(f"{path.relative_to(root)}:".encode() + path.read_bytes())
    return h.hexdigest()


def _store_fingerprint(settings: Settings) -> str:
    from crossroads.store import open_store

    if not settings.database.exists():
        return "no-store"
    shas = sorted(f"{r.name}={r.sha256}" for r in open_store(settings).datasets())
    return hashlib.sha256(";".join(shas).encode()).hexdigest()


def memo(settings: Settings, what: str, args: dict[str, Any],
         compute: Callable[[], Any]) -> Any:
    """``compute()`` (JSON-ready data), or the stored result of an identical earlier call."""
    key = json.dumps([what, args, _store_fingerprint(settings), code_fingerprint()],
                     sort_keys=True, default=str)
    folder = settings.cache_dir / "results"
    path = folder / f"{what}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"
    try:
        value = json.loads(path.read_text("utf-8"))
        os.utime(path)  # recently used: pruned last
        return value
    except (OSError, ValueError):
        pass
    value = compute()
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f)
    prune(folder, _limit())
    return value


def _limit() -> int:
    text = os.environ.get("CROSSROADS_MEMO_MB", "")
    return int(float(text) * 1024 * 1024) if text.replace(".", "", 1).isdigit() else MAX_BYTES


def prune(folder: Path, limit: int) -> int:
    """Delete the least recently used ``*.json`` results of ``folder`` until their sizes
    sum to at most ``limit`` bytes; the number deleted."""
    return prune_files(folder, limit, "*.json")
