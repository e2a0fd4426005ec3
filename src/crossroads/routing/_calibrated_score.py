"""numba kernel scoring calibrated routes against observed ones (fidelity, option
``calibrated``).

Private. One call propagates every destination group once with
:func:`crossroads.routing._calibrated_kernels.calibrated_routes` (the group's observed
variant trie, learned from the training vantage points only) and scores the test routes
of that group, as :func:`crossroads.routing._fidelity_kernels.score_routes` does for the
plain modes:

* the *deterministic* walk follows each AS's one next hop (an observed AS: the next hop
  seen most often); ``sim_len`` is its number of hops, ``det_exact``/``det_nh`` compare it
  with the observed path;
* ``p_exact``/``p_nh``: the probability that the weighted walk (an observed AS splits by
  how often each next hop was seen, a simulated AS takes its one next hop) follows the
  observed path / first hop;
* ``in_best``: every hop of the observed path is an observed next hop of an observed AS or
  an equally best next hop of a simulated one;
* ``vp_fixed``: the vantage point's own route towards the destination was observed in the
  training routes (its choice was seen from another vantage point's feed).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.routing._calibrated_kernels import calibrated_routes
from crossroads.routing._fidelity_kernels import _best_row, _check_path, _is_best


@njit(cache=True, nogil=True)
def score_calibrated(
    prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
    grp_ptr, grp_orig, grp_lo, grp_hi, node_idx, node_par, node_cnt,
    up_pref, down_pref, across_pref, route_ptr, vp, path_ptr, path_idx,
):
    """Score every route; group ``g`` announces from ``grp_orig[grp_ptr[g]:grp_ptr[g+1]]``
    with the trie nodes ``grp_lo[g]:grp_hi[g]``; its routes are rows
    ``route_ptr[g]:route_ptr[g+1]`` (as in ``score_routes``)."""
    m = vp.shape[0]
    sim_len = np.full(m, -1, np.int32)
    det_exact = np.zeros(m, np.bool_)
    det_nh = np.zeros(m, np.bool_)
    p_exact = np.zeros(m, np.float64)
    p_nh = np.zeros(m, np.float64)
    in_best = np.zeros(m, np.bool_)
    valid = np.zeros(m, np.int8)
    vp_fixed = np.zeros(m, np.bool_)
    for g in range(grp_ptr.shape[0] - 1):
        rel, length, nh, ptr, idx, fixed, _ = calibrated_routes(
            prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx,
            grp_orig[grp_ptr[g] : grp_ptr[g + 1]], node_idx, node_par, node_cnt,
            grp_lo[g], grp_hi[g], up_pref, down_pref, across_pref,
        )
        for i in range(route_ptr[g], route_ptr[g + 1]):
            a = path_ptr[i]
            b = path_ptr[i + 1]
            valid[i] = _check_path(
                prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, path_idx, a, b
            )
            v = vp[i]
            if length[v] < 0:
                continue
            vp_fixed[i] = fixed[v]
            same = True
            w = v
            k = a
            while nh[w] >= 0:
                w = nh[w]
                k += 1
                if k == a + 1:
                    det_nh[i] = k < b and path_idx[k] == w
                if same and (k >= b or path_idx[k] != w):
                    same = False
            sim_len[i] = k - a
            det_exact[i] = same and k == b - 1
            prob = 1.0
            ok = True
            for j in range(a, b - 1):
                x = path_idx[j]
                y = path_idx[j + 1]
                if x < 0 or y < 0 or length[x] <= 0:
                    ok = False
                    break
                if fixed[x]:
                    hits = 0
                    for t in range(ptr[x], ptr[x + 1]):
                        hits += idx[t] == y
                    ok = hits > 0
                    prob *= hits / (ptr[x + 1] - ptr[x])
                else:
                    ok = _among_best(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr,
                                     peer_idx, rel, length, x, y)
                    prob *= 1.0 if nh[x] == y else 0.0
                if not ok:
                    break
                if j == a:
                    p_nh[i] = prob
            if ok and length[path_idx[b - 1]] == 0:
                in_best[i] = True
                p_exact[i] = prob
    return sim_len, det_exact, det_nh, p_exact, p_nh, in_best, valid, vp_fixed


@njit(cache=True, nogil=True)
def _among_best(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, rel, length, x, y):
    """Whether ``y`` is one of the simulated AS ``x``'s equally best next hops."""
    row, lo, hi = _best_row(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx, rel, x)
    for t in range(lo, hi):
        if row[t] == y:
            return _is_best(rel, length, x, y)
    return False
