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

from crossroads.routing._fidelity_kernels import _position
from crossroads.routing._kernels import _grow_f64, _grow_i32
from crossroads.routing._kernels import push_mass as _push_mass


@njit(cache=True, nogil=True)
def _order_by_length(length):
    """Reachable ASes sorted by increasing path length (counting sort, stable)."""
    n = length.shape[0]
    m = 0
    top = 0
    for v in range(n):
        if length[v] >= 0:
            m += 1
            if length[v] > top:
                top = length[v]
    count = np.zeros(top + 2, np.int64)
    for v in range(n):
        if length[v] >= 0:
            count[length[v] + 1] += 1
    for i in range(1, top + 2):
        count[i] += count[i - 1]
    out = np.empty(m, np.int32)
    for v in range(n):
        if length[v] >= 0:
            out[count[length[v]]] = v
            count[length[v]] += 1
    return out


@njit(cache=True, nogil=True)
def any_country(length, nh_ptr, nh_idx, cc, cc2, w, root, virtual, n_countries, width):
    """``total[X] = sum_s w[s] * P(an AS labelled X lies strictly inside s's path)``.

    Origin-side dynamic programme, exact for every label at once. Every AS has up to two
    labels in ``[0, n_countries)``: ``cc[u]`` (its country) and ``cc2[u]`` (a second
    labelling in the same id space, e.g. its owning state offset past the countries); a
    negative label marks none. With ``a(v)`` the vector of those probabilities for the
    path from ``v`` (``v`` itself excluded) and ``b(u) = a(u)`` with the entries of
    ``u``'s labels set to 1 (``u`` included)::

        a(v) = mean over next hops u of b(u);   b(root) = 0, or root's labels if virtual

    Vectors are kept sparse (at most ``width`` countries per AS), packed one after the
    other in a pool that grows as needed (every AS's vector is written once, when it is
    reached in the topological order). Returns ``(total, overflow)``; on overflow the
    caller retries with a larger ``width``.
    """
    n = length.shape[0]
    order = _order_by_length(length)
    cap = 4 * order.shape[0] + width
    ids = np.empty(cap, np.int32)
    vals = np.empty(cap, np.float64)
    start = np.zeros(n, np.int64)
    cnt = np.zeros(n, np.int32)
    acc = np.zeros(n_countries, np.float64)
    touched = np.empty(n_countries, np.int32)
    total = np.zeros(n_countries, np.float64)
    used = 0
    for i in range(order.shape[0]):
        v = order[i]
        a, b = nh_ptr[v], nh_ptr[v + 1]
        nt = 0
        if a == b:  # the origin (or an AS announcing the prefix itself)
            if not (virtual and v == root):
                continue
            nt = _mark(cc[v], acc, touched, _mark(cc2[v], acc, touched, 0))
            if nt == 0:
                continue
        else:
            share = 1.0 / (b - a)
            for k in range(a, b):
                u = nh_idx[k]
                s0 = start[u]
                for j in range(cnt[u]):
                    x = ids[s0 + j]
                    if acc[x] == 0.0:
                        touched[nt] = x
                        nt += 1
                    acc[x] += share * vals[s0 + j]
            # a(v) is in acc: credit the source weight
            if w[v] != 0.0:
                for j in range(nt):
                    total[touched[j]] += w[v] * acc[touched[j]]
            # b(v) = a(v) with v's labels set to 1
            nt = _mark(cc[v], acc, touched, _mark(cc2[v], acc, touched, nt))
        if nt > width:
            return total, True
        if used + nt > cap:
            cap = 2 * cap + nt
            ids = _grow_i32(ids, cap)
            vals = _grow_f64(vals, cap)
        start[v] = used
        for j in range(nt):
            x = touched[j]
            ids[used + j] = x
            vals[used + j] = acc[x]
            acc[x] = 0.0
        cnt[v] = nt
        used += nt
    return total, False


@njit(cache=True, nogil=True, inline="always")
def _mark(c, acc, touched, nt):
    """Set label ``c`` to 1 in the sparse vector ``acc`` (nothing when ``c < 0``);
    returns the new number of touched entries."""
    if c < 0:
        return nt
    if acc[c] == 0.0:
        touched[nt] = c
        nt += 1
    acc[c] = 1.0
    return nt


@njit(cache=True, nogil=True)
def flow(length, nh_ptr, nh_idx, cc, home, w, root, virtual, dest_home, outbound):
    """Transit mass, gateway mass and the direct/domestic buckets of one destination.

    Returns ``(transit, gateway, direct, domestic, reached)``:

    * ``transit[v] = sum_s w[s] P(v strictly inside s's path)`` (tie-split);
    * ``gateway[v]``: the mass whose gateway is ``v`` -- for ``outbound`` the first
      foreign AS after the path leaves home, else the last foreign AS before the path
      enters home for the last time (both transit ASes only);
    * ``direct``: mass whose border crossing has no foreign transit AS (the path goes
      straight from home into the foreign far end, or from it into home);
    * ``domestic``: mass of paths that never leave home;
    * ``reached``: the source weight that has a route (the denominator).

    The pass of :func:`flow_crossings` without the crossing links.
    """
    out = flow_crossings(length, nh_ptr, nh_idx, cc, home, w, root, virtual, dest_home,
                         outbound, False)
    return out[0], out[1], out[2], out[3], out[4]


@njit(cache=True, nogil=True)
def flow_crossings(length, nh_ptr, nh_idx, cc, home, w, root, virtual, dest_home, outbound,
                   record):
    """:func:`flow`, and with ``record`` the path mass on each **crossing link** of the
    destination: the link at which a path enters home for the last time (inbound) or
    leaves it for the first time (outbound), in the same pass.

    Returns ``(transit, gateway, direct, domestic, reached, home_as, foreign_as, mass,
    to_stub)``: one crossing entry per crossing edge with mass (several entries may name
    the same edge; none without ``record``), and ``to_stub``, the mass crossing on the
    virtual last hop between ``root`` and its stub destination. Inbound, the mass on edge
    ``v -> u`` (v foreign, u home) is ``m(v)/k_v * dom(u)`` with ``m(v) = transit[v] +
    w[v]`` the mass through v and ``dom(u)`` the probability that the path from u stays
    home; outbound, the mass pushed from home u to a foreign next hop v while it has not
    yet left home. The entries and ``to_stub`` sum to ``reached - domestic`` (every
    international path crosses exactly once in this sense): per foreign AS v, its
    entries sum to ``gateway[v]`` plus the direct mass of v.
    """
    n = length.shape[0]
    order = _order_by_length(length)
    m = order.shape[0]
    mass = np.zeros(n, np.float64)
    reached = 0.0
    for i in range(m):
        v = order[i]
        mass[v] = w[v]
        reached += w[v]
    mass = _push_mass(length, nh_ptr, nh_idx, mass)  # the routing engine's push
    transit = mass - np.where(length >= 0, w, 0.0)
    if not virtual:
        transit[root] = 0.0
    gateway = np.zeros(n, np.float64)
    direct = 0.0
    domestic = 0.0
    cap = 64 if record else 0
    ha = np.empty(cap, np.int32)
    fa = np.empty(cap, np.int32)
    ms = np.empty(cap, np.float64)
    k = 0
    to_stub = 0.0
    if outbound:
        # mass that has not yet left home, pushed through home ASes only
        hm = np.zeros(n, np.float64)
        for i in range(m):
            v = order[i]
            if cc[v] == home:
                hm[v] = w[v]
        for i in range(m - 1, -1, -1):
            v = order[i]
            x = hm[v]
            if x == 0.0:
                continue
            if cc[v] != home:  # first foreign transit AS
                if v == root and not virtual:
                    direct += x
                else:
                    gateway[v] += x
                continue
            a, b = nh_ptr[v], nh_ptr[v + 1]
            if a == b:  # reached the origin inside home
                if virtual:
                    if dest_home:
                        domestic += x
                    else:
                        direct += x
                        to_stub += x
                else:
                    domestic += x
                continue
            share = x / (b - a)
            for j in range(a, b):
                u = nh_idx[j]
                hm[u] += share
                if record and cc[u] != home:
                    ha, fa, ms = _put(ha, fa, ms, k, v, u, share)
                    k += 1
    else:
        # dom[v] = P(the path from v, v included, to the destination stays home)
        dom = np.zeros(n, np.float64)
        cont = np.zeros(n, np.float64)  # cont[v] = mean dom over v's next hops
        for i in range(m):
            v = order[i]
            cont_of(v, nh_ptr[v], nh_ptr[v + 1], nh_idx, dom, cont, cc, home, virtual,
                    dest_home)
        for i in range(m):
            v = order[i]
            if cc[v] == home:
                domestic += w[v] * dom[v]
                continue
            direct += w[v] * cont[v]
            gateway[v] += transit[v] * cont[v]
            x = transit[v] + w[v]
            if not record or x == 0.0 or cont[v] == 0.0:  # no next hop stays home
                continue
            a, b = nh_ptr[v], nh_ptr[v + 1]
            if a == b:
                if virtual and v == root and dest_home:
                    to_stub += x
                continue
            for j in range(a, b):
                u = nh_idx[j]
                if cc[u] == home and dom[u] != 0.0:
                    ha, fa, ms = _put(ha, fa, ms, k, u, v, x / (b - a) * dom[u])
                    k += 1
    return transit, gateway, direct, domestic, reached, ha[:k], fa[:k], ms[:k], to_stub


@njit(cache=True, nogil=True)
def _put(ha, fa, ms, k, h, f, x):
    """Store crossing entry ``k`` (home AS, foreign AS, mass), growing the arrays."""
    if k == ha.shape[0]:
        cap = 2 * max(k, 32)
        ha, fa, ms = _grow_i32(ha, cap), _grow_i32(fa, cap), _grow_f64(ms, cap)
    ha[k], fa[k], ms[k] = h, f, x
    return ha, fa, ms


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
def uncovered(length, nh_ptr, nh_idx, w, blocked, root, virtual):
    """Path mass that avoids every ``blocked`` transit AS, per AS and in total.

    Returns ``(transit, escaped)``: ``transit[v]`` is the mass of the paths through ``v``
    (``v`` strictly inside) that cross no blocked AS anywhere -- the mass arriving at
    ``v`` unabsorbed times ``cont[v]``, the probability that the rest of the path avoids
    the blocked ASes (an origin-side pass) -- and ``escaped`` the mass of the paths that
    avoid them all.
    """
    n = length.shape[0]
    order = _order_by_length(length)
    m = order.shape[0]
    cont = np.ones(n, np.float64)
    for i in range(m):  # origin side: P(the path after v avoids the blocked ASes)
        v = order[i]
        a, b = nh_ptr[v], nh_ptr[v + 1]
        if a == b:
            continue
        s = 0.0
        for k in range(a, b):
            u = nh_idx[k]
            if not (blocked[u] and (virtual or u != root)):
                s += cont[u]
        cont[v] = s / (b - a)
    mass = np.zeros(n, np.float64)
    for i in range(m):
        mass[order[i]] = w[order[i]]
    transit = np.zeros(n, np.float64)
    escaped = 0.0
    for i in range(m - 1, -1, -1):
        v = order[i]
        x = mass[v]
        if x == 0.0:
            continue
        if not (v == root and not virtual):
            inside = x - w[v]
            if blocked[v] and inside > 0.0:
                x -= inside  # paths reaching v from elsewhere are covered
                inside = 0.0
            transit[v] = inside * cont[v]
        a, b = nh_ptr[v], nh_ptr[v + 1]
        if a == b:  # the origin, or a virtual root whose own mass is not transit
            escaped += x
            continue
        share = x / (b - a)
        for k in range(a, b):
            mass[nh_idx[k]] += share
    return transit, escaped


@njit(cache=True, nogil=True)
def cont_of(v, a, b, row, dom, cont, cc, home, virtual, dest_home):  # noqa: ANN001
    """Set ``cont[v]`` (mean ``dom`` over ``v``'s next hops ``row[a:b]``) and ``dom[v]``
    (the chance that the path from ``v``, ``v`` included, stays at home); an AS without
    next hops is the destination. Shared by :func:`flow` and the scenario sweep's repair."""
    if a == b:
        if virtual:
            cont[v] = 1.0 if dest_home else 0.0
            dom[v] = cont[v] if cc[v] == home else 0.0
        else:
            dom[v] = 1.0 if dest_home else 0.0
        return
    s = 0.0
    for k in range(a, b):
        s += dom[row[k]]
    cont[v] = s / (b - a)
    dom[v] = cont[v] if cc[v] == home else 0.0


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

    Every AS ``v`` holding path mass ``mass[v]`` (its own source weight plus what passes
    through it; 0 where unreachable) sends ``mass[v] / k`` over each of its ``k`` next-hop
    entries (an observed next hop listed several times counts as often: its weight), so
    the mass on link ``{v, u}`` is the path mass crossing it. ``*_lid`` give the link
    number (position in :attr:`ASGraph.links`) of every CSR entry.
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
