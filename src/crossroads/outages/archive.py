"""Outage detection over MRT archives: read files in parallel, build series, detect.

Files are read by the MRT parser (:func:`crossroads.sources.mrt.iter_mrt_batches`), one
Dask task per file (a ``LocalCluster`` when no scheduler is given; in this process for
one file or ``workers <= 1``), keeping only the columns the series need. The rows are then merged in
time order (stable: file order, then record order) and replayed through one
:class:`~crossroads.outages.series.SeriesBuilder`.

Anchor and full-feed peers are fixed once from the whole input (see docs/methods/outages):

- RIB rows present (``anchor='rib'``): the RIB sets the initial state; full-feed peers are
  the RIB peers carrying at least ``full_feed_share`` of the busiest RIB peer's prefixes
  (per address family).
- updates only (``anchor='infer'``): a (peer, prefix) pair whose first record is a
  withdrawal was carried before the input starts; every other pair enters with its first
  announcement (a lower bound of the true state, so warm-up can only raise visibility).
  Full-feed peers are those whose updates name at least ``full_feed_share`` as many
  distinct prefixes of the family as the busiest peer's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crossroads._dask import dask_client
from crossroads.errors import CrossroadsError
from crossroads.outages._intern import KIND_RIB, KIND_WITHDRAW, Routes
from crossroads.outages.detect import detect
from crossroads.outages.model import Anchor, DetectorConfig, OutageReport, OutageSeries
from crossroads.outages.series import SeriesBuilder

__all__ = ["COLUMNS", "outages_from_files", "read_routes", "series_from_table"]

COLUMNS = ["timestamp", "peer_ip", "type", "prefix", "origin_asn", "new_state"]


def read_routes(path: str | Path) -> pa.Table:
    """The columns of :data:`COLUMNS` of every route of one MRT file (raises on damage)."""
    from crossroads.sources.mrt import iter_mrt_batches

    batches = [b.select(COLUMNS) for b in iter_mrt_batches(path)]
    if not batches:
        from crossroads.sources.mrt import SCHEMA

        return pa.schema([SCHEMA.field(c) for c in COLUMNS]).empty_table()
    return pa.Table.from_batches(batches)


def _read_all(paths: Sequence[Path], scheduler: str | None, workers: int | None) -> pa.Table:
    if scheduler is None and (len(paths) == 1 or (workers is not None and workers <= 1)):
        tables = [read_routes(p) for p in paths]
    else:
        tables = _read_dask(paths, scheduler, workers)
    table = pa.concat_tables(tables)
    order = pc.sort_indices(table, sort_keys=[("timestamp", "ascending")])  # stable
    return table.take(order)


def _read_dask(paths: Sequence[Path], scheduler: str | None, workers: int | None) -> list[pa.Table]:
    n = workers or min(len(paths), os.cpu_count() or 1)
    with dask_client(scheduler, workers=n) as client:
        futures = [client.submit(read_routes, str(p.resolve()), pure=False,
                                 key=f"outages-read-{i}-{p.name}")
                   for i, p in enumerate(paths)]
        return list(client.gather(futures))


def _full_feed(table: pa.Table, rows: pa.Array, share: float) -> set[str]:
    """Peers naming at least ``share`` x the busiest peer's distinct prefixes, per family."""
    t = table.filter(rows).select(["peer_ip", "prefix"]).to_pandas()
    t["v6"] = t["prefix"].str.contains(":", regex=False)
    counts = t.drop_duplicates().groupby(["v6", "peer_ip"]).size()
    keep: set[str] = set()
    for _, c in counts.groupby(level="v6"):
        keep |= set(c[c >= share * c.max()].index.get_level_values("peer_ip"))
    return keep


def series_from_table(
    table: pa.Table,
    *,
    asn_country: Mapping[int, str] | pd.Series,
    countries: Iterable[str] | None,
    bin: timedelta = timedelta(minutes=5),
    anchor: Anchor = "auto",
    full_feed_peers: Iterable[str] | None = None,
    full_feed_share: float = 0.5,
) -> OutageSeries:
    """Series of a time-ordered route table with the :data:`COLUMNS` (see module doc)."""
    is_rib = pc.equal(table.column("type"), "rib")
    has_rib = pc.any(is_rib).as_py() or False
    if anchor == "auto":
        anchor = "rib" if has_rib else "infer"
    if anchor == "rib" and not has_rib:
        raise CrossroadsError("anchor 'rib' was asked for but the input holds no RIB rows",
                              hint="add a bview/rib file, or use the 'infer' anchor")
    if full_feed_peers is None:
        routes = is_rib if anchor == "rib" else pc.is_in(
            table.column("type"), pa.array(["announce", "withdraw"]))
        full_feed_peers = _full_feed(table, routes, full_feed_share)
    b = SeriesBuilder(asn_country=asn_country, countries=countries, bin=bin,
                      full_feed_peers=full_feed_peers)
    r = b.to_routes(table)
    if anchor == "infer":
        _seed_inferred(b, r)
    b.feed(r)
    b.close()
    country, asn = b.frames()
    return OutageSeries(country, asn, bin, anchor, tuple(sorted(full_feed_peers)), r.size)


def _seed_inferred(b: SeriesBuilder, r: Routes) -> None:
    route = np.flatnonzero(r.prefix >= 0)
    key = r.peer[route].astype(np.int64) * (b.intern.n_prefixes + 1) + r.prefix[route]
    _, first = np.unique(key, return_index=True)
    first = route[first]
    first = first[r.kind[first] == KIND_WITHDRAW]
    ann = np.flatnonzero((r.origin >= 0) & (r.kind != KIND_WITHDRAW) & (r.kind != KIND_RIB))
    _, first_origin = np.unique(r.prefix[ann], return_index=True)
    fo = ann[first_origin]
    b.seed_carried(r.peer[first], r.prefix[first])
    b.seed_origin(r.prefix[fo], r.origin[fo])


def outages_from_files(
    paths: Sequence[str | Path],
    *,
    country: str,
    asn_country: Mapping[int, str] | pd.Series,
    bin: timedelta = timedelta(minutes=5),
    anchor: Anchor = "auto",
    full_feed_peers: Iterable[str] | None = None,
    full_feed_share: float = 0.5,
    config: DetectorConfig | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
) -> OutageReport:
    """Series and events of ``country`` (ISO alpha-2) over MRT update (and RIB) files."""
    if not paths:
        raise CrossroadsError("no MRT files given")
    files = [Path(p) for p in paths]
    table = _read_all(files, scheduler, workers)
    if table.num_rows == 0:
        raise CrossroadsError(f"the {len(files)} MRT file(s) hold no routes")
    series = series_from_table(
        table, asn_country=asn_country, countries=[country.upper()], bin=bin, anchor=anchor,
        full_feed_peers=full_feed_peers, full_feed_share=full_feed_share,
    )
    config = config or DetectorConfig()
    return OutageReport(country.upper(), series, detect(series, config),
                        tuple(str(p) for p in files), config)
