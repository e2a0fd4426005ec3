"""The numba record walker and the address formatter; arrays in, arrays out.

:func:`walk` reads MRT records (RFC 6396 §2: timestamp (4), type (2), subtype (2), length (4),
plus a 4-byte microsecond field for the *_ET types) from a decompressed buffer and hands
each body to the parser of its wire structure. It stops at the first record that is not
wholly in the buffer (the caller reads more, or reports truncation), at the first damaged
record (``status`` gets the error code), or when the output buffers are full (the record is
rolled back and parsing resumes there with fresh buffers).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.sources.mrt._buffers import C_FULL
from crossroads.sources.mrt.attributes import u16, u32
from crossroads.sources.mrt.bgp4mp import (
    TYPE_BGP4MP,
    TYPE_BGP4MP_ET,
    parse_message,
    parse_state_change,
)
from crossroads.sources.mrt.table_dump import TYPE_TABLE_DUMP, parse_table_dump
from crossroads.sources.mrt.table_dump_v2 import (
    SUBTYPE_PEER_INDEX_TABLE,
    TYPE_TABLE_DUMP_V2,
    parse_peer_index_table,
    parse_rib,
)

ST_CODE, ST_POS, ST_REC = 0, 1, 2  # slots of the status vector
STOP_END, STOP_FULL = 0, -1
E_ET_SHORT = 10  # an *_ET record shorter than its microsecond field



@njit(cache=True)
def _dispatch(b, typ, sub, p, end, rec, ts, out, sc, peers):
    if typ == TYPE_BGP4MP or typ == TYPE_BGP4MP_ET:
        if sub == 0 or sub == 5:
            return parse_state_change(b, p, end, 4 if sub == 5 else 2, rec, ts, out, sc, peers)
        if sub == 1 or sub == 4 or (sub >= 6 and sub <= 11):
            asn_len = 4 if (sub == 4 or sub == 7 or sub == 9 or sub == 11) else 2
            local = sub == 6 or sub == 7 or sub == 10 or sub == 11
            return parse_message(b, p, end, asn_len, local, sub >= 8, rec, ts, out, sc, peers)
        return 0
    if typ == TYPE_TABLE_DUMP_V2:
        if sub == SUBTYPE_PEER_INDEX_TABLE:
            return parse_peer_index_table(b, p, end, peers)
        return parse_rib(b, p, end, sub, rec, ts, out, sc, peers)
    if typ == TYPE_TABLE_DUMP:
        return parse_table_dump(b, p, end, sub, rec, ts, out, sc, peers)
    return 0


@njit(cache=True)
def walk(b, pos, rec, out, sc, peers, status):
    """Parse whole records from ``b[pos:]``; see the module docstring for the stop rules.

    ``status`` receives (code, position, record number) of the first record not consumed.
    """
    n = b.shape[0]
    c = out.cnt
    while pos + 12 <= n:
        ts = u32(b, pos)
        typ = u16(b, pos + 4)
        sub = u16(b, pos + 6)
        ln = u32(b, pos + 8)
        hdr = 12
        us = 0
        if typ == TYPE_BGP4MP_ET or typ == 33 or typ == 49:  # the *_ET types
            if ln < 4:
                status[ST_CODE] = E_ET_SHORT
                status[ST_POS] = pos
                status[ST_REC] = rec
                return
            hdr = 16
            ln -= 4
        if pos + hdr + ln > n:
            break
        if hdr == 16:
            us = u32(b, pos + 12)
        saved = c.copy()
        err = _dispatch(b, typ, sub, pos + hdr, pos + hdr + ln, rec, ts * 1000000 + us,
                        out, sc, peers)
        if c[C_FULL] or err:
            c[:] = saved
            status[ST_CODE] = err if err else STOP_FULL
            status[ST_POS] = pos
            status[ST_REC] = rec
            return
        pos += hdr + ln
        rec += 1
    status[ST_CODE] = STOP_END
    status[ST_POS] = pos
    status[ST_REC] = rec


@njit(cache=True)
def _hex(v, dst, k):
    digits = 1
    if v >= 0x1000:
        digits = 4
    elif v >= 0x100:
        digits = 3
    elif v >= 0x10:
        digits = 2
    for i in range(digits - 1, -1, -1):
        d = (v >> (4 * i)) & 0xF
        dst[k] = 48 + d if d < 10 else 87 + d
        k += 1
    return k


@njit(cache=True)
def _dec(v, dst, k):
    if v >= 100:
        dst[k] = 48 + v // 100
        k += 1
    if v >= 10:
        dst[k] = 48 + (v // 10) % 10
        k += 1
    dst[k] = 48 + v % 10
    return k + 1


@njit(cache=True)
def _ipv4(a, r, off, dst, k):
    for i in range(4):
        if i:
            dst[k] = 46
            k += 1
        k = _dec(np.int64(a[r, off + i]), dst, k)
    return k


@njit(cache=True)
def _ipv6(a, r, dst, k):
    """RFC 5952 text as glibc's inet_ntop writes it (bgpdump's output), IPv4-mapped included."""
    w = np.zeros(8, np.int64)
    for i in range(8):
        w[i] = (np.int64(a[r, 2 * i]) << 8) | np.int64(a[r, 2 * i + 1])
    best, blen, cur, clen = -1, 0, -1, 0
    for i in range(8):
        if w[i] == 0:
            if cur < 0:
                cur, clen = i, 1
            else:
                clen += 1
        else:
            if cur >= 0 and clen > blen:
                best, blen = cur, clen
            cur = -1
    if cur >= 0 and clen > blen:
        best, blen = cur, clen
    if blen < 2:
        best = -1
    i = 0
    while i < 8:
        if best >= 0 and best <= i < best + blen:
            if i == best:
                dst[k] = 58
                k += 1
            i += 1
            continue
        if i:
            dst[k] = 58
            k += 1
        if i == 6 and best == 0 and (blen == 6 or (blen == 5 and w[5] == 0xFFFF)):
            return _ipv4(a, r, 12, dst, k)
        k = _hex(w[i], dst, k)
        i += 1
    if best >= 0 and best + blen == 8:
        dst[k] = 58
        k += 1
    return k


@njit(cache=True)
def format_addresses(afi, addr, plen, with_len):
    """Text of each address (``a.b.c.d`` / RFC 5952), ``/len`` appended when ``with_len``.

    Returns (int32 offsets, uint8 UTF-8 bytes, validity) for an Arrow string array; rows
    with family 0 are null.
    """
    n = afi.shape[0]
    offs = np.zeros(n + 1, np.int32)
    chars = np.zeros(n * 44 + 1, np.uint8)
    valid = np.zeros(n, np.bool_)
    k = 0
    for r in range(n):
        if afi[r] == 4:
            k = _ipv4(addr, r, 0, chars, k)
            valid[r] = True
        elif afi[r] == 6:
            k = _ipv6(addr, r, chars, k)
            valid[r] = True
        if valid[r] and with_len:
            chars[k] = 47
            k += 1
            k = _dec(np.int64(plen[r]), chars, k)
        offs[r + 1] = k
    return offs, chars[:k], valid


@njit(cache=True)
def gather_strings(offs, chars, idx):
    """The strings ``idx[i]`` of an Arrow-style (int32 offsets, chars) array, in order."""
    n = idx.shape[0]
    o = np.zeros(n + 1, np.int32)
    total = 0
    for i in range(n):
        total += offs[idx[i] + 1] - offs[idx[i]]
    c = np.zeros(total, np.uint8)
    k = 0
    for i in range(n):
        j = idx[i]
        for q in range(offs[j], offs[j + 1]):
            c[k] = chars[q]
            k += 1
        o[i + 1] = k
    return o, c


__all__ = ["format_addresses", "gather_strings", "walk"]
