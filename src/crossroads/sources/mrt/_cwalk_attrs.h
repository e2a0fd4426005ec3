/* The compiled MRT walker's buffers, path attributes and route output (the numba
   reference's _buffers.py, attributes.py and _rows.py), function for function.

   Included through _cwalk_records.h by _cwalk.c only: one translation unit, so the
   compiler inlines across the parsers. */

#ifndef CROSSROADS_CWALK_ATTRS_H
#define CROSSROADS_CWALK_ATTRS_H

#include <stdint.h>
#include <string.h>

/* error codes (the reference's ERRORS table) */
#define E_ET_SHORT 10
#define E_ATTR_LEN 20
#define E_SEG_TYPE 21
#define E_SEG_LEN 22
#define E_ATTR_SIZE 23
#define E_PREFIX_LEN 30
#define E_NLRI_TRUNC 31
#define E_PEER_TABLE 32
#define E_TD_SHORT 40
#define E_TD_PREFIX 41
#define E_PIT_SHORT 50
#define E_RIB_SHORT 51
#define E_RIB_PREFIX 52
#define E_NO_PIT 53
#define E_PEER_INDEX 54
#define E_MSG_SHORT 60
#define E_MSG_MARKER 61
#define E_MSG_LEN 62
#define E_UPD_LEN 63
#define E_STATE 64

enum { C_ROWS, C_VALS, C_SEGS, C_COMM, C_LCOMM, C_FULL };
enum { KIND_ANNOUNCE, KIND_WITHDRAW, KIND_RIB, KIND_STATE };
enum {
    AV_ORIGIN, AV_NH4, AV_NPATH, AV_NSEG, AV_AGG_AS, AV_AS4AGG, AV_NCOMM, AV_NLCOMM,
    AV_MPR_OFF, AV_MPR_END, AV_MPU_OFF, AV_MPU_END, AV_HAS_PATH, AV_N4PATH, AV_N4SEG,
    AV_NRAW, AV_NRAWSEG, AV_SIZE = 20
};

typedef struct {
    int64_t *cnt, *rec, *ts;
    int32_t *peer;
    int8_t *kind;
    uint8_t *afi, *pfx, *plen;
    uint32_t *path_id;
    uint8_t *has_pid, *safi;
    int64_t *path_end;
    uint32_t *vals;
    int64_t *seg_end;
    uint8_t *seg_type;
    uint16_t *seg_len;
    uint8_t *nh_afi, *nh, *origin;
    int64_t *comm_end;
    uint32_t *comm;
    int64_t *lcomm_end;
    uint32_t *lcomm;
    uint16_t *old_state, *new_state;
    int64_t rows, nvals, nsegs, ncomm, nlcomm;
} Out;

typedef struct {
    int64_t *av;
    uint32_t *raw_asn;
    uint8_t *raw_type;
    uint16_t *raw_len;
    uint32_t *as4_asn;
    uint8_t *as4_type;
    uint16_t *as4_len;
    uint32_t *asn;
    uint8_t *seg_type;
    uint16_t *seg_len;
    uint32_t *comm, *lcomm;
    int64_t size, nlcomm;
} Scratch;

typedef struct {
    int64_t *state;
    uint8_t *ip, *afi;
    uint32_t *asn;
    int32_t *pit;
    int64_t size, npit;
} Peers;

static const uint8_t ZERO16[16] = {0};

static inline int64_t u16(const uint8_t *b, int64_t p) {
    return ((int64_t)b[p] << 8) | (int64_t)b[p + 1];
}

static inline int64_t u32(const uint8_t *b, int64_t p) {
    return ((int64_t)b[p] << 24) | ((int64_t)b[p + 1] << 16) | ((int64_t)b[p + 2] << 8)
        | (int64_t)b[p + 3];
}

/* ---- attributes.py ---- */

static void read_path(const uint8_t *b, int64_t p, int64_t end, int asn_len, uint32_t *asn,
                      uint8_t *styp, uint16_t *slen, int64_t *n_out, int64_t *ns_out) {
    int64_t n = 0, ns = 0;
    while (p < end) {
        if (p + 2 > end) { *n_out = -E_SEG_LEN; *ns_out = 0; return; }
        uint8_t t = b[p];
        int64_t k = b[p + 1];
        if (t < 1 || t > 4) { *n_out = -E_SEG_TYPE; *ns_out = 0; return; }
        p += 2;
        if (p + k * asn_len > end) { *n_out = -E_SEG_LEN; *ns_out = 0; return; }
        styp[ns] = t;
        slen[ns] = (uint16_t)k;
        ns++;
        for (int64_t i = 0; i < k; i++) {
            asn[n++] = (uint32_t)(asn_len == 4 ? u32(b, p) : u16(b, p));
            p += asn_len;
        }
    }
    *n_out = n;
    *ns_out = ns;
}

static int64_t path_count(const uint8_t *styp, const uint16_t *slen, int64_t ns) {
    int64_t c = 0;
    for (int64_t i = 0; i < ns; i++)
        c += (styp[i] == 1 || styp[i] == 4) ? 1 : (int64_t)slen[i];
    return c;
}

static void finish_path(Scratch *sc, int asn_len) {
    int64_t *av = sc->av;
    int64_t n = av[AV_NRAW], ns = av[AV_NRAWSEG];
    int merge = asn_len == 2 && av[AV_N4PATH] >= 0 && n >= 0;
    int64_t c_old = 0, c_new = 0;
    if (merge && av[AV_AGG_AS] >= 0 && av[AV_AS4AGG] == 1 && av[AV_AGG_AS] != 23456)
        merge = 0;
    if (merge) {
        c_old = path_count(sc->raw_type, sc->raw_len, ns);
        c_new = path_count(sc->as4_type, sc->as4_len, av[AV_N4SEG]);
        if (c_old < c_new) merge = 0;
    }
    if (!merge) {
        if (n > 0) memcpy(sc->asn, sc->raw_asn, (size_t)n * sizeof(uint32_t));
        if (ns > 0) {
            memcpy(sc->seg_type, sc->raw_type, (size_t)ns);
            memcpy(sc->seg_len, sc->raw_len, (size_t)ns * sizeof(uint16_t));
        }
        av[AV_NPATH] = n > 0 ? n : 0;
        av[AV_NSEG] = ns > 0 ? ns : 0;
        return;
    }
    int64_t keep = c_old - c_new, got = 0, m = 0, ms = 0, src = 0, s = 0;
    while (got < keep) {
        uint8_t t = sc->raw_type[s];
        int64_t k = sc->raw_len[s], take = k;
        if (t == 1 || t == 4) {
            got += 1;
        } else {
            got += k;
            if (got > keep) take = k - (got - keep);
        }
        sc->seg_type[ms] = t;
        sc->seg_len[ms] = (uint16_t)take;
        ms++;
        for (int64_t j = 0; j < take; j++) sc->asn[m++] = sc->raw_asn[src + j];
        src += k;
        s++;
    }
    for (int64_t i = 0; i < av[AV_N4PATH]; i++) sc->asn[m + i] = sc->as4_asn[i];
    for (int64_t i = 0; i < av[AV_N4SEG]; i++) {
        sc->seg_type[ms + i] = sc->as4_type[i];
        sc->seg_len[ms + i] = sc->as4_len[i];
    }
    av[AV_NPATH] = m + av[AV_N4PATH];
    av[AV_NSEG] = ms + av[AV_N4SEG];
}

static int parse_attributes(const uint8_t *b, int64_t p, int64_t end, int asn_len,
                            Scratch *sc) {
    int64_t *av = sc->av;
    for (int i = 0; i < AV_SIZE; i++) av[i] = -1;
    av[AV_NCOMM] = 0;
    av[AV_NLCOMM] = 0;
    av[AV_AS4AGG] = 0;
    av[AV_HAS_PATH] = 0;
    while (p < end) {
        if (p + 3 > end) return E_ATTR_LEN;
        uint8_t flags = b[p], typ = b[p + 1];
        int64_t ln;
        if (flags & 0x10) {
            if (p + 4 > end) return E_ATTR_LEN;
            ln = u16(b, p + 2);
            p += 4;
        } else {
            ln = b[p + 2];
            p += 3;
        }
        int64_t q = p + ln;
        if (q > end) return E_ATTR_LEN;
        int64_t n, ns;
        switch (typ) {
        case 1: /* ORIGIN */
            if (ln != 1) return E_ATTR_SIZE;
            if (av[AV_ORIGIN] < 0) av[AV_ORIGIN] = b[p];
            break;
        case 2: /* AS_PATH */
            if (av[AV_HAS_PATH] == 0) {
                read_path(b, p, q, asn_len, sc->raw_asn, sc->raw_type, sc->raw_len, &n, &ns);
                if (n < 0) return (int)-n;
                av[AV_NRAW] = n;
                av[AV_NRAWSEG] = ns;
                av[AV_HAS_PATH] = 1;
            }
            break;
        case 3: /* NEXT_HOP */
            if (ln != 4) return E_ATTR_SIZE;
            if (av[AV_NH4] < 0) av[AV_NH4] = u32(b, p);
            break;
        case 7: /* AGGREGATOR */
            if (ln != 2 + asn_len && ln != 6 && ln != 8) return E_ATTR_SIZE;
            if (av[AV_AGG_AS] < 0) av[AV_AGG_AS] = ln == 8 ? u32(b, p) : u16(b, p);
            break;
        case 18: /* AS4_AGGREGATOR */
            av[AV_AS4AGG] = 1;
            break;
        case 8: /* COMMUNITIES */
            if (ln % 4 != 0) return E_ATTR_SIZE;
            if (av[AV_NCOMM] == 0) {
                for (int64_t i = 0; i < ln / 4; i++) sc->comm[i] = (uint32_t)u32(b, p + 4 * i);
                av[AV_NCOMM] = ln / 4;
            }
            break;
        case 32: /* LARGE_COMMUNITY */
            if (ln % 12 != 0) return E_ATTR_SIZE;
            if (av[AV_NLCOMM] == 0) {
                for (int64_t i = 0; i < ln / 4; i++) sc->lcomm[i] = (uint32_t)u32(b, p + 4 * i);
                av[AV_NLCOMM] = ln / 12;
            }
            break;
        case 14: /* MP_REACH_NLRI */
            if (av[AV_MPR_OFF] < 0) { av[AV_MPR_OFF] = p; av[AV_MPR_END] = q; }
            break;
        case 15: /* MP_UNREACH_NLRI */
            if (av[AV_MPU_OFF] < 0) { av[AV_MPU_OFF] = p; av[AV_MPU_END] = q; }
            break;
        case 17: /* AS4_PATH */
            if (av[AV_N4PATH] < 0) {
                read_path(b, p, q, 4, sc->as4_asn, sc->as4_type, sc->as4_len, &n, &ns);
                if (n < 0) return (int)-n;
                av[AV_N4PATH] = n;
                av[AV_N4SEG] = ns;
            }
            break;
        default:
            break;
        }
        p = q;
    }
    finish_path(sc, asn_len);
    return 0;
}

/* ---- _rows.py ---- */

static int64_t peer_id(Peers *peers, int afi, const uint8_t *b, int64_t off, int64_t asn) {
    int64_t n = peers->state[0], last = peers->state[1];
    int w = afi == 4 ? 4 : 16;
    for (int64_t probe = -1; probe < n; probe++) {
        int64_t i = probe < 0 ? last : probe;
        if (i < 0 || i >= n) continue;
        if (peers->afi[i] != afi || peers->asn[i] != (uint32_t)asn) continue;
        if (memcmp(peers->ip + 16 * i, b + off, (size_t)w) == 0) {
            peers->state[1] = i;
            return i;
        }
    }
    if (n >= peers->size) return -1;
    peers->afi[n] = (uint8_t)afi;
    peers->asn[n] = (uint32_t)asn;
    memset(peers->ip + 16 * n, 0, 16);
    memcpy(peers->ip + 16 * n, b + off, (size_t)w);
    peers->state[0] = n + 1;
    peers->state[1] = n;
    return n;
}

static int emit(Out *out, Scratch *sc, int with_attrs, int64_t rec, int64_t ts, int64_t peer,
                int kind, int afi, const uint8_t *b, int64_t poff, int64_t plen,
                int64_t nbytes, int64_t pid, int has_pid, int64_t safi, int nh_afi,
                int64_t nh_off, int64_t nh4) {
    int64_t *c = out->cnt;
    int64_t r = c[C_ROWS];
    int64_t *av = sc->av;
    int64_t npath = with_attrs ? av[AV_NPATH] : 0;
    int64_t nseg = with_attrs ? av[AV_NSEG] : 0;
    int64_t ncomm = with_attrs ? av[AV_NCOMM] : 0;
    int64_t nlc = with_attrs ? av[AV_NLCOMM] : 0;
    if (r >= out->rows || c[C_VALS] + npath > out->nvals || c[C_SEGS] + nseg > out->nsegs
        || c[C_COMM] + ncomm > out->ncomm || c[C_LCOMM] + 3 * nlc > out->nlcomm) {
        c[C_FULL] = 1;
        return 0;
    }
    out->rec[r] = rec;
    out->ts[r] = ts;
    out->peer[r] = (int32_t)peer;
    out->kind[r] = (int8_t)kind;
    out->afi[r] = (uint8_t)afi;
    uint8_t *pf = out->pfx + 16 * r;
    memset(pf, 0, 16);
    if (afi != 0 && nbytes > 0) memcpy(pf, b + poff, (size_t)(nbytes < 16 ? nbytes : 16));
    out->plen[r] = (uint8_t)plen;
    out->path_id[r] = (uint32_t)pid;
    out->has_pid[r] = (uint8_t)(has_pid != 0);
    out->safi[r] = (uint8_t)safi;
    out->nh_afi[r] = (uint8_t)nh_afi;
    uint8_t *nh = out->nh + 16 * r;
    memset(nh, 0, 16);
    if (nh_afi == 4 && nh_off < 0) {
        nh[0] = (uint8_t)(nh4 >> 24);
        nh[1] = (uint8_t)(nh4 >> 16);
        nh[2] = (uint8_t)(nh4 >> 8);
        nh[3] = (uint8_t)nh4;
    } else if (nh_afi != 0) {
        memcpy(nh, b + nh_off, nh_afi == 4 ? 4 : 16);
    }
    out->origin[r] = (with_attrs && av[AV_ORIGIN] >= 0) ? (uint8_t)av[AV_ORIGIN] : 255;
    int64_t v = c[C_VALS];
    if (npath) memcpy(out->vals + v, sc->asn, (size_t)npath * sizeof(uint32_t));
    c[C_VALS] = v + npath;
    out->path_end[r] = v + npath;
    int64_t s = c[C_SEGS];
    if (nseg) {
        memcpy(out->seg_type + s, sc->seg_type, (size_t)nseg);
        memcpy(out->seg_len + s, sc->seg_len, (size_t)nseg * sizeof(uint16_t));
    }
    c[C_SEGS] = s + nseg;
    out->seg_end[r] = s + nseg;
    int64_t m = c[C_COMM];
    if (ncomm) memcpy(out->comm + m, sc->comm, (size_t)ncomm * sizeof(uint32_t));
    c[C_COMM] = m + ncomm;
    out->comm_end[r] = m + ncomm;
    m = c[C_LCOMM];
    if (nlc) memcpy(out->lcomm + m, sc->lcomm, (size_t)(3 * nlc) * sizeof(uint32_t));
    c[C_LCOMM] = m + 3 * nlc;
    out->lcomm_end[r] = m + 3 * nlc;
    out->old_state[r] = 0;
    out->new_state[r] = 0;
    c[C_ROWS] = r + 1;
    return 1;
}

static int emit_nlri(Out *out, Scratch *sc, int with_attrs, int64_t rec, int64_t ts,
                     int64_t peer, int kind, int afi, int64_t safi, int addpath,
                     const uint8_t *b, int64_t p, int64_t end, int nh_afi, int64_t nh_off,
                     int64_t nh4) {
    int64_t width = afi == 4 ? 32 : 128;
    while (p < end) {
        int64_t pid = 0;
        if (addpath) {
            if (p + 4 > end) return E_NLRI_TRUNC;
            pid = u32(b, p);
            p += 4;
        }
        if (p >= end) return E_NLRI_TRUNC;
        int64_t plen = b[p];
        if (plen > width) return E_PREFIX_LEN;
        int64_t nb = (plen + 7) / 8;
        if (p + 1 + nb > end) return E_NLRI_TRUNC;
        if (!emit(out, sc, with_attrs, rec, ts, peer, kind, afi, b, p + 1, plen, nb, pid,
                  addpath, safi, nh_afi, nh_off, nh4))
            return 0;
        p += 1 + nb;
    }
    return 0;
}

static void mp_nexthop(const uint8_t *b, int64_t off, int64_t end, int *afi, int64_t *at) {
    *afi = 0;
    *at = -1;
    if (off >= end) return;
    int64_t ln, start;
    if (b[off] != 0) { /* abbreviated */
        ln = b[off];
        start = off + 1;
    } else {
        if (off + 4 > end) return;
        ln = b[off + 3];
        start = off + 4;
    }
    if (start + ln > end) return;
    if (ln == 4) { *afi = 4; *at = start; }
    else if (ln == 16 || ln == 32) { *afi = 6; *at = start; }
}

static void route_nexthop(const uint8_t *b, Scratch *sc, int *nh_afi, int64_t *nh_off) {
    int64_t *av = sc->av;
    *nh_afi = 0;
    *nh_off = -1;
    if (av[AV_MPR_OFF] >= 0) mp_nexthop(b, av[AV_MPR_OFF], av[AV_MPR_END], nh_afi, nh_off);
    if (*nh_afi == 0 && av[AV_NH4] >= 0) *nh_afi = 4;
}

#endif
