"""The local cache of publisher indexes: each listing or document kept with its retrieval time.

A cached index is used while it is younger than ``max_age`` (default 6 hours). A listing of
a *closed* period -- a month or year directory whose period ended more than two days
before it was retrieved -- no longer changes at its publisher and is used whatever its
age; that is what keeps discovery over years of archive cheap once the cache is warm.
``refresh`` ignores cached copies of open periods read before this run (``update``
always refreshes).

Files: ``<cache_dir>/index/<sha1 of origin>.json`` with ``{"url", "origin",
"retrieved_at", "entries" | "document"}``, written atomically.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crossroads._atomic import atomic_path
from crossroads.sources.index.listing import Entry
from crossroads.sources.index.transport import Transport

__all__ = ["CLOSED_AFTER", "IndexCache", "Listing"]

CLOSED_AFTER = timedelta(days=2)
"""How long after a period ends its directory is taken as complete."""


@dataclass(frozen=True)
class Listing:
    """A directory's entries and when they were read from the publisher (UTC)."""

    url: str
    entries: tuple[Entry, ...]
    retrieved_at: datetime


@dataclass
class IndexCache:
    """Where indexes are cached (``folder`` None: never on disk) and for how long."""

    folder: Path | None
    max_age: timedelta = timedelta(hours=6)
    refresh: bool = False
    _memo: dict[str, tuple[object, datetime]] = field(default_factory=dict, repr=False)
    _born: datetime = field(default_factory=lambda: datetime.now(UTC), repr=False)

    def listing(self, transport: Transport, url: str, *,
                closes: datetime | None = None) -> Listing:
        """The entries of ``url``; ``closes`` is when its period ends (None: open-ended)."""
        key = _origin(transport, url)
        hit = self._fresh(key, closes)
        if hit is not None:
            rows, when = hit
            return Listing(url, tuple(Entry.from_row(r) for r in rows), when)  # type: ignore[union-attr]
        entries = transport.listing(url)
        when = datetime.now(UTC)
        self._store(key, url, when, entries=[e.as_row() for e in entries])
        return Listing(url, tuple(entries), when)

    def document(self, transport: Transport, url: str) -> tuple[bytes, datetime]:
        """The bytes of the index document ``url`` and when they were retrieved."""
        key = _origin(transport, url)
        hit = self._fresh(key, None)
        if hit is not None:
            return base64.b64decode(hit[0]), hit[1]  # type: ignore[arg-type]
        body = transport.document(url)
        when = datetime.now(UTC)
        self._store(key, url, when, document=base64.b64encode(body).decode("ascii"))
        return body, when

    def _path(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"{hashlib.sha1(key.encode()).hexdigest()}.json"

    def _fresh(self, key: str, closes: datetime | None) -> tuple[object, datetime] | None:
        got = self._memo.get(key)
        if got is None:
            path = self._path(key)
            if path is None or not path.is_file():
                return None
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
                payload = doc["entries"] if "entries" in doc else doc["document"]
                got = (payload, datetime.fromisoformat(doc["retrieved_at"]))
            except (ValueError, KeyError, OSError):
                return None  # a damaged cache file is only a cache miss
            self._memo[key] = got
        payload, when = got
        if closes is not None and closes + CLOSED_AFTER <= when:
            return got
        if when >= self._born:  # read from the publisher by this very run
            return payload, when
        if self.refresh or datetime.now(UTC) - when > self.max_age:
            return None
        return payload, when

    def _store(self, key: str, url: str, when: datetime, **payload: object) -> None:
        value = payload.get("entries", payload.get("document"))
        self._memo[key] = (value, when)
        path = self._path(key)
        if path is None:
            return
        doc = {"url": url, "origin": key, "retrieved_at": when.isoformat(), **payload}
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(doc), encoding="utf-8")


def _origin(transport: Transport, url: str) -> str:
    """What a cached index is keyed on: the place actually read (mirror path or URL)."""
    if hasattr(transport, "path"):
        return f"dir:{transport.path(url)}"  # type: ignore[attr-defined]
    where = getattr(transport, "where", None)
    return f"http:{where(url) if where else url}"
