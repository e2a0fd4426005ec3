"""numba kernels of the dependency metrics: arrays in, arrays out.

Private: :mod:`crossroads.metrics._paths` wraps them. Every kernel reads one destination's
next-hop DAG (``length``, ``nh_ptr``, ``nh_idx`` of :class:`~crossroads.routing.Routes`),
in which every next hop is one hop closer to the origin, so sorting the reachable ASes by
path length gives a topological order: increasing length for origin-side dynamic
programmes, decreasing length for pushing mass from the sources.

Conventions shared by the kernels:

* ``cc`` (int32, per AS) is a country id; ``home`` the id of the country studied;
* ``w`` (float64, per AS) is the source weight (0 for an AS that is not a source);
* ``root`` is the origin the routes were computed for; with ``virtual`` set, the real
  destination is a single-homed stub hanging below ``root`` (its only neighbour), so
  ``root`` is a *transit* AS of every path and the path ends one hop further;
* ``dest_home`` says whether the real destination lies in the home country.

The far ends of a path (the source, and the destination) are never "on" it: the metrics
describe the transit between them (see ``docs/methods/dependency.md``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.routing.arrays import PEER, PROVIDER, position


@njit(cache=True, nogil=True)
def trimmed_mean_columns(values, n_rows, alpha):
    """Alpha-trimmed mean of each column of ``values[:n_rows]`` (sorted in place).

    ``floor(alpha * n)`` values are dropped at each end; the rest are averaged.
    """
    cut = int(np.floor(alpha * n_rows))
    keep = n_rows - 2 * cut
    out = np.zeros(values.shape[1], np.float64)
    if keep <= 0:
        return out
    for j in range(values.shape[1]):
        col = np.sort(values[:n_rows, j])
        s = 0.0
        for i in range(cut, n_rows - cut):
            s += col[i]
        out[j] = s / keep
    return out


@njit(cache=True, nogil=True)
def _lid_of(ptr, idx, lid, v, u):
    """Link number of ``u`` in ``v``'s CSR row, -1 if absent."""
    k = position(ptr, idx, v, u)
    if k < ptr[v + 1] and idx[k] == u:
        return lid[k]
    return -1


@njit(cache=True, nogil=True)
def entry_links(
    nh_ptr, nh_idx, rel, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
    prov_lid, cust_lid, peer_lid,
):
    """The link number (position in :attr:`ASGraph.links`) of every next-hop entry, -1
    where none. ``*_lid`` give the link number of every CSR entry. The next hop is looked
    up first among the neighbours that ``v``'s route class ``rel`` names (a provider
    route goes to a provider), then among the others (an observed route may not).
    """
    out = np.full(nh_idx.shape[0], -1, np.int64)
    for v in range(nh_ptr.shape[0] - 1):
        for k in range(nh_ptr[v], nh_ptr[v + 1]):
            u = nh_idx[k]
            e = -1
            if rel[v] == PROVIDER:
                e = _lid_of(prov_ptr, prov_idx, prov_lid, v, u)
            elif rel[v] == PEER:
                e = _lid_of(peer_ptr, peer_idx, peer_lid, v, u)
            if e < 0:
                e = _lid_of(cust_ptr, cust_idx, cust_lid, v, u)
            if e < 0 and rel[v] != PEER:
                e = _lid_of(peer_ptr, peer_idx, peer_lid, v, u)
            if e < 0 and rel[v] != PROVIDER:
                e = _lid_of(prov_ptr, prov_idx, prov_lid, v, u)
            out[k] = e
    return out


@njit(cache=True, nogil=True)
def add_link_mass(out, weight, nh_ptr, nh_link, mass):
    """Add ``weight`` times the path mass crossing every link to ``out`` (per link
    number): every AS ``v`` holding path mass ``mass[v]`` (its own source weight plus
    what passes through it; 0 where unreachable) sends ``mass[v] / k`` over each of its
    ``k`` next-hop entries, entry ``i`` over link ``nh_link[i]`` (-1: none). An observed
    next hop listed several times counts as often: its weight."""
    for v in range(nh_ptr.shape[0] - 1):
        a, b = nh_ptr[v], nh_ptr[v + 1]
        if a == b or mass[v] == 0.0:
            continue
        share = weight * mass[v] / (b - a)
        for k in range(a, b):
            e = nh_link[k]
            if e >= 0:
                out[e] += share


@njit(cache=True, nogil=True)
def _put_lid(ptr, idx, lid, v, u, link):
    k = position(ptr, idx, v, u)
    if k < ptr[v + 1] and idx[k] == u:
        lid[k] = link


@njit(cache=True, nogil=True)
def csr_links(ia, ib, rel, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx):
    """Per entry of the provider, customer and peer CSRs, the number of its link: link
    ``l`` joins AS indices ``ia[l]`` and ``ib[l]``, provider first when ``rel[l] == -1``
    (CAIDA's convention), peers otherwise; an entry without a link keeps -1 (a link not in
    the CSRs, e.g. of an edited graph, is skipped)."""
    prov_lid = np.full(prov_idx.shape[0], -1, np.int64)
    cust_lid = np.full(cust_idx.shape[0], -1, np.int64)
    peer_lid = np.full(peer_idx.shape[0], -1, np.int64)
    for link in range(ia.shape[0]):
        a, b = ia[link], ib[link]
        if rel[link] == -1:
            _put_lid(prov_ptr, prov_idx, prov_lid, b, a, link)
            _put_lid(cust_ptr, cust_idx, cust_lid, a, b, link)
        else:
            _put_lid(peer_ptr, peer_idx, peer_lid, a, b, link)
            _put_lid(peer_ptr, peer_idx, peer_lid, b, a, link)
    return prov_lid, cust_lid, peer_lid
