"""Loading the AS graph of a date: the one place routing touches the data layer.

The graph of a date is built from the CAIDA AS-relationship snapshot in force on it: the
latest one dated on or before it (:func:`crossroads.sources.catalog.in_force_on`), among
the snapshots loaded in the store when it holds any -- the same set ``crossroads as``
chooses from -- else among the catalogued ones (serial-2 for 2025-09-01, serial-1 every
two years 2002-2018); without a date, the newest. Its links come from the store when
``crossroads fetch`` loaded that snapshot there (so nothing needs the mirror or the network
afterwards); otherwise the file comes through :func:`crossroads.sources._fetch.obtain`
(mirror, cache or download) and is parsed by :func:`crossroads.sources.caida.read_as_rel`.
Graphs are cached per (settings, date) in the process, since the CLI and the web ask for
the same one repeatedly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date as Date
from functools import lru_cache
from pathlib import Path

from crossroads.config import Settings
from crossroads.errors import DataFormatError, DatasetMissingError
from crossroads.routing.graph import ASGraph
from crossroads.sources import DatasetSpec, catalog, obtain
from crossroads.sources.caida import read_as_rel

__all__ = ["graph_from_file", "load_graph", "relationship_snapshot"]


def relationship_snapshot(date: Date | None = None) -> DatasetSpec:
    """The catalogued AS-relationship dataset in force on ``date`` (newest when None), by
    the rule every ``--date`` follows (:func:`crossroads.sources.catalog.in_force_on`)."""
    return catalog.in_force_on(
        (s for s in catalog.CATALOG if s.kind == "as-rel"), date,
        what="catalogued AS-relationship snapshot",
    )


def graph_from_file(path: str | Path) -> ASGraph:
    """The graph of one CAIDA as-rel file (serial-1 or serial-2; plain, gz or bz2); a file
    with no links is a :class:`~crossroads.errors.DataFormatError`."""
    table = read_as_rel(path)
    if table.num_rows == 0:
        raise DataFormatError(path, "holds no AS links (an empty or comments-only file)")
    return ASGraph.from_links(table.column("as1"), table.column("as2"), table.column("rel"))


def load_graph(settings: Settings, date: Date | None = None) -> ASGraph:
    """The AS graph in force on ``date`` (newest when None), with its provenance."""
    return _load(settings, _snapshot_name(settings, date))


def _snapshot_name(settings: Settings, date: Date | None) -> str:
    """The loaded snapshot in force on ``date`` when the store holds any, else the
    catalogued one."""
    if settings.database.is_file():
        from crossroads.store import open_store

        loaded = open_store(settings).datasets("as-rel")
        if loaded:
            return catalog.in_force_on(loaded, date, what="loaded AS-relationship snapshot").name
    return relationship_snapshot(date).name


@lru_cache(maxsize=4)
def _load(settings: Settings, name: str) -> ASGraph:
    stored = _from_store(settings, name)
    if stored is not None:
        return stored
    prov = replace(obtain(catalog.by_name(name), settings), kind="as-rel")
    table = read_as_rel(prov.path)
    return ASGraph.from_links(
        table.column("as1"), table.column("as2"), table.column("rel"), provenance=prov
    )


def _from_store(settings: Settings, name: str) -> ASGraph | None:
    """The graph of snapshot ``name`` as loaded in the store, or None when it is not."""
    if not settings.database.is_file():
        return None
    from crossroads.store import open_store

    store = open_store(settings)
    try:
        rec = store.dataset(name)
    except DatasetMissingError:
        return None
    table = store.links(name)
    prov = rec.provenance(str(settings.database))
    return ASGraph.from_links(
        table.column("as1"), table.column("as2"), table.column("rel"), provenance=prov
    )
