"""One routing question, answered whole: the API behind ``crossroads route``.

:func:`route_query` loads the AS graph in force on a date, propagates a prefix from one or
more origin ASes and returns either the path(s) from one AS -- with, in ``all-best`` mode,
the probability of each equally best path when every AS splits evenly over its best next
hops -- or a summary over all ASes: how many reach the origin, by route class, and the
distribution of AS-path lengths (hops). Every result names its data date and source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date as Date
from typing import Any

import numpy as np

from crossroads.config import Settings
from crossroads.routing.graph import ASGraph
from crossroads.routing.load import load_graph
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
) -> RouteQuery:
    """Routes towards a prefix announced by ``origins`` (ASNs) on the graph of ``date``.

    ``merge_siblings`` routes on the graph with each CAIDA as-org sibling group contracted
    into its lowest ASN (:mod:`crossroads.routing.siblings`); the ASNs asked for and shown
    are then the groups' representatives."""
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
    routes = propagate(graph, graph.indices_of(origins), mode=mode)
    prov = graph.provenance
    head = {
        "origins": [int(a) for a in origins],
        "mode": mode,
        "data_date": prov.data_date.isoformat() if prov else "unknown",
        "source": f"{prov.dataset} ({prov.source})" if prov else "in-memory graph",
        "ases": graph.n,
        "siblings": siblings,
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
    )


def summarise(routes: Routes) -> dict[str, Any]:
    """Reachable count, counts by route class and AS-path length histogram (hops)."""
    classes = np.bincount(routes.rel, minlength=len(RouteClass))
    lengths = np.bincount(routes.length[routes.length >= 0])
    return {
        "reachable": int(routes.reachable.sum()),
        "by_class": {_CLASS_NAMES[c]: int(classes[c]) for c in RouteClass},
        "length_histogram": {h: int(k) for h, k in enumerate(lengths) if k},
    }


def path_choices(graph: ASGraph, routes: Routes, src: int, *, limit: int) -> list[PathChoice]:
    """The best path(s) from ``src`` with their probabilities, most likely first."""
    out = []
    for p in all_paths(graph, routes, src, limit=limit):
        hops = graph.indices_of(p[:-1])
        prob = float(np.prod([1.0 / routes.next_hops(int(i)).size for i in hops]))
        out.append(PathChoice(asns=p, probability=prob))
    return sorted(out, key=lambda c: -c.probability)
