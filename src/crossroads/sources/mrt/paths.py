"""AS path cleaning and full-feed peer detection over ``list<uint32>`` columns, in numpy.

Every metric reads AS paths through these helpers so that the same rules apply everywhere:

* prepending removed: consecutive repeats of an AS collapse to one (``1 2 2 3`` -> ``1 2 3``);
* loops flagged: after prepending removal an AS that still occurs twice (``1 2 1``);
* private or reserved ASNs flagged (IANA "Special-Purpose AS Numbers" registry, RFC 6996,
  RFC 7300, RFC 5398, RFC 6793): 0, 23456 (AS_TRANS), 64496-64511 and 65536-65551
  (documentation), 64512-65534 and 4200000000-4294967294 (private use), 65535 and
  4294967295 (last ASNs), 65552-131071 (reserved);
* AS sets explicit: :func:`has_as_set` reads the ``as_path_segments`` column.

Full-feed peers: a peer that sends more than 600,000 distinct IPv4 or 80,000 IPv6 prefixes
(thresholds configurable) sees the whole Internet, not just its customers' routes.

Example: ``remove_prepending(pa.array([[1, 2, 2, 3], [5, 5]], pa.list_(pa.uint32())))``
is ``[[1, 2, 3], [5]]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "FullFeedThresholds",
    "flag_loops",
    "flag_private_or_reserved",
    "full_feed_peers",
    "has_as_set",
    "is_private_or_reserved",
    "remove_prepending",
]

_RESERVED_RANGES = (
    (0, 0), (23456, 23456), (64496, 64511), (64512, 65534), (65535, 65535),
    (65536, 65551), (65552, 131071), (4200000000, 4294967294), (4294967295, 4294967295),
)


def _parts(paths: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(offsets int64 starting at 0, values uint32) of a list<uint32> column."""
    arr = paths.combine_chunks() if isinstance(paths, pa.ChunkedArray) else paths
    if arr.null_count:
        arr = pc.fill_null(arr, pa.scalar([], arr.type))
    off = np.asarray(arr.offsets, dtype=np.int64)
    vals = np.asarray(arr.values, dtype=np.uint32)[off[0] : off[-1]]
    return off - off[0], vals


def _row_ids(off: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(off.shape[0] - 1), np.diff(off))


def remove_prepending(paths: pa.Array | pa.ChunkedArray) -> pa.ListArray:
    """Each path with consecutive repeats of an AS collapsed to one."""
    off, vals = _parts(paths)
    keep = np.ones(vals.shape[0], np.bool_)
    keep[1:] = vals[1:] != vals[:-1]
    keep[off[:-1][np.diff(off) > 0]] = True  # a row's first AS is always kept
    ck = np.concatenate(([0], np.cumsum(keep)))
    return pa.ListArray.from_arrays(pa.array(ck[off].astype(np.int32)), pa.array(vals[keep]))


def flag_loops(paths: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where an AS occurs twice in a path once prepending is removed."""
    off, vals = _parts(remove_prepending(paths))
    rows = _row_ids(off)
    order = np.lexsort((vals, rows))
    r, v = rows[order], vals[order]
    dup = (r[1:] == r[:-1]) & (v[1:] == v[:-1])
    flags = np.zeros(off.shape[0] - 1, np.bool_)
    flags[r[1:][dup]] = True
    return flags


def is_private_or_reserved(asns: np.ndarray) -> np.ndarray:
    """Elementwise: the AS number is private-use, documentation, reserved or AS_TRANS."""
    a = np.asarray(asns, dtype=np.int64)
    out = np.zeros(a.shape, np.bool_)
    for lo, hi in _RESERVED_RANGES:
        out |= (a >= lo) & (a <= hi)
    return out


def flag_private_or_reserved(paths: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where a path holds at least one private or reserved AS number."""
    off, vals = _parts(paths)
    hits = np.bincount(_row_ids(off), weights=is_private_or_reserved(vals),
                       minlength=off.shape[0] - 1)
    return hits > 0


def has_as_set(segments: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where a path has an AS_SET or AS_CONFED_SET segment (``as_path_segments``)."""
    arr = segments.combine_chunks() if isinstance(segments, pa.ChunkedArray) else segments
    off = np.asarray(arr.offsets, dtype=np.int64)
    types = np.asarray(arr.values.field("type"), dtype=np.uint8)[off[0] : off[-1]]
    off = off - off[0]
    is_set = (types == 1) | (types == 4)
    return np.bincount(_row_ids(off), weights=is_set, minlength=off.shape[0] - 1) > 0


@dataclass(frozen=True)
class FullFeedThresholds:
    """Distinct-prefix counts above which a peer is a full feed (RIPE RIS's rule of thumb)."""

    ipv4: int = 600_000
    ipv6: int = 80_000


def full_feed_peers(
    routes: pa.Table, *, thresholds: FullFeedThresholds = FullFeedThresholds()
) -> pa.Table:
    """Per (peer_ip, peer_asn): distinct IPv4 and IPv6 prefixes announced and ``full_feed``.

    Counts RIB and announce rows (withdrawals and state changes carry no route).
    """
    kinds = routes.column("type")
    routed = routes.filter(pc.is_in(kinds, pa.array(["rib", "announce"])))
    v6 = pc.match_substring(routed.column("prefix"), ":")
    t = pa.table({
        "peer_ip": routed.column("peer_ip"), "peer_asn": routed.column("peer_asn"),
        "p4": pc.if_else(v6, None, routed.column("prefix")),
        "p6": pc.if_else(v6, routed.column("prefix"), None),
    })
    g = t.group_by(["peer_ip", "peer_asn"]).aggregate(
        [("p4", "count_distinct", pc.CountOptions("only_valid")),
         ("p6", "count_distinct", pc.CountOptions("only_valid"))]
    )
    n4 = g.column("p4_count_distinct").cast(pa.int64())
    n6 = g.column("p6_count_distinct").cast(pa.int64())
    full = pc.or_(pc.greater(n4, thresholds.ipv4), pc.greater(n6, thresholds.ipv6))
    return pa.table({
        "peer_ip": g.column("peer_ip"), "peer_asn": g.column("peer_asn"),
        "ipv4_prefixes": n4, "ipv6_prefixes": n6, "full_feed": full,
    }).sort_by([("peer_asn", "ascending"), ("peer_ip", "ascending")])
