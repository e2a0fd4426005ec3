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

__all__ = ["Tries", "preferences", "tries", "variants"]


def variants(obs: Observed, rows: np.ndarray, *, per_prefix: bool) -> tuple[np.ndarray, ...]:
    """``(row_variant, var_origin, var_weight)``: the variant of every row of ``rows``,
    and per variant its origin ASN and address share (variants sorted by origin, main
    first)."""
    origin = obs.origin[rows]
    prefix = obs.prefix[rows]
    size = np.array([2.0 ** (32 - int(p.rsplit("/", 1)[1])) for p in prefix])
    if not per_prefix:
        uniq, inv = np.unique(origin, return_inverse=True)
        return inv.astype(np.int64), uniq, np.ones(uniq.size)
    steps = _steps(obs, rows)
    nuniq = steps.groupby(["o", "a"]).nh.nunique()
    conflict = nuniq[nuniq > 1].reset_index()[["o", "a"]]
    sig = steps.merge(conflict, on=["o", "a"])
    per_pfx: dict[tuple[int, str], dict[int, frozenset[int]]] = {}
    for (o, p, a), nh in sig.groupby(["o", "p", "a"]).nh:
        per_pfx.setdefault((int(o), p), {})[int(a)] = frozenset(nh.tolist())
    frame = pd.DataFrame({"o": origin, "p": prefix, "size": size}).drop_duplicates(["o", "p"])
    frame = frame.sort_values(["o", "size", "p"], ascending=[True, False, True])
    label: dict[tuple[int, str], int] = {}
    for o, grp in frame.groupby("o", sort=True):
        placed: list[dict[int, frozenset[int]]] = []
        for p in grp.p:
            m = per_pfx.get((int(o), p), {})
            for j, v in enumerate(placed):
                if all(v.get(a, s) == s for a, s in m.items()):
                    v.update(m)
                    label[(int(o), p)] = j
                    break
            else:
                label[(int(o), p)] = len(placed)
                placed.append(dict(m))
    frame["rank"] = [label[(int(o), p)] for o, p in zip(frame.o, frame.p, strict=True)]
    per_var = frame.groupby(["o", "rank"], sort=True)["size"].sum()
    per_var = per_var / per_var.groupby(level=0).transform("sum")
    # main variant first: rank 0 holds the origin's largest prefix, but not always the
    # largest total; order each origin's variants by weight
    order = per_var.reset_index().sort_values(["o", "size", "rank"],
                                              ascending=[True, False, True])
    order["vid"] = np.arange(len(order))
    vid = order.set_index(["o", "rank"])["vid"]
    keys = pd.MultiIndex.from_arrays([origin, [label[(int(o), p)] for o, p in
                                               zip(origin, prefix, strict=True)]])
    row_var = vid.reindex(keys).to_numpy(np.int64)
    return row_var, order.o.to_numpy(np.int64), order["size"].to_numpy(np.float64)


def _steps(obs: Observed, rows: np.ndarray) -> pd.DataFrame:
    """One row per (route, AS, next hop) step of the ``rows`` paths: ``o, p, a, nh``."""
    ptr, flat = obs.paths_of_rows(rows)
    owner = np.repeat(np.arange(rows.shape[0]), np.diff(ptr))
    same = owner[1:] == owner[:-1]
    who = owner[1:][same]
    return pd.DataFrame({"o": obs.origin[rows][who], "p": obs.prefix[rows][who],
                         "a": flat[:-1][same], "nh": flat[1:][same]})


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
        key = np.stack([cur[live], a], axis=1)
        uniq, inv, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
        inv = inv.ravel()
        asn.append(uniq[:, 1])
        par.append(uniq[:, 0])
        cnt.append(counts.astype(np.int64))
        var.append(np.concatenate(var)[uniq[:, 0]])
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
