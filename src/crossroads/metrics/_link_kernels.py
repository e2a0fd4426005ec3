"""numba kernel of the per-link path mass (robustness tables): arrays in, arrays out.

Private: :mod:`crossroads.metrics._engine` calls it per destination. Every AS ``v`` that
holds path mass ``m(v)`` (its own source weight plus what passes through it) sends
``m(v) / k`` over each of its ``k`` next-hop entries (an observed next hop listed several
times counts as often: its weight), so the mass on link ``{v, u}`` is the path mass that
crosses it. Links are numbered as :attr:`crossroads.routing.ASGraph.links`; ``*_lid`` give
the link number of every CSR entry.
"""

from __future__ import annotations

from numba import njit

from crossroads.routing._fidelity_kernels import _position


@njit(cache=True, nogil=True)
def _lid_of(ptr, idx, lid, v, u):
    """Link number of ``u`` in ``v``'s CSR row, -1 if absent."""
    k = _position(ptr, idx, v, u)
    if k < ptr[v + 1] and idx[k] == u:
        return lid[k]
    return -1


@njit(cache=True, nogil=True)
def link_mass(
    length, nh_ptr, nh_idx, mass, prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
    prov_lid, cust_lid, peer_lid, out,
):
    """Add the path mass crossing every link to ``out`` (per link number).

    ``mass[v]``: the path mass at ``v`` (source weight plus transit), 0 where unreachable.
    """
    for v in range(length.shape[0]):
        a, b = nh_ptr[v], nh_ptr[v + 1]
        if a == b or mass[v] == 0.0:
            continue
        share = mass[v] / (b - a)
        for k in range(a, b):
            u = nh_idx[k]
            e = _lid_of(cust_ptr, cust_idx, cust_lid, v, u)
            if e < 0:
                e = _lid_of(peer_ptr, peer_idx, peer_lid, v, u)
            if e < 0:
                e = _lid_of(prov_ptr, prov_idx, prov_lid, v, u)
            if e >= 0:
                out[e] += share
    return out
