"""Foreign-country dependency of a country C: which countries and ASes its paths cross.

For a set of (source, destination) pairs with weights ``w_s * W_d`` and tie-split routes
(``all-best``: an AS with k equally best next hops sends 1/k of the paths to each), let
``path(s, d)`` be the ASes *strictly between* s and d (the transit). Then

* **any** share of country X: ``A(X) = sum w_s W_d P(some AS of X in path(s, d)) / R``
  -- a path-level probability, exact, computed by a dynamic programme over the next-hop
  DAG (not a sum of per-AS weights, which would count a path crossing two ASes of X twice);
* **gateway** share of X: the share of path mass whose border crossing is an AS of X:
  outbound, the first foreign transit AS after the path leaves C; inbound, the last
  foreign transit AS before the path enters C (for the last time);
* **direct**: the border crossing has no foreign transit AS (C's AS and the far end are
  neighbours); **domestic**: the path never leaves C. Per variant the gateway shares of
  every country (``unknown`` included) plus direct plus domestic sum to 1.

``R`` is the weight of the pairs that have a route; ``unreachable`` is the rest.

**Inbound** (the world towards C): destinations are C's originating ASes weighted by the
IPv4 addresses they originate; sources are (``sources="addresses"``, the default) every
foreign AS weighted by the IPv4 space it originates -- a pair is then a random (foreign
address, C address) pair -- or (``"vantage-points"``) the given vantage points, weight 1.
**Outbound** (C towards the world): sources are C's ASes weighted by their IPv4 space;
destinations a given set of networks (by default the content/cloud ASes of
:data:`~crossroads.metrics.targets.CONTENT_ASNS` and the largest customer cones), weight 1
each, or every foreign origin by IPv4 space.

Worked example (the graph of ``tests/metrics/test_dependency_hand.py``): country AA has
AS 10 (origin, 256 addresses) with providers AS 20 (BB) and AS 30 (CC), both customers of
AS 40 (DD, 1024 addresses). Inbound, the only foreign source with addresses is AS 40; its
route to AS 10 ties over AS 20 and AS 30, so ``A(BB) = A(CC) = 0.5``, gateway BB = CC = 0.5,
and AS 40's own country DD is not on the path (it is the far end)::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([20, 30, 40, 40], [10, 10, 20, 30], [-1, -1, -1, -1])
    >>> info = pd.DataFrame({"asn": [10, 20, 30, 40], "reg_cc": ["AA", "BB", "CC", "DD"],
    ...                      "ipv4_addresses": [256, 0, 0, 1024]})
    >>> r = inbound(g, ASTable.from_frame(g, info), "AA")
    >>> f = r.by_country.set_index("country")
    >>> f.loc[["BB", "CC"], ["any_share", "gateway_share"]].values.tolist()
    [[0.5, 0.5], [0.5, 0.5]]

References: Fontugne, Shah & Aben, "The (thin) Red Line of Internet Dependence", PAM 2018
(path-based dependence, address weighting); see ``docs/methods/dependency.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crossroads.metrics import _engine
from crossroads.metrics._folded import FoldedDag
from crossroads.metrics._typing import SourceWeighting
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.arrays import union, unique
from crossroads.routing.calibration import Calibration
from crossroads.snapshots.astable import ASTable

__all__ = ["TOP_LINKS", "DirectionResult", "Owners", "inbound", "inbound_sources", "outbound",
           "result_from_sums"]

Owners = tuple[np.ndarray, tuple[str, ...]]
"""A labelling of AS indices (-1: no label) and the labels' names, e.g. owning states."""


@dataclass(frozen=True)
class DirectionResult:
    """Dependency of ``country`` in one direction (shares are fractions of ``reached``).

    ``by_country``: ``country, any_share, gateway_share`` for every foreign country (and
    ``unknown``) with a non-zero share, by gateway share. ``by_as``: ``asn, name, country,
    hegemony, transit_share, gateway_share`` of the foreign ASes on the paths, by transit
    share (``hegemony`` is NaN without vantage points). In ``calibrated`` mode
    ``observed_share`` is the share of the path mass's hops taken along observed routes
    (the rest follows simulated routes), ``observed_pair_share`` the share of the reached
    pair mass whose whole route was observed, and ``calibration`` names the RIBs.
    ``by_link`` (inbound): ``as1, as2, rel`` (CAIDA convention) and ``mass_share``, the
    share of the reached path mass crossing the link, for the :data:`TOP_LINKS` links
    carrying the most (the input of :func:`crossroads.metrics.robustness.robustness`).
    """

    country: str
    direction: str
    mode: str
    by_country: pd.DataFrame
    by_as: pd.DataFrame
    direct_share: float
    domestic_share: float
    unreachable_share: float
    sources: str
    n_sources: int
    n_destinations: int
    n_vantage_points: int
    propagations: int
    observed_share: float | None = None
    observed_pair_share: float | None = None
    calibration: str | None = None
    by_link: pd.DataFrame | None = None
    # optional (inbound/outbound(crossings=True, owners=...)):
    crossings: pd.DataFrame | None = None  # home_asn, foreign_asn, mass (fraction of reached)
    owner_any: dict[str, float] | None = None  # owner label -> share of paths crossing it

    def as_dict(self, *, top: int | None = None) -> dict[str, object]:
        """JSON-ready form (``top`` limits the AS list)."""
        by_as = self.by_as if top is None else self.by_as.head(top)
        return {
            "direction": self.direction,
            "mode": self.mode,
            "sources": self.sources,
            "units": "fraction of address-weighted, tie-split paths with a route",
            "by_country": _records(self.by_country),
            "by_as": _records(by_as),
            "direct_share": self.direct_share,
            "domestic_share": self.domestic_share,
            "unreachable_share": self.unreachable_share,
            "n_sources": self.n_sources,
            "n_destinations": self.n_destinations,
            "n_vantage_points": self.n_vantage_points,
            "observed_share": self.observed_share,
            "observed_pair_share": self.observed_pair_share,
            "calibration": self.calibration,
        }


def inbound(
    graph: ASGraph,
    table: ASTable,
    country: str,
    *,
    mode: RouteMode = "all-best",
    sources: SourceWeighting = "addresses",
    vantage_points: Sequence[int] | None = None,
    alpha: float = 0.1,
    grouping: bool = True,
    workers: int = 1,
    calibration: Calibration | None = None,
    crossings: bool = False,
    owners: Owners | None = None,
    shares_only: bool = False,
    folded: list[FoldedDag] | None = None,
) -> DirectionResult:
    """Dependency of ``country`` on paths from the world towards its address space.

    ``vantage_points`` (ASNs) give the hegemony column (and the sources when
    ``sources="vantage-points"``); ASNs absent from the graph are ignored. ``workers``
    threads share the destinations (same result for any number). ``mode="calibrated"``
    routes with ``calibration`` (:mod:`crossroads.routing.calibration`). ``crossings`` and
    ``owners`` (label per AS index, -1 for none, and the label names) add the optional
    parts of :class:`DirectionResult`; the other results do not change.
    ``shares_only`` computes the transit, gateway, direct and domestic shares alone (no
    hegemony, "any" shares, per-link mass): what the robustness table's recomputations
    read, at a fraction of the cost. ``folded``, when given, receives the folded next-hop
    DAG of every propagation (what :func:`~crossroads.metrics.carrying.carrying_set`
    reuses).
    """
    home = table.country_id(country)
    dests = table.origins(country)
    src_w, vps, apart = inbound_sources(graph, table, country, sources, vantage_points,
                                        calibration)
    groups = _engine.group_destinations(
        graph, dests, table.ipv4[dests], keep_apart=apart, grouping=grouping
    )
    sums = _engine.run(
        graph, table, home, groups, src_w, outbound=False, mode=mode,
        vantage_points=None if shares_only else vps, alpha=alpha, workers=workers,
        calibration=calibration, links=not shares_only, crossings=crossings,
        labels=None if owners is None else (owners[0], len(owners[1])),
        any_sums=not shares_only, folded=folded,
    )
    label = "foreign ASes by IPv4 space" if sources == "addresses" else "vantage points"
    return result_from_sums(
        sums, graph, table, country, "inbound", mode, label,
        int(np.count_nonzero(src_w)), int(vps.size), calibration=calibration, owners=owners,
    )


def inbound_sources(
    graph: ASGraph, table: ASTable, country: str, sources: SourceWeighting = "addresses",
    vantage_points: Sequence[int] | None = None, calibration: Calibration | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`inbound`'s source weight per AS index (``sources``; none in ``country``),
    its vantage points (indices) and the destinations never grouped below a provider
    (every source, vantage point and origin with observed routes)."""
    home = table.country_id(country)
    vps = _vp_indices(graph, vantage_points)
    src_w = np.zeros(graph.n)
    if sources == "addresses":
        src_w[:] = table.ipv4
    elif sources == "vantage-points":
        src_w[vps] = 1.0
    else:
        raise ValueError(f"unknown sources {sources!r}; use 'addresses' or 'vantage-points'")
    src_w[table.cc_id == home] = 0.0
    observed = _engine.observed_origins(graph, calibration)
    return src_w, vps, union(np.flatnonzero(src_w), vps, observed)


def outbound(
    graph: ASGraph,
    table: ASTable,
    country: str,
    destinations: Sequence[int] | None,
    *,
    destination_weights: Sequence[float] | None = None,
    mode: RouteMode = "all-best",
    alpha: float = 0.1,
    grouping: bool = True,
    workers: int = 1,
    calibration: Calibration | None = None,
    crossings: bool = False,
    owners: Owners | None = None,
) -> DirectionResult:
    """Dependency of ``country``'s ASes (by IPv4 space) on their paths to ``destinations``.

    ``destinations`` are ASNs (those absent from the graph are ignored) weighted by
    ``destination_weights`` (default 1 each); ``None`` means every foreign AS that
    originates IPv4 space, weighted by it. Hegemony uses C's source ASes as vantage points.
    ``workers`` threads share the destinations (same result for any number); ``crossings``
    and ``owners`` as in :func:`inbound`.
    """
    home = table.country_id(country)
    if destinations is None:
        idx = np.flatnonzero((table.ipv4 > 0) & (table.cc_id != home)).astype(np.int32)
        dw = table.ipv4[idx]
        label = "every foreign origin AS by IPv4 space"
    else:
        asns = np.asarray(list(destinations), np.int64)
        wts = np.ones(asns.size) if destination_weights is None else np.asarray(
            destination_weights, np.float64
        )
        pos = np.searchsorted(graph.asns, asns)
        ok = (pos < graph.n) & (graph.asns[np.minimum(pos, graph.n - 1)] == asns)
        idx, dw = pos[ok].astype(np.int32), wts[ok]
        label = f"{idx.size} destination networks"
    src_w = np.where(table.cc_id == home, table.ipv4, 0.0)
    srcs = np.flatnonzero(src_w).astype(np.int32)
    apart = union(srcs, _engine.observed_origins(graph, calibration))
    groups = _engine.group_destinations(graph, idx, dw, keep_apart=apart, grouping=grouping)
    sums = _engine.run(
        graph, table, home, groups, src_w, outbound=True, mode=mode,
        vantage_points=srcs, alpha=alpha, workers=workers, calibration=calibration,
        crossings=crossings, labels=None if owners is None else (owners[0], len(owners[1])),
    )
    return result_from_sums(
        sums, graph, table, country, "outbound", mode, label, int(srcs.size), int(srcs.size),
        calibration=calibration, owners=owners,
    )


def result_from_sums(
    sums: _engine.Sums,
    graph: ASGraph,
    table: ASTable,
    country: str,
    direction: str,
    mode: str,
    sources: str,
    n_sources: int,
    n_vps: int,
    *,
    calibration: Calibration | None = None,
    owners: Owners | None = None,
) -> DirectionResult:
    """Normalise engine sums into shares and tables."""
    home = table.country_id(country)
    r = sums.reached if sums.reached > 0 else 1.0
    gw_cc = np.bincount(table.cc_id, weights=sums.gateway, minlength=table.n_countries)
    frame = pd.DataFrame(
        {"country": table.codes, "any_share": sums.any / r, "gateway_share": gw_cc / r}
    )
    keep = (frame.index != home) & ((frame.any_share > 0) | (frame.gateway_share > 0))
    by_country = (
        frame[keep]
        .sort_values(["gateway_share", "any_share", "country"], ascending=[False, False, True])
        .reset_index(drop=True)
    )
    foreign = (table.cc_id != home) & ((sums.transit > 0) | (sums.gateway > 0))
    idx = np.flatnonzero(foreign)
    heg = sums.hegemony[idx] / sums.hegemony_weight if sums.hegemony_weight else np.nan
    by_as = pd.DataFrame(
        {
            "asn": graph.asns[idx],
            "name": [table.names[i] for i in idx],
            "country": [table.codes[table.cc_id[i]] for i in idx],
            "hegemony": heg,
            "transit_share": sums.transit[idx] / r,
            "gateway_share": sums.gateway[idx] / r,
        }
    )
    by_as = by_as.sort_values(["transit_share", "asn"], ascending=[False, True]).reset_index(
        drop=True
    )
    offered = sums.offered if sums.offered > 0 else 1.0
    return DirectionResult(
        country=table.codes[home],
        direction=direction,
        mode=mode,
        by_country=by_country,
        by_as=by_as,
        direct_share=sums.direct / r,
        domestic_share=sums.domestic / r,
        unreachable_share=max(0.0, 1.0 - sums.reached / offered),
        sources=sources,
        n_sources=n_sources,
        n_destinations=sums.destinations,
        n_vantage_points=n_vps,
        propagations=sums.propagations,
        observed_share=(sums.hop_observed / sums.hop_mass if sums.hop_mass else 0.0)
        if calibration is not None else None,
        observed_pair_share=sums.pair_observed / r if calibration is not None else None,
        calibration=calibration.describe() if calibration is not None else None,
        by_link=None if sums.link_mass is None else _top_links(graph, sums.link_mass / r),
        crossings=_crossing_frame(sums, graph, r),
        owner_any=(None if owners is None or sums.label_any is None else
                   {name: float(v / r) for name, v in zip(owners[1], sums.label_any,
                                                          strict=True) if v > 0}),
    )


TOP_LINKS = 50


def _top_links(graph: ASGraph, share: np.ndarray) -> pd.DataFrame:
    order = np.lexsort((np.arange(share.size), -share))[:TOP_LINKS]
    order = order[share[order] > 0]
    lk = graph.links
    return pd.DataFrame({"as1": lk.as1[order], "as2": lk.as2[order],
                         "rel": lk.rel[order].astype(np.int64), "mass_share": share[order]})


def _crossing_frame(sums: _engine.Sums, graph: ASGraph, r: float) -> pd.DataFrame | None:
    if sums.crossings is None:
        return None
    h, f, m = sums.crossings
    return pd.DataFrame({"home_asn": graph.asns[h], "foreign_asn": graph.asns[f],
                         "mass": m / r})


def _vp_indices(graph: ASGraph, asns: Sequence[int] | None) -> np.ndarray:
    if not asns:
        return np.zeros(0, np.int32)
    arr = unique(np.asarray(list(asns), np.int64))
    pos = np.searchsorted(graph.asns, arr)
    ok = (pos < graph.n) & (graph.asns[np.minimum(pos, graph.n - 1)] == arr)
    return pos[ok].astype(np.int32)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    out = frame.replace({np.nan: None}).to_dict(orient="records")
    return [{str(k): (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in out]
