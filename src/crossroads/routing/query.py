"""One routing question, answered whole: the API behind ``crossroads route``.

:func:`route_query` propagates a prefix from one or more origin ASes over a graph and
returns either the path(s) from one AS -- with, in ``all-best`` mode, the probability of
each equally best path when every AS splits evenly over its best next hops -- or a summary
over all ASes: how many reach the origin, by route class, and the distribution of AS-path
lengths (hops). Every result carries the provenance of its graph.

Example -- AS 1 provides AS 2 and AS 3::

    >>> g = ASGraph.from_links([1, 1], [2, 3], [-1, -1])
    >>> q = route_query(g, [2], from_asn=3)
    >>> q.route_class, [p.asns for p in q.paths]
    ('provider', [(3, 1, 2)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from crossroads.provenance import Provenance
from crossroads.routing.graph import ASGraph
from crossroads.routing.propagate import propagate
from crossroads.routing.routes import RouteClass, RouteMode, Routes, all_paths

if TYPE_CHECKING:
    from crossroads.routing.calibration import Calibration
    from crossroads.routing.siblings import SiblingMerge

__all__ = ["PathChoice", "RouteQuery", "path_choices", "route_query", "summarise"]

_CLASS_NAMES = {c: c.name.lower() for c in RouteClass}


@dataclass(frozen=True)
class PathChoice:
    """One best path (ASNs, source first) and its probability (1.0 in deterministic mode)."""

    asns: tuple[int, ...]
    probability: float


@dataclass(frozen=True)
class RouteQuery:
    """Answer of :func:`route_query`; ``paths`` when asked ``from_asn``, else the summary."""

    origins: tuple[int, ...]
    mode: RouteMode
    ases: int
    datasets: tuple[Provenance, ...] = ()
    from_asn: int | None = None
    route_class: str | None = None
    length_hops: int | None = None
    paths: tuple[PathChoice, ...] | None = None
    reachable: int | None = None
    by_class: dict[str, int] | None = None
    length_histogram: dict[int, int] | None = None
    siblings: dict[str, Any] | None = None  # with a sibling merge: what the merge did
    calibration: str | None = None  # calibrated mode: the RIBs and what they hold
    observed: bool | None = None  # calibrated mode, from_asn: its route was observed
    observed_ases: int | None = None  # calibrated mode, summary: ASes with observed routes

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "origins": list(self.origins), "mode": self.mode, "ases": self.ases,
            "datasets": [p.as_dict() for p in self.datasets], "from_asn": self.from_asn,
            "route_class": self.route_class, "length_hops": self.length_hops,
            "paths": None if self.paths is None else [
                {"asns": list(p.asns), "probability": p.probability} for p in self.paths],
            "reachable": self.reachable, "by_class": self.by_class,
            "length_histogram": self.length_histogram, "siblings": self.siblings,
            "calibration": self.calibration, "observed": self.observed,
            "observed_ases": self.observed_ases,
        }


def route_query(
    graph: ASGraph,
    origins: Sequence[int],
    *,
    from_asn: int | None = None,
    mode: RouteMode = "deterministic",
    max_paths: int = 1000,
    merge: SiblingMerge | None = None,
    calibration: Calibration | None = None,
) -> RouteQuery:
    """Routes towards a prefix announced by ``origins`` (ASNs) on ``graph``.

    ``merge`` is the sibling merge that produced ``graph``
    (:mod:`crossroads.routing.siblings`): the ASNs asked for are then mapped to their
    groups' representatives, and the answer says what the merge did. ``mode="calibrated"``
    keeps the routes seen in the RIBs of ``calibration`` (built on ``graph``:
    :func:`crossroads.routing.load.calibrated_graph`) and simulates the rest."""
    siblings = None
    if merge is not None:
        origins = sorted({merge.rep(a) for a in origins})
        from_asn = None if from_asn is None else merge.rep(from_asn)
        siblings = {
            "groups": len(merge.groups),
            "ases_merged": sum(len(g) for g in merge.groups),
            "internal_links_dropped": merge.internal_links,
            "conflicting_links": merge.conflicts,
            "created_cycles": merge.created_cycles,
        }
    routes = propagate(graph, graph.indices_of(origins), mode=mode, calibration=calibration)
    head: dict[str, Any] = {
        "origins": tuple(int(a) for a in origins),
        "mode": mode,
        "ases": graph.n,
        "datasets": (graph.provenance,) if graph.provenance is not None else (),
        "siblings": siblings,
        "calibration": None if calibration is None else calibration.describe(),
    }
    if from_asn is None:
        return RouteQuery(**head, **summarise(routes))
    src = graph.index_of(from_asn)
    return RouteQuery(
        **head,
        from_asn=int(from_asn),
        route_class=_CLASS_NAMES[RouteClass(int(routes.rel[src]))],
        length_hops=int(routes.length[src]),
        paths=tuple(path_choices(graph, routes, src, limit=max_paths)),
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
        out.append(PathChoice(asns=tuple(p), probability=prob))
    return sorted(out, key=lambda c: -c.probability)
