"""The carrying set: a few ASes that lie on most of a country's inbound path mass.

The **carrying set** is a small set of ASes that together lie on at least ``threshold``
(default 90 %) of C's inbound tie-split path mass, found **greedily**: repeatedly add the AS
carrying the most mass not yet covered (re-pushing the mass with the chosen ASes absorbing
it, :func:`crossroads.metrics._fold_kernels.uncovered`). Greedy set cover is within a factor
``ln(m) + 1`` of the smallest set (Chvatal, "A greedy heuristic for the set-covering
problem", Math. Oper. Res. 1979); it is not guaranteed minimal.

Each round re-pushes every destination, on two threads, over next-hop DAGs folded once:
leaves dropped, their weight handed to their next hops, the rest in topological order
(:func:`crossroads.metrics._fold_kernels.fold`).

Worked example -- AA's AS 1 has providers AS 2 (BB) and AS 5 (EE); the foreign sources
are AS 3 (1,024 addresses, a customer of AS 2) and AS 4 (3,072, a customer of AS 5). AS 5
carries 3/4 of the mass, then AS 2 the remaining 1/4::

    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([2, 5, 2, 5], [1, 1, 3, 4], [-1, -1, -1, -1])
    >>> info = pd.DataFrame({"asn": [1, 2, 3, 4, 5], "reg_cc": ["AA", "BB", "CC", "DD", "EE"],
    ...                      "ipv4_addresses": [256, 0, 1024, 3072, 0]})
    >>> cs = carrying_set(g, ASTable.from_frame(g, info), "AA")
    >>> cs[["asn", "added_share", "cumulative_share"]].values.tolist()
    [[5.0, 0.75, 0.75], [2.0, 0.25, 1.0]]

(``tests/metrics/test_chokepoints_hand.py`` works the hand graph of ``tests/metrics/hand.py``.)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from crossroads.metrics import _engine
from crossroads.metrics import _fold_kernels as _fold
from crossroads.metrics._folded import FoldedDag
from crossroads.metrics.groups import Group
from crossroads.metrics.lane_sums import inbound_groups
from crossroads.routing import ASGraph, RouteMode, Routes
from crossroads.routing.calibration import Calibration
from crossroads.routing.lanes import LaneBatch, map_lanes
from crossroads.snapshots.astable import ASTable

__all__ = ["carrying_set"]


def carrying_set(
    graph: ASGraph,
    table: ASTable,
    country: str,
    *,
    threshold: float = 0.9,
    mode: RouteMode = "all-best",
    max_size: int = 20,
    calibration: Calibration | None = None,
    workers: int = min(2, os.cpu_count() or 1),
    folded: Sequence[FoldedDag] | None = None,
) -> pd.DataFrame:
    """Greedy smallest set of transit ASes on >= ``threshold`` of C's inbound path mass
    (module doc): ``asn, name, country, added_share, cumulative_share``. ``folded``: the
    folded DAGs of an address-weighted :func:`~crossroads.metrics.dependency.inbound` of
    ``country`` in the same ``mode`` (and ``calibration``), used instead of routing again
    (its destination groups keep more destinations apart; the sums are the same)."""
    jobs = list(folded) if folded is not None else _jobs(graph, table, country, mode,
                                                         calibration, workers)
    blocked = np.zeros(graph.n, bool)

    def push(job: FoldedDag) -> tuple[np.ndarray, float]:
        return _fold.uncovered(job.kept, job.ptr, job.idx, job.mass0, job.own, blocked,
                               job.root, job.virtual)

    chosen: list[tuple[int, float, float]] = []
    total = None
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while len(chosen) < max_size:
            transit = np.zeros(graph.n)
            escaped = 0.0
            for job, (t, e) in zip(jobs, pool.map(push, jobs), strict=True):
                _fold.add_at(transit, job.kept, t, job.weight)
                escaped += job.weight * e
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


def _jobs(
    graph: ASGraph, table: ASTable, country: str, mode: RouteMode,
    calibration: Calibration | None, workers: int = min(2, os.cpu_count() or 1),
) -> list[FoldedDag]:
    """Every inbound destination group's folded DAGs (one per calibrated variant, with
    its share in the weight): on the lane engine, folded in the thread that routed the
    batch, unless calibrated."""
    groups, src_w = inbound_groups(graph, table, country, calibration=calibration)
    weights = [g.sources(src_w) for g in groups]

    def fold(g: Group, r: Routes, w: np.ndarray, frac: float = 1.0) -> FoldedDag:
        kept, ptr, idx, lw, *_ = _fold.fold(r.length, r.nh_ptr, r.nh_idx, table.cc_id, -1, w)
        own = w[kept]
        return FoldedDag(g.root, g.virtual, g.weight * frac, kept, ptr, idx, own + lw, own)

    if mode == "calibrated":
        return [fold(g, r, w, f) for g, w in zip(groups, weights, strict=True)
                for r, f in _engine.routes_of(graph, g.root, mode, calibration)]

    def batch_dags(batch: LaneBatch, start: int) -> list[FoldedDag]:
        return [fold(g, r, w) for g, r, w in zip(groups[start:], batch.all_routes(),
                                                 weights[start:], strict=False)]

    return [dag for part in map_lanes(graph, [g.root for g in groups], batch_dags, mode=mode,
                                      workers=workers) for dag in part]
