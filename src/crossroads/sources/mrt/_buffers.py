"""The flat arrays the record walkers write into: output batches, scratch and the peer table.

Kept free of numba so the compiled walker (``_cwalk``) runs without importing it. A batch
(:class:`Out`) is one value per route plus value arrays with end offsets for the list
columns (AS path, path segments, communities, large communities); ``cnt`` holds the fill
counts. :class:`Scratch` holds one route's decoded attributes; :class:`Peers` interns peers
so a route stores one int32 peer id, not an address.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pyarrow as pa

__all__ = ["Out", "Peers", "Scratch", "new_out", "new_peers", "new_scratch"]

KIND_ANNOUNCE, KIND_WITHDRAW, KIND_RIB, KIND_STATE = 0, 1, 2, 3
KIND_NAMES = ("announce", "withdraw", "rib", "state")

# slots of Out.cnt
C_ROWS, C_VALS, C_SEGS, C_COMM, C_LCOMM, C_FULL = 0, 1, 2, 3, 4, 5

AV_SIZE = 20  # slots of Scratch.av (named in attributes.py)

Out = namedtuple(
    "Out",
    [
        "cnt",  # int64[6]
        "rec", "ts", "peer", "kind", "afi", "pfx", "plen", "path_id", "has_pid", "safi",
        "path_end", "vals", "seg_end", "seg_type", "seg_len",
        "nh_afi", "nh", "origin", "comm_end", "comm", "lcomm_end", "lcomm",
        "old_state", "new_state",
    ],
)

Peers = namedtuple("Peers", ["state", "ip", "afi", "asn", "pit"])
# Peers.state: [distinct peers, last hit, TABLE_DUMP_V2 peer-index entries (-1: none yet)]

Scratch = namedtuple(
    "Scratch",
    [
        "av",  # int64[AV_SIZE]
        "raw_asn", "raw_type", "raw_len",  # AS_PATH as read
        "as4_asn", "as4_type", "as4_len",  # AS4_PATH
        "asn", "seg_type", "seg_len",  # the final path
        "comm", "lcomm",
    ],
)


def new_out(rows: int, vals: int | None = None) -> Out:
    """Empty buffers for ``rows`` routes and ``vals`` AS path members (default 12 per route).

    Uninitialised: the walkers write every per-row field of every row they count, and value
    arrays up to their counts. Drawn from Arrow's memory pool, which keeps freed memory:
    a batch's buffers become its Arrow arrays, and once the consumer drops the batch the
    next one reuses the same pages instead of faulting in fresh zeroed ones (numpy's
    allocations go back to the OS; that cost ~8 ms per batch).
    """
    vals = vals if vals is not None else 12 * rows
    segs = max(rows * 2, 1024)
    e = _empty
    return Out(
        np.zeros(6, np.int64),
        e(rows, np.int64), e(rows, np.int64), e(rows, np.int32),
        e(rows, np.int8), e(rows, np.uint8), e((rows, 16), np.uint8),
        e(rows, np.uint8), e(rows, np.uint32), e(rows, np.bool_),
        e(rows, np.uint8),
        e(rows, np.int64), e(vals, np.uint32),
        e(rows, np.int64), e(segs, np.uint8), e(segs, np.uint16),
        e(rows, np.uint8), e((rows, 16), np.uint8), e(rows, np.uint8),
        e(rows, np.int64), e(vals, np.uint32),
        e(rows, np.int64), e(max(rows, 1024) * 3, np.uint32),
        e(rows, np.uint16), e(rows, np.uint16),
    )


def _empty(shape: int | tuple[int, int], dtype: type) -> np.ndarray:
    n = int(np.prod(shape))
    buf = pa.allocate_buffer(max(n, 1) * np.dtype(dtype).itemsize)
    return np.frombuffer(buf, dtype, count=n).reshape(shape)


def new_peers(size: int = 65536) -> Peers:
    """An empty per-file peer table."""
    state = np.zeros(3, np.int64)
    state[2] = -1
    return Peers(
        state, np.zeros((size, 16), np.uint8), np.zeros(size, np.uint8),
        np.zeros(size, np.uint32), np.zeros(65536, np.int32),
    )


def new_scratch(size: int = 65536) -> Scratch:
    """Scratch arrays big enough for any attribute block (lengths are 16-bit)."""
    return Scratch(
        np.full(AV_SIZE, -1, np.int64),
        np.zeros(size, np.uint32), np.zeros(size, np.uint8), np.zeros(size, np.uint16),
        np.zeros(size, np.uint32), np.zeros(size, np.uint8), np.zeros(size, np.uint16),
        np.zeros(size, np.uint32), np.zeros(size, np.uint8), np.zeros(size, np.uint16),
        np.zeros(size, np.uint32), np.zeros(3 * size, np.uint32),
    )
