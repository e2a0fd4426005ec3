"""What a ``fetch`` takes: catalogue entries from a mirror, or the publishers' snapshots.

* **Named datasets** are taken as named: a catalogue name, or any name discovery gives
  (``caida-as-rel2-20260101``), looked up at its publisher by its date.
* **No names, shipped mirror** (``CROSSROADS_MIRROR`` laid out like the public-data
  mirror): every catalogue entry, as always; optional ones the mirror lacks are skipped.
* **No names, no mirror** (or a mirror holding publisher trees, ``HOST/PATH``): per part of
  every kind, the publisher's snapshot in force -- the newest, or with ``--date`` the
  latest on or before it (:class:`crossroads.sources.index.discover.Index`). Parts no
  publisher index covers (RouteViews' peer list) come from the catalogue.

With ``--date`` every kind follows the same rule (:func:`crossroads.sources.catalog.
in_force_on`), per part; a part with nothing on or before the date is skipped with a
note, and a date before everything asked for is an error.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.sources import DatasetSpec, in_mirror
from crossroads.sources.catalog import CATALOG, DEFAULT_FETCH, in_force_on
from crossroads.sources.index.cache import IndexCache
from crossroads.sources.index.discover import KINDS, Index
from crossroads.sources.index.feeds import FEEDS, NpmFeed, RisPeersFeed, TreeFeed
from crossroads.sources.index.ribs import RIS_ROOT, ROUTEVIEWS_ROOT
from crossroads.sources.index.transport import DirectoryTransport, HttpTransport, Transport
from crossroads.sources.names import kind_of, label_of

if TYPE_CHECKING:  # annotations only: HttpTransport imports httpx (~70 ms) when it is used
    import httpx

__all__ = [
    "DEFAULT_KINDS",
    "Plan",
    "PlanItem",
    "available",
    "plan_fetch",
    "publisher_index",
    "select_specs",
]

DEFAULT_KINDS = ("as-rel", "asn-ranges", "country-ranges", "geo-ranges", "rir", "ixp",
                 "ris-peers", "routeviews-peers", "as-org", "pfx2as", "peeringdb")
"""The kinds a fetch with no names takes from the publishers, in load order."""

PUBLISHERS_ENV = "CROSSROADS_PUBLISHERS"
"""A base URL asked instead of every publisher (``BASE/HOST/PATH``): a lab mirror."""


@dataclass(frozen=True)
class PlanItem:
    """One dataset to fetch, or (``spec`` None or ``note`` set) one skipped with why."""

    spec: DatasetSpec | None
    note: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Plan:
    """The datasets of one fetch, in order, and the index they were discovered in."""

    items: list[PlanItem]
    index: Index | None


def _hosts() -> set[str]:
    """The publishers' host names (top directories of a mirror of their trees)."""
    roots = [RIS_ROOT, ROUTEVIEWS_ROOT]
    for f in FEEDS:
        if isinstance(f, TreeFeed):
            roots.append(f.tree.root)
        elif isinstance(f, NpmFeed):
            roots.append(f.index_url)
        elif isinstance(f, RisPeersFeed):
            roots.append(f.url)
    return {urlsplit(r).netloc for r in roots}


def publisher_index(settings: Settings, *, client: httpx.Client | None = None,
                    transport: Transport | None = None, refresh: bool = False) -> Index | None:
    """Discovery for ``settings``: the injected ``transport``; else a mirror holding
    publisher trees (``ROOT/HOST/PATH``); else HTTP to the publishers (or to
    ``$CROSSROADS_PUBLISHERS``). None for a mirror in the shipped layout only."""
    if transport is None:
        if settings.mirror is not None:
            if not any((settings.mirror / h).is_dir() for h in _hosts()):
                return None
            transport = DirectoryTransport(settings.mirror)
        else:
            transport = HttpTransport(client=client, base=os.environ.get(PUBLISHERS_ENV) or None)
    return Index(transport, IndexCache(settings.cache_dir / "index", refresh=refresh))


def _in_force(items: list[DatasetSpec], on: date | None) -> tuple[list[DatasetSpec], list[str]]:
    """Per part the snapshot in force on ``on``; parts with none, as notes."""
    parts: dict[str, list[DatasetSpec]] = defaultdict(list)
    for s in items:
        parts[s.part].append(s)
    keep, notes = [], []
    for part, group in parts.items():
        try:
            keep.append(in_force_on(group, on))
        except DatasetMissingError as exc:
            notes.append(f"{part}: {exc.message}")
    kept = {s.name for s in keep}
    return [s for s in items if s.name in kept], notes


def _by_name(name: str, index: Index | None, settings: Settings) -> DatasetSpec:
    """A dataset by name: the catalogue's entry (unless a mirror of publisher trees lacks
    its file), else the publisher's snapshot of that name."""
    for spec in CATALOG:
        if spec.name == name and (index is None or settings.mirror is None
                                  or in_mirror(spec, settings)):
            return spec
    kind = kind_of(name)
    m = re.search(r"-(\d{8}|\d{6})$", name)
    if kind is None or m is None or index is None or kind == "rib":
        raise DatasetMissingError(
            f"unknown dataset {name!r}",
            hint=f"catalogued: {', '.join(DEFAULT_FETCH)}; others: `crossroads datasets "
                 "--available` (RIBs: `crossroads fetch ribs`)")
    stamp = m.group(1)
    first = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]) if len(stamp) == 8 else 1)
    last = first if len(stamp) == 8 else first + timedelta(days=62)
    for spec in index.available(kind, since=first, until=last):
        if spec.name == name:
            return spec
    raise DatasetMissingError(f"dataset {name!r} is not at its publisher",
                              hint="list what is: crossroads datasets --available --kind "
                                   f"{kind} --since {first.isoformat()}")


def plan_fetch(settings: Settings, names: Sequence[str] = (), *, on: date | None = None,
               index: Index | None = None) -> Plan:
    """The datasets a fetch of ``names`` (all by default) on ``on`` takes (module doc)."""
    if names:
        specs = [_by_name(n, index, settings) for n in names]
        if on is None:
            return Plan([PlanItem(s) for s in specs], index)
        keep, notes = _in_force(specs, on)
        if notes:
            raise DatasetMissingError(notes[0].split(": ", 1)[1],
                                      hint=f"use a later --date than {on.isoformat()}")
        return Plan([PlanItem(s) for s in keep], index)
    if index is None:
        return _from_catalogue(settings, on)
    return _from_publishers(settings, index, on)


def select_specs(names: Sequence[str] = (), *, on: date | None = None) -> list[DatasetSpec]:
    """The catalogue entries a fetch of ``names`` (default: every one) takes on ``on``:
    per part the one in force (all of them without a date)."""
    if names:
        return [i.spec for i in plan_fetch(Settings(Path(), Path(), None), names, on=on).items
                if i.spec is not None]
    specs = [s for s in CATALOG if s.name in DEFAULT_FETCH]
    keep = specs if on is None else _in_force(specs, on)[0]
    if not keep:
        oldest = min(specs, key=lambda s: (s.data_date, s.name))
        raise DatasetMissingError(
            f"no catalogued dataset is dated on or before {on}; the oldest is "
            f"{oldest.name} ({oldest.data_date.isoformat()})",
            hint=f"use --date {oldest.data_date.isoformat()} or later")
    return keep


def _from_catalogue(settings: Settings, on: date | None) -> Plan:
    specs = [s for s in CATALOG if s.name in DEFAULT_FETCH]
    keep = select_specs(on=on)
    notes = [] if on is None else _in_force(specs, on)[1]
    items = []
    for spec in keep:
        if spec.optional and settings.mirror is not None and not in_mirror(spec, settings):
            items.append(PlanItem(spec, _absent(spec, settings.mirror), spec.kind))
        else:
            items.append(PlanItem(spec))
    items += [PlanItem(None, note, note.split(":")[0]) for note in notes]
    return Plan(items, None)


def _absent(spec: DatasetSpec, mirror: Path | None) -> str:
    return (f"not in mirror {mirror} (an optional dataset): put the file at "
            f"{spec.mirror_path} there, or fetch it with no mirror set to download it")


def _from_publishers(settings: Settings, index: Index, on: date | None) -> Plan:
    items: list[PlanItem] = []
    for kind in DEFAULT_KINDS:
        if kind not in {f.kind for f in FEEDS}:  # no publisher index: the catalogue's
            keep, notes = _in_force([s for s in CATALOG if s.kind == kind], on)
            for s in keep:
                absent = settings.mirror is not None and not in_mirror(s, settings)
                items.append(PlanItem(s, _absent(s, settings.mirror) if absent else "", kind))
            items += [PlanItem(None, n, kind) for n in notes]
            continue
        found = index.in_force(kind, on)
        items += [PlanItem(s) for s in found]
        if not found:
            when = f" on or before {on.isoformat()}" if on else ""
            items.append(PlanItem(None, f"no {label_of(kind)} snapshot{when} at the "
                                        "publisher", kind))
    if not any(i.spec is not None and not i.note for i in items):
        raise DatasetMissingError("no dataset is in force on that date at the publishers",
                                  hint="use a later --date")
    return Plan(items, index)


def available(settings: Settings, *, kinds: Sequence[str] | None = None,
              since: date | None = None, collectors: list[str] | None = None,
              every: bool = False, refresh: bool = False, client: httpx.Client | None = None,
              transport: Transport | None = None) -> list[DatasetSpec]:
    """What the publishers have of ``kinds`` (default: every kind but RIBs and update
    files), dated on or after ``since``: their indexes, read through the cache (``refresh``
    re-reads open periods). From a mirror in the shipped layout: its catalogue entries."""
    index = publisher_index(settings, client=client, transport=transport, refresh=refresh)
    wanted = list(kinds) if kinds else [k for k in KINDS if k not in ("rib", "updates")]
    if index is None:
        return sorted((s for s in CATALOG if s.kind in wanted and in_mirror(s, settings)
                       and (since is None or s.data_date >= since)),
                      key=lambda s: (s.kind, s.data_date, s.name))
    out: list[DatasetSpec] = []
    for kind in wanted:
        if kind in {f.kind for f in FEEDS} or kind in ("rib", "updates"):
            out += index.available(kind, since=since, collectors=collectors, every=every)
        else:
            out += [s for s in CATALOG if s.kind == kind
                    and (since is None or s.data_date >= since)]
    return out
