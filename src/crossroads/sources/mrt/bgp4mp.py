"""BGP4MP and BGP4MP_ET (MRT types 16 and 17, RFC 6396 §4.4, RFC 8050): BGP messages and
session state changes as a collector saw them.

MESSAGE subtypes: 1 (2-byte ASNs), 4 (AS4), 6/7 (the same, sent by the collector: *_LOCAL),
8-11 (their ADD-PATH forms). Body: peer AS, local AS (2 or 4 bytes each), interface
index (2), AFI (2), peer and local address (4 or 16 each), then the BGP message: marker
(16 x 0xFF), length (2), type (1). Only UPDATEs (type 2) carry routes: withdrawn-routes
length (2) and prefixes, attributes length (2) and attributes, then NLRI to the end.
Routes come out in bgpdump's order: withdrawn IPv4, MP_UNREACH, announced IPv4, MP_REACH.
For *_LOCAL messages the peer is the far end (the message's destination), as in bgpdump.

STATE_CHANGE (0) and STATE_CHANGE_AS4 (5): peer AS, local AS, interface index, AFI, peer and
local address, old state (2), new state (2). BGP4MP_ET adds a 4-byte microsecond timestamp
after the common header, counted in the record length (handled by the record walker).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.sources.mrt._buffers import C_FULL, C_ROWS, KIND_ANNOUNCE, KIND_STATE, KIND_WITHDRAW
from crossroads.sources.mrt._rows import emit, emit_nlri, mp_nexthop, peer_id
from crossroads.sources.mrt.attributes import (
    AV_MPR_END,
    AV_MPR_OFF,
    AV_MPU_END,
    AV_MPU_OFF,
    AV_NH4,
    parse_attributes,
    u16,
    u32,
)

__all__ = ["TYPE_BGP4MP", "TYPE_BGP4MP_ET", "parse_message", "parse_state_change"]

TYPE_BGP4MP, TYPE_BGP4MP_ET = 16, 17
E_MSG_SHORT = 60  # body shorter than its fixed fields
E_MSG_MARKER = 61  # BGP marker not all ones
E_MSG_LEN = 62  # BGP length field disagrees with the record
E_UPD_LEN = 63  # UPDATE field lengths overrun the message
E_STATE = 64  # state change body of a wrong length


@njit(cache=True)
def parse_state_change(b, p, end, asn_len, rec, ts, out, sc, peers):  # type: ignore[no-untyped-def]
    """Append one ``state`` row; returns 0 or an error code."""
    if asn_len == 2 and end - p == 8:  # old Zebra dumps without addresses (bgpdump too)
        peer = peer_id(peers, 4, np.zeros(4, np.uint8), 0, u16(b, p))
        old, new = u16(b, p + 4), u16(b, p + 6)
    else:
        if p + 2 * asn_len + 4 > end:
            return E_STATE
        asn = u32(b, p) if asn_len == 4 else u16(b, p)
        afi_code = u16(b, p + 2 * asn_len + 2)
        alen = 4 if afi_code == 1 else (16 if afi_code == 2 else 0)
        if alen == 0:
            return 0  # unknown family: bgpdump skips the record
        ip_off = p + 2 * asn_len + 4
        if ip_off + 2 * alen + 4 > end:
            return E_STATE
        peer = peer_id(peers, 4 if alen == 4 else 6, b, ip_off, asn)
        q = ip_off + 2 * alen
        old, new = u16(b, q), u16(b, q + 2)
    if peer < 0:
        return 32
    if emit(out, sc, False, rec, ts, peer, KIND_STATE, 0, b, 0, 0, 0,
            0, False, 0, 0, -1, 0):
        r = out.cnt[C_ROWS] - 1
        out.old_state[r] = old
        out.new_state[r] = new
    return 0


@njit(cache=True)
def parse_message(b, p, end, asn_len, local, addpath, rec, ts, out, sc, peers):  # type: ignore[no-untyped-def]
    """Append the routes of one BGP4MP MESSAGE record; returns 0 or an error code."""
    if p + 2 * asn_len + 4 > end:
        return E_MSG_SHORT
    a1 = u32(b, p) if asn_len == 4 else u16(b, p)
    a2 = u32(b, p + asn_len) if asn_len == 4 else u16(b, p + asn_len)
    afi_code = u16(b, p + 2 * asn_len + 2)
    alen = 4 if afi_code == 1 else (16 if afi_code == 2 else 0)
    if alen == 0:
        return 0  # unknown family: bgpdump skips the record
    ip1 = p + 2 * asn_len + 4
    q = ip1 + 2 * alen
    if q + 19 > end:
        return E_MSG_SHORT
    for j in range(16):
        if b[q + j] != 0xFF:
            return E_MSG_MARKER
    mlen = u16(b, q + 16)
    mtype = b[q + 18]
    if mlen < 19 or q + mlen > end:
        return E_MSG_LEN
    if mtype != 2:
        return 0  # OPEN, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH carry no routes
    mend = q + mlen
    # the peer: the message's source, or its destination when the collector sent it
    peer = peer_id(peers, 4 if alen == 4 else 6, b, ip1 + alen if local else ip1,
                   a2 if local else a1)
    if peer < 0:
        return 32
    q += 19
    if q + 2 > mend:
        return E_UPD_LEN
    wlen = u16(b, q)
    w0 = q + 2
    w1 = w0 + wlen
    if w1 + 2 > mend:
        return E_UPD_LEN
    tlen = u16(b, w1)
    a0 = w1 + 2
    a1_ = a0 + tlen
    if a1_ > mend:
        return E_UPD_LEN
    err = parse_attributes(b, a0, a1_, asn_len, sc)
    if err:
        return err
    av = sc.av
    # 1. withdrawn IPv4 prefixes
    err = emit_nlri(out, sc, False, rec, ts, peer, KIND_WITHDRAW, 4, 1, addpath, b, w0, w1,
                    0, -1, 0)
    if err or out.cnt[C_FULL]:
        return err
    # 2. MP_UNREACH_NLRI
    if av[AV_MPU_OFF] >= 0:
        u0, u1 = av[AV_MPU_OFF], av[AV_MPU_END]
        if u0 + 3 > u1:
            return E_UPD_LEN
        fam = u16(b, u0)
        safi = np.int64(b[u0 + 2])
        if (fam == 1 or fam == 2) and safi >= 1 and safi <= 3:
            err = emit_nlri(out, sc, False, rec, ts, peer, KIND_WITHDRAW, 4 if fam == 1 else 6,
                            safi, addpath, b, u0 + 3, u1, 0, -1, 0)
            if err or out.cnt[C_FULL]:
                return err
    # 3. announced IPv4 prefixes (NEXT_HOP attribute)
    nh4 = av[AV_NH4]
    err = emit_nlri(out, sc, True, rec, ts, peer, KIND_ANNOUNCE, 4, 1, addpath, b, a1_, mend,
                    4 if nh4 >= 0 else 0, -1, nh4)
    if err or out.cnt[C_FULL]:
        return err
    # 4. MP_REACH_NLRI (full form; an abbreviated one carries no prefixes)
    if av[AV_MPR_OFF] >= 0 and b[av[AV_MPR_OFF]] == 0:
        r0, r1 = av[AV_MPR_OFF], av[AV_MPR_END]
        if r0 + 5 > r1:
            return E_UPD_LEN
        fam = u16(b, r0)
        safi = np.int64(b[r0 + 2])
        nhl = np.int64(b[r0 + 3])
        n0 = r0 + 4 + nhl
        if n0 + 1 > r1:
            return E_UPD_LEN
        nsnpa = np.int64(b[n0])
        n0 += 1
        for _ in range(nsnpa):  # defunct SNPAs, skipped as bgpdump does
            if n0 >= r1:
                return E_UPD_LEN
            n0 += 1 + np.int64(b[n0])
        if n0 > r1:
            return E_UPD_LEN
        if (fam == 1 or fam == 2) and safi >= 1 and safi <= 3:
            nh_afi, nh_off = mp_nexthop(b, r0, r1)
            err = emit_nlri(out, sc, True, rec, ts, peer, KIND_ANNOUNCE, 4 if fam == 1 else 6,
                            safi, addpath, b, n0, r1, nh_afi, nh_off, nh4)
    return err
