"""One routing question, answered whole: the API behind ``crossroads route``.

:func:`route_query` loads the AS graph in force on a date, propagates a prefix from one or
more origin ASes and returns either the path(s) from one AS -- with, in ``all-best`` mode,
the probability of each equally best path when every AS splits evenly over its best next
hops -- or a summary over all ASes: how many reach the origin, by route class, and the
distribution of AS-path lengths (hops). Every result names its data date and source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

import numpy as np

from crossroads.config import Settings
from crossroads.errors import CrossroadsError
from crossroads.routing.graph import ASGraph
from crossroads.routing.load import RIB_MAX_GAP_DAYS, calibrated_graph, load_graph
from crossroads.routing.propagate import propagate
from crossroads.routing.routes import RouteClass, RouteMode, Routes, all_paths

__all__ = ["PathChoice", "RouteQuery", "route_query", "summarise"]

_CLASS_NAMES = {c: c.name.lower() for c in RouteClass}


@dataclass(frozen=True)
class PathChoice:
    """One best path (ASNs, source first) and its probability (1.0 in deterministic mode)."""

    asns: list[int]
    probability: float


@dataclass(frozen=True)
class RouteQuery:
    """Answer of :func:`route_query`; ``paths`` when asked ``from_asn``, else the summary."""

    origins: list[int]
    mode: RouteMode
    data_date: str
    source: str
    ases: int
    from_asn: int | None = None
    route_class: str | None = None
    length_hops: int | None = None
    paths: list[PathChoice] | None = None
    reachable: int | None = None
    by_class: dict[str, int] | None = None
    length_histogram: dict[int, int] | None = None
    siblings: dict[str, Any] | None = None  # with merge_siblings: what the merge did
    calibration: str | None = None  # calibrated mode: the RIBs and what they hold
    observed: bool | None = None  # calibrated mode, from_asn: its route was observed
    observed_ases: int | None = None  # calibrated mode, summary: ASes with observed routes


    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def route_query(
    settings: Settings,
    origins: list[int],
    *,
    from_asn: int | None = None,
    mode: RouteMode = "deterministic",
    date: Date | None = None,
    max_paths: int = 1000,
    merge_siblings: bool = False,
    observed: Sequence[str | Path] = (),
    max_rib_gap_days: int = RIB_MAX_GAP_DAYS,
) -> RouteQuery:
    """Routes towards a prefix announced by ``origins`` (ASNs) on the graph of ``date``.

    ``merge_siblings`` routes on the graph with each CAIDA as-org sibling group contracted
    into its lowest ASN (:mod:`crossroads.routing.siblings`); the ASNs asked for and shown
    are then the groups' representatives. ``mode="calibrated"`` keeps the routes seen in
    the ``observed`` RIB files (:func:`crossroads.routing.load.calibrated_graph`: the
    graph of ``date`` or else of the RIBs' date) and simulates the rest."""
    cal = None
    if mode == "calibrated":
        if merge_siblings:
            raise CrossroadsError("--merge-siblings and --mode calibrated cannot be combined")
        graph, cal = calibrated_graph(settings, observed, date, max_rib_gap_days)
    else:
        graph = load_graph(settings, date)
    siblings = None
    if merge_siblings:
        from crossroads.routing.siblings import merged_from_store

        merge, org_dataset = merged_from_store(settings, graph)
        graph = merge.graph
        origins = sorted({merge.rep(a) for a in origins})
        from_asn = None if from_asn is None else merge.rep(from_asn)
        siblings = {
            "dataset": org_dataset,
            "groups": len(merge.groups),
            "ases_merged": sum(len(g) for g in merge.groups),
            "internal_links_dropped": merge.internal_links,
            "conflicting_links": merge.conflicts,
            "created_cycles": merge.created_cycles,
        }
    routes = propagate(graph, graph.indices_of(origins), mode=mode, calibration=cal)
    prov = graph.provenance
    head = {
        "origins": [int(a) for a in origins],
        "mode": mode,
        "data_date": prov.data_date.isoformat() if prov else "unknown",
        "source": f"{prov.dataset} ({prov.source})" if prov else "in-memory graph",
        "ases": graph.n,
        "siblings": siblings,
        "calibration": None if cal is None else cal.describe(),
    }
    if from_asn is None:
        return RouteQuery(**head, **summarise(routes))
    src = graph.index_of(from_asn)
    return RouteQuery(
        **head,
        from_asn=int(from_asn),
        route_class=_CLASS_NAMES[RouteClass(int(routes.rel[src]))],
        length_hops=int(routes.length[src]),
        paths=path_choices(graph, routes, src, limit=max_paths),
        observed=None if routes.observed is None else bool(routes.observed[src]),
    )


def summarise(routes: Routes) -> dict[str, Any]:
    """Reachable count, counts by route class and AS-path length histogram (hops); in
    calibrated mode also how many ASes' routes are observed."""
    classes = np.bincount(routes.rel, minlength=len(RouteClass))
    lengths = np.bincount(routes.length[routes.length >= 0])
    out: dict[str, Any] = {
        "reachable": int(routes.reachable.sum()),
        "by_class": {_CLASS_NAMES[c]: int(classes[c]) for c in RouteClass},
        "length_histogram": {h: int(k) for h, k in enumerate(lengths) if k},
    }
    if routes.observed is not None:
        out["observed_ases"] = int(routes.observed.sum())
    return out


def path_choices(graph: ASGraph, routes: Routes, src: int, *, limit: int) -> list[PathChoice]:
    """The best path(s) from ``src`` with their probabilities, most likely first (a next
    hop listed several times -- an observed route's weight -- counts as often)."""
    out = []
    for p in all_paths(graph, routes, src, limit=limit):
        idx = graph.indices_of(p)
        prob = float(np.prod([np.mean(routes.next_hops(int(a)) == b)
                              for a, b in zip(idx[:-1], idx[1:], strict=True)]))
        out.append(PathChoice(asns=p, probability=prob))
    return sorted(out, key=lambda c: -c.probability)
