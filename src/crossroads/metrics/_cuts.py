"""Reachability losses of many cuts at once, on the lane engine (for :mod:`.chokepoints`).

A *cut* removes some ASes' links and some links. For destination group ``g`` (weight
``W_g``) and source weights ``w`` (per AS index), the reached weight is
``r_g(w) = sum of w over the ASes with a route towards g``, and

    Q(w) = sum_g W_g (r_g(w) - own_g) / sum_g W_g (sum(w) - own_g)

with ``own_g = w[root]`` for a real destination (0 for a virtual one). For a cut ``c``
with sources ``w_c`` (its removed ASes weigh nothing) and ``keeps_c`` (the sources that
still reach the rest of the world on the cut graph), the loss is ``Q_before(w_c) -
Q_after(w_c)``, split into the pairs whose source keeps the world and the others. Valley-
free reachability only shrinks when links go (an AS with a customer route exports it to
everyone, any other route to its customers, whichever it picks), so the lost weight of a
group is ``r_g(x) - r_g'(x)`` for ``x = w_c * keeps_c`` and ``x = w_c * (1 - keeps_c)``
alike: two routed sums per (cut, group), no per-AS masks.

Every (cut, group) is one lane of :mod:`crossroads.routing.lanes`, routed with the cut's
ASes and links removed in that lane alone: the same routes as re-propagating on each edited
graph (:meth:`~crossroads.routing.ASGraph.without_ases`), without building it. A group whose
uncut routes cross no part of a cut (:meth:`~crossroads.routing.lanes.LaneBatch.crossing`)
keeps them all, so it is not routed again for that cut (on KZ, a border link's cut crosses
18-77 of the 143 groups; a top AS's or a country's crosses all). Reachability
does not depend on tie-breaking, so lanes are deterministic. The reached weights are sums
of IPv4 counts (integers), so they equal the per-graph masks' sums exactly
(``tests/metrics/test_chokepoints_hand.py`` compares the two).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crossroads.metrics.groups import Group
from crossroads.metrics.lane_sums import routed_weight
from crossroads.routing import ASGraph
from crossroads.routing.lanes import LaneBatch, map_lanes

__all__ = ["Cut", "lane_losses"]


@dataclass(frozen=True)
class Cut:
    """AS indices whose links go (``ases``), index pairs of links that go (``links``), and
    per AS index whether it keeps the world once they are gone (``keeps``)."""

    ases: np.ndarray
    links: Sequence[tuple[int, int]]
    keeps: np.ndarray


def lane_losses(
    graph: ASGraph, groups: list[Group], src_w: np.ndarray, cuts: Sequence[Cut]
) -> tuple[float, list[tuple[float, float, float]]]:
    """``Q(src_w)`` on ``graph``, and per cut ``(loss, country_loss, isolated_loss)``
    (module doc; the removed ASes left out as sources on both sides)."""
    rows = [src_w]
    for cut in cuts:
        w = src_w.copy()
        w[np.asarray(cut.ases, np.int64)] = 0.0
        rows += [np.where(cut.keeps, w, 0.0), np.where(cut.keeps, 0.0, w)]
    weights = np.stack(rows)
    before = np.zeros((len(rows), len(groups)))
    after = np.zeros((len(cuts), 2, len(groups)))
    workers = min(2, os.cpu_count() or 1)
    crossed = np.zeros((len(cuts), len(groups)), bool)

    def reduce_base(batch: LaneBatch, start: int) -> None:
        at = slice(start, start + len(batch))
        before[:, at] = routed_weight(batch, weights)
        for c, cut in enumerate(cuts):
            crossed[c, at] = batch.crossing(cut.ases, cut.links)

    for _ in map_lanes(graph, [g.root for g in groups], reduce_base, mode="deterministic",
                       workers=workers):
        pass
    # a group whose routes cross no part of a cut keeps them all: after = before
    for c in range(len(cuts)):
        after[c] = before[1 + 2 * c : 3 + 2 * c]
    lanes = [(c, g) for c in range(len(cuts)) for g in np.flatnonzero(crossed[c]).tolist()]

    def reduce(batch: LaneBatch, start: int) -> None:
        part = lanes[start : start + len(batch)]
        present = sorted({c for c, _ in part})
        got = routed_weight(batch, weights[[r for c in present for r in (1 + 2 * c, 2 + 2 * c)]])
        at = {c: 2 * i for i, c in enumerate(present)}
        for j, (c, g) in enumerate(part):
            after[c, :, g] = got[at[c] : at[c] + 2, j]

    origins = [groups[g].root for _, g in lanes]
    blocked = [cuts[c].ases for c, _ in lanes]
    links = [list(cuts[c].links) for c, _ in lanes]
    for _ in map_lanes(graph, origins, reduce, mode="deterministic", blocked=blocked,
                       removed_links=links, workers=workers):
        pass
    out = []
    for c in range(len(cuts)):
        w = weights[1 + 2 * c] + weights[2 + 2 * c]
        reach_before = before[1 + 2 * c] + before[2 + 2 * c]
        total = loss(q_of(reach_before, groups, w), q_of(after[c].sum(axis=0), groups, w))
        offered = _offered(groups, w)
        lost = before[1 + 2 * c : 3 + 2 * c] - after[c]
        mine, isolated = ((np.asarray([g.weight for g in groups]) * lost).sum(axis=1)
                          / offered if offered else (0.0, 0.0))
        out.append((total, loss(float(mine), 0.0), loss(float(isolated), 0.0)))
    return q_of(before[0], groups, src_w), out


def q_of(reached: Sequence[float] | np.ndarray, groups: list[Group], src_w: np.ndarray) -> float:
    """``Q`` from each group's reached source weight (module doc)."""
    got = 0.0
    for g, r in zip(groups, reached, strict=True):
        got += g.weight * (float(r) - (0.0 if g.virtual else float(src_w[g.root])))
    offered = _offered(groups, src_w)
    return got / offered if offered else 0.0


def loss(base: float, after: float) -> float:
    """``base - after``, with float noise below 1e-12 reported as 0."""
    d = base - after
    return 0.0 if abs(d) < 1e-12 else d


def _offered(groups: list[Group], src_w: np.ndarray) -> float:
    total = float(src_w.sum())
    return sum(g.weight * (total - (0.0 if g.virtual else float(src_w[g.root])))
               for g in groups)
