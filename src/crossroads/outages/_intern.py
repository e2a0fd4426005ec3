"""Global integer ids for the peers, prefixes and ASes of a route stream.

Routes arrive as Arrow columns of the MRT schema (strings for peers and prefixes). Each
batch is dictionary-encoded by Arrow; only the batch's *distinct* strings go through a
Python dict, so the cost per route is a numpy gather, not a Python call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Interner", "Routes", "routes_from_arrow"]

KIND_ANNOUNCE, KIND_WITHDRAW, KIND_RIB, KIND_STATE, KIND_DOWN = 0, 1, 2, 3, 4
_KIND_CODES = {"announce": KIND_ANNOUNCE, "withdraw": KIND_WITHDRAW, "rib": KIND_RIB,
               "state": KIND_STATE}
ESTABLISHED = 6  # BGP FSM state (RFC 4271 §8.2.2), as MRT state-change records number it


def _grow(a: np.ndarray, n: int, fill: int | float = 0) -> np.ndarray:
    if n <= a.shape[0]:
        return a
    out = np.full(max(n, 2 * a.shape[0], 16), fill, dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


class Interner:
    """Strings to dense ids, with per-prefix facts (family, IPv4 interval) kept in arrays."""

    def __init__(self) -> None:
        self.peer_ids: dict[str, int] = {}
        self.peers: list[str] = []
        self.prefix_ids: dict[str, int] = {}
        self.family = np.zeros(0, np.int8)  # 4 or 6
        self.lo = np.zeros(0, np.int64)  # IPv4 first address (0 for IPv6)
        self.hi = np.zeros(0, np.int64)  # IPv4 end address, exclusive
        self.asn_ids: dict[int, int] = {}
        self.asns: list[int] = []

    @property
    def n_prefixes(self) -> int:
        return len(self.prefix_ids)

    def peer(self, name: str) -> int:
        """The id of peer ``name`` (its address), added when new."""
        i = self.peer_ids.get(name)
        if i is None:
            i = self.peer_ids[name] = len(self.peers)
            self.peers.append(name)
        return i

    def asn(self, values: np.ndarray) -> np.ndarray:
        """Ids of AS numbers (``-1`` for missing, given as negative)."""
        uniq, inv = np.unique(values, return_inverse=True)
        ids = np.empty(uniq.shape[0], np.int32)
        for k, a in enumerate(uniq.tolist()):
            if a < 0:
                ids[k] = -1
                continue
            i = self.asn_ids.get(a)
            if i is None:
                i = self.asn_ids[a] = len(self.asns)
                self.asns.append(a)
            ids[k] = i
        return ids[inv.reshape(-1)]

    def prefixes(self, column: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Ids of a string column of prefixes (``-1`` for nulls)."""
        enc = pc.dictionary_encode(column)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        words = enc.dictionary.to_pylist()
        ids = np.empty(len(words), np.int32)
        new: list[str] = []
        for k, w in enumerate(words):
            i = self.prefix_ids.get(w)
            if i is None:
                i = self.prefix_ids[w] = len(self.prefix_ids)
                new.append(w)
            ids[k] = i
        if new:
            self._describe(new)
        idx = enc.indices.to_numpy(zero_copy_only=False)
        if not words:
            return np.full(len(enc), -1, np.int32)
        if enc.indices.null_count:
            mask = enc.indices.is_null().to_numpy(zero_copy_only=False)
            out = np.where(mask, -1, ids[np.where(mask, 0, idx).astype(np.int64)])
            return out.astype(np.int32)
        return ids[idx.astype(np.int64)]

    def _describe(self, new: list[str]) -> None:
        """Family and IPv4 interval of new prefixes, parsed by Arrow string kernels."""
        start = self.n_prefixes - len(new)
        n = self.n_prefixes
        self.family = _grow(self.family, n)
        self.lo = _grow(self.lo, n)
        self.hi = _grow(self.hi, n)
        arr = pa.array(new, pa.string())
        v6 = pc.match_substring(arr, ":").to_numpy(zero_copy_only=False)
        self.family[start:n] = np.where(v6, 6, 4)
        v4 = np.flatnonzero(~v6)
        if v4.size == 0:
            return
        parts = pc.split_pattern(arr.take(pa.array(v4)), "/")
        addr = pc.list_element(parts, 0)
        length = pc.cast(pc.list_element(parts, 1), pa.int64()).to_numpy(zero_copy_only=False)
        octets = pc.cast(pc.list_flatten(pc.split_pattern(addr, ".")), pa.int64())
        o = octets.to_numpy(zero_copy_only=False).reshape(-1, 4)
        first = (o[:, 0] << 24) | (o[:, 1] << 16) | (o[:, 2] << 8) | o[:, 3]
        self.lo[start + v4] = first
        self.hi[start + v4] = first + (np.int64(1) << (32 - length))


@dataclass(frozen=True)
class Routes:
    """One batch of routes as id arrays (row order = input order)."""

    ts: np.ndarray  # int64 microseconds since the epoch, UTC
    peer: np.ndarray  # int32
    kind: np.ndarray  # int8: KIND_*
    prefix: np.ndarray  # int32, -1 for state rows
    origin: np.ndarray  # int32 AS id, -1 when unknown

    @property
    def size(self) -> int:
        return int(self.ts.shape[0])

    def take(self, idx: np.ndarray | slice) -> Routes:
        return Routes(self.ts[idx], self.peer[idx], self.kind[idx], self.prefix[idx],
                      self.origin[idx])


def routes_from_arrow(table: pa.Table | pa.RecordBatch, intern: Interner) -> Routes:
    """Id arrays of a table with the MRT columns ``timestamp, peer_ip, type, prefix,
    origin_asn`` (and ``old_state, new_state``: a state row leaving Established becomes a
    session-down row that clears the peer's routes)."""
    n = table.num_rows
    ts = pc.cast(table.column("timestamp"), pa.int64()).to_numpy(zero_copy_only=False)
    peer_enc = pc.dictionary_encode(table.column("peer_ip"))
    if isinstance(peer_enc, pa.ChunkedArray):
        peer_enc = peer_enc.combine_chunks()
    peer_map = np.array([intern.peer(p or "") for p in peer_enc.dictionary.to_pylist()],
                        np.int32)
    peer = peer_map[peer_enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)] \
        if n else np.zeros(0, np.int32)
    kind_enc = pc.dictionary_encode(table.column("type"))
    if isinstance(kind_enc, pa.ChunkedArray):
        kind_enc = kind_enc.combine_chunks()
    kind_map = np.array([_KIND_CODES.get(k, KIND_STATE) for k in kind_enc.dictionary.to_pylist()],
                        np.int8)
    kind = kind_map[kind_enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)] \
        if n else np.zeros(0, np.int8)
    if "new_state" in table.column_names and n:
        new_state = table.column("new_state").fill_null(ESTABLISHED).to_numpy(
            zero_copy_only=False)
        kind = np.where((kind == KIND_STATE) & (new_state != ESTABLISHED), KIND_DOWN, kind)
    prefix = intern.prefixes(table.column("prefix")) if n else np.zeros(0, np.int32)
    origin_raw = pc.cast(table.column("origin_asn"), pa.int64()).fill_null(-1)
    origin = intern.asn(origin_raw.to_numpy(zero_copy_only=False)) if n \
        else np.zeros(0, np.int32)
    return Routes(ts.astype(np.int64), peer, kind.astype(np.int8), prefix, origin)
