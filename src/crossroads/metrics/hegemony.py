"""AS hegemony (Fontugne, Shah & Aben, PAM 2018) for any scope of origins.

For each origin AS d of the scope and each vantage point v that reaches d, ``H_v(a)`` is
the tie-split probability that AS a lies strictly inside v's path to d (v's own AS and d
excluded, as IHR does); ``H_d(a)`` is the alpha-trimmed mean over those vantage points
(the ``floor(alpha * n)`` lowest and highest values dropped); the scope's hegemony is the
mean of ``H_d`` weighted by ``weights`` (default: the IPv4 addresses each origin
originates, IHR's country hegemony). Scopes: one origin AS (``[asn]``), a country's
origins (:meth:`ASTable.origins`), or every origin AS (global: one propagation per
origin, so slow on the full graph). See ``docs/methods/hegemony.md``.

Worked example -- origin AS 4 has providers AS 2 and AS 3, both customers of AS 1; the
vantage point AS 5 is a customer of AS 1, so its route 5 -> 1 -> {2 | 3} -> 4 ties::

    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([1, 1, 2, 3, 1], [2, 3, 4, 4, 5], [-1] * 5)
    >>> hegemony(g, [4], [5]).values.tolist()
    [[1.0, 1.0], [2.0, 0.5], [3.0, 0.5]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crossroads.metrics import _engine
from crossroads.routing import ASGraph, RouteMode, propagate
from crossroads.snapshots.astable import ASTable

__all__ = ["hegemony"]


def hegemony(
    graph: ASGraph,
    origins: Sequence[int],
    vantage_points: Sequence[int],
    *,
    weights: Sequence[float] | None = None,
    table: ASTable | None = None,
    mode: RouteMode = "all-best",
    alpha: float = 0.1,
) -> pd.DataFrame:
    """Hegemony of every AS for the scope ``origins`` (ASNs) seen from ``vantage_points``
    (ASNs; those absent from the graph are ignored): ``asn, hegemony`` (non-zero only),
    by decreasing hegemony. ``weights`` default to the origins' IPv4 space when ``table``
    is given, else 1 each."""
    idx = graph.indices_of(list(origins))
    if weights is not None:
        w = np.asarray(weights, np.float64)
    elif table is not None:
        w = table.ipv4[idx]
    else:
        w = np.ones(idx.size)
    vp_asns = np.asarray(sorted(set(vantage_points)), np.int64)
    pos = np.searchsorted(graph.asns, vp_asns)
    ok = (pos < graph.n) & (graph.asns[np.minimum(pos, graph.n - 1)] == vp_asns)
    vps = pos[ok].astype(np.int32)
    total = np.zeros(graph.n)
    wsum = 0.0
    for d, wd in zip(idx.tolist(), w.tolist(), strict=True):
        routes = propagate(graph, d, mode=mode)
        h = _engine.hegemony_of(graph, routes, _engine.Group(d, False, wd, (d,)), vps, alpha)
        if h is not None:
            total += wd * h
            wsum += wd
    if wsum == 0:
        return pd.DataFrame({"asn": np.zeros(0, np.int64), "hegemony": np.zeros(0)})
    keep = np.flatnonzero(total > 0)
    out = pd.DataFrame({"asn": graph.asns[keep], "hegemony": total[keep] / wsum})
    return out.sort_values(["hegemony", "asn"], ascending=[False, True]).reset_index(drop=True)
