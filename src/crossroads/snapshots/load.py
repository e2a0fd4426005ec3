"""Making a :class:`~crossroads.snapshots.model.Snapshot` from the store, once.

:func:`snapshot` is the one place where the computing layers meet :class:`Settings`:

1. the AS graph in force on ``date`` (:func:`crossroads.routing.load_graph`: the latest
   CAIDA snapshot on or before it, newest when None);
2. ``as_info`` from the store (:mod:`crossroads.store._asinfo`), aligned with the graph,
   with each AS's country in the meaning ``country_by`` (operation by default: where its
   address space is geolocated; or registration, or ownership -- see
   :data:`~crossroads.snapshots.astable.CountryBy`);
3. the vantage points: the ASes with a full IPv4 feed (>= 600,000 prefixes) at a RIPE RIS
   or RouteViews collector, as IHR uses them for AS hegemony (Fontugne et al., PAM 2018);
4. the provenance of all of them, so every result can say what it was computed from, and
   a note for every input whose date lies more than a year from the graph's
   (:func:`crossroads.sources.catalog.date_mix_notes`: "AS→country (RIR delegations) of
   2018-10-13 with the AS graph … of 2025-09-01: 6.9 years apart").

With ``merge_siblings`` the graph's CAIDA as-org sibling groups are contracted into their
lowest ASN (:mod:`crossroads.routing.siblings`); a group weighs the IPv4 space of all its
members and takes the country and name of its lowest ASN, and the vantage points are
mapped to their groups.

Snapshots are kept per (settings, date, options) in the process, since a server or a
notebook asks for the same one again and again; they are frozen, so sharing is safe.
"""

from __future__ import annotations

from datetime import date as Date
from functools import lru_cache

import pandas as pd
import pyarrow.compute as pc

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.ids import ASN
from crossroads.routing import load_graph
from crossroads.snapshots.astable import ASTable, CountryBy, meaning_column
from crossroads.snapshots.model import Snapshot
from crossroads.sources.catalog import date_mix_notes
from crossroads.sources.collectors import full_feed_peers
from crossroads.store import Store, open_store

__all__ = ["AS_INFO_KINDS", "VANTAGE_KINDS", "full_feed_asns", "merged_info", "snapshot"]

AS_INFO_KINDS = ("asn-ranges", "country-ranges", "rir", "as-org", "geo-ranges", "state-owned",
                 "peeringdb")
"""Dataset kinds whose provenance a snapshot lists for its AS table (names, the three
country meanings, address space); kinds not loaded are left out."""

VANTAGE_KINDS = ("ris-peers", "routeviews-peers")
"""Dataset kinds of the collector peer lists (the vantage points)."""


def snapshot(
    settings: Settings,
    *,
    date: Date | None = None,
    merge_siblings: bool = False,
    country_by: CountryBy = "operation",
) -> Snapshot:
    """The snapshot of the data loaded in ``settings``' store, with the AS graph in force
    on ``date`` (the newest when None) and every AS's country in the meaning
    ``country_by``. Raises :class:`DatasetMissingError` when the store has no ``as_info``,
    or one built before the country meanings (run ``crossroads fetch``)."""
    meaning_column(country_by)  # a bad meaning fails before anything loads
    return _cached(settings, date, merge_siblings, country_by)


@lru_cache(maxsize=4)
def _cached(
    settings: Settings, date: Date | None, merge_siblings: bool, country_by: CountryBy
) -> Snapshot:
    store = open_store(settings)
    if not settings.database.is_file():
        raise DatasetMissingError(
            f"no store at {settings.data_dir}", hint="run `crossroads fetch` first"
        )
    info = store.as_info()
    if info.empty:
        raise DatasetMissingError("as_info is empty", hint="run `crossroads fetch`")
    column = meaning_column(country_by)
    if column not in info.columns or (info[column].isna().all() and info.reg_cc.notna().any()):
        raise DatasetMissingError(
            f"as_info in {settings.data_dir} has no {country_by} countries ({column}): it "
            "was built before the country meanings", hint="run `crossroads fetch` to rebuild it")
    graph = load_graph(settings, date)
    datasets = [*((graph.provenance,) if graph.provenance is not None else ()),
                *store.provenance(*AS_INFO_KINDS)]
    try:
        vps = full_feed_asns(store)
        datasets.extend(store.provenance(*VANTAGE_KINDS))
    except DatasetMissingError:
        vps = []
    notes = date_mix_notes(datasets)  # e.g. AS->country of 2018 with a 2025 graph
    merge = None
    if merge_siblings:
        from crossroads.routing.siblings import merged_from_store

        merge, org_dataset = merged_from_store(store, graph)
        graph = merge.graph
        info = merged_info(info, merge.representative)
        vps = sorted({merge.rep(a) for a in vps})
        notes.append(
            f"siblings merged ({org_dataset}): {sum(len(g) for g in merge.groups):,} ASes in "
            f"{len(merge.groups):,} organisations routed as their lowest ASN; "
            f"{merge.conflicts:,} conflicting links resolved, "
            f"{len(merge.created_cycles)} provider->customer cycles created")
    return Snapshot(
        graph=graph, table=ASTable.from_frame(graph, info, country_column=column), info=info,
        vantage_points=tuple(ASN(a) for a in vps), datasets=tuple(datasets),
        notes=tuple(notes), store=store, merge=merge,
    )


def full_feed_asns(store: Store) -> list[int]:
    """Sorted ASNs with a full-feed IPv4 session at a RIS or RouteViews collector
    (:func:`crossroads.sources.collectors.full_feed_peers`)."""
    peers = full_feed_peers(store.collector_peers())
    v4 = peers.filter(peers.column("full_v4"))
    return sorted({int(a) for a in pc.unique(v4.column("asn")).to_pylist()})


def merged_info(info: pd.DataFrame, representative: dict[int, int]) -> pd.DataFrame:
    """``info`` with one row per sibling group: its representative's row carrying the
    summed ``ipv4_addresses`` of all members (a member without a row adds nothing).

    >>> info = pd.DataFrame({"asn": [1, 2, 3], "reg_cc": ["KZ", "RU", "KZ"],
    ...                      "ipv4_addresses": [256, 512, 1]})
    >>> merged_info(info, {1: 1, 2: 1}).values.tolist()
    [[1, 'KZ', 768], [3, 'KZ', 1]]
    """
    rep = info["asn"].map(lambda a: representative.get(int(a), int(a))).astype("int64")
    total = info["ipv4_addresses"].fillna(0).groupby(rep).sum()
    out = info.assign(asn=rep, _own=info["asn"].to_numpy() == rep.to_numpy())
    out = out.sort_values("_own", ascending=False, kind="stable").drop_duplicates("asn")
    out["ipv4_addresses"] = out["asn"].map(total)
    return out.drop(columns="_own").sort_values("asn").reset_index(drop=True)
