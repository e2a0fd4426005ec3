"""AS hegemony (Fontugne, Shah & Aben, PAM 2018) for any scope of origins, and globally.

For each origin AS d of the scope and each vantage point v that reaches d, ``H_v(a)`` is
the tie-split probability that AS a lies strictly inside v's path to d (v's own AS and d
excluded, as IHR does); ``H_d(a)`` is the alpha-trimmed mean over those vantage points
(the ``floor(alpha * n)`` lowest and highest values dropped); the scope's hegemony is the
mean of ``H_d`` weighted by ``weights`` (default: the IPv4 addresses each origin
originates, IHR's country hegemony). Scopes: one origin AS (``[asn]``), a country's
origins (:meth:`ASTable.origins`), or every origin AS.

**Global hegemony** as IHR publishes it (:func:`global_hegemony`) trims *after*
aggregating: per vantage point v, ``BC_v(a) = sum_d W_d H_v,d(a) / sum_d W_d`` over the
origins d that v reaches (the weighted share of v's paths crossing a), then the
alpha-trimmed mean of ``BC_v(a)`` over the vantage points. See ``docs/methods/hegemony.md``.

Both run on the lane engine (64 origins per pass, :mod:`crossroads.routing.lanes`), each
lane's per-vantage-point probabilities computed as the per-origin code computes them, so
``hegemony`` equals the per-origin loop (``engine="per-origin"``, kept as the reference)
bit for bit.

Worked example -- origin AS 4 has providers AS 2 and AS 3, both customers of AS 1; the
vantage point AS 5 is a customer of AS 1, so its route 5 -> 1 -> {2 | 3} -> 4 ties::

    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([1, 1, 2, 3, 1], [2, 3, 4, 4, 5], [-1] * 5)
    >>> hegemony(g, [4], [5]).values.tolist()
    [[1.0, 1.0], [2.0, 0.5], [3.0, 0.5]]

Globally, with vantage points 4 and 5 and every AS an origin of weight 1: AS 5's paths to
1, 2, 3, 4 cross AS 1 three times (BC_5(1) = 3/4) and AS 2 on half of the tie towards 4
(BC_5(2) = 1/8); AS 4's paths to 1, 2, 3, 5 cross AS 2 on half of the ties towards 1 and
5 (BC_4(2) = 1/4) and AS 1 towards 5 (1/4). With two vantage points nothing is trimmed:
H(1) = (3/4 + 1/4) / 2 = 1/2 and H(2) = (1/8 + 1/4) / 2 = 3/16::

    >>> h = global_hegemony(g, [4, 5]).set_index("asn").hegemony
    >>> float(h[1]), float(h[2])
    (0.5, 0.1875)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from crossroads.metrics import _engine, _kernels
from crossroads.metrics import _lane_kernels as _k
from crossroads.routing import ASGraph, RouteMode, propagate
from crossroads.routing.lanes import LaneBatch, map_lanes
from crossroads.snapshots.astable import ASTable

__all__ = ["HegemonyEngine", "global_hegemony", "hegemony"]

HegemonyEngine = Literal["lanes", "per-origin"]
"""``lanes``: 64 origins per pass (the default); ``per-origin``: one propagation each."""


def hegemony(
    graph: ASGraph,
    origins: Sequence[int],
    vantage_points: Sequence[int],
    *,
    weights: Sequence[float] | None = None,
    table: ASTable | None = None,
    mode: RouteMode = "all-best",
    alpha: float = 0.1,
    workers: int = 1,
    engine: HegemonyEngine = "lanes",
) -> pd.DataFrame:
    """Hegemony of every AS for the scope ``origins`` (ASNs) seen from ``vantage_points``
    (ASNs; those absent from the graph are ignored): ``asn, hegemony`` (non-zero only),
    by decreasing hegemony. ``weights`` default to the origins' IPv4 space when ``table``
    is given, else 1 each. ``workers`` threads share the lane batches."""
    idx = graph.indices_of(list(origins))
    w = _origin_weights(idx, weights, table)
    vps = _vp_indices(graph, vantage_points)
    total = np.zeros(graph.n)
    wsum = 0.0
    if engine == "per-origin":
        for d, wd in zip(idx.tolist(), w.tolist(), strict=True):
            routes = propagate(graph, d, mode=mode)
            h = _engine.hegemony_of(graph, routes, _engine.Group(d, False, wd, (d,)), vps,
                                    alpha)
            if h is not None:
                total += wd * h
                wsum += wd
    elif engine == "lanes":
        def reduce(batch: LaneBatch, start: int):  # type: ignore[no-untyped-def]
            n_vp, lane, _, node, prob = _vp_records(batch, vps)
            return n_vp, _k.trimmed_by_lane(n_vp, lane, node, prob, alpha)

        for start, (n_vp, (lane, node, val)) in zip(
            range(0, len(idx), 64), map_lanes(graph, idx.tolist(), reduce, mode=mode,
                                              workers=workers), strict=True):
            for j in range(n_vp.size):  # origin by origin, as the per-origin loop adds
                wd = float(w[start + j])
                if n_vp[j] > 0:
                    sel = lane == j
                    total[node[sel]] += wd * val[sel]
                    wsum += wd
    else:
        raise ValueError(f"unknown engine {engine!r}; use 'lanes' or 'per-origin'")
    return _frame(graph, total, wsum)


def global_hegemony(
    graph: ASGraph,
    vantage_points: Sequence[int],
    *,
    table: ASTable | None = None,
    weights: Sequence[float] | None = None,
    origins: Sequence[int] | None = None,
    mode: RouteMode = "all-best",
    alpha: float = 0.1,
    workers: int = 1,
) -> pd.DataFrame:
    """IHR's global hegemony over ``origins`` (ASNs; default every AS, or with ``table``
    every AS originating IPv4 space), weighted like :func:`hegemony`: ``asn, hegemony``
    (non-zero only), by decreasing hegemony (see the module docstring)."""
    if origins is None:
        idx = (np.flatnonzero(table.ipv4 > 0) if table is not None
               else np.arange(graph.n)).astype(np.int64)
    else:
        idx = graph.indices_of(list(origins))
    w = _origin_weights(idx, weights, table)
    vps = _vp_indices(graph, vantage_points)
    inner = np.flatnonzero(np.diff(graph.cust_ptr) > 0)  # an AS without customers passes
    col = np.full(graph.n, -1, np.int64)  # no route on, so it is never inside a path
    col[inner] = np.arange(inner.size)
    num = np.zeros((vps.size, inner.size))
    den = np.zeros(vps.size)

    def reduce(batch: LaneBatch, start: int):  # type: ignore[no-untyped-def]
        return start, _vp_records(batch, vps), _reached_vps(batch, vps)

    for start, (_, lane, vp, node, prob), reach in map_lanes(
            graph, idx.tolist(), reduce, mode=mode, workers=workers):
        wd = w[start : start + reach.shape[1]]
        _k.add_paths(num, col, lane, vp, node, prob, wd)
        den += reach @ wd
    keep = den > 0
    bc = num[keep] / den[keep, None]
    h = _kernels.trimmed_mean_columns(bc, bc.shape[0], alpha)
    total = np.zeros(graph.n)
    total[inner] = h
    return _frame(graph, total, 1.0)


# ------------------------------------------------------------------ private helpers
def _vp_records(batch: LaneBatch, vps: np.ndarray):  # type: ignore[no-untyped-def]
    lg = batch.lg
    roots = lg.inv[np.array([o[0] for o in batch.origins], np.int64)]
    return _k.vp_triples(lg.perm, *lg.adjacency, batch.dag_prov, batch.dag_cust,
                         batch.dag_peer, batch.mode == "deterministic", batch.rel, batch.ln,
                         batch.nc, lg.inv[vps].astype(np.int64), roots.astype(np.int64))


def _reached_vps(batch: LaneBatch, vps: np.ndarray) -> np.ndarray:
    """``(vantage points x lanes)``: 1 where the vantage point reaches the lane's origin
    (and is not the origin itself)."""
    rows = batch.rel[batch.lg.inv[vps], : len(batch)] != 0
    roots = np.array([o[0] for o in batch.origins])
    rows &= vps[:, None] != roots[None, :]
    return rows.astype(np.float64)


def _origin_weights(idx: np.ndarray, weights: Sequence[float] | None,
                    table: ASTable | None) -> np.ndarray:
    if weights is not None:
        return np.asarray(weights, np.float64)
    if table is not None:
        return table.ipv4[idx]
    return np.ones(idx.size)


def _vp_indices(graph: ASGraph, vantage_points: Sequence[int]) -> np.ndarray:
    vp_asns = np.asarray(sorted(set(vantage_points)), np.int64)
    pos = np.searchsorted(graph.asns, vp_asns)
    ok = (pos < graph.n) & (graph.asns[np.minimum(pos, graph.n - 1)] == vp_asns)
    return pos[ok].astype(np.int32)


def _frame(graph: ASGraph, total: np.ndarray, wsum: float) -> pd.DataFrame:
    if wsum == 0:
        return pd.DataFrame({"asn": np.zeros(0, np.int64), "hegemony": np.zeros(0)})
    keep = np.flatnonzero(total > 0)
    out = pd.DataFrame({"asn": graph.asns[keep], "hegemony": total[keep] / wsum})
    return out.sort_values(["hegemony", "asn"], ascending=[False, True]).reset_index(drop=True)
