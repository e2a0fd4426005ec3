"""The numba functions that append routes to the output buffers of :mod:`._buffers`.

The wire parsers call :func:`emit` once per route; when a buffer is full, :func:`emit` raises the
``full`` flag and the driver rolls the whole MRT record back, so a batch always ends on a
record boundary. Peers are interned into a small per-file table (``Peers``) so a route
stores one int32 peer id, not an address.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.sources.mrt._buffers import C_COMM, C_FULL, C_LCOMM, C_ROWS, C_SEGS, C_VALS
from crossroads.sources.mrt.attributes import (
    AV_MPR_END,
    AV_MPR_OFF,
    AV_NCOMM,
    AV_NH4,
    AV_NLCOMM,
    AV_NPATH,
    AV_NSEG,
    AV_ORIGIN,
    u32,
)

__all__ = ["emit", "emit_nlri", "mp_nexthop", "peer_id", "route_nexthop"]

E_PREFIX_LEN = 30  # prefix length beyond the address family's width
E_NLRI_TRUNC = 31  # NLRI runs past its field
E_PEER_TABLE = 32  # more than 65,536 distinct peers in one file


@njit(cache=True)
def peer_id(peers, afi, b, off, asn):  # type: ignore[no-untyped-def]
    """Intern peer (family, address at ``b[off:]``, ASN); returns its id or -1 if full."""
    n = peers.state[0]
    w = 4 if afi == 4 else 16
    last = peers.state[1]
    for probe in range(-1, n):
        i = last if probe < 0 else probe
        if i < 0 or i >= n:
            continue
        if peers.afi[i] != afi or peers.asn[i] != asn:
            continue
        same = True
        for j in range(w):
            if peers.ip[i, j] != b[off + j]:
                same = False
                break
        if same:
            peers.state[1] = i
            return i
    if n >= peers.afi.shape[0]:
        return -1
    peers.afi[n] = afi
    peers.asn[n] = asn
    for j in range(16):
        peers.ip[n, j] = b[off + j] if j < w else 0
    peers.state[0] = n + 1
    peers.state[1] = n
    return n


@njit(cache=True)
def emit(out, sc, with_attrs, rec, ts, peer, kind, afi, b, poff, plen, nbytes,  # type: ignore[no-untyped-def]
         pid, has_pid, safi, nh_afi, nh_off, nh4):
    """Append one route; returns False (and sets the full flag) when a buffer is full."""
    c = out.cnt
    r = c[C_ROWS]
    av = sc.av
    npath = av[AV_NPATH] if with_attrs else 0
    nseg = av[AV_NSEG] if with_attrs else 0
    ncomm = av[AV_NCOMM] if with_attrs else 0
    nlc = av[AV_NLCOMM] if with_attrs else 0
    if (
        r >= out.rec.shape[0]
        or c[C_VALS] + npath > out.vals.shape[0]
        or c[C_SEGS] + nseg > out.seg_type.shape[0]
        or c[C_COMM] + ncomm > out.comm.shape[0]
        or c[C_LCOMM] + 3 * nlc > out.lcomm.shape[0]
    ):
        c[C_FULL] = 1
        return False
    out.rec[r] = rec
    out.ts[r] = ts
    out.peer[r] = peer
    out.kind[r] = kind
    out.afi[r] = afi
    for j in range(16):
        out.pfx[r, j] = b[poff + j] if (afi != 0 and j < nbytes) else 0
    out.plen[r] = plen
    out.path_id[r] = pid
    out.has_pid[r] = has_pid
    out.safi[r] = safi
    out.nh_afi[r] = nh_afi
    if nh_afi == 4 and nh_off < 0:
        out.nh[r, 0] = (nh4 >> 24) & 0xFF
        out.nh[r, 1] = (nh4 >> 16) & 0xFF
        out.nh[r, 2] = (nh4 >> 8) & 0xFF
        out.nh[r, 3] = nh4 & 0xFF
        for j in range(4, 16):
            out.nh[r, j] = 0
    else:
        w = 4 if nh_afi == 4 else 16
        for j in range(16):
            out.nh[r, j] = b[nh_off + j] if (nh_afi != 0 and j < w) else 0
    out.origin[r] = av[AV_ORIGIN] if (with_attrs and av[AV_ORIGIN] >= 0) else 255
    v = c[C_VALS]
    for j in range(npath):
        out.vals[v + j] = sc.asn[j]
    c[C_VALS] = v + npath
    out.path_end[r] = v + npath
    s = c[C_SEGS]
    for j in range(nseg):
        out.seg_type[s + j] = sc.seg_type[j]
        out.seg_len[s + j] = sc.seg_len[j]
    c[C_SEGS] = s + nseg
    out.seg_end[r] = s + nseg
    m = c[C_COMM]
    for j in range(ncomm):
        out.comm[m + j] = sc.comm[j]
    c[C_COMM] = m + ncomm
    out.comm_end[r] = m + ncomm
    m = c[C_LCOMM]
    for j in range(3 * nlc):
        out.lcomm[m + j] = sc.lcomm[j]
    c[C_LCOMM] = m + 3 * nlc
    out.lcomm_end[r] = m + 3 * nlc
    out.old_state[r] = 0
    out.new_state[r] = 0
    c[C_ROWS] = r + 1
    return True


@njit(cache=True)
def emit_nlri(out, sc, with_attrs, rec, ts, peer, kind, afi, safi, addpath,  # type: ignore[no-untyped-def]
              b, p, end, nh_afi, nh_off, nh4):
    """Append one route per prefix of the NLRI field ``b[p:end]``; returns an error code."""
    width = 32 if afi == 4 else 128
    while p < end:
        pid = 0
        if addpath:
            if p + 4 > end:
                return E_NLRI_TRUNC
            pid = u32(b, p)
            p += 4
        if p >= end:
            return E_NLRI_TRUNC
        plen = np.int64(b[p])
        if plen > width:
            return E_PREFIX_LEN
        nb = (plen + 7) // 8
        if p + 1 + nb > end:
            return E_NLRI_TRUNC
        if not emit(out, sc, with_attrs, rec, ts, peer, kind, afi, b, p + 1, plen, nb,
                    pid, addpath, safi, nh_afi, nh_off, nh4):
            return 0
        p += 1 + nb
    return 0


@njit(cache=True)
def mp_nexthop(b, off, end):  # type: ignore[no-untyped-def]
    """(family, offset) of the next hop in an MP_REACH_NLRI value at ``b[off:end]``.

    Handles the full form (AFI, SAFI, length, address, reserved, NLRI) and RFC 6396's
    abbreviated form in RIB dumps (length, address), told apart as bgpdump does: a full
    form starts with the AFI's high byte, which is 0. Returns (0, -1) when there is none.
    """
    if off >= end:
        return 0, -1
    if b[off] != 0:  # abbreviated
        ln = np.int64(b[off])
        if off + 1 + ln > end:
            return 0, -1
        if ln == 4:
            return 4, off + 1
        if ln == 16 or ln == 32:
            return 6, off + 1
        return 0, -1
    if off + 4 > end:
        return 0, -1
    ln = np.int64(b[off + 3])
    if off + 4 + ln > end:
        return 0, -1
    if ln == 4:
        return 4, off + 4
    if ln == 16 or ln == 32:
        return 6, off + 4
    return 0, -1


@njit(cache=True)
def route_nexthop(b, sc):  # type: ignore[no-untyped-def]
    """(family, offset) of a RIB entry's next hop: MP_REACH_NLRI's, else NEXT_HOP (offset -1)."""
    av = sc.av
    nh_afi, nh_off = 0, -1
    if av[AV_MPR_OFF] >= 0:
        nh_afi, nh_off = mp_nexthop(b, av[AV_MPR_OFF], av[AV_MPR_END])
    if nh_afi == 0 and av[AV_NH4] >= 0:
        nh_afi = 4
    return nh_afi, nh_off


