"""Reachability losses of many cuts at once, without edited graphs (for :mod:`.chokepoints`).

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
alike: two reached sums per (cut, group), no per-AS masks.

The reached sums come from valley-free reachability on ``graph`` with the cut's ASes and
links skipped (:mod:`crossroads.metrics._reach`: one bit per group, three sweeps over the
graph for 64 groups, the cuts on two threads): the ASes with a route in ``propagate()`` on
each edited graph (:meth:`~crossroads.routing.ASGraph.without_ases`), without building
it. Reachability does not depend on tie-breaking. The reached weights are sums of IPv4
counts (integers), so they equal the per-graph masks' sums exactly
(``tests/metrics/test_chokepoints_hand.py`` compares the two).

Which sources **keep the world** after a cut (:func:`keeps_world`: they reach at least
half, and at least one, of the ``core`` largest customer cones outside the country and
the cut, themselves not counted) is found on the uncut graph too by :func:`cut_keeps`:
the core from the cones measured as if the cut were made
(:func:`~crossroads.metrics.targets.cut_largest_cones`), then, per AS, how many core ASes
it has a route towards on the cut graph (:mod:`crossroads.metrics._reach`: valley-free
reachability, one bit per core AS, three sweeps over the graph).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from crossroads.metrics._reach import cut_graph, reach_counts, reached_weight
from crossroads.metrics.groups import Group
from crossroads.metrics.targets import cut_largest_cones, largest_cones
from crossroads.routing import ASGraph, Routes, propagate_many

__all__ = ["CORE", "Cut", "cut_keeps", "cut_losses", "edited", "keeps_world"]

CORE = 10
"""How many of the largest customer cones stand for "the rest of the world"."""

Removal = tuple[np.ndarray, Sequence[tuple[int, int]]]
"""AS indices whose links go, and index pairs of links that go."""

_WORKERS = min(2, os.cpu_count() or 1)
"""Threads for the cuts (the machine's two cores)."""


@dataclass(frozen=True)
class Cut:
    """AS indices whose links go (``ases``), index pairs of links that go (``links``), and
    per AS index whether it keeps the world once they are gone (``keeps``)."""

    ases: np.ndarray
    links: Sequence[tuple[int, int]]
    keeps: np.ndarray


def keeps_world(
    graph: ASGraph, exclude: np.ndarray, *, core: int = CORE, bound: np.ndarray | None = None
) -> np.ndarray:
    """Per AS index: whether it still reaches the rest of the world on ``graph``: at least
    half (and at least one) of the ``core`` largest customer cones of transit ASes outside
    ``exclude`` (indices), itself not counted. On a real graph the core is the tier-1
    clique, which every AS with any transit reaches entirely. ``bound``: cone sizes on a
    graph ``graph`` was cut from (:func:`~crossroads.metrics.targets.largest_cones`)."""
    roots = _core(*largest_cones(graph, core, exclude=exclude, bound=bound))
    if not roots:
        return np.ones(graph.n, bool)
    masks = propagate_many(graph, roots, _reached, mode="deterministic", workers=_WORKERS)
    return _keeps(np.asarray(np.sum(masks, axis=0, dtype=np.int64)), roots)


def cut_keeps(
    graph: ASGraph, cuts: Sequence[Removal], exclude: np.ndarray, *, core: int = CORE
) -> list[np.ndarray]:
    """Per cut ``(ases, links)``: :func:`keeps_world` of ``edited(graph, ases, links)``
    with ``exclude`` and ``ases`` excluded, computed on ``graph`` (module doc)."""

    def one(cut: Removal) -> np.ndarray:
        ases, links = cut
        roots = _core(*cut_largest_cones(graph, core, without=ases, removed_links=links,
                                         exclude=np.concatenate([exclude, ases])))
        count = reach_counts(cut_graph(graph, ases, links), roots)
        return _keeps(count, roots) if roots else np.ones(graph.n, bool)

    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:  # the kernels release the GIL
        return list(pool.map(one, cuts))


def edited(graph: ASGraph, ases: np.ndarray, links: Sequence[tuple[int, int]]) -> ASGraph:
    """``graph`` without the links of ``ases`` and without ``links`` (indices)."""
    if len(ases):
        graph = graph.without_ases(graph.asns[np.asarray(ases, np.int64)])
    if len(links):
        graph = graph.without_links([(int(graph.asns[a]), int(graph.asns[b]))
                                     for a, b in links])
    return graph


def _core(order: np.ndarray, size: np.ndarray) -> list[int]:
    """The core ASes among the largest cones: those with a customer."""
    return [int(i) for i, s in zip(order, size, strict=True) if s > 1]


def _keeps(count: np.ndarray, roots: list[int]) -> np.ndarray:
    """Keeps the world: reaches ``count`` (per AS) of the core ASes ``roots``, at least
    one and half of those other than itself."""
    count = count.copy()
    others = np.full(count.shape[0], len(roots), np.int64)
    count[roots] -= 1  # a core AS reaching itself is not a route to the world
    others[roots] -= 1
    return (count >= 1) & (2 * count >= others)


def _reached(routes: Routes) -> np.ndarray:
    return routes.length >= 0


def cut_losses(
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
    roots = [g.root for g in groups]

    def after(c: int) -> np.ndarray:
        cut = cut_graph(graph, cuts[c].ases, cuts[c].links)
        return reached_weight(cut, roots, weights[1 + 2 * c : 3 + 2 * c])

    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        uncut = pool.submit(reached_weight, cut_graph(graph), roots, weights)
        afters = list(pool.map(after, range(len(cuts))))
        before = uncut.result()
    out = []
    for c in range(len(cuts)):
        w = weights[1 + 2 * c] + weights[2 + 2 * c]
        reach_before = before[1 + 2 * c] + before[2 + 2 * c]
        total = loss(q_of(reach_before, groups, w), q_of(afters[c].sum(axis=0), groups, w))
        offered = _offered(groups, w)
        lost = before[1 + 2 * c : 3 + 2 * c] - afters[c]
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
