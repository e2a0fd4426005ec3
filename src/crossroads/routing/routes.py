"""The routes every AS chooses towards one prefix, and how to read paths out of them.

A :class:`Routes` holds, for every AS index, the class of its best route, the AS-path
length in hops and its next hop(s). Next hops always form a DAG (every next hop is one
hop closer to an origin), given as CSR ``nh_ptr``/``nh_idx``: one next hop per AS in
``deterministic`` mode, every equally best one in ``all-best`` mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

import numpy as np

from crossroads.errors import CrossroadsError
from crossroads.routing import arrays as _a
from crossroads.routing.graph import ASGraph

__all__ = ["RouteClass", "RouteMode", "Routes", "all_paths", "path"]

RouteMode = Literal["deterministic", "all-best", "calibrated"]
"""``deterministic``: one best route per AS, ties broken by the lowest next-hop ASN (as
BGPy does). ``all-best``: every equally best route is kept; weights split evenly.
``calibrated``: routes observed in RIBs are kept as they were seen, the rest simulated
(:mod:`crossroads.routing.calibration`; needs a ``Calibration``)."""


class RouteClass(IntEnum):
    """Where an AS learned its best route (values of :attr:`Routes.rel`)."""

    UNREACHABLE = _a.UNREACHABLE
    ORIGIN = _a.ORIGIN
    CUSTOMER = _a.CUSTOMER
    PEER = _a.PEER
    PROVIDER = _a.PROVIDER


@dataclass(frozen=True)
class Routes:
    """Best routes of every AS towards the prefix announced by ``origins``.

    Arrays are indexed by AS index (see :attr:`ASGraph.asns`):

    * ``rel`` int8 -- :class:`RouteClass` of the best route;
    * ``length`` int32 -- AS-path length in hops (0 at an origin, -1 unreachable);
    * ``next_hop`` int32 -- the lowest-ASN best next hop (-1 at origins and unreachable);
    * ``nh_ptr`` int64 / ``nh_idx`` int32 -- CSR of the next hops used (``mode``);
    * ``observed`` bool or None -- ``calibrated`` mode only: the AS's route is an observed
      one (fixed from a RIB). Such an AS may list a next hop several times in ``nh_idx``:
      the multiplicity is its weight (how often that next hop was seen), so every
      even-split reader of the DAG splits by observation counts.
    * ``nh_link`` int64 or None -- beside ``nh_idx``, when asked for
      (:meth:`~crossroads.routing.lanes.LaneBatch.all_routes`): the number of the
      adjacency entry (e.g. the link) each next hop is taken over.
    """

    origins: np.ndarray  # int32 indices of the announcing ASes
    mode: RouteMode
    rel: np.ndarray
    length: np.ndarray
    next_hop: np.ndarray
    nh_ptr: np.ndarray
    nh_idx: np.ndarray
    observed: np.ndarray | None = None
    nh_link: np.ndarray | None = None

    @property
    def reachable(self) -> np.ndarray:
        """Boolean mask of the ASes that have a route (origins included)."""
        return self.rel != RouteClass.UNREACHABLE

    def next_hops(self, index: int) -> np.ndarray:
        """The next hops (indices) used by AS ``index``."""
        return self.nh_idx[self.nh_ptr[index] : self.nh_ptr[index + 1]]


def path(graph: ASGraph, routes: Routes, src: int) -> list[int]:
    """The deterministic AS path from AS index ``src`` to the origin, as ASNs.

    ``[src_asn, …, origin_asn]``; ``[]`` when ``src`` has no route. Follows
    :attr:`Routes.next_hop` (the lowest-ASN best route, in either mode).
    """
    if routes.rel[src] == RouteClass.UNREACHABLE:
        return []
    hops = [int(src)]
    v = int(src)
    while routes.next_hop[v] >= 0:
        v = int(routes.next_hop[v])
        hops.append(v)
    return [int(a) for a in graph.asns[hops]]


def all_paths(graph: ASGraph, routes: Routes, src: int, *, limit: int = 10_000) -> list[list[int]]:
    """Every path of the next-hop DAG from AS index ``src`` to an origin, as ASN lists.

    Meant for small cases and for showing one AS's choices: the number of equally best
    paths can grow exponentially, so more than ``limit`` paths is an error.
    """
    if routes.rel[src] == RouteClass.UNREACHABLE:
        return []
    out: list[list[int]] = []
    stack: list[list[int]] = [[int(src)]]
    while stack:
        prefix = stack.pop()
        nxt = routes.next_hops(prefix[-1])
        if nxt.size == 0:
            out.append([int(a) for a in graph.asns[prefix]])
            if len(out) > limit:
                raise CrossroadsError(
                    f"more than {limit:,} equally best paths from AS{graph.asns[src]}",
                    hint="use the deterministic mode or the path weights instead",
                )
            continue
        for u in np.unique(nxt)[::-1]:  # reversed: the lowest ASN comes out first
            stack.append([*prefix, int(u)])
    return out
