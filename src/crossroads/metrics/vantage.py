"""Vantage points for hegemony: the full-feed peers of the route collectors.

IHR computes AS hegemony from the paths seen by the peers of RIPE RIS and RouteViews. In
simulated mode crossroads uses the same set: the ASes with at least one full-feed IPv4
session (>= 600,000 prefixes, :func:`crossroads.sources.collectors.full_feed_peers`) in
the current RIS and RouteViews peer lists of the store. In observed mode the vantage
points are the peers of the RIB itself (:mod:`crossroads.metrics.observed`).
"""

from __future__ import annotations

import pyarrow.compute as pc

from crossroads.sources.collectors import full_feed_peers
from crossroads.store import Store

__all__ = ["full_feed_asns"]


def full_feed_asns(store: Store) -> list[int]:
    """Sorted ASNs with a full-feed IPv4 session at a RIS or RouteViews collector."""
    peers = full_feed_peers(store.collector_peers())
    v4 = peers.filter(peers.column("full_v4"))
    return sorted({int(a) for a in pc.unique(v4.column("asn")).to_pylist()})
