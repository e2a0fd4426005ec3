/* The compiled MRT walker's record parsers (the numba reference's bgp4mp.py,
   table_dump_v2.py, table_dump.py and _kernels.walk), function for function.
   walk_buffer() is the entry point. */

#ifndef CROSSROADS_CWALK_RECORDS_H
#define CROSSROADS_CWALK_RECORDS_H

#include "_cwalk_attrs.h"

/* ---- bgp4mp.py ---- */

static int parse_state_change(const uint8_t *b, int64_t p, int64_t end, int asn_len,
                              int64_t rec, int64_t ts, Out *out, Scratch *sc, Peers *peers) {
    int64_t peer, old, new_;
    if (asn_len == 2 && end - p == 8) {
        peer = peer_id(peers, 4, ZERO16, 0, u16(b, p));
        old = u16(b, p + 4);
        new_ = u16(b, p + 6);
    } else {
        if (p + 2 * asn_len + 4 > end) return E_STATE;
        int64_t asn = asn_len == 4 ? u32(b, p) : u16(b, p);
        int64_t afi_code = u16(b, p + 2 * asn_len + 2);
        int alen = afi_code == 1 ? 4 : (afi_code == 2 ? 16 : 0);
        if (alen == 0) return 0;
        int64_t ip_off = p + 2 * asn_len + 4;
        if (ip_off + 2 * alen + 4 > end) return E_STATE;
        peer = peer_id(peers, alen == 4 ? 4 : 6, b, ip_off, asn);
        int64_t q = ip_off + 2 * alen;
        old = u16(b, q);
        new_ = u16(b, q + 2);
    }
    if (peer < 0) return E_PEER_TABLE;
    if (emit(out, sc, 0, rec, ts, peer, KIND_STATE, 0, b, 0, 0, 0, 0, 0, 0, 0, -1, 0)) {
        int64_t r = out->cnt[C_ROWS] - 1;
        out->old_state[r] = (uint16_t)old;
        out->new_state[r] = (uint16_t)new_;
    }
    return 0;
}

static int parse_message(const uint8_t *b, int64_t p, int64_t end, int asn_len, int local,
                         int addpath, int64_t rec, int64_t ts, Out *out, Scratch *sc,
                         Peers *peers) {
    if (p + 2 * asn_len + 4 > end) return E_MSG_SHORT;
    int64_t a1 = asn_len == 4 ? u32(b, p) : u16(b, p);
    int64_t a2 = asn_len == 4 ? u32(b, p + asn_len) : u16(b, p + asn_len);
    int64_t afi_code = u16(b, p + 2 * asn_len + 2);
    int alen = afi_code == 1 ? 4 : (afi_code == 2 ? 16 : 0);
    if (alen == 0) return 0;
    int64_t ip1 = p + 2 * asn_len + 4;
    int64_t q = ip1 + 2 * alen;
    if (q + 19 > end) return E_MSG_SHORT;
    for (int j = 0; j < 16; j++)
        if (b[q + j] != 0xFF) return E_MSG_MARKER;
    int64_t mlen = u16(b, q + 16);
    uint8_t mtype = b[q + 18];
    if (mlen < 19 || q + mlen > end) return E_MSG_LEN;
    if (mtype != 2) return 0;
    int64_t mend = q + mlen;
    int64_t peer = peer_id(peers, alen == 4 ? 4 : 6, b, local ? ip1 + alen : ip1,
                           local ? a2 : a1);
    if (peer < 0) return E_PEER_TABLE;
    q += 19;
    if (q + 2 > mend) return E_UPD_LEN;
    int64_t wlen = u16(b, q);
    int64_t w0 = q + 2, w1 = w0 + wlen;
    if (w1 + 2 > mend) return E_UPD_LEN;
    int64_t tlen = u16(b, w1);
    int64_t at0 = w1 + 2, at1 = at0 + tlen;
    if (at1 > mend) return E_UPD_LEN;
    int err = parse_attributes(b, at0, at1, asn_len, sc);
    if (err) return err;
    int64_t *av = sc->av;
    int64_t *c = out->cnt;
    /* 1. withdrawn IPv4 prefixes */
    err = emit_nlri(out, sc, 0, rec, ts, peer, KIND_WITHDRAW, 4, 1, addpath, b, w0, w1, 0, -1,
                    0);
    if (err || c[C_FULL]) return err;
    /* 2. MP_UNREACH_NLRI */
    if (av[AV_MPU_OFF] >= 0) {
        int64_t u0 = av[AV_MPU_OFF], u1 = av[AV_MPU_END];
        if (u0 + 3 > u1) return E_UPD_LEN;
        int64_t fam = u16(b, u0), safi = b[u0 + 2];
        if ((fam == 1 || fam == 2) && safi >= 1 && safi <= 3) {
            err = emit_nlri(out, sc, 0, rec, ts, peer, KIND_WITHDRAW, fam == 1 ? 4 : 6, safi,
                            addpath, b, u0 + 3, u1, 0, -1, 0);
            if (err || c[C_FULL]) return err;
        }
    }
    /* 3. announced IPv4 prefixes (NEXT_HOP attribute) */
    int64_t nh4 = av[AV_NH4];
    err = emit_nlri(out, sc, 1, rec, ts, peer, KIND_ANNOUNCE, 4, 1, addpath, b, at1, mend,
                    nh4 >= 0 ? 4 : 0, -1, nh4);
    if (err || c[C_FULL]) return err;
    /* 4. MP_REACH_NLRI (full form; an abbreviated one carries no prefixes) */
    if (av[AV_MPR_OFF] >= 0 && b[av[AV_MPR_OFF]] == 0) {
        int64_t r0 = av[AV_MPR_OFF], r1 = av[AV_MPR_END];
        if (r0 + 5 > r1) return E_UPD_LEN;
        int64_t fam = u16(b, r0), safi = b[r0 + 2], nhl = b[r0 + 3];
        int64_t n0 = r0 + 4 + nhl;
        if (n0 + 1 > r1) return E_UPD_LEN;
        int64_t nsnpa = b[n0];
        n0 += 1;
        for (int64_t i = 0; i < nsnpa; i++) {
            if (n0 >= r1) return E_UPD_LEN;
            n0 += 1 + (int64_t)b[n0];
        }
        if (n0 > r1) return E_UPD_LEN;
        if ((fam == 1 || fam == 2) && safi >= 1 && safi <= 3) {
            int nh_afi;
            int64_t nh_off;
            mp_nexthop(b, r0, r1, &nh_afi, &nh_off);
            err = emit_nlri(out, sc, 1, rec, ts, peer, KIND_ANNOUNCE, fam == 1 ? 4 : 6, safi,
                            addpath, b, n0, r1, nh_afi, nh_off, nh4);
        }
    }
    return err;
}

/* ---- table_dump_v2.py ---- */

static int parse_peer_index_table(const uint8_t *b, int64_t p, int64_t end, Peers *peers) {
    if (p + 6 > end) return E_PIT_SHORT;
    p += 4;
    p += 2 + u16(b, p);
    if (p + 2 > end) return E_PIT_SHORT;
    int64_t n = u16(b, p);
    p += 2;
    for (int64_t i = 0; i < n; i++) {
        if (p + 1 > end) return E_PIT_SHORT;
        uint8_t t = b[p];
        int alen = (t & 1) ? 16 : 4, asn_len = (t & 2) ? 4 : 2;
        if (p + 5 + alen + asn_len > end) return E_PIT_SHORT;
        int64_t ip_off = p + 5, q = ip_off + alen;
        int64_t asn = asn_len == 4 ? u32(b, q) : u16(b, q);
        int64_t pid = peer_id(peers, alen == 16 ? 6 : 4, b, ip_off, asn);
        if (pid < 0) return E_PEER_TABLE;
        if (i < peers->npit) peers->pit[i] = (int32_t)pid;
        p = q + asn_len;
    }
    peers->state[2] = n;
    return 0;
}

static int parse_rib(const uint8_t *b, int64_t p, int64_t end, int64_t subtype, int64_t rec,
                     int64_t ts, Out *out, Scratch *sc, Peers *peers) {
    int addpath = subtype >= 8;
    int64_t base = addpath ? subtype - 6 : subtype;
    int afi;
    int64_t safi;
    if (p + 5 > end) return E_RIB_SHORT;
    p += 4;
    if (base == 6) {
        if (p + 4 > end) return E_RIB_SHORT;
        int64_t afi_code = u16(b, p);
        safi = b[p + 2];
        p += 3;
        if ((afi_code != 1 && afi_code != 2) || (safi != 1 && safi != 2)) return 0;
        afi = afi_code == 1 ? 4 : 6;
    } else if (base >= 2 && base <= 5) {
        afi = base <= 3 ? 4 : 6;
        safi = (base == 2 || base == 4) ? 1 : 2;
    } else {
        return 0;
    }
    int64_t plen = b[p];
    if (plen > (afi == 4 ? 32 : 128)) return E_RIB_PREFIX;
    int64_t nb = (plen + 7) / 8, poff = p + 1;
    p = poff + nb;
    if (p + 2 > end) return E_RIB_SHORT;
    int64_t count = u16(b, p);
    p += 2;
    int64_t npit = peers->state[2];
    int64_t head = addpath ? 10 : 6;
    for (int64_t e = 0; e < count; e++) {
        if (p + head + 2 > end) return E_RIB_SHORT;
        int64_t idx = u16(b, p);
        if (npit < 0) return E_NO_PIT;
        if (idx >= npit) return E_PEER_INDEX;
        int64_t pid = addpath ? u32(b, p + 6) : 0;
        p += head;
        int64_t alen_attr = u16(b, p);
        p += 2;
        if (p + alen_attr > end) return E_RIB_SHORT;
        int err = parse_attributes(b, p, p + alen_attr, 4, sc);
        if (err) return err;
        p += alen_attr;
        int nh_afi;
        int64_t nh_off;
        route_nexthop(b, sc, &nh_afi, &nh_off);
        if (!emit(out, sc, 1, rec, ts, peers->pit[idx], KIND_RIB, afi, b, poff, plen, nb, pid,
                  addpath, safi, nh_afi, nh_off, sc->av[AV_NH4]))
            return 0;
    }
    return 0;
}

/* ---- table_dump.py ---- */

static int parse_table_dump(const uint8_t *b, int64_t p, int64_t end, int64_t subtype,
                            int64_t rec, int64_t ts, Out *out, Scratch *sc, Peers *peers) {
    if (subtype < 1 || subtype > 4) return 0;
    int v6 = subtype == 2 || subtype == 4;
    int asn_len = subtype >= 3 ? 4 : 2;
    int alen = v6 ? 16 : 4;
    int64_t fixed = 4 + alen + 6 + alen + asn_len + 2;
    if (p + fixed > end) return E_TD_SHORT;
    int64_t poff = p + 4;
    int64_t plen = b[poff + alen];
    if (plen > 8 * alen) return E_TD_PREFIX;
    int64_t q = poff + alen + 6, ip_off = q;
    q += alen;
    int64_t asn = asn_len == 4 ? u32(b, q) : u16(b, q);
    q += asn_len;
    int64_t alen_attr = u16(b, q);
    q += 2;
    if (q + alen_attr > end) return E_TD_SHORT;
    int err = parse_attributes(b, q, q + alen_attr, asn_len, sc);
    if (err) return err;
    int64_t peer = peer_id(peers, v6 ? 6 : 4, b, ip_off, asn);
    if (peer < 0) return E_PEER_TABLE;
    int nh_afi;
    int64_t nh_off;
    route_nexthop(b, sc, &nh_afi, &nh_off);
    emit(out, sc, 1, rec, ts, peer, KIND_RIB, v6 ? 6 : 4, b, poff, plen, alen, 0, 0, 1, nh_afi,
         nh_off, sc->av[AV_NH4]);
    return 0;
}

/* ---- _kernels.py ---- */

static int dispatch(const uint8_t *b, int64_t typ, int64_t sub, int64_t p, int64_t end,
                    int64_t rec, int64_t ts, Out *out, Scratch *sc, Peers *peers) {
    if (typ == 16 || typ == 17) {
        if (sub == 0 || sub == 5)
            return parse_state_change(b, p, end, sub == 5 ? 4 : 2, rec, ts, out, sc, peers);
        if (sub == 1 || sub == 4 || (sub >= 6 && sub <= 11)) {
            int asn_len = (sub == 4 || sub == 7 || sub == 9 || sub == 11) ? 4 : 2;
            int local = sub == 6 || sub == 7 || sub == 10 || sub == 11;
            return parse_message(b, p, end, asn_len, local, sub >= 8, rec, ts, out, sc, peers);
        }
        return 0;
    }
    if (typ == 13) {
        if (sub == 1) return parse_peer_index_table(b, p, end, peers);
        return parse_rib(b, p, end, sub, rec, ts, out, sc, peers);
    }
    if (typ == 12) return parse_table_dump(b, p, end, sub, rec, ts, out, sc, peers);
    return 0;
}

static void walk_buffer(const uint8_t *b, int64_t n, int64_t pos, int64_t rec, Out *out,
                        Scratch *sc, Peers *peers, int64_t *status) {
    int64_t *c = out->cnt;
    int64_t saved[6];
    while (pos + 12 <= n) {
        int64_t ts = u32(b, pos), typ = u16(b, pos + 4), sub = u16(b, pos + 6);
        int64_t ln = u32(b, pos + 8), hdr = 12, us = 0;
        if (typ == 17 || typ == 33 || typ == 49) {
            if (ln < 4) {
                status[0] = E_ET_SHORT;
                status[1] = pos;
                status[2] = rec;
                return;
            }
            hdr = 16;
            ln -= 4;
        }
        if (pos + hdr + ln > n) break;
        if (hdr == 16) us = u32(b, pos + 12);
        memcpy(saved, c, sizeof(saved));
        int err = dispatch(b, typ, sub, pos + hdr, pos + hdr + ln, rec, ts * 1000000 + us, out,
                           sc, peers);
        if (c[C_FULL] || err) {
            memcpy(c, saved, sizeof(saved));
            status[0] = err ? err : -1;
            status[1] = pos;
            status[2] = rec;
            return;
        }
        pos += hdr + ln;
        rec++;
    }
    status[0] = 0;
    status[1] = pos;
    status[2] = rec;
}

#endif
