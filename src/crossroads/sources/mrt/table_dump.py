"""TABLE_DUMP (MRT type 12, RFC 6396 §4.2): one RIB entry per record, 2-byte ASNs.

Body: view (2), sequence (2), prefix (4 or 16), prefix length (1), status (1),
originated time (4), peer address (4 or 16), peer AS (2), attribute length (2), attributes.
Subtype 1 is IPv4, 2 IPv6; subtypes 3 and 4 are the non-standard 4-byte-ASN variants that
bgpdump also reads. AS_PATH holds 2-byte ASNs, so AS4_PATH is merged (see attributes).
The prefix is printed from all address bytes, host bits included, as bgpdump does.
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

__all__ = ["TYPE_TABLE_DUMP", "parse_table_dump"]

TYPE_TABLE_DUMP = 12
E_TD_SHORT = 40  # body shorter than its fixed fields
E_TD_PREFIX = 41  # prefix length beyond the family's width


@njit(cache=True)
def parse_table_dump(b, p, end, subtype, rec, ts, out, sc, peers):  # type: ignore[no-untyped-def]
    """Append the route of one TABLE_DUMP record; returns 0 or an error code."""
    if subtype < 1 or subtype > 4:
        return 0  # not a unicast RIB entry bgpdump would print
    v6 = subtype == 2 or subtype == 4
    asn_len = 4 if subtype >= 3 else 2
    alen = 16 if v6 else 4
    fixed = 4 + alen + 6 + alen + asn_len + 2
    if p + fixed > end:
        return E_TD_SHORT
    poff = p + 4
    plen = np.int64(b[poff + alen])
    if plen > 8 * alen:
        return E_TD_PREFIX
    q = poff + alen + 6
    ip_off = q
    q += alen
    asn = u32(b, q) if asn_len == 4 else u16(b, q)
    q += asn_len
    alen_attr = u16(b, q)
    q += 2
    if q + alen_attr > end:
        return E_TD_SHORT
    err = parse_attributes(b, q, q + alen_attr, asn_len, sc)
    if err:
        return err
    peer = peer_id(peers, 6 if v6 else 4, b, ip_off, asn)
    if peer < 0:
        return 32
    nh_afi, nh_off = route_nexthop(b, sc)
    emit(out, sc, True, rec, ts, peer, KIND_RIB, 6 if v6 else 4, b, poff, plen, alen,
         0, False, 1, nh_afi, nh_off, sc.av[AV_NH4])
    return 0
