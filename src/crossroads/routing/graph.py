"""The AS graph as arrays: one CSR adjacency per business relationship.

An :class:`ASGraph` is built once from a list of links (CAIDA convention: ``rel == -1``
means ``as1`` is a provider of ``as2``; ``rel == 0`` means the two are peers) and then read
by the propagation kernels. AS numbers are mapped to dense indices ``0..N-1`` in ascending
ASN order, so "lowest index" and "lowest ASN" are the same tie-break.

Cleaning rule for the links handed to :meth:`ASGraph.from_links` (documented in
``docs/methods/routing.md``):

* a self-loop (``as1 == as2``) is dropped;
* a pair of ASes listed more than once keeps its **first** listing, in input order; later
  listings of the same unordered pair (exact duplicates, the reversed direction or a
  different relationship) are dropped. The count of dropped rows is kept in
  :attr:`ASGraph.dropped_links`;
* a relationship other than -1 or 0, or an ASN outside ``0..2**32-1``, is a
  :class:`ValueError` (readers reject such lines earlier, naming file and line).

The graph keeps its cleaned link list (:attr:`ASGraph.links`) so that the what-if edits
(:meth:`~ASGraph.without_ases`, :meth:`~ASGraph.without_links`, :meth:`~ASGraph.with_links`)
are array filters (the removals filter the adjacency arrays in place of a rebuild: tens of
milliseconds at Internet scale; adding links rebuilds them, well under a second).

Example (AS 1 provides AS 2 and AS 3; AS 2 and AS 3 peer)::

    >>> g = ASGraph.from_links([1, 1, 2], [2, 3, 3], [-1, -1, 0])
    >>> g.asns.tolist(), g.customers_of(1).tolist(), g.peers_of(2).tolist()
    ([1, 2, 3], [2, 3], [3])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from crossroads.errors import UnknownASNError
from crossroads.provenance import Provenance
from crossroads.routing.arrays import union

__all__ = ["ASGraph", "Links"]

_MAX_ASN = 2**32 - 1

ArrayLike = npt.ArrayLike


@dataclass(frozen=True)
class Links:
    """A cleaned link list in CAIDA convention, by ASN.

    ``rel[i] == -1``: ``as1[i]`` is a provider of ``as2[i]``; ``rel[i] == 0``: peers.
    """

    as1: np.ndarray  # int64
    as2: np.ndarray  # int64
    rel: np.ndarray  # int8

    def __len__(self) -> int:
        return int(self.as1.shape[0])


@dataclass(frozen=True)
class ASGraph:
    """AS-level graph with one CSR adjacency per relationship, int32 indices.

    Row ``i`` of ``prov_*`` lists the providers of AS index ``i``, ``cust_*`` its customers,
    ``peer_*`` its peers; each row is sorted by index (= by ASN).
    """

    asns: np.ndarray  # int64, sorted ascending; index -> ASN
    prov_ptr: np.ndarray  # int64, length N+1
    prov_idx: np.ndarray  # int32
    cust_ptr: np.ndarray
    cust_idx: np.ndarray
    peer_ptr: np.ndarray
    peer_idx: np.ndarray
    links: Links
    dropped_links: int = 0
    provenance: Provenance | None = None  # the snapshot it was read from; kept by edits

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_links(
        cls,
        as1: ArrayLike,
        as2: ArrayLike,
        rel: ArrayLike,
        *,
        asns: ArrayLike | None = None,
        provenance: Provenance | None = None,
    ) -> ASGraph:
        """Build a graph from parallel link columns (lists, numpy or pyarrow arrays).

        ``asns`` optionally adds ASes that have no link (they stay isolated: they reach
        only themselves); every link endpoint is always part of the graph.
        """
        a = _as_int64(as1)
        b = _as_int64(as2)
        r = np.asarray(rel).astype(np.int8, copy=False)
        if not (a.shape == b.shape == r.shape):
            raise ValueError(f"link columns differ in length: {a.shape}, {b.shape}, {r.shape}")
        _check_values(a, b, r)
        links, dropped = _clean(a, b, r)
        extra = _as_int64(asns) if asns is not None else np.empty(0, np.int64)
        if extra.size and (extra.min() < 0 or extra.max() > _MAX_ASN):
            raise ValueError("ASN outside 0..2**32-1 in asns")
        return cls._from_clean(links, extra, dropped, provenance)

    @classmethod
    def _from_clean(
        cls,
        links: Links,
        extra: np.ndarray,
        dropped: int = 0,
        provenance: Provenance | None = None,
    ) -> ASGraph:
        nodes = union(links.as1, links.as2, extra)
        n = int(nodes.shape[0])
        ia = np.searchsorted(nodes, links.as1).astype(np.int32)
        ib = np.searchsorted(nodes, links.as2).astype(np.int32)
        p2c = links.rel == -1
        peer = ~p2c
        prov_ptr, prov_idx = _csr(ib[p2c], ia[p2c], n)  # row: customer, col: its provider
        cust_ptr, cust_idx = _csr(ia[p2c], ib[p2c], n)  # row: provider, col: its customer
        pa, pb = ia[peer], ib[peer]
        peer_ptr, peer_idx = _csr(np.concatenate([pa, pb]), np.concatenate([pb, pa]), n)
        return cls(
            asns=nodes,
            prov_ptr=prov_ptr,
            prov_idx=prov_idx,
            cust_ptr=cust_ptr,
            cust_idx=cust_idx,
            peer_ptr=peer_ptr,
            peer_idx=peer_idx,
            links=links,
            dropped_links=dropped,
            provenance=provenance,
        )

    # ---------------------------------------------------------------- lookup
    @property
    def n(self) -> int:
        """Number of ASes."""
        return int(self.asns.shape[0])

    def __len__(self) -> int:
        return self.n

    @property
    def adjacency(
        self,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(prov_ptr, prov_idx, cust_ptr, cust_idx, peer_ptr, peer_idx)``, kernel order."""
        return (
            self.prov_ptr,
            self.prov_idx,
            self.cust_ptr,
            self.cust_idx,
            self.peer_ptr,
            self.peer_idx,
        )

    def index_of(self, asn: int) -> int:
        """The index of ``asn``; :class:`UnknownASNError` when the graph lacks it."""
        i = int(np.searchsorted(self.asns, asn))
        if i >= self.n or int(self.asns[i]) != int(asn):
            raise UnknownASNError(
                f"AS{asn} is not in the AS graph ({self.n:,} ASes)",
                hint="check the number, or the date of the relationship snapshot",
            )
        return i

    def indices_of(self, asns: Iterable[int] | np.ndarray) -> np.ndarray:
        """Indices (int32) of several ASNs; :class:`UnknownASNError` names the first unknown."""
        arr = _as_int64(list(asns) if not isinstance(asns, np.ndarray) else asns)
        idx = np.searchsorted(self.asns, arr)
        safe = np.minimum(idx, max(self.n - 1, 0))
        bad = (idx >= self.n) | (self.asns[safe] != arr) if self.n else np.ones(arr.shape, bool)
        if bad.any():
            self.index_of(int(arr[np.argmax(bad)]))  # raises with the message
        return idx.astype(np.int32)

    def providers_of(self, asn: int) -> np.ndarray:
        """Providers of ``asn``, as ASNs."""
        i = self.index_of(asn)
        return self.asns[self.prov_idx[self.prov_ptr[i] : self.prov_ptr[i + 1]]]

    def customers_of(self, asn: int) -> np.ndarray:
        """Customers of ``asn``, as ASNs."""
        i = self.index_of(asn)
        return self.asns[self.cust_idx[self.cust_ptr[i] : self.cust_ptr[i + 1]]]

    def peers_of(self, asn: int) -> np.ndarray:
        """Peers of ``asn``, as ASNs."""
        i = self.index_of(asn)
        return self.asns[self.peer_idx[self.peer_ptr[i] : self.peer_ptr[i + 1]]]

    # ---------------------------------------------------------------- what-if edits
    @cached_property
    def link_ends(self) -> tuple[np.ndarray, np.ndarray]:
        """AS indices of both ends of every link of :attr:`links` (computed once)."""
        return (np.searchsorted(self.asns, self.links.as1),
                np.searchsorted(self.asns, self.links.as2))

    def without_ases(self, asns: Iterable[int]) -> ASGraph:
        """The graph with every link of ``asns`` removed.

        The ASes themselves stay (isolated), so indices are unchanged and routes computed on
        the edited graph compare element-wise with the baseline. Unknown ASNs raise.
        """
        gone = np.zeros(self.n, bool)
        gone[self.indices_of(asns)] = True
        ia, ib = self.link_ends
        keep = ~(gone[ia] | gone[ib])

        def drop(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
            return gone[rows] | gone[cols]

        return self._filtered(keep, drop)

    def without_links(self, pairs: Iterable[tuple[int, int]]) -> ASGraph:
        """The graph without the links between each ``(a, b)`` pair (either order).

        ASes stay, so indices are unchanged. A pair that is not a link is ignored.
        """
        arr = np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2)
        gone = _pair_key(arr[:, 0], arr[:, 1])
        keep = ~np.isin(_pair_key(self.links.as1, self.links.as2), gone)

        def drop(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
            return np.isin(_pair_key(self.asns[rows], self.asns[cols]), gone)

        return self._filtered(keep, drop)

    def with_links(self, as1: ArrayLike, as2: ArrayLike, rel: ArrayLike) -> ASGraph:
        """The graph with links added (or re-typed): new listings win over existing ones.

        New ASes get indices, which shifts the indices of higher ASNs; compare by ASN then.
        """
        a, b = _as_int64(as1), _as_int64(as2)
        r = np.asarray(rel).astype(np.int8, copy=False)
        _check_values(a, b, r)
        links, _ = _clean(
            np.concatenate([a, self.links.as1]),
            np.concatenate([b, self.links.as2]),
            np.concatenate([r, self.links.rel]),
        )
        return ASGraph._from_clean(links, self.asns, self.dropped_links, self.provenance)

    def _filtered(
        self, keep: np.ndarray, drop: Callable[[np.ndarray, np.ndarray], np.ndarray]
    ) -> ASGraph:
        """The graph with the links ``keep`` (bool per link) and, in every adjacency, the
        entries ``drop(rows, cols)`` (index arrays) removed: the same arrays a rebuild
        from the kept links gives (rows stay sorted), without the sorts."""
        links = Links(self.links.as1[keep], self.links.as2[keep], self.links.rel[keep])
        adj = [_csr_without(ptr, idx, drop) for ptr, idx in (
            (self.prov_ptr, self.prov_idx), (self.cust_ptr, self.cust_idx),
            (self.peer_ptr, self.peer_idx))]
        return ASGraph(self.asns, *adj[0], *adj[1], *adj[2], links=links,
                       dropped_links=self.dropped_links, provenance=self.provenance)


# -------------------------------------------------------------------- private helpers
def _as_int64(values: ArrayLike | Sequence[int]) -> np.ndarray:
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy(zero_copy_only=False)  # pyarrow arrays / chunked arrays
    return np.asarray(values).astype(np.int64, copy=False).ravel()


def _check_values(a: np.ndarray, b: np.ndarray, r: np.ndarray) -> None:
    if a.size == 0:
        return
    bad = ~np.isin(r, (-1, 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"link {i} (AS{a[i]}-AS{b[i]}): relationship {r[i]} is not -1 or 0")
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    if lo < 0 or hi > _MAX_ASN:
        raise ValueError(f"ASN outside 0..2**32-1 in links (min {lo}, max {hi})")


def _pair_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An order-free uint64 key per AS pair: (min << 32) | max."""
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def _clean(a: np.ndarray, b: np.ndarray, r: np.ndarray) -> tuple[Links, int]:
    """Drop self-loops, then keep the first listing of each unordered pair."""
    loop = a == b
    a, b, r = a[~loop], b[~loop], r[~loop]
    _, first = np.unique(_pair_key(a, b), return_index=True)
    first.sort()  # keep input order: stable, reproducible link lists
    dropped = int(loop.sum()) + int(a.shape[0] - first.shape[0])
    return Links(a[first], b[first], r[first]), dropped


def _csr_without(
    ptr: np.ndarray, idx: np.ndarray, drop: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The CSR ``(ptr, idx)`` without the entries ``drop(rows, cols)`` marks."""
    rows = np.repeat(np.arange(ptr.shape[0] - 1, dtype=np.int64), np.diff(ptr))
    keep = ~drop(rows, idx)
    out = np.zeros_like(ptr)
    np.cumsum(np.bincount(rows[keep], minlength=ptr.shape[0] - 1), out=out[1:])
    return out, idx[keep]


def _csr(rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR (ptr int64, idx int32) of the directed pairs, each row sorted by column."""
    order = np.argsort(rows.astype(np.int64) * max(n, 1) + cols, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
    return ptr, cols[order].astype(np.int32)
