"""The Arrow schema of parsed MRT routes and the conversion of output buffers to record batches.

One row per route (a RIB entry, an announced or withdrawn prefix) or per session state
change. List columns are built from the flat value arrays and their end offsets; strings
(addresses, prefixes) are written by a numba formatter into one UTF-8 buffer. No Python
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
import pyarrow.compute as pc

from crossroads.sources.mrt._kernels import format_addresses
from crossroads.sources.mrt._rows import C_LCOMM, C_ROWS, KIND_NAMES, KIND_STATE, Out, Peers

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


def _strings(afi: np.ndarray, addr: np.ndarray, plen: np.ndarray, with_len: bool) -> pa.Array:
    offs, chars, valid = format_addresses(afi, addr, plen, with_len)
    n = afi.shape[0]
    nulls = int(n - valid.sum())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offs), pa.py_buffer(np.ascontiguousarray(chars)), bitmap, nulls
    )


def _offsets(ends: np.ndarray) -> pa.Array:
    o = np.zeros(ends.shape[0] + 1, np.int32)
    o[1:] = ends
    return pa.array(o)


def to_record_batch(out: Out, peers: Peers, collector: str | None) -> pa.RecordBatch:
    """The first ``out.cnt[C_ROWS]`` routes of ``out`` as a record batch of :data:`SCHEMA`.

    The batch shares memory with ``out``: do not reuse ``out`` afterwards.
    """
    n = int(out.cnt[C_ROWS])
    sl = slice(0, n)
    npeer = int(peers.state[0])
    peer_text = _strings(peers.afi[:npeer], peers.ip[:npeer], peers.afi[:npeer], False)
    peer = out.peer[sl]
    kind = out.kind[sl]
    state = kind == KIND_STATE
    path_end = out.path_end[sl]
    seg_end = out.seg_end[sl]
    vals = out.vals[: int(path_end[-1]) if n else 0]
    segs = int(seg_end[-1]) if n else 0
    # origin AS: last member of a final AS_SEQUENCE or of a one-member final AS_SET
    nseg = np.diff(np.concatenate(([0], seg_end)))
    last = np.maximum(seg_end - 1, 0)
    ltype = out.seg_type[last]
    llen = out.seg_len[last]
    has_origin = (nseg > 0) & ((ltype == 2) | ((ltype == 1) & (llen == 1)))
    origin_asn = out.vals[np.maximum(path_end - 1, 0)] if n else np.zeros(0, np.uint32)
    seg_struct = pa.StructArray.from_arrays(
        [pa.array(out.seg_type[:segs]), pa.array(out.seg_len[:segs])], fields=list(SEGMENT)
    )
    lc_vals = out.lcomm[: int(out.cnt[C_LCOMM])]
    lcomm = pa.FixedSizeListArray.from_arrays(pa.array(lc_vals), 3)
    zeros = np.zeros(n, np.int32)
    ncomm = int(out.comm_end[n - 1]) if n else 0
    columns = [
        pa.array(out.ts[sl]).view(pa.timestamp("us", tz="UTC")),
        pc.take(pa.array([collector], pa.string()), pa.array(zeros)),
        pc.take(peer_text, pa.array(peer)),
        pa.array(peers.asn[peer]),
        pc.take(pa.array(KIND_NAMES), pa.array(kind)),
        _strings(out.afi[sl], out.pfx[sl], out.plen[sl], True),
        pa.array(out.path_id[sl], mask=~out.has_pid[sl]),
        pa.array(out.safi[sl], mask=state),
        pa.ListArray.from_arrays(_offsets(path_end), pa.array(vals)),
        pa.ListArray.from_arrays(_offsets(seg_end), seg_struct),
        pa.array(origin_asn, mask=~has_origin),
        pa.array(out.origin[sl], mask=out.origin[sl] == 255),
        _strings(out.nh_afi[sl], out.nh[sl], out.plen[sl], False),
        pa.ListArray.from_arrays(_offsets(out.comm_end[sl]), pa.array(out.comm[:ncomm])),
        pa.ListArray.from_arrays(_offsets(out.lcomm_end[sl] // 3), lcomm),
        pa.array(out.old_state[sl], mask=~state),
        pa.array(out.new_state[sl], mask=~state),
        pa.array(out.rec[sl]),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA)
