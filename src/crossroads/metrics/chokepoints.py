"""Chokepoints of a country's international reachability.

**Reachability** ``Q(G)`` is the share of (foreign source, C destination) pairs, weighted
by the IPv4 space originated at both ends, for which the source has a valley-free route
on graph ``G`` (inbound: the world towards C's address space). When e removes ASes, their
own pairs (as sources) are left out of both ``Q(G)`` and ``Q(G - e)``: losing a country's
own networks is not a loss of C's reachability through it. For a candidate element e
(an AS, a link, or every AS of a foreign country) the **loss** is ``Q(G) - Q(G - e)``,
with ``G - e`` the graph without e's links (:meth:`~crossroads.routing.ASGraph.without_ases`,
:meth:`~crossroads.routing.ASGraph.without_links`), re-propagated. Reachability does not
depend on tie-breaking, so it is computed with deterministic routes.

Re-propagating for every AS of the graph would take hours, so candidates are the ``k``
elements carrying the most of C's inbound path mass: the top-k ASes by transit share, the
top-k foreign countries by gateway share, and the border links (C AS -- foreign AS) of the
top-k gateway ASes. An element outside these lists may in principle cause a larger loss.

The **carrying set** is a small set of ASes that together lie on at least ``threshold``
(default 90 %) of C's inbound tie-split path mass, found **greedily**: repeatedly add the AS
carrying the most mass not yet covered (re-pushing the mass with the chosen ASes absorbing
it). Greedy set cover is within a factor ``ln(m) + 1`` of the smallest set (Chvatal 1979);
it is not guaranteed minimal.

Worked example (``tests/metrics/hand.py``): removing AS 20 (BB) leaves AS 40 and AS 50
reaching AA through AS 30, so no pair is lost (loss 0); removing AS 3 cuts AS 2 off from
the world: AS 2 holds 1/4 of AA's space, so the loss is 1/4. The carrying set is {20, 3}:
AS 20 carries 21/32 of the mass, then AS 3 and AS 30 each carry all of the remaining 11/32
(the tie goes to the lower index, AS 3), reaching 32/32 >= 0.9.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crossroads.metrics import _engine
from crossroads.metrics import _kernels as _k
from crossroads.metrics.dependency import DirectionResult
from crossroads.routing import ASGraph, RouteMode, Routes, propagate_many
from crossroads.routing.calibration import Calibration
from crossroads.snapshots.astable import ASTable

__all__ = ["Chokepoints", "carrying_set", "chokepoints", "reached_share"]


@dataclass(frozen=True)
class Chokepoints:
    """Reachability losses of the candidates (fractions of address-weighted pairs)."""

    country: str
    baseline: float
    ases: pd.DataFrame  # asn, name, country, transit_share, loss
    links: pd.DataFrame  # as1, as2, country2, loss
    countries: pd.DataFrame  # country, gateway_share, loss
    carrying: pd.DataFrame  # asn, name, country, added_share, cumulative_share
    threshold: float

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "units": "loss: fraction of address-weighted (foreign, domestic) pairs that lose "
            "every route; shares: fractions of inbound tie-split path mass",
            "baseline_reachability": self.baseline,
            "ases": self.ases.to_dict(orient="records"),
            "links": self.links.to_dict(orient="records"),
            "countries": self.countries.to_dict(orient="records"),
            "carrying_set": {"threshold": self.threshold, "method": "greedy",
                             "ases": self.carrying.to_dict(orient="records")},
        }


def reached_share(
    graph: ASGraph, table: ASTable, country: str, *, without: np.ndarray | None = None,
    calibration: Calibration | None = None,
) -> float:
    """``Q(G)``: reachable share of IPv4-weighted (foreign source, C destination) pairs;
    the ASes ``without`` (indices) are left out as sources."""
    groups, src_w = _setup(graph, table, country, without, calibration)
    return _q(_reach_masks(graph, groups, calibration), groups, src_w)


def _setup(
    graph: ASGraph, table: ASTable, country: str, without: np.ndarray | None = None,
    calibration: Calibration | None = None,
) -> tuple[list[_engine.Group], np.ndarray]:
    home = table.country_id(country)
    src_w = np.where(table.cc_id != home, table.ipv4, 0.0)
    if without is not None:
        src_w[np.asarray(without, np.int64)] = 0.0
    dests = table.origins(country)
    apart = np.union1d(np.flatnonzero(src_w), _engine.observed_origins(graph, calibration))
    groups = _engine.group_destinations(graph, dests, table.ipv4[dests], keep_apart=apart)
    return groups, src_w


def _reach_masks(
    graph: ASGraph, groups: list[_engine.Group], calibration: Calibration | None = None
) -> list[np.ndarray]:
    # one propagation per destination group, on threads (the kernels release the GIL);
    # calibrated: observed routes (a valley among them) can reach where the rules cannot
    mode: RouteMode = "deterministic" if calibration is None else "calibrated"
    return propagate_many(graph, [g.root for g in groups], _reached, mode=mode,
                          workers=min(2, os.cpu_count() or 1), calibration=calibration)


def _reached(routes: Routes) -> np.ndarray:
    return routes.length >= 0


def _q(masks: list[np.ndarray], groups: list[_engine.Group], src_w: np.ndarray) -> float:
    got = offered = 0.0
    total = float(src_w.sum())
    for g, reach in zip(groups, masks, strict=True):
        own = 0.0 if g.virtual else float(src_w[g.root])
        got += g.weight * (float(src_w[reach].sum()) - own)
        offered += g.weight * (total - own)
    return got / offered if offered else 0.0


def chokepoints(
    graph: ASGraph,
    table: ASTable,
    country: str,
    inbound_result: DirectionResult,
    *,
    k: int = 5,
    threshold: float = 0.9,
    mode: RouteMode = "all-best",
    calibration: Calibration | None = None,
) -> Chokepoints:
    """Losses of the top-``k`` candidates and the greedy carrying set (see module doc).
    In ``calibrated`` mode every edited graph drops the observed routes through what was
    removed (:mod:`crossroads.routing.calibration`)."""
    groups, src_w = _setup(graph, table, country, calibration=calibration)
    masks = _reach_masks(graph, groups, calibration)
    base = _q(masks, groups, src_w)

    def loss(edited: ASGraph, removed: np.ndarray) -> float:
        # pairs whose source was itself removed are left out of both sides
        w = src_w.copy()
        w[removed] = 0.0
        before = _q(masks, groups, w)
        return _loss(before, _q(_reach_masks(edited, groups, calibration), groups, w))

    none = np.zeros(0, np.int64)
    top = inbound_result.by_as.head(k)
    ases = top[["asn", "name", "country", "transit_share"]].copy()
    ases["loss"] = [loss(graph.without_ases([a]), graph.indices_of([a])) for a in ases.asn]
    ctry = inbound_result.by_country.head(k)[["country", "gateway_share"]].copy()
    ctry["loss"] = [
        loss(graph.without_ases(graph.asns[table.members(c)]), table.members(c))
        if c != "unknown" else np.nan
        for c in ctry.country
    ]
    links = _candidate_links(graph, table, country, inbound_result, k)
    links["loss"] = [loss(graph.without_links([(a, b)]), none)
                     for a, b in zip(links.as1, links.as2, strict=True)]
    carrying = carrying_set(graph, table, country, threshold=threshold, mode=mode,
                            calibration=calibration)
    return Chokepoints(
        table.codes[table.country_id(country)], base,
        ases.sort_values("loss", ascending=False, kind="stable").reset_index(drop=True),
        links.sort_values("loss", ascending=False, kind="stable").reset_index(drop=True),
        ctry.sort_values("loss", ascending=False, kind="stable").reset_index(drop=True),
        carrying, threshold,
    )


def carrying_set(
    graph: ASGraph,
    table: ASTable,
    country: str,
    *,
    threshold: float = 0.9,
    mode: RouteMode = "all-best",
    max_size: int = 20,
    calibration: Calibration | None = None,
) -> pd.DataFrame:
    """Greedy smallest set of transit ASes on >= ``threshold`` of C's inbound path mass."""
    groups, src_w = _setup(graph, table, country, calibration=calibration)
    routes = [_engine.routes_of(graph, g.root, mode, calibration) for g in groups]
    blocked = np.zeros(graph.n, bool)
    chosen: list[tuple[int, float, float]] = []
    total = None
    while len(chosen) < max_size:
        transit = np.zeros(graph.n)
        escaped = 0.0
        for g, variants in zip(groups, routes, strict=True):
            w = src_w if g.virtual else _without(src_w, g.root)
            for r, frac in variants:
                t, e = _k.uncovered(r.length, r.nh_ptr, r.nh_idx, w, blocked, g.root,
                                    g.virtual)
                transit += g.weight * frac * t
                escaped += g.weight * frac * e
        if total is None:
            total = escaped
        covered = 1.0 - escaped / total if total else 1.0
        if chosen:
            chosen[-1] = (chosen[-1][0], chosen[-1][1], covered)
        if covered >= threshold or transit.max() <= 0:
            break
        best = int(np.argmax(transit))
        blocked[best] = True
        chosen.append((best, float(transit[best] / total), covered))
    return pd.DataFrame(
        {
            "asn": [int(graph.asns[i]) for i, _, _ in chosen],
            "name": [table.names[i] for i, _, _ in chosen],
            "country": [table.codes[table.cc_id[i]] for i, _, _ in chosen],
            "added_share": [a for _, a, _ in chosen],
            "cumulative_share": [c for _, _, c in chosen],
        }
    )


def _loss(base: float, after: float) -> float:
    """``base - after``, with float noise below 1e-12 reported as 0."""
    d = base - after
    return 0.0 if abs(d) < 1e-12 else d


def _without(w: np.ndarray, i: int) -> np.ndarray:
    if w[i] == 0.0:
        return w
    out = w.copy()
    out[i] = 0.0
    return out


def _candidate_links(
    graph: ASGraph, table: ASTable, country: str, res: DirectionResult, k: int
) -> pd.DataFrame:
    from crossroads.metrics.border import border_links

    gw = res.by_as[res.by_as.gateway_share > 0].sort_values("gateway_share", ascending=False)
    top = gw.asn.head(k).tolist()
    links = border_links(graph, table, country)
    links = links[links.neighbor.isin(top)].copy()
    links["_rank"] = links.neighbor.map({a: i for i, a in enumerate(top)})
    links = links.sort_values(["_rank", "asn"]).head(k)
    return pd.DataFrame({"as1": links.asn.to_numpy(), "as2": links.neighbor.to_numpy(),
                         "country2": links.country.to_numpy()})
