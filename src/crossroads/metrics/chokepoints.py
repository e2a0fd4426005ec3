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

**About the country.** A failure that disconnects a source from *everything* (a network
single-homed to the failed AS, e.g. US DoD space behind Level 3) also cuts it off from C,
but says nothing about C. Each lost pair is therefore put in one of two parts: the source
**keeps the world** when, on ``G - e``, it still reaches at least half of the ``core``
ASes (the 10 largest customer cones outside C and outside e, itself not counted: on a
real graph the tier-1 clique, which any AS with transit reaches whole), or it is **cut
off from everything**. ``country_loss`` is the share of pairs lost by sources that keep the world
-- what the failure takes from C specifically -- and ``isolated_loss`` the rest
(``loss = country_loss + isolated_loss``). The tables rank by ``country_loss`` (ties keep
the candidates' order); the isolated part is reported apart, and
:attr:`Chokepoints.headline` names the single AS or link with the largest
``country_loss``, or says that none has any.

Re-propagating for every AS of the graph would take hours, so candidates are the ``k``
elements carrying the most of C's inbound path mass: the top-k ASes by transit share, the
top-k foreign countries by gateway share, and the border links (C AS -- foreign AS) of the
top-k gateway ASes. An element outside these lists may in principle cause a larger loss.
Outside calibrated mode no edited graph is built: the reachability of every destination
group, and the world check, are computed on the uncut graph with the candidate's ASes and
link skipped (:mod:`crossroads.metrics._cuts`, :mod:`crossroads.metrics._reach`); the
losses and their split equal re-propagating each edited graph (tested).

The result also carries the **carrying set** (:mod:`crossroads.metrics.carrying`): a
greedy small set of ASes on at least ``threshold`` (default 90 %) of the inbound mass.

Worked example (``tests/metrics/hand.py``): removing AS 20 (BB) leaves AS 40 and AS 50
reaching AA through AS 30, so no pair is lost (loss 0); removing AS 3 cuts AS 2 off from
the world: AS 2 holds 1/4 of AA's space, so the loss is 1/4. Removing AS 30 (CC) cuts the
sources AS 60 and 80 (1/4 of the foreign space) off from everything: loss 1/4, all of it
``isolated_loss``. The carrying set is {20, 3}:
AS 20 carries 21/32 of the mass, then AS 3 and AS 30 each carry all of the remaining 11/32
(the tie goes to the lower index, AS 3), reaching 32/32 >= 0.9.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crossroads.formatting import pct
from crossroads.metrics import _engine
from crossroads.metrics._cuts import (
    CORE,
    Cut,
    _reached,
    cut_keeps,
    cut_losses,
    edited,
    keeps_world,
    loss,
    q_of,
)
from crossroads.metrics._folded import FoldedDag
from crossroads.metrics.carrying import carrying_set
from crossroads.metrics.dependency import DirectionResult
from crossroads.metrics.lane_sums import inbound_groups
from crossroads.routing import ASGraph, RouteMode, propagate_many
from crossroads.routing.calibration import Calibration
from crossroads.snapshots.astable import ASTable

__all__ = ["CORE", "Chokepoints", "chokepoints", "keeps_world", "reached_share"]

@dataclass(frozen=True)
class Chokepoints:
    """Reachability losses of the candidates (fractions of address-weighted pairs)."""

    country: str
    baseline: float
    ases: pd.DataFrame  # asn, name, country, transit_share, loss, country_loss, isolated_loss
    links: pd.DataFrame  # as1, as2, country2, loss, country_loss, isolated_loss
    countries: pd.DataFrame  # country, gateway_share, loss, country_loss, isolated_loss
    carrying: pd.DataFrame  # asn, name, country, added_share, cumulative_share
    threshold: float

    @property
    def headline(self) -> dict[str, object]:
        """The single AS or link whose failure cuts the most pairs off from the country
        while their sources keep the rest of the world (``element`` None when no candidate
        does), with a sentence that also names the worst whole-country failure."""
        rows: list[tuple[str | None, float, float]] = [
            (f"AS{r['asn']} {r['name']} ({r['country']})".replace("  ", " "),
             float(r["country_loss"]), float(r["isolated_loss"]))
            for r in self.ases.to_dict("records")]
        rows += [(f"the link AS{r['as1']}-AS{r['as2']} ({r['country2']})",
                  float(r["country_loss"]), float(r["isolated_loss"]))
                 for r in self.links.to_dict("records")]
        element, lost, isolated = max(rows, key=lambda r: r[1], default=(None, 0.0, 0.0))
        here = self.country
        if lost > 0:
            text = (f"Without {element}, {pct(lost)} of the address-weighted (foreign, "
                    f"{here}) pairs lose every route while their sources still reach the rest "
                    f"of the world")
        else:
            element, lost, isolated = None, 0.0, 0.0
            text = (f"No single foreign AS or link among the candidates cuts {here} off from "
                    "sources that still reach the rest of the world")
        worst = self.countries.dropna(subset=["country_loss"])
        if not worst.empty and float(worst.country_loss.iloc[0]) > 0:
            w = worst.iloc[0]
            text += (f"; without every network of {w.country} at once, "
                     f"{pct(w.country_loss)} do (and {pct(w.isolated_loss)} more from sources "
                     "left with no route anywhere)")
        return {"element": element, "country_loss": lost, "isolated_loss": isolated,
                "sentence": text + "."}

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "headline": self.headline,
            "units": "loss: fraction of address-weighted (foreign, domestic) pairs that lose "
            "every route; country_loss: the part whose source still reaches the rest of the "
            "world (ranked by it); isolated_loss: the part whose source is cut off from "
            "everything; shares: fractions of inbound tie-split path mass",
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
    groups, src_w = inbound_groups(graph, table, country, without=without,
                                   calibration=calibration)
    return _q(_reach_masks(graph, groups, calibration), groups, src_w)


def _reach_masks(
    graph: ASGraph, groups: list[_engine.Group], calibration: Calibration | None = None
) -> list[np.ndarray]:
    # one propagation per destination group, on threads (the kernels release the GIL);
    # calibrated: observed routes (a valley among them) can reach where the rules cannot
    mode: RouteMode = "deterministic" if calibration is None else "calibrated"
    return propagate_many(graph, [g.root for g in groups], _reached, mode=mode,
                          workers=min(2, os.cpu_count() or 1), calibration=calibration)


def _q(masks: list[np.ndarray], groups: list[_engine.Group], src_w: np.ndarray) -> float:
    return q_of([float(src_w[reach].sum()) for reach in masks], groups, src_w)


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
    folded: Sequence[FoldedDag] | None = None,
) -> Chokepoints:
    """Losses of the top-``k`` candidates, split into the part about the country and the
    part of sources cut off from everything, and the greedy carrying set (module doc).
    In ``calibrated`` mode every edited graph drops the observed routes through what was
    removed (:mod:`crossroads.routing.calibration`). ``folded``: the folded DAGs of
    ``inbound_result``'s propagations when it was address-weighted (see
    :func:`~crossroads.metrics.carrying.carrying_set`), so the carrying set routes nothing
    again."""
    links = _candidate_links(graph, table, country, inbound_result, k)
    ends = graph.indices_of(np.concatenate([links.as1.to_numpy(), links.as2.to_numpy()]))
    groups, src_w = inbound_groups(graph, table, country, apart=ends,
                                   calibration=calibration)
    home = table.members(country)
    none = np.zeros(0, np.int64)
    top = inbound_result.by_as.head(k)
    ctry = inbound_result.by_country.head(k)[["country", "gateway_share"]].copy()
    named = [c for c in ctry.country if c != "unknown"]
    removals: list[tuple[np.ndarray, list[tuple[int, int]]]] = [
        (graph.indices_of([a]), []) for a in top.asn]
    removals += [(table.members(c), []) for c in named]
    removals += [(none, [tuple(graph.indices_of([a, b]).tolist())])
                 for a, b in zip(links.as1, links.as2, strict=True)]
    cuts = [Cut(r, p, k) for (r, p), k in zip(removals, cut_keeps(graph, removals, home),
                                               strict=True)]
    if calibration is None:  # reachability with each cut skipped, no edited graph
        base, losses = cut_losses(graph, groups, src_w, cuts)
    else:  # observed routes: re-route each edited graph
        masks = _reach_masks(graph, groups, calibration)
        base = _q(masks, groups, src_w)
        losses = [_masked_loss(masks, _reach_masks(edited(graph, c.ases, c.links), groups,
                                                   calibration), groups, src_w, c)
                  for c in cuts]
    each = iter(losses)
    ases = _with_losses(top[["asn", "name", "country", "transit_share"]].copy(),
                        [next(each) for _ in top.asn])
    ctry = _with_losses(ctry, [next(each) if c != "unknown" else (np.nan, np.nan, np.nan)
                               for c in ctry.country])
    links = _with_losses(links, [next(each) for _ in links.as1])
    carrying = carrying_set(graph, table, country, threshold=threshold, mode=mode,
                            calibration=calibration, folded=folded)
    return Chokepoints(
        table.codes[table.country_id(country)], base, _ranked(ases), _ranked(links),
        _ranked(ctry), carrying, threshold,
    )


def _masked_loss(
    before: list[np.ndarray], after: list[np.ndarray], groups: list[_engine.Group],
    src_w: np.ndarray, cut: Cut,
) -> tuple[float, float, float]:
    """``(loss, country_loss, isolated_loss)`` of ``cut`` from per-group reach masks on
    the graph and on the cut graph (the removed ASes left out as sources)."""
    w = src_w.copy()
    w[np.asarray(cut.ases, np.int64)] = 0.0
    total = float(w.sum())
    mine = isolated = offered = 0.0
    for g, b, a in zip(groups, before, after, strict=True):
        lost = b & ~a
        own = 0.0 if g.virtual else float(w[g.root])
        mine += g.weight * float(w[lost & cut.keeps].sum())
        isolated += g.weight * float(w[lost & ~cut.keeps].sum())
        offered += g.weight * (total - own)
    share = (loss(mine, 0.0) / offered, loss(isolated, 0.0) / offered) if offered else (0, 0)
    return loss(_q(before, groups, w), _q(after, groups, w)), *share


def _with_losses(frame: pd.DataFrame, losses: list[tuple[float, float, float]]) -> pd.DataFrame:
    values = np.asarray(losses, np.float64).reshape(-1, 3)
    return frame.assign(loss=values[:, 0], country_loss=values[:, 1],
                        isolated_loss=values[:, 2])


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """By the loss about the country; ties keep the candidates' order (stable), so a
    loss made only of sources cut off from everything never leads the table."""
    return frame.sort_values("country_loss", ascending=False, kind="stable",
                             na_position="last").reset_index(drop=True)


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
