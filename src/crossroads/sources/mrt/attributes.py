"""BGP path attributes (RFC 4271 §4.3, RFC 4760, RFC 6793, RFC 1997, RFC 8092), decoded by numba.

One call of :func:`parse_attributes` reads the attribute block of one route (a TABLE_DUMP
entry, a TABLE_DUMP_V2 RIB entry or a BGP UPDATE) into preallocated scratch arrays: the AS
path (segments + members), AS4_PATH, communities, large communities, NEXT_HOP and the byte
ranges of MP_REACH_NLRI / MP_UNREACH_NLRI. Nothing is allocated per route.

AS4_PATH merging for 2-byte sessions follows RFC 6793 §4.2.3 exactly as ``bgpdump`` does:
when both AGGREGATOR and AS4_AGGREGATOR are present and AGGREGATOR is not AS_TRANS (23456),
AS4_PATH is ignored; when AS_PATH counts fewer ASes than AS4_PATH (an AS_SET counts one),
AS4_PATH is ignored; otherwise the leading ``count(AS_PATH) - count(AS4_PATH)`` ASes of
AS_PATH are kept (a sequence cut short if needed) and AS4_PATH is appended.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.sources.mrt._buffers import AV_SIZE

__all__ = ["parse_attributes", "u16", "u32"]

# attribute type codes
ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR = 1, 2, 3, 4, 5, 6, 7
COMMUNITIES, MP_REACH_NLRI, MP_UNREACH_NLRI, AS4_PATH, AS4_AGGREGATOR = 8, 14, 15, 17, 18
LARGE_COMMUNITY = 32
AS_TRANS = 23456

# AS path segment types (RFC 4271, RFC 5065)
AS_SET, AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET = 1, 2, 3, 4

# slots of the per-route scalar vector ``av`` (int64); -1 means absent
AV_ORIGIN = 0  # ORIGIN value
AV_NH4 = 1  # NEXT_HOP as a 32-bit integer
AV_NPATH = 2  # members in the final (merged) path
AV_NSEG = 3  # segments in the final path
AV_AGG_AS = 4  # AGGREGATOR AS
AV_AS4AGG = 5  # 1 when AS4_AGGREGATOR present
AV_NCOMM = 6  # communities
AV_NLCOMM = 7  # large communities (triples)
AV_MPR_OFF = 8  # MP_REACH_NLRI value start (absolute offset in the buffer)
AV_MPR_END = 9
AV_MPU_OFF = 10  # MP_UNREACH_NLRI value start
AV_MPU_END = 11
AV_HAS_PATH = 12  # 1 when AS_PATH present
AV_N4PATH = 13  # members in AS4_PATH (-1 absent)
AV_N4SEG = 14
AV_NRAW = 15  # members in AS_PATH as read
AV_NRAWSEG = 16

# error codes (kept in sync with _backends.ERRORS)
E_ATTR_LEN = 20  # attribute overruns its block
E_SEG_TYPE = 21  # AS path segment type not 1..4
E_SEG_LEN = 22  # AS path segment overruns the attribute
E_ATTR_SIZE = 23  # fixed-size attribute with a wrong length

@njit(cache=True, inline="always")
def u16(b, p):  # type: ignore[no-untyped-def]
    return (np.int64(b[p]) << 8) | np.int64(b[p + 1])


@njit(cache=True, inline="always")
def u32(b, p):  # type: ignore[no-untyped-def]
    return (
        (np.int64(b[p]) << 24) | (np.int64(b[p + 1]) << 16) | (np.int64(b[p + 2]) << 8)
        | np.int64(b[p + 3])
    )


@njit(cache=True)
def _read_path(b, p, end, asn_len, asn, styp, slen):  # type: ignore[no-untyped-def]
    """Decode AS path segments in ``b[p:end]``; returns (members, segments) or (-code, 0)."""
    n = 0
    ns = 0
    while p < end:
        if p + 2 > end:
            return -E_SEG_LEN, 0
        t = b[p]
        k = np.int64(b[p + 1])
        if t < 1 or t > 4:
            return -E_SEG_TYPE, 0
        p += 2
        if p + k * asn_len > end:
            return -E_SEG_LEN, 0
        styp[ns] = t
        slen[ns] = k
        ns += 1
        for _ in range(k):
            asn[n] = u32(b, p) if asn_len == 4 else u16(b, p)
            n += 1
            p += asn_len
    return n, ns


@njit(cache=True)
def _count(styp, slen, ns):  # type: ignore[no-untyped-def]
    """bgpdump's path length: a sequence counts its members, a set counts one."""
    c = np.int64(0)
    for i in range(ns):
        c += 1 if (styp[i] == AS_SET or styp[i] == AS_CONFED_SET) else np.int64(slen[i])
    return c


@njit(cache=True)
def _finish_path(sc, asn_len):  # type: ignore[no-untyped-def]
    """Fill the final path (``asn``/``seg_type``/``seg_len``) from AS_PATH and AS4_PATH."""
    av = sc.av
    n, ns = av[AV_NRAW], av[AV_NRAWSEG]
    merge = asn_len == 2 and av[AV_N4PATH] >= 0 and n >= 0
    if merge and av[AV_AGG_AS] >= 0 and av[AV_AS4AGG] == 1 and av[AV_AGG_AS] != AS_TRANS:
        merge = False
    if merge:
        c_old = _count(sc.raw_type, sc.raw_len, ns)
        c_new = _count(sc.as4_type, sc.as4_len, av[AV_N4SEG])
        if c_old < c_new:
            merge = False
    if not merge:
        for i in range(max(n, 0)):
            sc.asn[i] = sc.raw_asn[i]
        for i in range(max(ns, 0)):
            sc.seg_type[i] = sc.raw_type[i]
            sc.seg_len[i] = sc.raw_len[i]
        av[AV_NPATH] = max(n, 0)
        av[AV_NSEG] = max(ns, 0)
        return
    keep = c_old - c_new
    got = np.int64(0)
    m = 0
    ms = 0
    src = np.int64(0)
    s = 0
    while got < keep:
        t = sc.raw_type[s]
        k = np.int64(sc.raw_len[s])
        take = k
        if t == AS_SET or t == AS_CONFED_SET:
            got += 1
        else:
            got += k
            if got > keep:
                take = k - (got - keep)
        sc.seg_type[ms] = t
        sc.seg_len[ms] = take
        ms += 1
        for j in range(take):
            sc.asn[m] = sc.raw_asn[src + j]
            m += 1
        src += k
        s += 1
    for i in range(av[AV_N4PATH]):
        sc.asn[m + i] = sc.as4_asn[i]
    for i in range(av[AV_N4SEG]):
        sc.seg_type[ms + i] = sc.as4_type[i]
        sc.seg_len[ms + i] = sc.as4_len[i]
    av[AV_NPATH] = m + av[AV_N4PATH]
    av[AV_NSEG] = ms + av[AV_N4SEG]


@njit(cache=True)
def parse_attributes(b, p, end, asn_len, sc):  # type: ignore[no-untyped-def]
    """Decode the attributes in ``b[p:end]`` into ``sc``; returns 0 or an error code.

    The first occurrence of an attribute wins (bgpdump asserts there is only one).
    """
    av = sc.av
    for i in range(AV_SIZE):
        av[i] = -1
    av[AV_NCOMM] = 0
    av[AV_NLCOMM] = 0
    av[AV_AS4AGG] = 0
    av[AV_HAS_PATH] = 0
    while p < end:
        if p + 3 > end:
            return E_ATTR_LEN
        flags = b[p]
        typ = b[p + 1]
        if flags & 0x10:
            if p + 4 > end:
                return E_ATTR_LEN
            ln = u16(b, p + 2)
            p += 4
        else:
            ln = np.int64(b[p + 2])
            p += 3
        q = p + ln
        if q > end:
            return E_ATTR_LEN
        if typ == ORIGIN:
            if ln != 1:
                return E_ATTR_SIZE
            if av[AV_ORIGIN] < 0:
                av[AV_ORIGIN] = b[p]
        elif typ == AS_PATH:
            if av[AV_HAS_PATH] == 0:
                n, ns = _read_path(b, p, q, asn_len, sc.raw_asn, sc.raw_type, sc.raw_len)
                if n < 0:
                    return -n
                av[AV_NRAW] = n
                av[AV_NRAWSEG] = ns
                av[AV_HAS_PATH] = 1
        elif typ == NEXT_HOP:
            if ln != 4:
                return E_ATTR_SIZE
            if av[AV_NH4] < 0:
                av[AV_NH4] = u32(b, p)
        elif typ == AGGREGATOR:
            if ln != 2 + asn_len and ln != 6 and ln != 8:
                return E_ATTR_SIZE
            if av[AV_AGG_AS] < 0:
                av[AV_AGG_AS] = u32(b, p) if ln == 8 else u16(b, p)
        elif typ == AS4_AGGREGATOR:
            av[AV_AS4AGG] = 1
        elif typ == COMMUNITIES:
            if ln % 4 != 0:
                return E_ATTR_SIZE
            if av[AV_NCOMM] == 0:
                for i in range(ln // 4):
                    sc.comm[i] = u32(b, p + 4 * i)
                av[AV_NCOMM] = ln // 4
        elif typ == LARGE_COMMUNITY:
            if ln % 12 != 0:
                return E_ATTR_SIZE
            if av[AV_NLCOMM] == 0:
                for i in range(ln // 4):
                    sc.lcomm[i] = u32(b, p + 4 * i)
                av[AV_NLCOMM] = ln // 12
        elif typ == MP_REACH_NLRI:
            if av[AV_MPR_OFF] < 0:
                av[AV_MPR_OFF] = p
                av[AV_MPR_END] = q
        elif typ == MP_UNREACH_NLRI:
            if av[AV_MPU_OFF] < 0:
                av[AV_MPU_OFF] = p
                av[AV_MPU_END] = q
        elif typ == AS4_PATH:
            if av[AV_N4PATH] < 0:
                n, ns = _read_path(b, p, q, 4, sc.as4_asn, sc.as4_type, sc.as4_len)
                if n < 0:
                    return -n
                av[AV_N4PATH] = n
                av[AV_N4SEG] = ns
        p = q
    _finish_path(sc, asn_len)
    return 0
