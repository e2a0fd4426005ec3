"""Results of long computations kept on disk, so a second report or server start is quick.

A result (JSON-ready data) is stored under ``settings.cache_dir / "results"`` in a file
named by the SHA-256 of its key: what was computed and with which arguments, the SHA-256
of every dataset loaded in the store, and the SHA-256 of the source of the crossroads
modules that compute it. Loading new data or changing that code therefore computes
afresh; nothing is ever invalidated by hand. Files are written to a temporary name and
renamed, so a crash never leaves a half-written result; an unreadable file is recomputed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crossroads._atomic import atomic_path
from crossroads.config import Settings

__all__ = ["code_fingerprint", "memo"]


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
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f)
    return value
