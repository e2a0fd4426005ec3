"""Building a calibration from observed routes: variants, suffix tries, preferences.

Private helper of :mod:`crossroads.routing.calibration`. Input: the rows of an
:class:`~crossroads.routing._fidelity_data.Observed` population chosen for training.

**Variants** (per-prefix differences). Two prefixes of one origin *conflict* when some
AS was seen with different next-hop sets towards them. An origin's prefixes, largest
first, are placed greedily into the first variant they do not conflict with (an AS
unobserved for a prefix conflicts with nothing); each variant is propagated separately
and weighs the share of the origin's observed IPv4 addresses its prefixes hold. Without
``per_prefix`` every origin has one variant. The first variant of an origin is its
largest ("main").

**Tries.** Every observed path ``v_0 … v_k`` holds the routes of ``v_0 … v_{k-1}``
towards its origin: the suffixes. A variant's suffixes form a trie rooted at the origin;
node = one distinct suffix, count = the observed paths containing it. Nodes are stored
level by level, so a parent always precedes its children.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossroads.routing._fidelity_data import Observed
from crossroads.routing.arrays import unique

__all__ = ["Tries", "preferences", "tries", "variants"]


def variants(obs: Observed, rows: np.ndarray, *, per_prefix: bool) -> tuple[np.ndarray, ...]:
    """``(row_variant, var_origin, var_weight)``: the variant of every row of ``rows``,
    and per variant its origin ASN and address share (variants sorted by origin, main
    first)."""
    origin = obs.origin[rows]
    if not per_prefix:
        uniq, inv = np.unique(origin, return_inverse=True)
        return inv.astype(np.int64), uniq, np.ones(uniq.size)
    o_uniq, o_id = np.unique(origin, return_inverse=True)
    p_id, p_uniq = pd.factorize(obs.prefix[rows])
    size = 2.0 ** (32 - np.array([int(p.rsplit("/", 1)[1]) for p in p_uniq], np.float64))
    # every (origin, prefix) pair, largest prefix first within an origin
    n_p = max(len(p_uniq), 1)
    keys = unique(o_id.astype(np.int64) * n_p + p_id)
    pair = np.stack([keys // n_p, keys % n_p], axis=1)
    pair = pair[np.lexsort((pair[:, 1], -size[pair[:, 1]], pair[:, 0]))]
    rank = _greedy_ranks(pair, _conflict_codes(obs, rows, o_id, p_id))
    # variants: (origin, rank) weighted by address share, heaviest first
    frame = pd.DataFrame({"o": pair[:, 0], "r": rank, "s": size[pair[:, 1]]})
    per_var = frame.groupby(["o", "r"], sort=True)["s"].sum()
    shares = (per_var / per_var.groupby(level=0).transform("sum")).reset_index()
    shares = shares.sort_values(["o", "s", "r"], ascending=[True, False, True])
    vid = pd.Series(np.arange(len(shares)), index=pd.MultiIndex.from_frame(shares[["o", "r"]]))
    pair_var = vid.reindex(pd.MultiIndex.from_arrays([pair[:, 0], rank])).to_numpy(np.int64)
    lookup = pd.Series(pair_var, index=pd.MultiIndex.from_arrays([pair[:, 0], pair[:, 1]]))
    row_var = lookup.reindex(pd.MultiIndex.from_arrays([o_id, p_id])).to_numpy(np.int64)
    return row_var, o_uniq[shares.o.to_numpy()], shares.s.to_numpy(np.float64)


def _conflict_codes(
    obs: Observed, rows: np.ndarray, o_id: np.ndarray, p_id: np.ndarray
) -> tuple[np.ndarray, ...]:
    """``(origin, prefix, AS, code)`` of every AS seen with more than one next hop towards
    an origin, sorted; ``code`` identifies the prefix's next-hop set at that AS."""
    ptr, flat = obs.paths_of_rows(rows)
    owner = np.repeat(np.arange(rows.shape[0]), np.diff(ptr))
    same = owner[1:] == owner[:-1]
    who = owner[1:][same]
    a_uniq, a_id = np.unique(flat, return_inverse=True)
    n_a = np.int64(max(a_uniq.size, 1))
    n_p = np.int64(max(int(p_id.max(initial=0)) + 1, 1))
    so, sp = o_id[who].astype(np.int64), p_id[who].astype(np.int64)
    sa, sn = a_id[:-1][same].astype(np.int64), a_id[1:][same].astype(np.int64)
    # (origin, AS) pairs seen with more than one distinct next hop
    t = unique((so * n_a + sa) * n_a + sn)
    oa, n_nh = np.unique(t // n_a, return_counts=True)
    hit = np.isin(so * n_a + sa, oa[n_nh > 1])
    opa = (so[hit] * n_p + sp[hit]) * n_a + sa[hit]
    nh = sn[hit]
    order = np.lexsort((nh, opa))
    opa, nh = opa[order], nh[order]
    keep = np.ones(opa.size, bool)
    keep[1:] = (opa[1:] != opa[:-1]) | (nh[1:] != nh[:-1])
    opa, nh = opa[keep], a_uniq[nh[keep]]
    head = np.ones(opa.size, bool)
    head[1:] = opa[1:] != opa[:-1]
    q = np.stack([opa // n_a // n_p, opa // n_a % n_p, a_uniq[opa % n_a], nh], axis=1)
    gid = np.cumsum(head) - 1
    code = q[head, 3].copy()
    sets: dict[tuple[int, ...], int] = {}
    for g in np.flatnonzero(np.bincount(gid) > 1):  # several next hops for one prefix: rare
        code[g] = -1 - sets.setdefault(tuple(q[gid == g, 3].tolist()), len(sets))
    return q[head, 0], q[head, 1], q[head, 2], code


def _greedy_ranks(pair: np.ndarray, conflicts: tuple[np.ndarray, ...]) -> np.ndarray:
    """Variant rank of every (origin, prefix) ``pair`` (in order): the first variant of the
    origin whose choices it does not contradict (see the module doc)."""
    co, cp, ca, cc = conflicts
    rank = np.zeros(pair.shape[0], np.int64)
    if co.size == 0:
        return rank
    choices: dict[tuple[int, int], dict[int, int]] = {}
    for o, p, a, c in zip(co.tolist(), cp.tolist(), ca.tolist(), cc.tolist(), strict=True):
        choices.setdefault((o, p), {})[a] = c
    placed: list[dict[int, int]] = []
    last = -1
    for i in np.flatnonzero(np.isin(pair[:, 0], co)).tolist():
        o, p = int(pair[i, 0]), int(pair[i, 1])
        if o != last:
            placed, last = [], o
        m = choices.get((o, p), {})
        for j, v in enumerate(placed):
            if all(v.get(a, c) == c for a, c in m.items()):
                v.update(m)
                rank[i] = j
                break
        else:
            rank[i] = len(placed)
            placed.append(dict(m))
    return rank


class Tries:
    """Suffix tries of every variant, nodes grouped by variant (see the module doc)."""

    def __init__(self, asn: np.ndarray, par: np.ndarray, cnt: np.ndarray, ptr: np.ndarray):
        self.asn, self.par, self.cnt, self.ptr = asn, par, cnt, ptr


def tries(obs: Observed, rows: np.ndarray, row_var: np.ndarray, var_origin: np.ndarray) -> Tries:
    """The suffix tries of the ``rows`` paths, one per variant (``row_var``)."""
    n_var = var_origin.shape[0]
    ptr, flat = obs.paths_of_rows(rows)
    hops = np.diff(ptr) - 1
    asn = [var_origin.astype(np.int64)]
    par = [np.full(n_var, -1, np.int64)]
    cnt = [np.bincount(row_var, minlength=n_var).astype(np.int64)]
    var = [np.arange(n_var, dtype=np.int64)]
    cur = row_var.copy()  # node of each row's suffix at the current depth
    base = n_var
    for d in range(1, int(hops.max(initial=0)) + 1):
        live = np.flatnonzero(hops >= d)
        a = flat[ptr[live + 1] - 1 - d]
        key = (cur[live] << 32) | a  # node ids and ASNs both fit in 32 bits
        uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        asn.append(uniq & 0xFFFFFFFF)
        par.append(uniq >> 32)
        cnt.append(counts.astype(np.int64))
        var.append(np.concatenate(var)[uniq >> 32])
        cur[live] = base + inv
        base += uniq.shape[0]
    node_asn, node_par = np.concatenate(asn), np.concatenate(par)
    node_cnt, node_var = np.concatenate(cnt), np.concatenate(var)
    order = np.argsort(node_var, kind="stable")  # level order kept within a variant
    new_id = np.empty_like(order)
    new_id[order] = np.arange(order.shape[0])
    parent = node_par[order]
    parent = np.where(parent >= 0, new_id[np.maximum(parent, 0)], -1)
    vptr = np.zeros(n_var + 1, np.int64)
    np.cumsum(np.bincount(node_var, minlength=n_var), out=vptr[1:])
    return Tries(node_asn[order], parent, node_cnt[order], vptr)


def preferences(obs: Observed, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ASN-pair keys ``a << 32 | b`` of every step ``a -> b`` of the ``rows``
    paths, and how often each was seen."""
    ptr, flat = obs.paths_of_rows(rows)
    owner = np.repeat(np.arange(rows.shape[0]), np.diff(ptr))
    same = owner[1:] == owner[:-1]
    keys = (flat[:-1][same].astype(np.int64) << 32) | flat[1:][same].astype(np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq, counts.astype(np.int64)
