"""Artefact-robust figures: the links a dependency result rests on, and the evidence.

Under Gao-Rexford a chain of provider-to-customer links attracts every AS above it (a
customer route beats any other), so one inference error in the relationship file can
decide a country's figures. For an inbound result (:func:`crossroads.metrics.dependency.
inbound`) :func:`robustness` lists the ``k`` links carrying the most path mass and, for
each,

* ``mass_share``: the share of the reached (source, destination) path mass crossing it;
* ``source``: how CAIDA inferred it (serial-2 ``bgp``, ``mlp`` or both; None for
  serial-1 files and hand-made graphs);
* ``observed_paths``: how many observed RIB paths cross it (with a calibration), i.e. the
  direct evidence that the link carries routes;
* ``cone_provider_own`` / ``cone_customer``: for a provider-to-customer link ``a > b``,
  the part of ``a``'s customer cone outside ``b``'s (``|cone(a)| - |cone(b)|``, a lower
  bound of ``a``'s cone without the link) and ``|cone(b)|``; ``small_provider`` flags
  ``|cone(b)| > R * max(1, |cone(a)| - |cone(b)|)`` with ``R`` = :data:`CONE_RATIO`: a
  small AS inferred as the provider of a much larger one;
* ``shift`` and ``delta_<country>``: how the headline figures move when the link is
  removed and everything recomputed in the same mode -- the total-variation distance
  between the gateway shares by country (``direct`` and ``domestic`` included) and the
  change of the top countries' gateway shares (fractions, after minus before). The
  recomputations of all ``k`` links share lane-engine passes (:func:`gateways_without`;
  calibrated mode re-routes each edited graph).

:func:`discount_implausible` is the ``--robust`` rule: every ``small_provider`` link of
the graph becomes a peer link, so a small AS no longer passes a large customer's routes
up to its own providers. Whether it is kept is decided by held-out fidelity on the 2010
RIB alone (``docs/validation.md``), never by a country's result.

Worked example (``tests/metrics/test_robustness.py``): on the hand graph of
``tests/metrics/hand.py`` the link 40 > 20 carries 21/32 of AA's inbound mass; removing it
sends AS 40's paths through AS 30, so CC's gateway share rises from 11/32 to 1 (a shift of
21/32).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from crossroads.metrics._links import link_key
from crossroads.metrics._typing import SourceWeighting
from crossroads.metrics.dependency import DirectionResult, inbound, inbound_sources
from crossroads.metrics.groups import Group, group_destinations
from crossroads.metrics.lane_sums import LaneDestinations, inbound_lanes
from crossroads.metrics.targets import customer_cone_sizes
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.calibration import Calibration
from crossroads.routing.lanes import LaneBatch, map_lanes
from crossroads.snapshots import Snapshot
from crossroads.snapshots.astable import ASTable

__all__ = ["CONE_RATIO", "LinkSources", "discount_implausible", "gateways_without",
           "implausible_links", "robust_snapshot", "robustness"]

LinkSources = tuple[np.ndarray, np.ndarray, np.ndarray]
"""``(as1, as2, source)`` columns of a CAIDA link table (``source`` may hold None)."""

CONE_RATIO = 10.0
"""``R``: a provider whose own cone is more than ten times smaller than its customer's is
implausible (an order of magnitude, fixed before any measurement)."""


def robustness(
    graph: ASGraph,
    table: ASTable,
    country: str,
    result: DirectionResult,
    *,
    k: int = 5,
    mode: RouteMode = "all-best",
    sources: SourceWeighting = "addresses",
    vantage_points: Sequence[int] | None = None,
    calibration: Calibration | None = None,
    link_sources: LinkSources | None = None,
    top_countries: int = 3,
    workers: int = 1,
) -> pd.DataFrame:
    """The robustness table of an inbound ``result`` of ``country`` (module doc), one row
    per link, by decreasing mass; ``mode``, ``sources``, ``vantage_points`` and
    ``calibration`` must be those ``result`` was computed with. ``link_sources`` are the
    ``(as1, as2, source)`` columns of the CAIDA file the graph was read from."""
    if result.by_link is None or result.by_link.empty:
        return pd.DataFrame()
    links = result.by_link.head(k).copy()
    cones = customer_cone_sizes(graph)
    a_idx = graph.indices_of(links.as1.to_numpy())
    b_idx = graph.indices_of(links.as2.to_numpy())
    p2c = links.rel.to_numpy() == -1
    own = np.where(p2c, cones[a_idx] - cones[b_idx], np.nan)
    cust = np.where(p2c, cones[b_idx], np.nan)
    links["rel"] = np.where(p2c, "p2c", "p2p")
    links["source"] = _sources_of(links, link_sources)
    links["observed_paths"] = (None if calibration is None else
                               [_observed_paths(calibration, a, b)
                                for a, b in zip(links.as1, links.as2, strict=True)])
    links["cone_provider_own"] = own
    links["cone_customer"] = cust
    links["small_provider"] = p2c & (cust > CONE_RATIO * np.maximum(own, 1))
    before = _gateway(result)
    top = [c for c in result.by_country.country.head(top_countries)]
    shifts: list[float] = []
    deltas: dict[str, list[float]] = {c: [] for c in top}
    pairs = [(int(a), int(b)) for a, b in zip(links.as1, links.as2, strict=True)]
    if calibration is None and mode != "calibrated":
        afters = gateways_without(graph, table, country, pairs, mode=mode, sources=sources,
                                  vantage_points=vantage_points, workers=workers)
    else:  # observed routes: one recomputation per edited graph
        afters = [_gateway(inbound(graph.without_links([p]), table, country, mode=mode,
                                   sources=sources, vantage_points=vantage_points,
                                   workers=workers, calibration=calibration,
                                   shares_only=True)) for p in pairs]
    for after in afters:
        keys = sorted(set(before) | set(after))  # a fixed order: the same sum every run
        shifts.append(0.5 * sum(abs(after.get(x, 0.0) - before.get(x, 0.0)) for x in keys))
        for c in top:
            deltas[c].append(after.get(c, 0.0) - before.get(c, 0.0))
    links["shift"] = shifts
    for c in top:
        links[f"delta_{c}"] = deltas[c]
    return links.reset_index(drop=True)


def implausible_links(graph: ASGraph, ratio: float = CONE_RATIO) -> pd.DataFrame:
    """Every provider-to-customer link ``a > b`` of ``graph`` with ``|cone(b)| > ratio *
    max(1, |cone(a)| - |cone(b)|)``: ``as1, as2, cone_provider_own, cone_customer``."""
    cones = customer_cone_sizes(graph)
    lk = graph.links
    p2c = np.flatnonzero(lk.rel == -1)
    a = np.searchsorted(graph.asns, lk.as1[p2c])
    b = np.searchsorted(graph.asns, lk.as2[p2c])
    own, cust = cones[a] - cones[b], cones[b]
    bad = cust > ratio * np.maximum(own, 1)
    return pd.DataFrame({"as1": lk.as1[p2c][bad], "as2": lk.as2[p2c][bad],
                         "cone_provider_own": own[bad], "cone_customer": cust[bad]})


def discount_implausible(graph: ASGraph, ratio: float = CONE_RATIO) -> ASGraph:
    """``graph`` with every :func:`implausible_links` link made a peer link (``--robust``)."""
    bad = implausible_links(graph, ratio)
    return graph.with_links(bad.as1.to_numpy(), bad.as2.to_numpy(), np.zeros(len(bad), np.int8))


def robust_snapshot(snap: Snapshot, ratio: float = CONE_RATIO) -> Snapshot:
    """``snap`` on the :func:`discount_implausible` graph, with a note saying so."""
    n = len(implausible_links(snap.graph, ratio))
    note = (f"--robust: {n:,} implausible provider links (customer cone over {ratio:g}x the "
            "provider's own) routed as peer links")
    edited = snap.with_graph(discount_implausible(snap.graph, ratio))
    return replace(edited, notes=(*edited.notes, note))


def gateways_without(
    graph: ASGraph, table: ASTable, country: str, pairs: Sequence[tuple[int, int]], *,
    mode: RouteMode = "all-best", sources: SourceWeighting = "addresses",
    vantage_points: Sequence[int] | None = None, workers: int = 1,
) -> list[dict[str, float]]:
    """For each link ``(a, b)`` (ASNs) of ``pairs``: the inbound gateway shares of
    ``country`` by country, ``(direct)`` and ``(domestic)`` on the graph without it, as
    :func:`~crossroads.metrics.dependency.inbound` gives them on
    ``graph.without_links([(a, b)])`` (to rounding). Every (link, destination group) is
    one lane of the lane engine with that link removed in it alone
    (:mod:`crossroads.routing.lanes`), so no edited graph is routed; the groups are those
    of the edited graph (a stub whose one link is cut is no longer read off its provider).
    """
    home = table.country_id(country)
    n_c = table.n_countries
    src_w, _, apart = inbound_sources(graph, table, country, sources, vantage_points)
    dests = table.origins(country)
    ends = [tuple(graph.indices_of(p).tolist()) for p in pairs]
    lanes: list[tuple[int, Group]] = []
    for c, e in enumerate(ends):
        cut = group_destinations(graph, dests, table.ipv4[dests], keep_apart=apart,
                                 removed_links=[e])
        lanes += [(c, g) for g in cut]

    def reduce(batch: LaneBatch, start: int) -> np.ndarray:
        part = lanes[start : start + len(batch)]
        k = len(part)
        dest = LaneDestinations(np.array([g.root for _, g in part], np.int64),
                                np.array([g.virtual for _, g in part], np.bool_),
                                np.full(k, home, np.int32), np.ones(k, np.bool_),
                                np.full(k, home, np.int32))
        got = inbound_lanes(batch, table.cc_id, src_w, n_c, dest)
        weight = np.array([g.weight for _, g in part])[:, None]
        return np.hstack([got.gateway, got.direct[:, None], got.domestic[:, None],
                          got.reached[:, None]]) * weight

    rows = np.concatenate(list(map_lanes(
        graph, [g.root for _, g in lanes], reduce, mode=mode, workers=workers,
        removed_links=[[ends[c]] for c, _ in lanes])))
    cut_of = np.array([c for c, _ in lanes])
    out = []
    for c in range(len(pairs)):
        total = rows[cut_of == c].sum(axis=0)
        r = total[-1] if total[-1] > 0 else 1.0
        shares = {table.codes[i]: float(total[i] / r) for i in np.flatnonzero(total[:n_c])
                  if i != home}
        shares["(direct)"], shares["(domestic)"] = total[n_c] / r, total[n_c + 1] / r
        out.append(shares)
    return out


def _observed_paths(cal: Calibration, a: int, b: int) -> int:
    """Observed path steps crossing the link, in either direction."""
    keys = np.array([(int(a) << 32) | int(b), (int(b) << 32) | int(a)], np.int64)
    pos = np.minimum(np.searchsorted(cal.pref_keys, keys), max(cal.pref_keys.size - 1, 0))
    if cal.pref_keys.size == 0:
        return 0
    return int(np.where(cal.pref_keys[pos] == keys, cal.pref_vals[pos], 0).sum())


def _gateway(res: DirectionResult) -> dict[str, float]:
    out = dict(zip(res.by_country.country, res.by_country.gateway_share, strict=True))
    out["(direct)"] = res.direct_share
    out["(domestic)"] = res.domestic_share
    return out


def _sources_of(links: pd.DataFrame, table: LinkSources | None) -> list[str | None]:
    """CAIDA's inference source of each link (None when unknown)."""
    if table is None:
        return [None] * len(links)
    as1, as2, source = (np.asarray(c) for c in table)
    keys = link_key(as1.astype(np.int64), as2.astype(np.int64))
    order = np.argsort(keys)
    sorted_keys = keys[order]
    want = link_key(links.as1.to_numpy(np.int64), links.as2.to_numpy(np.int64))
    out: list[str | None] = []
    for k, p in zip(want.tolist(), np.searchsorted(sorted_keys, want).tolist(), strict=True):
        hit = p < sorted_keys.size and int(sorted_keys[p]) == k
        out.append(source[order[p]] or None if hit else None)
    return out
