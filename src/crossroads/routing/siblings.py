"""Sibling merging: the ASes of one organisation routed as one node.

CAIDA's relationship files hold no sibling links, but one organisation often runs several
ASes (CAIDA AS-organisations dataset). Gao (2001) models siblings as exporting every route
to each other, so a valley-free path may cross a sibling edge anywhere; CAIDA's AS-Rank
likewise counts an organisation's ASes as one. Without sibling links the simulator cuts
such paths: if AS A is a provider of X and A's sibling B peers with Y, X's routes never
reach Y. :func:`merge_siblings` contracts each sibling group into one node instead.

Rule (``docs/methods/routing.md``, "Siblings"):

* a group is the ASes of one ``org_id`` present in the graph, when there are two or more;
  it is represented by its **lowest ASN**;
* links between members are dropped; links to the outside are unioned;
* when members have different relationships with the same outside AS X, the group keeps
  the one it ranks highest in the Gao-Rexford order **customer > peer > provider** (X as
  the group's customer, else as its peer, else as its provider). In Gao's model a route
  member A learns from its customer X passes to sibling B as a customer route and B
  exports it to everyone, so X's routes are customer routes for the whole organisation;
* when both ends are merged groups and their members' links differ, no group's view can
  win and the link becomes a **peer** link (the symmetric relationship);
* the merge can close provider->customer cycles (A provides X, X provides B, siblings A
  and B); they are found with :func:`~crossroads.routing.find_p2c_cycles` and reported.

Example -- AS 1 provides AS 10; AS 2 (sibling of AS 1) peers with AS 20::

    >>> g = ASGraph.from_links([1, 2], [10, 20], [-1, 0])
    >>> m = merge_siblings(g, sibling_groups({1: "org", 2: "org"}, present=g))
    >>> m.graph.asns.tolist(), m.graph.customers_of(1).tolist(), m.graph.peers_of(1).tolist()
    ([1, 10, 20], [10], [20])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from crossroads.errors import DatasetMissingError
from crossroads.routing.arrays import unique
from crossroads.routing.cycles import find_p2c_cycles
from crossroads.routing.graph import ASGraph, _pair_key
from crossroads.store import Store

__all__ = ["SiblingMerge", "merge_siblings", "merged_from_store", "sibling_groups"]

# Merged-link codes over an ordered pair (lo < hi of the representatives).
_LO_PROVIDES, _PEER, _HI_PROVIDES = 1, 2, 4


@dataclass(frozen=True)
class SiblingMerge:
    """A graph with sibling groups contracted, and what the contraction did.

    ``representative`` maps every member of a merged group (representatives included)
    to its group's lowest ASN; ``internal_links`` counts the dropped member-member links,
    ``conflicts`` the merged links whose member links disagreed (resolved by the rule of
    the module docstring); ``cycles`` are the provider->customer cycles of the merged
    graph (sorted ASN lists) and ``created_cycles`` those the merge closed (no cycle of
    the input graph lies inside them).
    """

    graph: ASGraph
    representative: dict[int, int]
    groups: list[list[int]]
    internal_links: int
    conflicts: int
    cycles: list[list[int]]
    created_cycles: list[list[int]]

    def rep(self, asn: int) -> int:
        """The node that stands for ``asn`` in the merged graph (itself when unmerged)."""
        return self.representative.get(int(asn), int(asn))


def sibling_groups(
    asn_org: Mapping[int, str] | tuple[npt.ArrayLike, npt.ArrayLike],
    *,
    present: ASGraph | Iterable[int] | None = None,
) -> list[list[int]]:
    """ASNs grouped by organisation: groups of two or more ASNs, each sorted, sorted by
    their lowest ASN. ``asn_org`` is a mapping ASN -> org_id or two parallel arrays
    ``(asns, org_ids)``; with ``present`` (a graph or ASNs) only those ASNs count.
    Null or empty org_ids group nothing.

    >>> sibling_groups(([1, 2, 3, 7], ["a", "b", "a", "a"]), present=[1, 3, 5, 7])
    [[1, 3, 7]]
    """
    if isinstance(asn_org, Mapping):
        pairs: Iterable[tuple[object, object]] = asn_org.items()
    else:
        pairs = zip(_py_list(asn_org[0]), _py_list(asn_org[1]), strict=True)
    keep: set[int] | None = None
    if present is not None:
        arr = present.asns if isinstance(present, ASGraph) else np.fromiter(present, np.int64)
        keep = set(arr.tolist())
    by_org: dict[str, set[int]] = {}
    for asn, org in pairs:
        if org is None or org == "" or asn is None:
            continue
        if keep is not None and int(asn) not in keep:  # type: ignore[call-overload]
            continue
        by_org.setdefault(str(org), set()).add(int(asn))  # type: ignore[call-overload]
    return sorted(sorted(g) for g in by_org.values() if len(g) >= 2)


def merge_siblings(graph: ASGraph, groups: Iterable[Iterable[int]]) -> SiblingMerge:
    """``graph`` with each group of ``groups`` contracted into its lowest ASN (rule in the
    module docstring). An ASN in two groups, or not in the graph, is a ``ValueError`` /
    :class:`~crossroads.errors.UnknownASNError`."""
    lists = [sorted({int(a) for a in g}) for g in groups]
    merging = sorted(g for g in lists if len(g) >= 2)
    rep_of = _representatives(graph, merging)
    links = graph.links
    r1, r2 = rep_of[graph.indices_of(links.as1)], rep_of[graph.indices_of(links.as2)]
    internal = r1 == r2
    r1, r2, rel = r1[~internal], r2[~internal], links.rel[~internal]
    lo, hi = np.minimum(r1, r2), np.maximum(r1, r2)
    code = np.where(rel == 0, _PEER, np.where(r1 == lo, _LO_PROVIDES, _HI_PROVIDES))
    keys, inv = np.unique(_pair_key(lo, hi), return_inverse=True)
    seen = np.zeros(keys.shape[0], np.int8)
    np.bitwise_or.at(seen, inv, code.astype(np.int8))
    klo = (keys >> np.uint64(32)).astype(np.int64)
    khi = (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
    merged = np.isin(klo, [g[0] for g in merging]), np.isin(khi, [g[0] for g in merging])
    chosen, conflicts = _resolve(seen, *merged)
    as1 = np.where(chosen == _HI_PROVIDES, khi, klo)
    as2 = np.where(chosen == _HI_PROVIDES, klo, khi)
    out = ASGraph.from_links(
        as1, as2, np.where(chosen == _PEER, 0, -1).astype(np.int8),
        asns=unique(rep_of), provenance=graph.provenance,
    )
    representative = {a: g[0] for g in merging for a in g}
    cycles = find_p2c_cycles(out)
    before = [{representative.get(a, a) for a in c} for c in find_p2c_cycles(graph)] \
        if cycles else []
    created = [c for c in cycles if not any(b <= set(c) for b in before)]
    return SiblingMerge(
        graph=out,
        representative=representative,
        groups=merging,
        internal_links=int(internal.sum()),
        conflicts=conflicts,
        cycles=cycles,
        created_cycles=created,
    )


def merged_from_store(store: Store, graph: ASGraph) -> tuple[SiblingMerge, str]:
    """``graph`` merged by the organisations of the CAIDA as-org dataset loaded in
    ``store``, and that dataset's name; :class:`DatasetMissingError` when none is loaded."""
    from crossroads.sources.catalog import CATALOG

    names = ", ".join(s.name for s in CATALOG if s.kind == "as-org")
    missing = DatasetMissingError(
        f"no CAIDA as-org dataset loaded; run `crossroads fetch {names}` online",
        hint="sibling merging groups ASes by their CAIDA organisation; "
        "the public-data mirror has no as-org file",
    )
    if not store.settings.database.is_file():
        raise missing
    try:
        name = store.current("as-org")[0].name
    except DatasetMissingError:
        raise missing from None
    orgs = store.as_orgs()
    groups = sibling_groups((orgs.column("asn"), orgs.column("org_id")), present=graph)
    return merge_siblings(graph, groups), name


def _representatives(graph: ASGraph, groups: list[list[int]]) -> np.ndarray:
    """Per graph index, the ASN of the node standing for it (int64)."""
    rep = graph.asns.copy()
    claimed = np.zeros(graph.n, bool)
    for g in groups:
        idx = graph.indices_of(g)
        if claimed[idx].any():
            dup = int(graph.asns[idx[np.argmax(claimed[idx])]])
            raise ValueError(f"AS{dup} is in more than one sibling group")
        claimed[idx] = True
        rep[idx] = g[0]
    return rep


def _resolve(
    seen: np.ndarray, lo_merged: np.ndarray, hi_merged: np.ndarray
) -> tuple[np.ndarray, int]:
    """One relationship code per merged pair from the set of member codes ``seen``."""
    single = (seen & (seen - 1)) == 0
    # the group at lo ranks "hi is my customer" first; the group at hi the reverse
    lo_view = np.where(seen & _LO_PROVIDES, _LO_PROVIDES,
                       np.where(seen & _PEER, _PEER, _HI_PROVIDES))
    hi_view = np.where(seen & _HI_PROVIDES, _HI_PROVIDES,
                       np.where(seen & _PEER, _PEER, _LO_PROVIDES))
    mixed = np.where(lo_merged & hi_merged, _PEER, np.where(lo_merged, lo_view, hi_view))
    return np.where(single, seen, mixed).astype(np.int8), int((~single).sum())


def _py_list(values: npt.ArrayLike) -> list[object]:
    if hasattr(values, "to_pylist"):
        return list(values.to_pylist())  # pyarrow arrays
    return list(np.asarray(values, dtype=object).tolist())
