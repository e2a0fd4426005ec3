"""The Arrow schema of parsed MRT routes and the conversion of output buffers to record batches.

One row per route (a RIB entry, an announced or withdrawn prefix) or per session state
change. List columns are built from the flat value arrays and their end offsets; strings
(addresses, prefixes) are written by the walker's formatter into one UTF-8 buffer. No Python
object is created per row.

Columns: ``timestamp`` (UTC, microseconds; the dump time for RIB rows), ``collector``,
``peer_ip``, ``peer_asn``, ``type`` (announce / withdraw / rib / state), ``prefix``,
``path_id`` (ADD-PATH only), ``safi`` (1 unicast, 2 multicast, 3 both), ``as_path`` (every
AS of every segment in wire order, after AS4_PATH merging), ``as_path_segments`` (type 1
AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET, and member count, so sets stay
explicit), ``origin_asn`` (last AS of a final sequence or a one-member set; null for a
multi-member final set or an empty path), ``origin`` (ORIGIN attribute 0 IGP, 1 EGP,
2 INCOMPLETE), ``next_hop``, ``communities`` (RFC 1997 value ``asn << 16 | value``),
``large_communities`` (RFC 8092 triples), ``old_state``/``new_state`` (state rows),
``record`` (0-based MRT record number in the file).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crossroads.sources.mrt._backends import Kernels
from crossroads.sources.mrt._buffers import C_LCOMM, C_ROWS, KIND_NAMES, KIND_STATE, Out, Peers

__all__ = ["SCHEMA", "to_record_batch"]

SEGMENT = pa.struct([("type", pa.uint8()), ("length", pa.uint16())])
SCHEMA = pa.schema(
    [
        ("timestamp", pa.timestamp("us", tz="UTC")),
        ("collector", pa.string()),
        ("peer_ip", pa.string()),
        ("peer_asn", pa.uint32()),
        ("type", pa.string()),
        ("prefix", pa.string()),
        ("path_id", pa.uint32()),
        ("safi", pa.uint8()),
        ("as_path", pa.list_(pa.uint32())),
        ("as_path_segments", pa.list_(SEGMENT)),
        ("origin_asn", pa.uint32()),
        ("origin", pa.uint8()),
        ("next_hop", pa.string()),
        ("communities", pa.list_(pa.uint32())),
        ("large_communities", pa.list_(pa.list_(pa.uint32(), 3))),
        ("old_state", pa.uint16()),
        ("new_state", pa.uint16()),
        ("record", pa.int64()),
    ]
)


def _bitmap(valid: np.ndarray | None, n: int) -> tuple[pa.Buffer | None, int]:
    if valid is None:
        return None, 0
    nulls = int(n - np.count_nonzero(valid))
    return (pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None), nulls


def _prim(values: np.ndarray, typ: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """A zero-copy Arrow array over ``values`` (``pa.array`` would import pandas)."""
    n = values.shape[0]
    bitmap, nulls = _bitmap(valid, n)
    data = pa.py_buffer(np.ascontiguousarray(values))
    return pa.Array.from_buffers(typ, n, [bitmap, data], null_count=nulls)


def _string_array(n: int, offs: np.ndarray, chars: np.ndarray,
                  valid: np.ndarray | None = None) -> pa.Array:
    bitmap, nulls = _bitmap(valid, n)
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offs), pa.py_buffer(np.ascontiguousarray(chars)), bitmap, nulls
    )


def _strings(k: Kernels, afi: np.ndarray, addr: np.ndarray, plen: np.ndarray,
             with_len: bool) -> pa.Array:
    offs, chars, valid = k.format_addresses(afi, addr, plen, with_len)
    return _string_array(afi.shape[0], offs, chars, valid)


def _take(k: Kernels, names: list[bytes], idx: np.ndarray) -> pa.Array:
    """A string column holding ``names[idx[i]]`` (a small table, gathered by the kernel)."""
    offs = np.zeros(len(names) + 1, np.int32)
    offs[1:] = np.cumsum([len(x) for x in names])
    chars = np.frombuffer(b"".join(names), np.uint8)
    o, c = k.gather_strings(offs, chars, idx)
    return _string_array(idx.shape[0], o, c)


def _constant(text: str | None, n: int) -> pa.Array:
    if text is None:
        return pa.nulls(n, pa.string())
    raw = text.encode()
    offs = np.arange(n + 1, dtype=np.int32) * len(raw)
    return _string_array(n, offs, np.frombuffer(raw * n, np.uint8))


def _list(ends: np.ndarray, values: pa.Array) -> pa.Array:
    o = np.zeros(ends.shape[0] + 1, np.int32)
    o[1:] = ends
    return pa.ListArray.from_arrays(_prim(o, pa.int32()), values)


def to_record_batch(out: Out, peers: Peers, collector: str | None,
                    k: Kernels) -> pa.RecordBatch:
    """The first ``out.cnt[C_ROWS]`` routes of ``out`` as a record batch of :data:`SCHEMA`.

    The batch shares memory with ``out``: do not reuse ``out`` afterwards.
    """
    n = int(out.cnt[C_ROWS])
    sl = slice(0, n)
    npeer = int(peers.state[0])
    peer_offs, peer_chars, _ = k.format_addresses(
        peers.afi[:npeer], peers.ip[:npeer], peers.afi[:npeer], False)
    peer = out.peer[sl]
    kind = out.kind[sl]
    state = kind == KIND_STATE
    path_end = out.path_end[sl]
    seg_end = out.seg_end[sl]
    vals = out.vals[: int(path_end[-1]) if n else 0]
    segs = int(seg_end[-1]) if n else 0
    # origin AS: last member of a final AS_SEQUENCE or of a one-member final AS_SET
    nseg = np.diff(seg_end, prepend=0)
    last = np.maximum(seg_end - 1, 0)
    ltype = out.seg_type[last]
    llen = out.seg_len[last]
    has_origin = (nseg > 0) & ((ltype == 2) | ((ltype == 1) & (llen == 1)))
    origin_asn = np.where(has_origin, out.vals[np.maximum(path_end - 1, 0)], 0).astype(
        np.uint32) if n else np.zeros(0, np.uint32)
    u8, u16, u32 = pa.uint8(), pa.uint16(), pa.uint32()
    seg_struct = pa.StructArray.from_arrays(
        [_prim(out.seg_type[:segs], u8), _prim(out.seg_len[:segs], u16)], fields=list(SEGMENT)
    )
    lc_vals = out.lcomm[: int(out.cnt[C_LCOMM])]
    lcomm = pa.FixedSizeListArray.from_arrays(_prim(lc_vals, u32), 3)
    ncomm = int(out.comm_end[n - 1]) if n else 0
    peer_ip_offs, peer_ip_chars = k.gather_strings(peer_offs, peer_chars, peer)
    columns = [
        _prim(out.ts[sl], pa.timestamp("us", tz="UTC")),
        _constant(collector, n),
        _string_array(n, peer_ip_offs, peer_ip_chars),
        _prim(peers.asn[peer], u32),
        _take(k, [x.encode() for x in KIND_NAMES], kind.astype(np.int32)),
        _strings(k, out.afi[sl], out.pfx[sl], out.plen[sl], True),
        _prim(out.path_id[sl], u32, out.has_pid[sl]),
        _prim(out.safi[sl], u8, ~state),
        _list(path_end, _prim(vals, u32)),
        _list(seg_end, seg_struct),
        _prim(origin_asn, u32, has_origin),
        _prim(out.origin[sl], u8, out.origin[sl] != 255),
        _strings(k, out.nh_afi[sl], out.nh[sl], out.plen[sl], False),
        _list(out.comm_end[sl], _prim(out.comm[:ncomm], u32)),
        _list(out.lcomm_end[sl] // 3, lcomm),
        _prim(out.old_state[sl], u16, state),
        _prim(out.new_state[sl], u16, state),
        _prim(out.rec[sl], pa.int64()),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA)
