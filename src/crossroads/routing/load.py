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

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date as Date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.compute as pc

from crossroads.config import Settings
from crossroads.errors import CrossroadsError, DataFormatError, DatasetMissingError
from crossroads.routing.graph import ASGraph
from crossroads.sources import DatasetSpec, catalog, obtain
from crossroads.sources.caida import read_as_rel

if TYPE_CHECKING:
    from crossroads.routing.calibration import Calibration
    from crossroads.store import RibRecord

__all__ = ["RIB_MAX_GAP_DAYS", "calibrated_graph", "graph_from_file", "load_graph",
           "relationship_snapshot", "rib_in_reach", "ribs_in_reach", "ribs_near"]

RIB_MAX_GAP_DAYS = 730
"""Calibrated mode refuses a RIB further than this from the graph's date (serial-1
snapshots are two years apart, so the snapshot in force on a RIB's date is within it)."""


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


def rib_in_reach(settings: Settings, date: Date | None = None,
                 max_gap_days: int = RIB_MAX_GAP_DAYS) -> bool:
    """Whether the store holds a RIB (``crossroads fetch ribs``) dated within
    ``max_gap_days`` of the graph in force on ``date``: then ``--mode auto`` routes
    calibrated (:func:`ribs_in_reach` names them)."""
    return bool(ribs_in_reach(settings, date, max_gap_days))


def ribs_in_reach(settings: Settings, date: Date | None = None,
                  max_gap_days: int = RIB_MAX_GAP_DAYS) -> list[RibRecord]:
    """The stored RIBs ``--mode auto`` calibrates the graph in force on ``date`` with
    (:func:`ribs_near` of that graph's date); empty without a store, a loaded graph or
    such a RIB."""
    if not settings.database.is_file():
        return []
    from crossroads.store import open_store

    loaded = open_store(settings).datasets("as-rel")
    if not loaded:
        return []
    graph_date = catalog.in_force_on(loaded, date, what="loaded AS-relationship snapshot"
                                     ).data_date
    return ribs_near(settings, graph_date, max_gap_days)


def ribs_near(settings: Settings, graph_date: Date,
              max_gap_days: int = RIB_MAX_GAP_DAYS) -> list[RibRecord]:
    """The stored RIBs within ``max_gap_days`` of a graph dated ``graph_date``: per
    collector the newest dump at or before ``graph_date + max_gap_days`` (the closest
    from below the window's end, so it alone decides), kept when it is no more than
    ``max_gap_days`` before the graph. The one rule of ``--mode auto``, for one graph
    (:func:`ribs_in_reach`) or for each snapshot of ``crossroads history``."""
    if not settings.database.is_file():
        return []
    from datetime import timedelta

    from crossroads.store import open_store

    recs = open_store(settings).ribs(on=graph_date + timedelta(days=max_gap_days))
    return [r for r in recs if abs((r.data_time.date() - graph_date).days) <= max_gap_days]


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


def calibrated_graph(
    settings: Settings,
    ribs: Sequence[str | Path],
    date: Date | None = None,
    max_gap_days: int = RIB_MAX_GAP_DAYS,
    *,
    prepare: Callable[[ASGraph], ASGraph] | None = None,
    stored: Sequence[RibRecord] | None = None,
) -> tuple[ASGraph, Calibration]:
    """The graph in force on ``date`` (default: the RIBs' earliest date) calibrated with
    the routes of the RIB files ``ribs`` -- or, without files, of the RIBs stored by
    ``crossroads fetch ribs`` in force on ``date`` (the newest without it), or of the
    stored RIBs ``stored`` (:func:`ribs_near` chose them for the graph in force on
    ``date``, the newest without it, and that graph is calibrated)
    (:func:`crossroads.routing.calibration.calibrate`; the returned graph carries the RIB
    links added). ``prepare`` edits the graph first. RIBs more than ``max_gap_days`` from
    the graph's date are refused."""
    from dataclasses import replace

    import pyarrow as pa

    from crossroads.routing.calibration import calibrate
    from crossroads.routing.ribs import (
        RIB_SCHEMA,
        read_rib,
        rib_provenance,
        stored_rib_tables,
    )

    if ribs:
        tables = [read_rib(p) for p in ribs]
        provs = tuple(rib_provenance(p, t) for p, t in zip(ribs, tables, strict=True))
    else:
        tables, provs = stored_rib_tables(settings, date, records=stored)
        if not tables:
            raise CrossroadsError(
                "--mode calibrated needs observed routes: none given and no RIB stored",
                hint="give RIB files with --observed FILE (bgpdump -m or MRT), or run "
                     "`crossroads fetch ribs`")
    table = pa.concat_tables([t.cast(RIB_SCHEMA) for t in tables])
    names = ", ".join(p.dataset for p in provs)
    if table.num_rows == 0:
        raise CrossroadsError(f"no IPv4 route in {names}")
    rib_date = pc.min(table.column("timestamp")).as_py().date()
    graph = load_graph(settings, date if stored or date is not None else rib_date)
    graph_date = graph.provenance.data_date if graph.provenance is not None else rib_date
    gap = abs((graph_date - rib_date).days)
    if gap > max_gap_days:
        raise CrossroadsError(
            f"the RIBs ({rib_date}) are {gap:,} days from the AS graph ({graph_date}); "
            f"calibration allows {max_gap_days:,}",
            hint="leave out --date to use the graph in force on the RIBs' date")
    if prepare is not None:
        graph = prepare(graph)
    cal = calibrate(graph, table, label=names)
    return cal.graph, replace(cal, provenance=provs)
