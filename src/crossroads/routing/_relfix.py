"""Relationship fixes learned from observed paths: links added, valleys re-labelled.

Private helper of :mod:`crossroads.routing.fidelity` (options ``added-links`` and
``relationship-fixes``) and :mod:`crossroads.routing.calibration` (links seen in RIBs
but missing from the graph). Method notes: ``docs/validation.md``.
"""

from __future__ import annotations

import numpy as np

from crossroads.routing import _fidelity_kernels as _fk
from crossroads.routing.graph import ASGraph, Links, _pair_key

__all__ = ["fix_relationships", "indices"]


def fix_relationships(
    graph: ASGraph, inferred: Links, ptr: np.ndarray, flat: np.ndarray, *, relabel: bool
) -> tuple[ASGraph, dict[str, int]]:
    """The graph corrected by the training paths, and counts of what changed.

    1. Links of the paths missing from the graph are added with Gao's label.
    2. With ``relabel`` (option ``relationship-fixes``; ``added-links`` stops at 1), the
       first valley link ``x -> y`` of every path still having one is re-labelled
       "``x`` provides transit to ``y``" (:func:`_fidelity_kernels.valley_links`).
    3. Every added or re-labelled provider-to-customer link that closes a
       provider-customer cycle is reverted (repeated until none does). In a cycle an AS is
       its own indirect customer: customer routes run round the cycle and every AS above
       it prefers them. Without this step the 2010 RIB's valleys closed a 62-66 AS cycle
       through the transit core and length agreement fell from 0.77 to 0.14 (the
       "collapse" of the first measurement; ``tests/routing/test_fidelity.py`` pins it).
    """
    inf_keys = _pair_key(inferred.as1, inferred.as2)
    base_keys = _pair_key(graph.links.as1, graph.links.as2)
    missing = ~np.isin(inf_keys, base_keys)
    g = graph.with_links(inferred.as1[missing], inferred.as2[missing], inferred.rel[missing])
    xs, ys = _fk.valley_links(*g.adjacency, ptr, indices(g, flat))
    pairs = np.unique(np.stack([g.asns[xs], g.asns[ys]], axis=1), axis=0).reshape(-1, 2)
    fix = pairs if relabel else pairs[:0]
    counts = {"links added": int(missing.sum()), "valley links": int(pairs.shape[0]),
              "re-labelled": int(fix.shape[0]), "reverted (p2c cycle)": 0}
    changed = np.concatenate([inf_keys[missing], _pair_key(fix[:, 0], fix[:, 1])])
    g = g.with_links(fix[:, 0], fix[:, 1], np.full(fix.shape[0], -1, np.int8))
    while True:
        bad = _cycle_keys(g, changed)
        if bad.size == 0:
            return g, counts
        counts["reverted (p2c cycle)"] += int(bad.size)
        changed = changed[~np.isin(changed, bad)]
        g = _revert(graph, g, bad)


def _cycle_keys(graph: ASGraph, candidates: np.ndarray) -> np.ndarray:
    """Keys of the ``candidates`` links that are provider-customer links on a p2c cycle."""
    label = _fk.scc_labels(graph.cust_ptr, graph.cust_idx)
    lk = graph.links
    p2c = lk.rel == -1
    a = indices(graph, lk.as1[p2c])
    b = indices(graph, lk.as2[p2c])
    keys = _pair_key(lk.as1[p2c], lk.as2[p2c])[label[a] == label[b]]
    return np.intersect1d(keys, candidates)


def _revert(base: ASGraph, g: ASGraph, keys: np.ndarray) -> ASGraph:
    """``g`` with the links ``keys`` given back their ``base`` listing (or removed)."""
    pairs = [(int(k >> np.uint64(32)), int(k & np.uint64(0xFFFFFFFF))) for k in keys]
    g = g.without_links(pairs)
    in_base = np.isin(_pair_key(base.links.as1, base.links.as2), keys)
    lk = base.links
    return g.with_links(lk.as1[in_base], lk.as2[in_base], lk.rel[in_base])


def indices(graph: ASGraph, asns: np.ndarray) -> np.ndarray:
    """Graph indices of ``asns`` (int32), -1 where the graph lacks the AS."""
    pos = np.searchsorted(graph.asns, asns)
    safe = np.minimum(pos, graph.n - 1)
    return np.where(graph.asns[safe] == asns, safe, -1).astype(np.int32)
