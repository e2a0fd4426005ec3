"""TABLE_DUMP_V2 (MRT type 13, RFC 6396 §4.3, RFC 8050): a peer table, then one record per prefix.

PEER_INDEX_TABLE (subtype 1): collector BGP id (4), view-name length (2) and name, peer
count (2), then per peer: type (1; bit 0 IPv6 address, bit 1 4-byte ASN), BGP id (4),
address (4/16), AS (2/4).

RIB records: sequence (4), prefix length (1), prefix (ceil(len/8) bytes), entry count (2),
then per entry: peer index (2), originated time (4), path identifier (4, ADD-PATH subtypes
8-12 only), attribute length (2), attributes with 4-byte ASNs. Subtypes 2/3 are IPv4
unicast/multicast, 4/5 IPv6 unicast/multicast, 8-11 their ADD-PATH forms. RIB_GENERIC
(6, 12) carries AFI (2) and SAFI (1) before a single NLRI prefix; IPv4/IPv6 unicast and
multicast are read, other families skipped. bgpdump prints only subtypes 2, 4, 8 and 10.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from crossroads.sources.mrt._buffers import KIND_RIB
from crossroads.sources.mrt._rows import emit, peer_id, route_nexthop
from crossroads.sources.mrt.attributes import (
    AV_NH4,
    parse_attributes,
    u16,
    u32,
)

__all__ = ["TYPE_TABLE_DUMP_V2", "parse_peer_index_table", "parse_rib"]

TYPE_TABLE_DUMP_V2 = 13
SUBTYPE_PEER_INDEX_TABLE = 1
E_PIT_SHORT = 50  # peer index table shorter than its entries
E_RIB_SHORT = 51  # RIB record shorter than its fields
E_RIB_PREFIX = 52  # prefix length beyond the family's width
E_NO_PIT = 53  # RIB record before any PEER_INDEX_TABLE
E_PEER_INDEX = 54  # peer index beyond the peer table


@njit(cache=True)
def parse_peer_index_table(b, p, end, peers):  # type: ignore[no-untyped-def]
    """Read the peer table into ``peers.pit`` (MRT peer index -> interned peer id)."""
    if p + 6 > end:
        return E_PIT_SHORT
    p += 4
    p += 2 + u16(b, p)
    if p + 2 > end:
        return E_PIT_SHORT
    n = u16(b, p)
    p += 2
    for i in range(n):
        if p + 1 > end:
            return E_PIT_SHORT
        t = b[p]
        alen = 16 if (t & 1) else 4
        asn_len = 4 if (t & 2) else 2
        if p + 5 + alen + asn_len > end:
            return E_PIT_SHORT
        ip_off = p + 5
        q = ip_off + alen
        asn = u32(b, q) if asn_len == 4 else u16(b, q)
        pid = peer_id(peers, 6 if alen == 16 else 4, b, ip_off, asn)
        if pid < 0:
            return 32
        peers.pit[i] = pid
        p = q + asn_len
    peers.state[2] = n
    return 0


@njit(cache=True)
def parse_rib(b, p, end, subtype, rec, ts, out, sc, peers):  # type: ignore[no-untyped-def]
    """Append one route per entry of a RIB record; returns 0 or an error code."""
    addpath = subtype >= 8
    base = subtype - 6 if addpath else subtype
    if p + 5 > end:
        return E_RIB_SHORT
    p += 4  # sequence number
    if base == 6:  # RIB_GENERIC
        if p + 4 > end:
            return E_RIB_SHORT
        afi_code = u16(b, p)
        safi = np.int64(b[p + 2])
        p += 3
        if (afi_code != 1 and afi_code != 2) or (safi != 1 and safi != 2):
            return 0
        afi = 4 if afi_code == 1 else 6
    elif base >= 2 and base <= 5:
        afi = 4 if base <= 3 else 6
        safi = np.int64(1 if (base == 2 or base == 4) else 2)
    else:
        return 0
    plen = np.int64(b[p])
    if plen > (32 if afi == 4 else 128):
        return E_RIB_PREFIX
    nb = (plen + 7) // 8
    poff = p + 1
    p = poff + nb
    if p + 2 > end:
        return E_RIB_SHORT
    count = u16(b, p)
    p += 2
    npit = peers.state[2]
    for _ in range(count):
        head = 10 if addpath else 6
        if p + head + 2 > end:
            return E_RIB_SHORT
        idx = u16(b, p)
        if npit < 0:
            return E_NO_PIT
        if idx >= npit:
            return E_PEER_INDEX
        pid = u32(b, p + 6) if addpath else 0
        p += head
        alen_attr = u16(b, p)
        p += 2
        if p + alen_attr > end:
            return E_RIB_SHORT
        err = parse_attributes(b, p, p + alen_attr, 4, sc)
        if err:
            return err
        p += alen_attr
        nh_afi, nh_off = route_nexthop(b, sc)
        if not emit(out, sc, True, rec, ts, peers.pit[idx], KIND_RIB, afi, b, poff, plen, nb,
                    pid, addpath, safi, nh_afi, nh_off, sc.av[AV_NH4]):
            return 0
    return 0
