"""The local cache of publisher indexes: each listing or document kept with its retrieval time.

A cached index is used while it is younger than ``max_age`` (default 6 hours). A listing of
a *closed* period -- a month or year directory whose period ended more than two days
before it was retrieved -- no longer changes at its publisher and is used whatever its
age; that is what keeps discovery over years of archive cheap once the cache is warm.
``refresh`` ignores cached copies of open periods read before this run (``update``
always refreshes).

Files: ``<cache_dir>/index/<sha1 of origin>.json`` with ``{"url", "origin",
"retrieved_at"}`` and either the listing by column (``names``, ``sizes``, ``stamps`` in
POSIX seconds, ``slack``) or the ``document`` (base64), written atomically.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

from crossroads.atomic import atomic_path
from crossroads.sources.index.listing import Entry
from crossroads.sources.index.transport import Transport

__all__ = ["CLOSED_AFTER", "IndexCache", "Listing"]

T = TypeVar("T")

_COLUMNS = ("names", "sizes", "stamps", "slack")

CLOSED_AFTER = timedelta(days=2)
"""How long after a period ends its directory is taken as complete."""


@dataclass(frozen=True)
class Listing:
    """A directory's entries, by column, and when they were read from the publisher
    (UTC). :meth:`entry` builds one :class:`Entry`; a RIS month lists ~9,000 files, most
    of them never wanted, so entries are not built up front."""

    url: str
    names: tuple[str, ...]
    sizes: tuple[int | None, ...]
    stamps: tuple[int | None, ...]
    slack: tuple[int, ...]
    retrieved_at: datetime
    _set: list[frozenset[str]] = field(default_factory=list, repr=False, compare=False)
    _text: list[str] = field(default_factory=list, repr=False, compare=False)
    _index: list[dict[str, int]] = field(default_factory=list, repr=False, compare=False)

    @staticmethod
    def of(url: str, entries: list[Entry], when: datetime) -> Listing:
        """A listing of parsed entries."""
        stamps = tuple(int(e.modified.timestamp()) if e.modified else None for e in entries)
        return Listing(url, tuple(e.name for e in entries), tuple(e.size for e in entries),
                       stamps, tuple(e.slack for e in entries), when)

    def entry(self, i: int) -> Entry:
        """The ``i``-th entry."""
        return Entry.from_row([self.names[i], self.sizes[i], self.stamps[i], self.slack[i]])

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry."""
        return tuple(self.entry(i) for i in range(len(self.names)))

    @property
    def name_set(self) -> frozenset[str]:
        """Every entry's name (to look for a checksum file beside a file)."""
        if not self._set:
            self._set.append(frozenset(self.names))
        return self._set[0]

    @property
    def text(self) -> str:
        """The names, one a line (to search them all with one regular expression)."""
        if not self._text:
            self._text.append("\n".join(self.names))
        return self._text[0]

    @property
    def index(self) -> dict[str, int]:
        """Name → its position."""
        if not self._index:
            self._index.append(dict(zip(self.names, range(len(self.names)), strict=True)))
        return self._index[0]

    def columns(self) -> dict[str, list[object]]:
        """The JSON form of the cache file."""
        return {"names": list(self.names), "sizes": list(self.sizes),
                "stamps": list(self.stamps), "slack": list(self.slack)}


@dataclass
class IndexCache:
    """Where indexes are cached (``folder`` None: never on disk) and for how long."""

    folder: Path | None
    max_age: timedelta = timedelta(hours=6)
    refresh: bool = False
    _memo: dict[str, tuple[object, datetime]] = field(default_factory=dict, repr=False)
    _born: datetime = field(default_factory=lambda: datetime.now(UTC), repr=False)
    _derived: dict[Hashable, object] = field(default_factory=dict, repr=False)
    _listings: dict[str, Listing] = field(default_factory=dict, repr=False)

    def listing(self, transport: Transport, url: str, *,
                closes: datetime | None = None) -> Listing:
        """The entries of ``url``; ``closes`` is when its period ends (None: open-ended).
        Within one run (one cache object) a directory is read once."""
        key = _origin(transport, url)
        if key in self._listings:
            return self._listings[key]
        hit = self._fresh(key, closes)
        if hit is not None:
            cols = cast("dict[str, list[Any]]", hit[0])  # a listing's payload: its columns
            names, sizes, stamps, slack = (tuple(cols[c]) for c in _COLUMNS)
            got = Listing(url, names, sizes, stamps, slack, hit[1])
        else:
            got = Listing.of(url, transport.listing(url), datetime.now(UTC))
            self._store(key, url, got.retrieved_at, **got.columns())
        self._listings[key] = got
        return got

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per run: for what callers derive from the indexes read (a
        directory's dated children, a parsed npm document)."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]  # type: ignore[return-value]

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
                payload = {c: doc[c] for c in _COLUMNS} if "names" in doc else doc["document"]
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
        self._memo[key] = (payload.get("document", payload), when)
        path = self._path(key)
        if path is None:
            return
        doc = {"url": url, "origin": key, "retrieved_at": when.isoformat(), **payload}
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(doc), encoding="utf-8")


def _origin(transport: Transport, url: str) -> str:
    """What a cached index is keyed on: the place actually read (mirror path or URL)."""
    if hasattr(transport, "path"):
        return f"dir:{transport.path(url)}"
    where = getattr(transport, "where", None)
    return f"http:{where(url) if where else url}"
