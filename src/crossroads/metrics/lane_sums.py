"""Inbound gateway sums of many destinations at once, on the lane engine.

For each lane of a :class:`~crossroads.routing.lanes.LaneBatch` (one destination group:
``root``, ``virtual``, the destination's country ``home``), :func:`inbound_lanes` returns
what :func:`crossroads.metrics.flows.flow` returns for ``outbound=False`` on that
lane's routes, summed the way its callers sum it: the gateway mass by country
(``np.bincount`` of the per-AS gateway mass), ``direct``, ``domestic`` and the reached
source weight -- bit for bit (see :mod:`crossroads.metrics._lane_kernels`).

Sources weigh ``w`` (per AS index), except the ASes of country ``excl[j]`` (``-1``: none)
and, for a real destination, the destination itself.

The lane sweeps need a topological order of every lane's next-hop DAG that is the same
for all lanes, which the lane graph's numbering is unless the graph has a
provider->customer cycle (none in the CAIDA snapshots; merged siblings can make one).
On such a graph each lane is read out as :class:`~crossroads.routing.Routes` and summed
by the per-destination kernel itself: slower, the same numbers.

Example -- the hand graph of ``tests/metrics/hand.py`` (see :mod:`crossroads.metrics.world`)
gives AA's row of the world matrix; ``tests/metrics/test_lanes.py`` checks random and
real lanes against the per-destination kernel.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from crossroads.metrics import _lane_kernels as _k
from crossroads.metrics._links import observed_origins
from crossroads.metrics.flows import flow
from crossroads.metrics.groups import Group, group_destinations
from crossroads.routing import ASGraph
from crossroads.routing.arrays import union
from crossroads.routing.calibration import Calibration
from crossroads.routing.lanes import LaneBatch, LaneGraph
from crossroads.snapshots.astable import ASTable

__all__ = ["InboundLanes", "LaneDestinations", "inbound_groups", "inbound_lanes", "routed_weight"]


@dataclass(frozen=True)
class LaneDestinations:
    """Per lane: the destination group's ``root`` (AS index), whether it is ``virtual``
    (single-homed stubs below the root), its ``home`` country id, whether the real
    destination is at home (``dest_home``) and the country whose ASes are no sources
    (``excl``, -1 for none)."""

    root: np.ndarray  # int64
    virtual: np.ndarray  # bool
    home: np.ndarray  # int32
    dest_home: np.ndarray  # bool
    excl: np.ndarray  # int32


@dataclass(frozen=True)
class InboundLanes:
    """Per-lane sums: ``gateway`` (lanes x countries), ``direct``, ``domestic``,
    ``reached`` (the source weight with a route)."""

    gateway: np.ndarray
    direct: np.ndarray
    domestic: np.ndarray
    reached: np.ndarray


class _Context:
    """``cc``/``w`` in the lane graph's numbering, the leaf flags and the share rows."""

    def __init__(self, lg: LaneGraph, cc: np.ndarray, w: np.ndarray) -> None:
        self.lg = lg
        self.cc_as = np.ascontiguousarray(cc, np.int32)
        self.w_as = np.ascontiguousarray(w, np.float64)
        self.cc = self.cc_as[lg.perm]
        self.w = self.w_as[lg.perm]
        self.one_prov = np.diff(lg.prov_ptr) == 1
        has_cust = np.diff(lg.cust_ptr) > 0
        self.srow = np.full(lg.n, -1, np.int64)
        self.srow[has_cust] = np.arange(int(has_cust.sum()))
        self.n_share = int(has_cust.sum())
        self.local = threading.local()

    def share(self, k: int) -> np.ndarray:
        buf = getattr(self.local, "share", None)
        if buf is None or buf.shape[1] != k:
            buf = self.local.share = np.empty((self.n_share, k))
        return buf


_CONTEXTS: list[_Context] = []
_LOCK = threading.Lock()


def _context(lg: LaneGraph, cc: np.ndarray, w: np.ndarray) -> _Context:
    with _LOCK:
        for c in _CONTEXTS:
            if c.lg is lg and np.array_equal(c.cc_as, cc) and np.array_equal(c.w_as, w):
                return c
        ctx = _Context(lg, cc, w)
        _CONTEXTS[:] = [*_CONTEXTS[-3:], ctx]
        return ctx


def _upper(batch: LaneBatch) -> np.ndarray:
    """ASes holding an origin or customer route in some lane."""
    out = batch.exports.copy()
    for o in batch.origins:
        out[batch.lg.inv[o]] = True
    return out


def inbound_lanes(
    batch: LaneBatch, cc: np.ndarray, w: np.ndarray, n_countries: int,
    dest: LaneDestinations,
) -> InboundLanes:
    """The inbound sums of every lane of ``batch`` (see the module docstring); ``cc``
    (country id) and ``w`` (source weight) are per AS index."""
    lg, k = batch.lg, len(batch)
    if lg.cyclic:
        return _per_lane(batch, cc, w, n_countries, dest)
    ctx = _context(lg, cc, w)
    det = batch.mode == "deterministic"
    root = lg.inv[np.asarray(dest.root, np.int64)].astype(np.int64)
    home = np.asarray(dest.home, np.int32)
    slot = np.full(lg.n, -1, np.int64)
    at_home = np.isin(ctx.cc, np.unique(home))
    slot[at_home] = np.arange(int(at_home.sum()))
    dom = np.zeros((int(at_home.sum()), k))
    virtual = np.asarray(dest.virtual, np.bool_)
    dest_home = np.asarray(dest.dest_home, np.bool_)
    _k.dom_pass(*lg.adjacency, batch.dag_prov, batch.dag_cust, batch.dag_peer, det,
                batch.rel, batch.nc, ctx.cc, home, root, virtual, dest_home, slot, dom)
    special = _k.special_ases(*lg.adjacency, slot, root)
    reached, key, val, kind, lane = _k.mass_pass(
        *lg.adjacency, batch.dag_prov, batch.dag_cust, batch.dag_peer, batch.up_prov,
        batch.up_cust, batch.up_peer, ctx.one_prov, lg.perm, det, batch.rel, batch.ln,
        batch.nc, ctx.cc, ctx.w, np.asarray(dest.excl, np.int32), home, root, virtual,
        dest_home, slot, dom, special, _upper(batch), ctx.srow, ctx.share(k),
    )
    gateway, direct, domestic = _k.sum_terms(key, val, kind, lane, ctx.cc_as, k, n_countries)
    return InboundLanes(gateway, direct, domestic, reached)


def _per_lane(
    batch: LaneBatch, cc: np.ndarray, w: np.ndarray, n_countries: int,
    dest: LaneDestinations,
) -> InboundLanes:
    """The same sums, lane by lane through the per-destination kernel (cyclic graphs)."""
    k = len(batch)
    out = InboundLanes(np.zeros((k, n_countries)), np.zeros(k), np.zeros(k), np.zeros(k))
    cc = np.asarray(cc, np.int32)
    for j, r in enumerate(batch.all_routes()):
        root, virtual = int(dest.root[j]), bool(dest.virtual[j])
        wl = np.where(cc != dest.excl[j], w, 0.0)
        if not virtual:
            wl[root] = 0.0
        _, gw, out.direct[j], out.domestic[j], out.reached[j] = flow(
            r.length, r.nh_ptr, r.nh_idx, cc, int(dest.home[j]), wl, root, virtual,
            bool(dest.dest_home[j]), False)
        out.gateway[j] = np.bincount(cc, weights=gw, minlength=n_countries)
    return out


def inbound_groups(
    graph: ASGraph, table: ASTable, country: str, *, without: np.ndarray | None = None,
    apart: np.ndarray | None = None, calibration: Calibration | None = None,
) -> tuple[list[Group], np.ndarray]:
    """``country``'s destination groups (its origins; single-homed stubs below their
    provider, unless a source, one of ``apart`` (indices) or an origin with observed
    routes in ``calibration``) and the inbound source weights (foreign IPv4 space; the
    ASes ``without``, indices, weigh nothing)."""
    home = table.country_id(country)
    src_w = np.where(table.cc_id != home, table.ipv4, 0.0)
    if without is not None:
        src_w[np.asarray(without, np.int64)] = 0.0
    dests = table.origins(country)
    keep = union(np.flatnonzero(src_w), observed_origins(graph, calibration))
    if apart is not None:
        keep = union(keep, np.asarray(apart, np.int64))
    groups = group_destinations(graph, dests, table.ipv4[dests], keep_apart=keep)
    return groups, src_w


def routed_weight(batch: LaneBatch, weights: np.ndarray) -> np.ndarray:
    """``out[i, j]``: the sum of ``weights[i]`` (per AS index) over the ASes with a route
    in lane ``j`` (counts and address space reached, for reachability)."""
    w = np.ascontiguousarray(np.atleast_2d(weights)[:, batch.lg.perm], np.float64)
    return _k.routed_sums(batch.rel, w)
