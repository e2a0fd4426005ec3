"""The single-AS sweep on the lane engine: every (removed AS, destination group) is a lane.

Removing an AS removes all its links; the lane engine computes routes on that edited graph
without building it (:func:`crossroads.routing.lanes.propagate_lanes` with ``blocked``),
64 (item, group) pairs per pass. Each lane is reduced at once to the row the sweep adds
up (the layout of :mod:`crossroads.scenarios._incremental`): the inbound gateway mass by
country, ``direct``, ``domestic`` and the reached pair weight (:mod:`crossroads.metrics.lane_sums`),
the number of foreign ASes and the foreign address space reaching the group, and its
origins left without any foreign route -- all times the group's destination weight.

The groups are those of the baseline graph (single-homed stubs below their provider).
They stay exact on the edited graph except when the removed AS *is* the provider of such
stubs: then the stubs have no link left, nobody reaches them, and their row is zero with
every stub counted as isolated (recomputing on the edited graph gives the same, tested).

The sums over groups then give, per item, what :func:`crossroads.scenarios.sweep._measure`
computes on the edited graph (equal up to floating-point summation order: the groups are
added in another order; tested to 1e-12).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crossroads.metrics.lane_sums import (
    LaneDestinations,
    inbound_groups,
    inbound_lanes,
    routed_weight,
)
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.lanes import map_lanes
from crossroads.snapshots import ASTable

__all__ = ["Measure", "Scale", "as_sweep", "from_sums"]

Measure = tuple[float, float, int, dict[str, float]]
"""``(R_in, R_out, isolated origins, inbound gateway shares by country)``."""


@dataclass(frozen=True)
class Scale:
    """The denominators of a country's sweep: sources, foreign space, origin space."""

    n_src: float
    world: float
    space: float
    codes: tuple[str, ...]
    home: int


def from_sums(v: np.ndarray, sc: Scale) -> Measure:
    """``(R_in, R_out, isolated, inbound gateway shares)`` from summed columns (gateway
    mass per country id, then direct, domestic, reached, sources, world, isolated)."""
    n_c = len(sc.codes)
    direct, domestic, reached, src, world, isolated = v[n_c:].tolist()
    r_in = src / sc.n_src / sc.space if sc.n_src and sc.space else 0.0
    r_out = world / sc.world / sc.space if sc.world and sc.space else 0.0
    r = reached if reached > 0 else 1.0
    gw = {sc.codes[i]: float(v[i]) / r for i in np.flatnonzero(v[:n_c]).tolist()
          if i != sc.home}
    gw["(direct)"] = direct / r
    gw["(domestic)"] = domestic / r
    return r_in, r_out, round(isolated), gw


def as_sweep(
    graph: ASGraph, table: ASTable, country: str, items: Sequence[int], *,
    mode: RouteMode = "all-best", workers: int = 1,
) -> tuple[Measure, list[Measure]]:
    """The baseline measure and one per removed AS (``items``: ASNs)."""
    home = table.country_id(country)
    foreign = table.cc_id != home
    groups, w = inbound_groups(graph, table, country)
    removed = [-1, *graph.indices_of(list(items)).tolist()]  # -1: the baseline
    lanes = [(r, g) for r in removed for g in groups]
    n_c = table.n_countries
    reach_w = np.stack([foreign.astype(np.float64), np.where(foreign, table.ipv4, 0.0)])

    def reduce(batch, start):  # type: ignore[no-untyped-def]
        part = lanes[start : start + len(batch)]
        root = np.array([g.root for _, g in part], np.int64)
        dest = LaneDestinations(root, np.array([g.virtual for _, g in part], np.bool_),
                                np.full(len(part), home, np.int32), np.ones(len(part), bool),
                                np.full(len(part), home, np.int32))
        inb = inbound_lanes(batch, table.cc_id, w, n_c, dest)
        src, world = routed_weight(batch, reach_w)
        rows = np.zeros((len(part), n_c + 6))
        for j, (r, g) in enumerate(part):
            if g.virtual and r == g.root:  # the stubs' only provider is gone
                rows[j, -1] = len(g.members)
                continue
            rows[j, :n_c] = inb.gateway[j] * g.weight
            rows[j, n_c:-1] = np.array([inb.direct[j], inb.domestic[j], inb.reached[j],
                                        src[j], world[j]]) * g.weight
            rows[j, -1] = 0.0 if src[j] > 0 else len(g.members)
        return rows

    origins = [g.root for _, g in lanes]
    blocked = [[r] if r >= 0 else [] for r, _ in lanes]
    rows = np.concatenate(list(map_lanes(graph, origins, reduce, mode=mode, blocked=blocked,
                                         workers=workers)))
    sums = rows.reshape(len(removed), len(groups), n_c + 6).sum(axis=1)
    scale = Scale(n_src=float(np.count_nonzero(foreign)), world=float(reach_w[1].sum()),
                  space=float(sum(g.weight for g in groups)), codes=table.codes, home=home)
    measured = [from_sums(s, scale) for s in sums]
    return measured[0], measured[1:]
