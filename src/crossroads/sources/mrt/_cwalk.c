/* The MRT record walker and address formatter, compiled ahead of time.

   A line-for-line port of the numba reference (_kernels.py, attributes.py, _rows.py,
   table_dump.py, table_dump_v2.py, bgp4mp.py): same arguments (the namedtuples of numpy
   arrays built by _buffers.py), same rows, same error codes, same stop rules. It exists
   because loading numba's cached machine code costs about a second per process, more than
   bgpdump needs for a whole update file; this module imports in a millisecond.
   Every read of the input is bounds-checked against the record's end exactly where the
   reference checks it; the reference and this port are compared row for row in
   tests/sources/mrt/test_backends.py, on every mirror file, and fuzzed. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_cwalk_records.h"

/* ---- buffers from the Python namedtuples ---- */

#define MAX_VIEWS 48

typedef struct {
    Py_buffer v[MAX_VIEWS];
    int n;
} Views;

static void release(Views *vs) {
    for (int i = 0; i < vs->n; i++) PyBuffer_Release(&vs->v[i]);
    vs->n = 0;
}

/* The buffer of field ``idx`` of tuple ``t``: C-contiguous, writable, of ``itemsize``. */
static void *field(Views *vs, PyObject *t, Py_ssize_t idx, Py_ssize_t itemsize,
                   int64_t *count) {
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) <= idx) {
        PyErr_SetString(PyExc_TypeError, "expected a buffer namedtuple from _buffers.py");
        return NULL;
    }
    Py_buffer *v = &vs->v[vs->n];
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(t, idx), v,
                           PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0)
        return NULL;
    vs->n++;
    if (v->itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "field %zd has item size %zd, expected %zd", idx,
                     v->itemsize, itemsize);
        return NULL;
    }
    if (count) *count = v->len / itemsize;
    return v->buf;
}

#define FIELD(dst, t, i, T, cnt) \
    if (!((dst) = (T *)field(vs, (t), (i), sizeof(T), (cnt)))) return -1

static int get_out(Views *vs, PyObject *t, Out *o) {
    int64_t k;
    FIELD(o->cnt, t, 0, int64_t, &k);
    if (k < 6) { PyErr_SetString(PyExc_ValueError, "cnt too short"); return -1; }
    FIELD(o->rec, t, 1, int64_t, &o->rows);
    Py_ssize_t rows = o->rows;
    int64_t sizes[25];
    FIELD(o->ts, t, 2, int64_t, &sizes[2]);
    FIELD(o->peer, t, 3, int32_t, &sizes[3]);
    FIELD(o->kind, t, 4, int8_t, &sizes[4]);
    FIELD(o->afi, t, 5, uint8_t, &sizes[5]);
    FIELD(o->pfx, t, 6, uint8_t, &sizes[6]);
    FIELD(o->plen, t, 7, uint8_t, &sizes[7]);
    FIELD(o->path_id, t, 8, uint32_t, &sizes[8]);
    FIELD(o->has_pid, t, 9, uint8_t, &sizes[9]);
    FIELD(o->safi, t, 10, uint8_t, &sizes[10]);
    FIELD(o->path_end, t, 11, int64_t, &sizes[11]);
    FIELD(o->vals, t, 12, uint32_t, &o->nvals);
    FIELD(o->seg_end, t, 13, int64_t, &sizes[13]);
    FIELD(o->seg_type, t, 14, uint8_t, &o->nsegs);
    FIELD(o->seg_len, t, 15, uint16_t, &k);
    if (k < o->nsegs) o->nsegs = k;
    FIELD(o->nh_afi, t, 16, uint8_t, &sizes[16]);
    FIELD(o->nh, t, 17, uint8_t, &sizes[17]);
    FIELD(o->origin, t, 18, uint8_t, &sizes[18]);
    FIELD(o->comm_end, t, 19, int64_t, &sizes[19]);
    FIELD(o->comm, t, 20, uint32_t, &o->ncomm);
    FIELD(o->lcomm_end, t, 21, int64_t, &sizes[21]);
    FIELD(o->lcomm, t, 22, uint32_t, &o->nlcomm);
    FIELD(o->old_state, t, 23, uint16_t, &sizes[23]);
    FIELD(o->new_state, t, 24, uint16_t, &sizes[24]);
    static const int per_row[] = {2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 16, 18, 19, 21, 23, 24};
    for (size_t i = 0; i < sizeof(per_row) / sizeof(per_row[0]); i++) {
        if (sizes[per_row[i]] < rows) {
            PyErr_Format(PyExc_ValueError, "output field %d shorter than the row count",
                         per_row[i]);
            return -1;
        }
    }
    if (sizes[6] < 16 * rows || sizes[17] < 16 * rows) {
        PyErr_SetString(PyExc_ValueError, "address fields shorter than 16 bytes a row");
        return -1;
    }
    return 0;
}

static int get_scratch(Views *vs, PyObject *t, Scratch *s) {
    int64_t k[12];
    FIELD(s->av, t, 0, int64_t, &k[0]);
    FIELD(s->raw_asn, t, 1, uint32_t, &k[1]);
    FIELD(s->raw_type, t, 2, uint8_t, &k[2]);
    FIELD(s->raw_len, t, 3, uint16_t, &k[3]);
    FIELD(s->as4_asn, t, 4, uint32_t, &k[4]);
    FIELD(s->as4_type, t, 5, uint8_t, &k[5]);
    FIELD(s->as4_len, t, 6, uint16_t, &k[6]);
    FIELD(s->asn, t, 7, uint32_t, &k[7]);
    FIELD(s->seg_type, t, 8, uint8_t, &k[8]);
    FIELD(s->seg_len, t, 9, uint16_t, &k[9]);
    FIELD(s->comm, t, 10, uint32_t, &k[10]);
    FIELD(s->lcomm, t, 11, uint32_t, &k[11]);
    if (k[0] < AV_SIZE || k[11] < 3 * 65536) {
        PyErr_SetString(PyExc_ValueError, "scratch arrays too small");
        return -1;
    }
    for (int i = 1; i < 11; i++) {
        if (k[i] < 65536) {
            PyErr_SetString(PyExc_ValueError, "scratch arrays too small");
            return -1;
        }
    }
    return 0;
}

static int get_peers(Views *vs, PyObject *t, Peers *p) {
    int64_t k[5];
    FIELD(p->state, t, 0, int64_t, &k[0]);
    FIELD(p->ip, t, 1, uint8_t, &k[1]);
    FIELD(p->afi, t, 2, uint8_t, &k[2]);
    FIELD(p->asn, t, 3, uint32_t, &k[3]);
    FIELD(p->pit, t, 4, int32_t, &p->npit);
    p->size = k[2];
    if (k[0] < 3 || k[3] < p->size || k[1] < 16 * p->size || p->npit < 65536) {
        PyErr_SetString(PyExc_ValueError, "peer table arrays of inconsistent sizes");
        return -1;
    }
    return 0;
}

static PyObject *py_walk(PyObject *self, PyObject *args) {
    Py_buffer data;
    long long pos, rec;
    PyObject *out_t, *sc_t, *peers_t, *status_t;
    if (!PyArg_ParseTuple(args, "y*LLOOOO", &data, &pos, &rec, &out_t, &sc_t, &peers_t,
                          &status_t))
        return NULL;
    Views *vs = PyMem_Calloc(1, sizeof(Views));
    if (!vs) {
        PyBuffer_Release(&data);
        return PyErr_NoMemory();
    }
    Out out;
    Scratch sc;
    Peers peers;
    Py_ssize_t nstatus;
    int64_t *status = NULL;
    PyObject *result = NULL;
    if (get_out(vs, out_t, &out) < 0 || get_scratch(vs, sc_t, &sc) < 0
        || get_peers(vs, peers_t, &peers) < 0)
        goto done;
    Py_buffer *sv = &vs->v[vs->n];
    if (PyObject_GetBuffer(status_t, sv, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0)
        goto done;
    vs->n++;
    nstatus = sv->len / 8;
    if (sv->itemsize != 8 || nstatus < 3) {
        PyErr_SetString(PyExc_ValueError, "status must be int64[3]");
        goto done;
    }
    status = sv->buf;
    if (pos < 0 || pos > data.len) {
        PyErr_SetString(PyExc_ValueError, "pos outside the buffer");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    walk_buffer(data.buf, data.len, pos, rec, &out, &sc, &peers, status);
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    release(vs);
    PyMem_Free(vs);
    PyBuffer_Release(&data);
    return result;
}

/* ---- address text (the reference's format_addresses) ---- */

static int64_t put_hex(int64_t v, uint8_t *d, int64_t k) {
    int digits = v >= 0x1000 ? 4 : v >= 0x100 ? 3 : v >= 0x10 ? 2 : 1;
    for (int i = digits - 1; i >= 0; i--) {
        int x = (int)((v >> (4 * i)) & 0xF);
        d[k++] = (uint8_t)(x < 10 ? 48 + x : 87 + x);
    }
    return k;
}

static int64_t put_dec(int64_t v, uint8_t *d, int64_t k) {
    if (v >= 100) d[k++] = (uint8_t)(48 + v / 100);
    if (v >= 10) d[k++] = (uint8_t)(48 + (v / 10) % 10);
    d[k++] = (uint8_t)(48 + v % 10);
    return k;
}

/* "0".."255" and their lengths: an IPv4 address is four table copies. */
static char DEC[256][4];
static uint8_t DEC_LEN[256];

static void init_dec(void) {
    for (int v = 0; v < 256; v++) DEC_LEN[v] = (uint8_t)put_dec(v, (uint8_t *)DEC[v], 0);
}

static int64_t put_ipv4(const uint8_t *a, uint8_t *d, int64_t k) {
    for (int i = 0; i < 4; i++) {
        if (i) d[k++] = '.';
        memcpy(d + k, DEC[a[i]], 4);  /* 4 bytes: the buffer has 44 a row of room */
        k += DEC_LEN[a[i]];
    }
    return k;
}

static int64_t put_ipv6(const uint8_t *a, uint8_t *d, int64_t k) {
    int64_t w[8];
    for (int i = 0; i < 8; i++) w[i] = ((int64_t)a[2 * i] << 8) | a[2 * i + 1];
    int best = -1, blen = 0, cur = -1, clen = 0;
    for (int i = 0; i < 8; i++) {
        if (w[i] == 0) {
            if (cur < 0) { cur = i; clen = 1; } else clen++;
        } else {
            if (cur >= 0 && clen > blen) { best = cur; blen = clen; }
            cur = -1;
        }
    }
    if (cur >= 0 && clen > blen) { best = cur; blen = clen; }
    if (blen < 2) best = -1;
    int i = 0;
    while (i < 8) {
        if (best >= 0 && best <= i && i < best + blen) {
            if (i == best) d[k++] = ':';
            i++;
            continue;
        }
        if (i) d[k++] = ':';
        if (i == 6 && best == 0 && (blen == 6 || (blen == 5 && w[5] == 0xFFFF)))
            return put_ipv4(a + 12, d, k);
        k = put_hex(w[i], d, k);
        i++;
    }
    if (best >= 0 && best + blen == 8) d[k++] = ':';
    return k;
}

/* format_into(afi, addr, plen, with_len, offsets, chars, valid) -> bytes written.
   afi: uint8[n]; addr: uint8[n*16]; plen: uint8[n]; offsets: int32[n+1];
   chars: uint8[>= 44 n]; valid: bool[n]. */
static PyObject *py_format_into(PyObject *self, PyObject *args) {
    Py_buffer afi, addr, plen, offs, chars, valid;
    int with_len;
    if (!PyArg_ParseTuple(args, "y*y*y*pw*w*w*", &afi, &addr, &plen, &with_len, &offs, &chars,
                          &valid))
        return NULL;
    Py_ssize_t n = afi.len;
    int64_t k = 0;
    PyObject *result = NULL;
    if (addr.len < 16 * n || plen.len < n || offs.len < 4 * (n + 1) || chars.len < 44 * n
        || valid.len < n) {
        PyErr_SetString(PyExc_ValueError, "format_into: buffers too small");
        goto done;
    }
    const uint8_t *fa = afi.buf, *ad = addr.buf, *pl = plen.buf;
    int32_t *of = offs.buf;
    uint8_t *ch = chars.buf, *ok = valid.buf;
    Py_BEGIN_ALLOW_THREADS
    of[0] = 0;
    for (Py_ssize_t r = 0; r < n; r++) {
        ok[r] = 0;
        if (fa[r] == 4) {
            k = put_ipv4(ad + 16 * r, ch, k);
            ok[r] = 1;
        } else if (fa[r] == 6) {
            k = put_ipv6(ad + 16 * r, ch, k);
            ok[r] = 1;
        }
        if (ok[r] && with_len) {
            ch[k++] = '/';
            k = put_dec(pl[r], ch, k);
        }
        of[r + 1] = (int32_t)k;
    }
    Py_END_ALLOW_THREADS
    result = PyLong_FromLongLong(k);
done:
    PyBuffer_Release(&afi);
    PyBuffer_Release(&addr);
    PyBuffer_Release(&plen);
    PyBuffer_Release(&offs);
    PyBuffer_Release(&chars);
    PyBuffer_Release(&valid);
    return result;
}

/* gather_into(offsets, chars, index, out_offsets, out_chars) -> bytes written: the strings
   ``index[i]`` of an Arrow-style (int32 offsets, chars) array, in order. */
static PyObject *py_gather_into(PyObject *self, PyObject *args) {
    Py_buffer offs, chars, idx, o_offs, o_chars;
    if (!PyArg_ParseTuple(args, "y*y*y*w*w*", &offs, &chars, &idx, &o_offs, &o_chars))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t m = offs.len / 4 - 1, n = idx.len / 4;
    const int32_t *of = offs.buf, *ix = idx.buf;
    int32_t *oo = o_offs.buf;
    const uint8_t *ch = chars.buf;
    uint8_t *oc = o_chars.buf;
    int64_t k = 0;
    if (o_offs.len < 4 * (n + 1)) {
        PyErr_SetString(PyExc_ValueError, "gather_into: offsets buffer too small");
        goto done;
    }
    oo[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t j = ix[i];
        if (j < 0 || j >= m || of[j] > of[j + 1] || of[j + 1] > chars.len) {
            PyErr_SetString(PyExc_IndexError, "gather_into: index out of range");
            goto done;
        }
        int64_t len = of[j + 1] - of[j];
        if (k + len > o_chars.len) {
            PyErr_SetString(PyExc_ValueError, "gather_into: chars buffer too small");
            goto done;
        }
        memcpy(oc + k, ch + of[j], (size_t)len);
        k += len;
        oo[i + 1] = (int32_t)k;
    }
    result = PyLong_FromLongLong(k);
done:
    PyBuffer_Release(&offs);
    PyBuffer_Release(&chars);
    PyBuffer_Release(&idx);
    PyBuffer_Release(&o_offs);
    PyBuffer_Release(&o_chars);
    return result;
}

static PyMethodDef methods[] = {
    {"walk", py_walk, METH_VARARGS,
     "walk(data, pos, rec, out, sc, peers, status): parse whole MRT records from data[pos:]."},
    {"format_into", py_format_into, METH_VARARGS,
     "format_into(afi, addr, plen, with_len, offsets, chars, valid) -> bytes written."},
    {"gather_into", py_gather_into, METH_VARARGS,
     "gather_into(offsets, chars, index, out_offsets, out_chars) -> bytes written."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cwalk", "Compiled MRT record walker (see _cwalk.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__cwalk(void) {
    init_dec();
    return PyModule_Create(&module);
}
