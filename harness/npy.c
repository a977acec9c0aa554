/* .npy format 1.0 reader/writer. The reader trusts nothing in the file:
   every length is checked against what was actually read before use, and
   the data size is checked against the file size before allocating, so a
   malformed file gives an error code, never a crash or a huge malloc. */
#include "npy.h"
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREAMBLE 10             /* magic(6) + version(2) + header length(2) */
#define ALIGN 64                /* numpy's ARRAY_ALIGN */
#define GROWTH_DIGITS 21        /* numpy's GROWTH_AXIS_MAX_DIGITS */

static const char MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

size_t npy_itemsize(int dtype)
{
    switch (dtype) {
    case NPY_F32: return 4;
    case NPY_F64: return 8;
    case NPY_U8:  return 1;
    case NPY_I32: return 4;
    default:      return 0;
    }
}

const char *npy_dtype_name(int dtype)
{
    switch (dtype) {
    case NPY_F32: return "<f4";
    case NPY_F64: return "<f8";
    case NPY_U8:  return "|u1";
    case NPY_I32: return "<i4";
    default:      return "?";
    }
}

const char *npy_strerror(int code)
{
    switch (code) {
    case NPY_OK:       return "ok";
    case NPY_EOPEN:    return "cannot open";
    case NPY_EMAGIC:   return "bad magic";
    case NPY_EVERSION: return "unsupported version";
    case NPY_EHEADER:  return "bad header";
    case NPY_EDTYPE:   return "unsupported dtype";
    case NPY_EFORTRAN: return "fortran order";
    case NPY_ESHAPE:   return "shape overflow";
    case NPY_ESIZE:    return "size mismatch";
    case NPY_ENOMEM:   return "out of memory";
    case NPY_EIO:      return "i/o error";
    case NPY_EARG:     return "bad argument";
    default:           return "unknown error";
    }
}

/* Format "path: <what>: detail" into err and return code. */
static int fail(char *err, size_t errlen, int code, const char *path,
                const char *fmt, ...)
{
    if (errlen > INT_MAX)       /* snprintf may refuse a size above INT_MAX (EOVERFLOW), leaving err unset */
        errlen = INT_MAX;
    if (err && errlen > 0) {
        int n = snprintf(err, errlen, "%s: %s: ", path, npy_strerror(code));
        if (n >= 0 && (size_t)n < errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return code;
}

static int host_is_le(void)
{
    uint16_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

/* Reverse the bytes of each of count items of size w (w > 1). */
static void swap_items(unsigned char *p, size_t count, size_t w)
{
    size_t i, j;
    for (i = 0; i < count; i++, p += w)
        for (j = 0; j < w / 2; j++) {
            unsigned char t = p[j];
            p[j] = p[w - 1 - j];
            p[w - 1 - j] = t;
        }
}

/* ---- header parser: a cursor over [p, end), never read past end ---- */

typedef struct {
    const char *p, *end;
    char descr[32];
    int have_descr, have_fortran, have_shape;
    int fortran;
    int ndim;
    size_t shape[NPY_MAXDIM];
    int too_many_dims;          /* reported as NPY_ESHAPE after the syntax check */
    int dim_overflow;
} hparse;

static void skip_ws(hparse *h)
{
    while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' ||
                             *h->p == '\n' || *h->p == '\r'))
        h->p++;
}

/* Consume c (after whitespace) if it is next; 1 if consumed. */
static int accept(hparse *h, char c)
{
    skip_ws(h);
    if (h->p < h->end && *h->p == c) {
        h->p++;
        return 1;
    }
    return 0;
}

/* Consume the word w if it is next (no whitespace skipping). */
static int accept_word(hparse *h, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(h->end - h->p) >= n && memcmp(h->p, w, n) == 0) {
        h->p += n;
        return 1;
    }
    return 0;
}

/* A quoted python string without escapes, into buf[cap]; 0 on error. */
static int parse_string(hparse *h, char *buf, size_t cap)
{
    char q;
    size_t n = 0;
    skip_ws(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return 0;
    q = *h->p++;
    while (h->p < h->end && *h->p != q) {
        if (*h->p == '\\' || n + 1 >= cap)
            return 0;
        buf[n++] = *h->p++;
    }
    if (h->p >= h->end)
        return 0;
    h->p++;
    buf[n] = '\0';
    return 1;
}

static int parse_bool(hparse *h, int *v)
{
    skip_ws(h);
    if (accept_word(h, "True")) {
        *v = 1;
        return 1;
    }
    if (accept_word(h, "False")) {
        *v = 0;
        return 1;
    }
    return 0;
}

/* A non-negative decimal integer; overflow is flagged, not an error here,
   so that it can be reported as NPY_ESHAPE. A '-' is a syntax error. */
static int parse_dim(hparse *h, size_t *v)
{
    size_t x = 0;
    int digits = 0;
    skip_ws(h);
    while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
        size_t d = (size_t)(*h->p - '0');
        if (x > (SIZE_MAX - d) / 10)
            h->dim_overflow = 1;
        else
            x = x * 10 + d;
        h->p++;
        digits++;
    }
    *v = x;
    return digits > 0;
}

/* A python tuple of ints: "()", "(n,)", "(a, b)", "(a, b,)". "(n)" is an
   int in python, not a tuple, so it is rejected like numpy does. */
static int parse_shape(hparse *h)
{
    int n = 0, trailing_comma = 0;
    if (!accept(h, '('))
        return 0;
    if (accept(h, ')'))
        return 1;
    for (;;) {
        size_t d;
        if (!parse_dim(h, &d))
            return 0;
        if (n < NPY_MAXDIM)
            h->shape[n] = d;
        else
            h->too_many_dims = 1;
        n++;
        trailing_comma = accept(h, ',');
        if (accept(h, ')'))
            break;
        if (!trailing_comma)
            return 0;
    }
    if (n == 1 && !trailing_comma)
        return 0;
    h->ndim = n;
    return 1;
}

/* One "key: value" item; each of the three keys exactly once. */
static int parse_item(hparse *h)
{
    char key[32];
    if (!parse_string(h, key, sizeof key) || !accept(h, ':'))
        return 0;
    if (strcmp(key, "descr") == 0 && !h->have_descr) {
        h->have_descr = 1;
        return parse_string(h, h->descr, sizeof h->descr);
    }
    if (strcmp(key, "fortran_order") == 0 && !h->have_fortran) {
        h->have_fortran = 1;
        return parse_bool(h, &h->fortran);
    }
    if (strcmp(key, "shape") == 0 && !h->have_shape) {
        h->have_shape = 1;
        return parse_shape(h);
    }
    return 0;   /* unknown or duplicate key: numpy rejects these too */
}

/* The whole header: a dict with exactly the three keys, then whitespace. */
static int parse_dict(hparse *h)
{
    if (!accept(h, '{'))
        return 0;
    for (;;) {
        if (accept(h, '}'))
            break;
        if (!parse_item(h))
            return 0;
        if (accept(h, ','))
            continue;
        if (!accept(h, '}'))
            return 0;
        break;
    }
    skip_ws(h);
    return h->p == h->end && h->have_descr && h->have_fortran && h->have_shape;
}

static int dtype_from_descr(const char *d)
{
    if (strcmp(d, "<f4") == 0) return NPY_F32;
    if (strcmp(d, "<f8") == 0) return NPY_F64;
    if (strcmp(d, "|u1") == 0 || strcmp(d, "<u1") == 0) return NPY_U8;
    if (strcmp(d, "<i4") == 0) return NPY_I32;
    return 0;
}

/* Element count and byte size of a shape; 0 if either overflows size_t,
   or a dim or the byte size is above PTRDIFF_MAX: numpy's dims are intp,
   and no array is that large (a writer given one would read past data). */
static int shape_size(int ndim, const size_t *shape, size_t itemsize,
                      size_t *count, size_t *bytes)
{
    size_t c = 1;
    int i;
    for (i = 0; i < ndim; i++) {
        if (shape[i] > (size_t)PTRDIFF_MAX || (shape[i] != 0 && c > SIZE_MAX / shape[i]))
            return 0;
        c *= shape[i];
    }
    if (c > (size_t)PTRDIFF_MAX / itemsize)
        return 0;
    *count = c;
    *bytes = c * itemsize;
    return 1;
}

/* ---- reader ---- */

/* Check the preamble; sets *hlen. */
static int read_preamble(FILE *f, const char *path, size_t *hlen,
                         char *err, size_t errlen)
{
    unsigned char b[PREAMBLE];
    size_t n = fread(b, 1, PREAMBLE, f);
    if (n < sizeof MAGIC || memcmp(b, MAGIC, sizeof MAGIC) != 0)
        return fail(err, errlen, NPY_EMAGIC, path, "not a .npy file");
    if (n < PREAMBLE)
        return fail(err, errlen, NPY_EMAGIC, path,
                    "file ends inside the %d-byte preamble", PREAMBLE);
    if (b[6] != 1 || b[7] != 0)
        return fail(err, errlen, NPY_EVERSION, path,
                    "format %u.%u, only 1.0 is supported", b[6], b[7]);
    *hlen = (size_t)b[8] | ((size_t)b[9] << 8);
    return NPY_OK;
}

/* Read and parse the header of hlen bytes; fills dtype, ndim, shape. */
static int read_header(FILE *f, const char *path, size_t hlen, npy_array *a,
                       char *err, size_t errlen)
{
    hparse h;
    char *buf = malloc(hlen + 1);
    int ok;
    if (!buf)
        return fail(err, errlen, NPY_ENOMEM, path, "header of %zu bytes", hlen);
    if (fread(buf, 1, hlen, f) != hlen) {
        free(buf);
        return fail(err, errlen, NPY_ESIZE, path,
                    "header length %zu runs past the end of the file", hlen);
    }
    memset(&h, 0, sizeof h);
    h.p = buf;
    h.end = buf + hlen;
    ok = parse_dict(&h);
    free(buf);
    if (!ok)
        return fail(err, errlen, NPY_EHEADER, path,
                    "not a dict with exactly 'descr', 'fortran_order', 'shape'"
                    " (tuple of non-negative ints)");
    a->dtype = dtype_from_descr(h.descr);
    if (!a->dtype)
        return fail(err, errlen, NPY_EDTYPE, path,
                    "descr '%s' (want '<f4', '<f8', '|u1', '<i4')", h.descr);
    if (h.fortran)
        return fail(err, errlen, NPY_EFORTRAN, path, "fortran_order is True");
    if (h.too_many_dims || h.dim_overflow)
        return fail(err, errlen, NPY_ESHAPE, path,
                    "more than %d dims or a dim beyond size_t", NPY_MAXDIM);
    a->ndim = h.ndim;
    memcpy(a->shape, h.shape, sizeof a->shape);
    return NPY_OK;
}

/* Bytes left from the current position to the end of f, or -1. */
static long bytes_left(FILE *f)
{
    long here = ftell(f), end;
    if (here < 0 || fseek(f, 0, SEEK_END) != 0)
        return -1;
    end = ftell(f);
    if (end < 0 || fseek(f, here, SEEK_SET) != 0)
        return -1;
    return end - here;
}

/* Read exactly bytes of data, after checking the file holds exactly that. */
static int read_data(FILE *f, const char *path, size_t bytes, npy_array *a,
                     char *err, size_t errlen)
{
    long left = bytes_left(f);
    if (left < 0)
        return fail(err, errlen, NPY_EIO, path, "cannot seek");
    if ((unsigned long)left != bytes)
        return fail(err, errlen, NPY_ESIZE, path,
                    "%ld data bytes, shape needs %zu", left, bytes);
    a->data = malloc(bytes ? bytes : 1);
    if (!a->data)
        return fail(err, errlen, NPY_ENOMEM, path, "%zu data bytes", bytes);
    if (fread(a->data, 1, bytes, f) != bytes)
        return fail(err, errlen, NPY_ESIZE, path, "data ends early");
    if (!host_is_le() && npy_itemsize(a->dtype) > 1)
        swap_items(a->data, a->count, npy_itemsize(a->dtype));
    return NPY_OK;
}

int npy_read(const char *path, npy_array *out, char *err, size_t errlen)
{
    npy_array a;
    size_t hlen = 0, bytes = 0;
    int rc;
    FILE *f;
    memset(&a, 0, sizeof a);
    if (err && errlen > 0)
        err[0] = '\0';
    if (out)
        memset(out, 0, sizeof *out);
    if (!path || !out)          /* fopen(NULL) and printing a NULL path are undefined */
        return fail(err, errlen, NPY_EARG, path ? path : "(null)", "%s is NULL", path ? "out" : "path");
    f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, NPY_EOPEN, path, "%s", strerror(errno));
    rc = read_preamble(f, path, &hlen, err, errlen);
    if (rc == NPY_OK)
        rc = read_header(f, path, hlen, &a, err, errlen);
    if (rc == NPY_OK && !shape_size(a.ndim, a.shape, npy_itemsize(a.dtype),
                                    &a.count, &bytes))
        rc = fail(err, errlen, NPY_ESHAPE, path, "a dim or the byte count past PTRDIFF_MAX");
    if (rc == NPY_OK)
        rc = read_data(f, path, bytes, &a, err, errlen);
    (void)fclose(f);    /* a read-only stream: nothing buffered to lose */
    if (rc != NPY_OK) {
        npy_free(&a);
        return rc;
    }
    *out = a;
    return NPY_OK;
}

void npy_free(npy_array *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

/* ---- writer ---- */

/* repr() of the shape tuple, as python prints it. */
static void shape_repr(char *s, size_t cap, int ndim, const size_t *shape)
{
    size_t n = 0;
    int i;
    n += (size_t)snprintf(s + n, cap - n, "(");
    for (i = 0; i < ndim; i++)
        n += (size_t)snprintf(s + n, cap - n, i ? ", %zu" : "%zu", shape[i]);
    snprintf(s + n, cap - n, ndim == 1 ? ",)" : ")");
}

/* The header text without padding, as numpy's _write_array_header builds
   it: sorted keys, then spaces so the first axis can grow to 21 digits in
   place. Returns its length. cap must be >= 512 (8 dims of 20 digits fit). */
static size_t build_header(char *h, size_t cap, int dtype, int ndim,
                           const size_t *shape)
{
    char sh[256];
    int n, grow = 0;
    shape_repr(sh, sizeof sh, ndim, shape);
    n = snprintf(h, cap, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                 npy_dtype_name(dtype), sh);
    if (ndim > 0) {
        char d0[32];
        grow = GROWTH_DIGITS - snprintf(d0, sizeof d0, "%zu", shape[0]);
    }
    while (grow-- > 0)
        h[n++] = ' ';
    h[n] = '\0';
    return (size_t)n;
}

/* Write count items of size w in little-endian order. */
static int write_le(FILE *f, const unsigned char *p, size_t count, size_t w)
{
    unsigned char tmp[4096];
    size_t per = sizeof tmp / w, done = 0;
    if (host_is_le() || w == 1)
        return fwrite(p, w, count, f) == count;
    while (done < count) {
        size_t k = count - done < per ? count - done : per;
        memcpy(tmp, p + done * w, k * w);
        swap_items(tmp, k, w);
        if (fwrite(tmp, w, k, f) != k)
            return 0;
        done += k;
    }
    return 1;
}

/* Preamble, padded header, newline: numpy's _wrap_header for version 1.0
   (note padlen is ALIGN, not 0, when already aligned, as in numpy). */
static int write_head(FILE *f, const char *h, size_t n)
{
    size_t hlen = n + 1, pad = ALIGN - (PREAMBLE + hlen) % ALIGN, total = hlen + pad;
    unsigned char pre[PREAMBLE];
    size_t i;
    memcpy(pre, MAGIC, sizeof MAGIC);
    pre[6] = 1;
    pre[7] = 0;
    pre[8] = (unsigned char)(total & 0xFF);
    pre[9] = (unsigned char)(total >> 8);
    if (fwrite(pre, 1, PREAMBLE, f) != PREAMBLE || fwrite(h, 1, n, f) != n)
        return 0;
    for (i = 0; i < pad; i++)
        if (fputc(' ', f) == EOF)
            return 0;
    return fputc('\n', f) != EOF;
}

int npy_write(const char *path, int dtype, int ndim, const size_t *shape,
              const void *data, char *err, size_t errlen)
{
    char h[512];
    size_t w = npy_itemsize(dtype), count, bytes, n;
    FILE *f;
    int ok;
    if (err && errlen > 0)
        err[0] = '\0';
    if (!path)                  /* fopen(NULL) and printing a NULL path are undefined */
        return fail(err, errlen, NPY_EARG, "(null)", "path is NULL");
    if (!w || ndim < 0 || ndim > NPY_MAXDIM || (ndim > 0 && !shape) || !data)
        return fail(err, errlen, NPY_EARG, path, "dtype %d, ndim %d", dtype, ndim);
    if (!shape_size(ndim, shape, w, &count, &bytes))
        return fail(err, errlen, NPY_ESHAPE, path, "a dim or the byte count past PTRDIFF_MAX");
    n = build_header(h, sizeof h, dtype, ndim, shape);
    f = fopen(path, "wb");
    if (!f)
        return fail(err, errlen, NPY_EOPEN, path, "cannot create: %s", strerror(errno));
    ok = write_head(f, h, n) && write_le(f, data, count, w);
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        if (remove(path) != 0)  /* the caller must know a partial file is left */
            return fail(err, errlen, NPY_EIO, path,
                        "write failed, and the partial file could not be removed: %s",
                        strerror(errno));
        return fail(err, errlen, NPY_EIO, path, "write failed");
    }
    return NPY_OK;
}
