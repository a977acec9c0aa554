/* .npy reader/writer: round trips for every dtype and rank, numpy-identical
   output, and one hand-made malformed file per error path (each must give
   its specific error code), plus truncation and byte-flip sweeps that must
   never crash (run under ASan/valgrind to see out-of-bounds reads). */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "npy.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- round trips ---- */

/* Data must start on a 64-byte boundary right after a '\n', and the file
   must end with the data; returns a reason or NULL. */
static const char *layout_error(const unsigned char *f, size_t n, size_t bytes)
{
    size_t off;
    if (n < 10)
        return "file shorter than preamble";
    off = 10 + (size_t)(f[8] | (f[9] << 8));
    if (off % 64 != 0)
        return "data not 64-byte aligned";
    if (off > n || f[off - 1] != '\n')
        return "header not newline-terminated";
    if (n - off != bytes)
        return "file size != header + data";
    return NULL;
}

static void round_trip(const char *desc, int dtype, int ndim,
                       const size_t *shape, const void *data, size_t count)
{
    char p[256], err[512];
    npy_array a;
    size_t bytes = count * npy_itemsize(dtype), n = 0;
    unsigned char *file;
    const char *why = NULL;
    int wr, rd, i;
    tpath(p, sizeof p, "rt.npy");
    wr = npy_write(p, dtype, ndim, shape, data, err, sizeof err);
    if (wr != NPY_OK) {
        check_msg(0, desc, "write: %s", err);
        return;
    }
    rd = npy_read(p, &a, err, sizeof err);
    if (rd != NPY_OK)
        why = err;
    else if (a.dtype != dtype || a.ndim != ndim || a.count != count)
        why = "dtype, ndim or count differ";
    for (i = 0; !why && i < ndim; i++)
        if (a.shape[i] != shape[i])
            why = "shape differs";
    if (!why && memcmp(a.data, data, bytes) != 0)
        why = "data differs";
    file = slurp(p, &n);
    if (!why)
        why = file ? layout_error(file, n, bytes) : "cannot reread file";
    check_msg(!why, desc, "%s", why ? why : "");
    free(file);
    npy_free(&a);
    remove(p);
}

static void test_round_trips(void)
{
    uint32_t f[6] = {0x00000000u, 0x80000000u, 0x7F800000u, 0xFFC00001u,
                     0x00000001u, 0x3F800000u};
    double d[15];
    uint8_t u[7] = {0, 1, 127, 128, 200, 254, 255};
    int32_t k[24];
    float s = -2.5f;
    size_t sh_f[1] = {6}, sh_d[2] = {3, 5}, sh_u[1] = {7}, sh_k[3] = {2, 3, 4};
    size_t sh_0[1] = {0}, sh_8[8] = {1, 2, 1, 1, 3, 1, 1, 4}, sh_z[2] = {4, 0};
    int32_t k8[24];
    int i;
    for (i = 0; i < 15; i++)
        d[i] = (i - 7) * 0.1 + 1e300 * (i == 3);
    for (i = 0; i < 24; i++)
        k[i] = k8[i] = (i % 2 ? -1 : 1) * (i * 89478485 + 7);
    round_trip("round trip f32 1-D (NaN payload, -0, inf, subnormal bit-exact)",
               NPY_F32, 1, sh_f, f, 6);
    round_trip("round trip f64 2-D (3, 5)", NPY_F64, 2, sh_d, d, 15);
    round_trip("round trip u8 1-D (7,)", NPY_U8, 1, sh_u, u, 7);
    round_trip("round trip i32 3-D (2, 3, 4) with negatives", NPY_I32, 3, sh_k, k, 24);
    round_trip("round trip f32 0-D scalar ()", NPY_F32, 0, NULL, &s, 1);
    round_trip("round trip u8 empty (0,)", NPY_U8, 1, sh_0, u, 0);
    round_trip("round trip f64 empty 2-D (4, 0)", NPY_F64, 2, sh_z, d, 0);
    round_trip("round trip i32 8-D (1, 2, 1, 1, 3, 1, 1, 4)", NPY_I32, 8, sh_8, k8, 24);
}

/* ---- numpy-identical output ---- */

/* Rewrite a vendored reference from its own contents: must be byte-equal. */
static void same_as_numpy(const char *ref)
{
    char p[256], err[512], desc[256];
    npy_array a;
    unsigned char *x, *y;
    size_t nx = 0, ny = 0;
    int ok;
    snprintf(desc, sizeof desc, "npy_write reproduces %s byte for byte", ref);
    if (npy_read(ref, &a, err, sizeof err) != NPY_OK) {
        check_msg(0, desc, "%s", err);
        return;
    }
    tpath(p, sizeof p, "same.npy");
    ok = npy_write(p, a.dtype, a.ndim, a.shape, a.data, err, sizeof err) == NPY_OK;
    x = slurp(ref, &nx);
    y = slurp(p, &ny);
    ok = ok && x && y && nx == ny && memcmp(x, y, nx) == 0;
    check_msg(ok, desc, "written file differs from the numpy one");
    free(x);
    free(y);
    npy_free(&a);
    remove(p);
}

/* numpy 1.24+ header text: sorted keys, python tuple repr, then spaces so the
   first axis can grow to 21 digits (none for 0-D), padded, '\n'. */
static void header_text(const char *desc, int dtype, int ndim, const size_t *shape,
                        const void *data, const char *dict, int grow)
{
    char p[256], err[512];
    unsigned char *f;
    size_t n = 0, len = strlen(dict), hlen, i;
    size_t body = len + (size_t)grow + 1;            /* dict, growth, '\n' */
    size_t want = body + 64 - (10 + body) % 64;      /* numpy's _wrap_header */
    const char *why = NULL;
    tpath(p, sizeof p, "hdr.npy");
    if (npy_write(p, dtype, ndim, shape, data, err, sizeof err) != NPY_OK) {
        check_msg(0, desc, "%s", err);
        return;
    }
    f = slurp(p, &n);
    hlen = f && n >= 10 ? (size_t)(f[8] | (f[9] << 8)) : 0;
    if (!f || hlen != want || n < 10 + hlen)
        why = "header length is not numpy's";
    else if (memcmp(f + 10, dict, len) != 0)
        why = "dict text differs";
    for (i = len; !why && i + 1 < hlen; i++)
        if (f[10 + i] != ' ')
            why = "padding is not all spaces";
    if (!why && f[10 + hlen - 1] != '\n')
        why = "header not newline-terminated";
    check_msg(!why, desc, "%s", why ? why : "");
    free(f);
    remove(p);
}

static void test_numpy_identical(void)
{
    double d[6] = {0};
    float s = 1.0f;
    size_t sh[2] = {2, 3};
    same_as_numpy("tests/data/formats/e4m3_decode.npy");
    same_as_numpy("tests/data/formats/e2m1_decode.npy");
    same_as_numpy("tests/data/formats/e5m2_encode_rne.npy");
    same_as_numpy("tests/data/formats/encode_input.npy");
    header_text("2-D header text is numpy's", NPY_F64, 2, sh, d,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 20);
    header_text("0-D header text is numpy's", NPY_F32, 0, NULL, &s,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 0);
}

/* ---- accepted variants ---- */

/* Write preamble (magic, version, header length field) + header + ndata
   bytes of data. hlen < 0 means the real header length. */
static void raw(const char *name, const char *magic, int maj, int min, long hlen,
                const char *hdr, size_t ndata)
{
    char p[256];
    size_t n = strlen(hdr), L = hlen < 0 ? n : (size_t)hlen;
    unsigned char *b = malloc(10 + n + ndata);
    if (!b) {
        check(0, "allocate a test file");
        return;
    }
    memcpy(b, magic, 6);
    b[6] = (unsigned char)maj;
    b[7] = (unsigned char)min;
    b[8] = (unsigned char)(L & 0xFF);
    b[9] = (unsigned char)((L >> 8) & 0xFF);
    memcpy(b + 10, hdr, n);
    memset(b + 10 + n, 0x41, ndata);
    tpath(p, sizeof p, name);
    if (!write_bytes(p, b, 10 + n + ndata))
        check(0, "write a test file");
    free(b);
}

#define MAGIC "\x93NUMPY"

static void accept_file(const char *desc, const char *hdr, size_t ndata,
                        int dtype, int ndim, size_t count)
{
    char p[256], err[512];
    npy_array a;
    int rc;
    raw("ok.npy", MAGIC, 1, 0, -1, hdr, ndata);
    tpath(p, sizeof p, "ok.npy");
    rc = npy_read(p, &a, err, sizeof err);
    check_msg(rc == NPY_OK && a.dtype == dtype && a.ndim == ndim &&
              a.count == count && a.data != NULL, desc,
              "rc %d: %s; dtype %d ndim %d count %zu", rc, err, a.dtype,
              a.ndim, a.count);
    npy_free(&a);
    remove(p);
}

static void test_accepted(void)
{
    accept_file("reads unpadded header without trailing comma (older numpy)",
                "{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}\n",
                8, NPY_I32, 1, 2);
    accept_file("reads keys in any order, double quotes, no newline",
                "{\"shape\": (2, 3), \"descr\": \"<f8\", \"fortran_order\": False}",
                48, NPY_F64, 2, 6);
    accept_file("reads '<u1' as u8", "{'descr': '<u1', 'fortran_order': False, 'shape': (5,), }\n",
                5, NPY_U8, 1, 5);
    accept_file("reads tuple with trailing comma (2, 2,)",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2,), }\n",
                16, NPY_F32, 2, 4);
}

/* ---- rejected files, each with its own code ---- */

static void expect_err(const char *desc, const char *name, int code)
{
    char p[256], err[512];
    npy_array a;
    int rc;
    memset(err, 'x', sizeof err);
    tpath(p, sizeof p, name);
    rc = npy_read(p, &a, err, sizeof err);
    check_msg(rc == code && a.data == NULL && a.count == 0 && strstr(err, p),
              desc, "got %d (%s), want %d (%s); message: %.200s", rc,
              npy_strerror(rc), code, npy_strerror(code), err);
    remove(p);
}

/* A valid f4 header around shape text s. */
static const char *f4(const char *shape, char *buf, size_t cap)
{
    snprintf(buf, cap, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }\n", shape);
    return buf;
}

static void bad(const char *desc, const char *hdr, size_t ndata, int code)
{
    raw("bad.npy", MAGIC, 1, 0, -1, hdr, ndata);
    expect_err(desc, "bad.npy", code);
}

static void test_preamble_errors(void)
{
    char p[256];
    tpath(p, sizeof p, "trunc.npy");
    write_bytes(p, "\x93NUM", 4);
    expect_err("truncated magic -> NPY_EMAGIC", "trunc.npy", NPY_EMAGIC);
    write_bytes(p, "", 0);
    expect_err("empty file -> NPY_EMAGIC", "trunc.npy", NPY_EMAGIC);
    write_bytes(p, "\x93NUMPY\x01\x00", 8);
    expect_err("file ends inside preamble -> NPY_EMAGIC", "trunc.npy", NPY_EMAGIC);
    raw("bad.npy", "\x93NUMPZ", 1, 0, -1, "{}", 0);
    expect_err("wrong magic -> NPY_EMAGIC", "bad.npy", NPY_EMAGIC);
    raw("bad.npy", MAGIC, 2, 0, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", 4);
    expect_err("version 2.0 -> NPY_EVERSION", "bad.npy", NPY_EVERSION);
    raw("bad.npy", MAGIC, 1, 1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", 4);
    expect_err("version 1.1 -> NPY_EVERSION", "bad.npy", NPY_EVERSION);
    raw("bad.npy", MAGIC, 1, 0, 65535, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", 4);
    expect_err("header length 65535 beyond file -> NPY_ESIZE", "bad.npy", NPY_ESIZE);
    expect_err("missing file -> NPY_EOPEN", "does-not-exist.npy", NPY_EOPEN);
}

static void test_header_errors(void)
{
    char b[256];
    bad("header not a dict -> NPY_EHEADER", "[1, 2, 3]\n", 0, NPY_EHEADER);
    bad("empty header -> NPY_EHEADER", "", 0, NPY_EHEADER);
    bad("missing 'shape' -> NPY_EHEADER",
        "{'descr': '<f4', 'fortran_order': False, }\n", 4, NPY_EHEADER);
    bad("missing 'descr' -> NPY_EHEADER",
        "{'fortran_order': False, 'shape': (1,), }\n", 4, NPY_EHEADER);
    bad("unknown key -> NPY_EHEADER",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }\n", 4, NPY_EHEADER);
    bad("duplicate key -> NPY_EHEADER",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", 4, NPY_EHEADER);
    bad("dict cut off mid-string -> NPY_EHEADER", "{'descr': '<f4", 0, NPY_EHEADER);
    bad("dict cut off before '}' -> NPY_EHEADER",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", 0, NPY_EHEADER);
    bad("garbage after dict -> NPY_EHEADER",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x\n", 4, NPY_EHEADER);
    bad("fortran_order not a bool -> NPY_EHEADER",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }\n", 4, NPY_EHEADER);
    bad("negative dim -> NPY_EHEADER", f4("(-1,)", b, sizeof b), 4, NPY_EHEADER);
    bad("non-numeric dim -> NPY_EHEADER", f4("(3, x)", b, sizeof b), 12, NPY_EHEADER);
    bad("shape (5) is an int, not a tuple -> NPY_EHEADER", f4("(5)", b, sizeof b), 20, NPY_EHEADER);
    bad("shape 5 -> NPY_EHEADER", f4("5", b, sizeof b), 20, NPY_EHEADER);
    bad("shape unterminated -> NPY_EHEADER", f4("(5,", b, sizeof b), 20, NPY_EHEADER);
    bad("shape (,) -> NPY_EHEADER", f4("(,)", b, sizeof b), 4, NPY_EHEADER);
}

static void test_type_and_size_errors(void)
{
    char b[256];
    bad("'>f4' big-endian -> NPY_EDTYPE",
        "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", 4, NPY_EDTYPE);
    bad("'<f2' -> NPY_EDTYPE",
        "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }\n", 2, NPY_EDTYPE);
    bad("'<i8' -> NPY_EDTYPE",
        "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }\n", 8, NPY_EDTYPE);
    bad("fortran_order True -> NPY_EFORTRAN",
        "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", 16, NPY_EFORTRAN);
    bad("shape product overflows size_t -> NPY_ESHAPE",
        f4("(4294967296, 4294967296, 4294967296)", b, sizeof b), 4, NPY_ESHAPE);
    bad("shape * itemsize overflows size_t -> NPY_ESHAPE",
        f4("(4611686018427387904,)", b, sizeof b), 4, NPY_ESHAPE);
    bad("dim beyond size_t -> NPY_ESHAPE",
        f4("(99999999999999999999999,)", b, sizeof b), 4, NPY_ESHAPE);
    bad("9 dims -> NPY_ESHAPE",
        f4("(1, 1, 1, 1, 1, 1, 1, 1, 1)", b, sizeof b), 4, NPY_ESHAPE);
    bad("huge but representable shape, small file -> NPY_ESIZE (no huge malloc)",
        f4("(1000000000000,)", b, sizeof b), 4, NPY_ESIZE);
    bad("data shorter than shape -> NPY_ESIZE", f4("(3, 4)", b, sizeof b), 47, NPY_ESIZE);
    bad("data longer than shape -> NPY_ESIZE", f4("(3, 4)", b, sizeof b), 49, NPY_ESIZE);
    bad("0-D with no data -> NPY_ESIZE", f4("()", b, sizeof b), 0, NPY_ESIZE);
}

static void test_write_errors(void)
{
    char p[256], err[512];
    size_t sh9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, sh1[1] = {1};
    size_t big[2] = {SIZE_MAX / 2, 3};
    float x = 0;
    tpath(p, sizeof p, "w.npy");
    check(npy_write(p, NPY_F32, 9, sh9, &x, err, sizeof err) == NPY_EARG,
          "write with 9 dims -> NPY_EARG");
    check(npy_write(p, 99, 1, sh1, &x, err, sizeof err) == NPY_EARG,
          "write with unknown dtype -> NPY_EARG");
    check(npy_write(p, NPY_F32, 1, sh1, NULL, err, sizeof err) == NPY_EARG,
          "write with NULL data -> NPY_EARG");
    check(npy_write(p, NPY_F32, 2, big, &x, err, sizeof err) == NPY_ESHAPE,
          "write with overflowing shape -> NPY_ESHAPE");
    tpath(p, sizeof p, "no-such-dir/w.npy");
    check(npy_write(p, NPY_F32, 1, sh1, &x, err, sizeof err) == NPY_EOPEN &&
          strstr(err, p) != NULL, "write into missing directory -> NPY_EOPEN naming the file");
}

/* ---- sweeps: every prefix of a valid file is rejected; byte flips never crash ---- */

static int read_code(const char *p, npy_array *a)
{
    char err[256];
    int rc = npy_read(p, a, err, sizeof err);
    int sane = rc == NPY_OK ? a->data != NULL : (a->data == NULL && rc < 0 && rc >= NPY_EARG);
    npy_free(a);
    return sane ? rc : 1;
}

static void test_sweeps(void)
{
    char p[256], err[256];
    static const unsigned char vals[] = {0, ' ', '\'', '(', ')', ',', '-', '9', '{', '}', ':', 0xFF};
    float x[5] = {1, 2, 3, 4, 5};
    size_t sh[1] = {5}, n = 0, i, j, prefix_ok = 0, insane = 0, flips = 0;
    unsigned char *f;
    npy_array a;
    tpath(p, sizeof p, "sweep.npy");
    if (npy_write(p, NPY_F32, 1, sh, x, err, sizeof err) != NPY_OK || !(f = slurp(p, &n))) {
        check(0, "write the sweep file");
        return;
    }
    for (i = 0; i < n; i++) {
        write_bytes(p, f, i);
        if (read_code(p, &a) == NPY_OK)
            prefix_ok++;
    }
    check_msg(prefix_ok == 0, "every truncation of a valid file is rejected",
              "%zu prefixes accepted", prefix_ok);
    for (i = 0; i < n; i++)
        for (j = 0; j < sizeof vals; j++) {
            unsigned char keep = f[i];
            f[i] = vals[j];
            write_bytes(p, f, n);
            if (read_code(p, &a) > 0)
                insane++;
            f[i] = keep;
            flips++;
        }
    check_msg(insane == 0, "byte flips give OK or a known error code",
              "%zu of %zu flips gave an inconsistent result", insane, flips);
    free(f);
    remove(p);
}

int main(void)
{
    if (!tmpdir_make("npy")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    test_round_trips();
    test_numpy_identical();
    test_accepted();
    test_preamble_errors();
    test_header_errors();
    test_type_and_size_errors();
    test_write_errors();
    test_sweeps();
    rmdir(tmpdir);
    return check_done();
}
