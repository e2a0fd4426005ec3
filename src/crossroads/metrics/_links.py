"""Per-link path mass and the share of path mass on observed routes (calibrated mode).

For one destination, every AS ``v`` that reaches it passes on ``m(v) = transit(v) + w(v)``
(what crosses it plus its own sources' weight), split equally over its next hops; the link
``(v, u)`` carries ``m(v) / |nh(v)|`` for every next hop ``u``
(:func:`crossroads.metrics._kernels.add_link_mass`). Summed over destinations with their
weights, this is the path mass crossing each link, the robustness table's "mass share".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from crossroads.metrics import _kernels as _k
from crossroads.routing import ASGraph, Routes
from crossroads.routing.arrays import unique
from crossroads.routing.calibration import Calibration

if TYPE_CHECKING:
    from crossroads.metrics.groups import Group

__all__ = ["LinkPart", "link_ids", "link_key", "link_part", "observed_mass",
           "observed_origins"]


def link_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An order-free uint64 key per AS pair (ASNs): ``min << 32 | max``."""
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def link_ids(graph: ASGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The number (position in ``graph.links``) of the link of every entry of the
    provider, customer and peer CSRs (-1 for an entry without one): each link finds its
    entries by a search in its ends' rows (:func:`crossroads.metrics._kernels.
    csr_links`)."""
    return _k.csr_links(*graph.link_ends, np.asarray(graph.links.rel), *graph.adjacency)


@dataclass(frozen=True)
class LinkPart:
    """The path mass crossing every link towards one destination, unweighted: ``mass``
    (per AS, what it passes on) sent over the next-hop entries ``nh_ptr`` whose links are
    ``nh_link``, and a virtual group's stub links ``stub_links`` with ``stub_mass``."""

    nh_ptr: np.ndarray
    nh_link: np.ndarray
    mass: np.ndarray
    stub_links: np.ndarray
    stub_mass: np.ndarray

    def add_to(self, out: np.ndarray, weight: float) -> None:
        """``out[link] += weight * mass crossing it``."""
        _k.add_link_mass(out, weight, self.nh_ptr, self.nh_link, self.mass)
        ok = self.stub_links >= 0
        np.add.at(out, self.stub_links[ok], weight * self.stub_mass[ok])


def link_part(
    graph: ASGraph, g: Group, routes: Routes, transit: np.ndarray, w: np.ndarray,
    lids: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> LinkPart:
    """Path mass crossing every link towards one destination (a virtual group's stub
    links carry all that reaches the root, split by the stubs' weights). The links of the
    next hops are the route's own (:attr:`Routes.nh_link`, from the lane engine) or
    looked up in the graph (:func:`crossroads.metrics._kernels.entry_links`)."""
    mass = np.where(routes.length >= 0, transit + w, 0.0)
    nh_link = routes.nh_link
    if nh_link is None:
        nh_link = _k.entry_links(routes.nh_ptr, routes.nh_idx, routes.rel, *graph.adjacency,
                                 *lids)
    stub_links = np.zeros(0, np.int64)
    stub_mass = np.zeros(0)
    if g.virtual and g.weight > 0:
        at_root = float(transit[g.root] + w[g.root])
        # a stub's one link: to its provider, the root
        stub_links = lids[0][graph.prov_ptr[np.asarray(g.members, np.int64)]]
        stub_mass = at_root * np.asarray(g.member_weights, np.float64) / g.weight
    return LinkPart(routes.nh_ptr, nh_link, mass, stub_links, stub_mass)


def observed_mass(
    routes: Routes, transit: np.ndarray, w: np.ndarray
) -> tuple[float, float, float]:
    """``(hop mass, hop mass on observed routes, pair mass fully observed)``: every AS
    ``v`` with a next hop passes on what reaches it (``transit + w``); the hop is
    observed when ``v``'s route is; a pair's route is wholly observed when its source's
    is (the next hops of an observed route are observed routes)."""
    if routes.observed is None:
        return (0.0, 0.0, 0.0)
    reach = routes.length >= 0
    mass = np.where(reach, transit + w, 0.0)
    hops = np.diff(routes.nh_ptr) > 0
    return (float(mass[hops].sum()), float(mass[hops & routes.observed].sum()),
            float(w[reach & routes.observed].sum()))


def observed_origins(graph: ASGraph, calibration: Calibration | None) -> np.ndarray:
    """Indices of the origins with observed routes: never grouped below a provider (their
    own observed routes differ from the provider's)."""
    if calibration is None:
        return np.zeros(0, np.int32)
    pos = np.searchsorted(graph.asns, calibration.var_origin)
    ok = (pos < graph.n) & (graph.asns[np.minimum(pos, graph.n - 1)] == calibration.var_origin)
    return unique(pos[ok]).astype(np.int32)
