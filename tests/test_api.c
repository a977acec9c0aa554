/* Bad input at the public entry points an embedder calls: each one gives
   its documented error code (and message), leaves its outputs as
   documented, and never crashes (tests/run.sh counts a crash as a failure;
   make test-asan runs this under ASan and UBSan).

   harness/model_load.h: vik_load with a NULL dir or out (VIK_LOAD_EARG),
   NULL err or errlen 0 (code only, buffer untouched), errlen 1 and
   SIZE_MAX, a missing, empty or too long dir (VIK_LOAD_EIO), ctx
   UINT32_MAX and VIK_CTX_MAX + 1 (VIK_LOAD_ENOMEM), ctx 0 and tmax 0 /
   UINT32_MAX (defaults); vik_unload on NULL, zeroed and unloaded;
   vik_dtype_name on unknown codes; vik_arena_alloc with NULL arguments and
   plans past 2^36 elements; vik_argmax with n = 0, NULL, NaN and inf.
   harness/npy.h: npy_read / npy_write with NULL path, out, shape, data or
   err, errlen 0 and SIZE_MAX, bad dtype and ndim (INT_MIN .. INT_MAX),
   dims of SIZE_MAX and past PTRDIFF_MAX in a file and in a call, NaN / inf
   data kept bit for bit; npy_free on NULL and twice; npy_itemsize,
   npy_dtype_name and npy_strerror on unknown codes.
   harness/rope_table.h: NULL tables, npos 0 / 2^20 + 1 / UINT32_MAX, D 0,
   1, odd, 1026, UINT32_MAX, theta NaN, +-inf, 0, 0.5, -1: VIK_EDOMAIN and
   nothing written.
   harness/model.h (what is defined today; NULL arguments are not yet):
   vik_model_plan with S or Tmax 0, Tmax > S, S past VIK_CTX_MAX and
   UINT32_MAX (VIK_EARG); vik_forward with T = 0, T > Tmax, T = UINT32_MAX
   (VIK_EARG), token ids vocab and UINT32_MAX (VIK_ETOKEN), pos0 at or past
   the context and UINT32_MAX (VIK_ECTX), each leaving the arena and the
   logits untouched; NaN, +-inf and 2^21 in the embedding row of a token
   (VIK_ERANGE, logits untouched). Each refusal has an accepted neighbour
   (the boundary value), so it is the bad value's doing. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "util.h"
#include "model.h"
#include "model_load.h"
#include "npy.h"
#include "rope_table.h"
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>

#define TINY "tests/data/models/llama-tiny-random"
#define MISSING "tests/data/no-such-model"

static int all_byte(const char *p, size_t n, char b)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != b)
            return 0;
    return 1;
}

/* ---- harness/model_load.h ---- */

static void test_load(void)
{
    static char longdir[5000], longerr[6000];
    char err[1024];
    vik_loaded L;
    int rc;

    memset(&L, 0x5A, sizeof L);
    rc = vik_load(NULL, 8, 4, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_EARG && strstr(err, "dir is NULL") && all_zero(&L, sizeof L),
              "vik_load: dir NULL -> VIK_LOAD_EARG, message, output zeroed", "rc %d, \"%s\"", rc, err);
    rc = vik_load(TINY, 8, 4, NULL, err, sizeof err);
    check_msg(rc == VIK_LOAD_EARG && strstr(err, "out is NULL"), "vik_load: out NULL -> VIK_LOAD_EARG, message",
              "rc %d, \"%s\"", rc, err);
    rc = vik_load(NULL, 8, 4, NULL, NULL, 0);
    check_msg(rc == VIK_LOAD_EARG, "vik_load: everything NULL -> VIK_LOAD_EARG", "rc %d", rc);

    memset(&L, 0x5A, sizeof L);
    rc = vik_load(MISSING, 8, 4, &L, NULL, sizeof err);
    check_msg(rc == VIK_LOAD_EIO && all_zero(&L, sizeof L), "vik_load: err NULL with errlen 1024 -> code only",
              "rc %d", rc);
    memset(err, 'x', sizeof err);
    rc = vik_load(MISSING, 8, 4, &L, err, 0);
    check_msg(rc == VIK_LOAD_EIO && all_byte(err, sizeof err, 'x'), "vik_load: errlen 0 -> code, err untouched",
              "rc %d", rc);
    memset(err, 'x', sizeof err);
    rc = vik_load(MISSING, 8, 4, &L, err, 1);
    check_msg(rc == VIK_LOAD_EIO && err[0] == '\0' && err[1] == 'x', "vik_load: errlen 1 -> code, err \"\"",
              "rc %d", rc);
    rc = vik_load(MISSING, 8, 4, &L, err, SIZE_MAX);
    check_msg(rc == VIK_LOAD_EIO && strstr(err, MISSING "/config.json: cannot open"),
              "vik_load: errlen SIZE_MAX -> code and the whole message", "rc %d, \"%s\"", rc, err);
    rc = vik_load("", 8, 4, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_EIO && strstr(err, "/config.json: cannot open") && all_zero(&L, sizeof L),
              "vik_load: dir \"\" -> VIK_LOAD_EIO", "rc %d, \"%s\"", rc, err);
    memset(longdir, 'a', sizeof longdir - 1);
    rc = vik_load(longdir, 8, 4, &L, longerr, sizeof longerr);
    check_msg(rc == VIK_LOAD_EIO && strstr(longerr, "path too long"), "vik_load: dir of 4999 bytes -> VIK_LOAD_EIO",
              "rc %d, \"%.80s\"", rc, longerr);
    rc = vik_load(longdir, 8, 4, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_EIO && strlen(err) == sizeof err - 1u,
              "vik_load: a message longer than errlen -> truncated, terminated", "rc %d, length %zu", rc,
              strlen(err));

    memset(&L, 0x5A, sizeof L);
    rc = vik_load(TINY, UINT32_MAX, 1, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_ENOMEM && strstr(err, "past the limits") && all_zero(&L, sizeof L),
              "vik_load: ctx UINT32_MAX -> VIK_LOAD_ENOMEM, output zeroed", "rc %d, \"%s\"", rc, err);
    rc = vik_load(TINY, VIK_CTX_MAX + 1u, 1, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_ENOMEM && strstr(err, "past the limits"),
              "vik_load: ctx VIK_CTX_MAX + 1 -> VIK_LOAD_ENOMEM", "rc %d, \"%s\"", rc, err);
    rc = vik_load(TINY, VIK_CTX_MAX, 1, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_OK && L.ctx == VIK_CTX_MAX && L.plan.Tmax == 1,
              "vik_load: ctx VIK_CTX_MAX, tmax 1 loads", "rc %d, \"%s\"", rc, err);
    vik_unload(&L);
    rc = vik_load(TINY, 0, 0, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_OK && L.ctx == L.m.cfg.max_pos && L.ctx == 512 && L.plan.Tmax == L.ctx,
              "vik_load: ctx 0, tmax 0 -> the config's 512 positions, Tmax = ctx", "rc %d, ctx %u, Tmax %u", rc,
              L.ctx, L.plan.Tmax);
    vik_unload(&L);
    rc = vik_load(TINY, 8, UINT32_MAX, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_OK && L.ctx == 8 && L.plan.S == 8 && L.plan.Tmax == 8,
              "vik_load: tmax UINT32_MAX -> ctx", "rc %d, Tmax %u", rc, L.plan.Tmax);

    vik_unload(&L);
    check(all_zero(&L, sizeof L), "vik_unload: zeroes the vik_loaded");
    vik_unload(&L);
    check(all_zero(&L, sizeof L), "vik_unload: twice is safe");
    vik_unload(NULL);
    check(1, "vik_unload: NULL is a no-op");
}

static void test_dtype_name(void)
{
    check(strcmp(vik_dtype_name(VIK_DT_F32), "F32") == 0 && strcmp(vik_dtype_name(VIK_DT_F8_E4M3), "F8_E4M3") == 0 &&
              strcmp(vik_dtype_name(0), "?") == 0 && strcmp(vik_dtype_name(VIK_DT_F8_E4M3 + 1u), "?") == 0 &&
              strcmp(vik_dtype_name(UINT32_MAX), "?") == 0,
          "vik_dtype_name: 0, 6 and UINT32_MAX -> \"?\"");
}

static void test_arena(void)
{
    vik_plan p;
    float dummy_f = 0.0f, *fa = &dummy_f;
    uint32_t dummy_u = 0, *fu = &dummy_u;
    void *a;

    a = vik_arena_alloc(NULL, &fa, &fu);
    check(a == NULL && fa == NULL && fu == NULL, "vik_arena_alloc: plan NULL -> NULL, *fa and *fu NULL");
    memset(&p, 0, sizeof p);
    fu = &dummy_u;
    check(vik_arena_alloc(&p, NULL, &fu) == NULL && fu == &dummy_u, "vik_arena_alloc: fa NULL -> NULL");
    fa = &dummy_f;
    check(vik_arena_alloc(&p, &fa, NULL) == NULL && fa == &dummy_f, "vik_arena_alloc: fu NULL -> NULL");
    p.nf = UINT64_MAX;
    a = vik_arena_alloc(&p, &fa, &fu);
    check(a == NULL && fa == NULL && fu == NULL, "vik_arena_alloc: nf UINT64_MAX -> NULL, *fa and *fu NULL");
    p.nf = ((uint64_t)1 << 36) + 1u;
    check(vik_arena_alloc(&p, &fa, &fu) == NULL, "vik_arena_alloc: nf 2^36 + 1 -> NULL");
    p.nf = 0;
    p.nu = UINT64_MAX;
    check(vik_arena_alloc(&p, &fa, &fu) == NULL, "vik_arena_alloc: nu UINT64_MAX -> NULL");
    p.nu = 0;
    a = vik_arena_alloc(&p, &fa, &fu);
    check(a != NULL && fa != NULL && fu != NULL, "vik_arena_alloc: an empty plan -> a valid arena");
    vik_arena_free(a);
    p.nf = 3;
    p.nu = 5;
    a = vik_arena_alloc(&p, &fa, &fu);
    check(a != NULL && fa != NULL && fu != NULL, "vik_arena_alloc: nf 3, nu 5 -> an arena");
    if (a) {                     /* the two parts are apart and writable in full (ASan checks the bounds) */
        uintptr_t f0 = (uintptr_t)fa, f1 = (uintptr_t)(fa + 3), u0 = (uintptr_t)fu, u1 = (uintptr_t)(fu + 5);
        int same = 1;
        for (int i = 0; i < 3; i++) fa[i] = (float)(i + 1) * 0.25f;
        for (int i = 0; i < 5; i++) fu[i] = 0xA5A5A5A5u ^ (uint32_t)i;   /* would change an overlapping fa[i] */
        for (int i = 0; i < 3; i++) same &= fa[i] == (float)(i + 1) * 0.25f;
        for (int i = 0; i < 5; i++) same &= fu[i] == (0xA5A5A5A5u ^ (uint32_t)i);
        check((f1 <= u0 || u1 <= f0) && same, "vik_arena_alloc: two parts, byte ranges apart, each holds its writes");
    }
    vik_arena_free(a);
    vik_arena_free(NULL);        /* as free(NULL) */
}

static void test_argmax(void)
{
    float x[4];
    x[0] = 1.0f; x[1] = NAN; x[2] = 3.0f; x[3] = NAN;
    check(vik_argmax(x, 4) == 1, "vik_argmax: {1, NaN, 3, NaN} -> 1 (the first NaN, as torch.argmax)");
    x[0] = NAN; x[1] = 5.0f;
    check(vik_argmax(x, 2) == 0, "vik_argmax: {NaN, 5} -> 0");
    x[0] = 1.0f; x[1] = 5.0f; x[2] = NAN;
    check(vik_argmax(x, 3) == 2, "vik_argmax: {1, 5, NaN} -> 2");
    check(vik_argmax(x, 2) == 1, "vik_argmax: {1, 5} -> 1");
    x[0] = 2.0f; x[1] = INFINITY; x[2] = INFINITY;
    check(vik_argmax(x, 3) == 1, "vik_argmax: {2, inf, inf} -> 1 (ties: the lowest index)");
    x[0] = -INFINITY; x[1] = -INFINITY;
    check(vik_argmax(x, 2) == 0, "vik_argmax: {-inf, -inf} -> 0");
    check(vik_argmax(x, 0) == 0, "vik_argmax: n = 0 -> 0 (n: no index)");
    check(vik_argmax(NULL, 5) == 5, "vik_argmax: x NULL -> n");
    check(vik_argmax(NULL, UINT32_MAX) == UINT32_MAX, "vik_argmax: x NULL, n UINT32_MAX -> n");
}

/* ---- harness/rope_table.h ---- */

static void rope_bad(const char *desc, int null_c, int null_s, uint32_t npos, uint32_t D, float theta)
{
    float c[16], s[16];
    uint32_t i, kept = 1;
    int rc;
    for (i = 0; i < 16; i++)
        c[i] = s[i] = 7.0f;
    rc = vik_rope_table(null_c ? NULL : c, null_s ? NULL : s, npos, D, theta);
    for (i = 0; i < 16; i++)
        kept &= c[i] == 7.0f && s[i] == 7.0f;
    check_msg(rc == VIK_EDOMAIN && kept, desc, "rc %d, tables %s", rc, kept ? "untouched" : "written");
}

static void test_rope(void)
{
    float c[16], s[16], *bc, *bs;
    uint32_t i, ok = 1, n = VIK_ROPE_NPOS_MAX;
    int rc;
    rope_bad("vik_rope_table: cos NULL -> VIK_EDOMAIN", 1, 0, 4, 4, 1e4f);
    rope_bad("vik_rope_table: sin NULL -> VIK_EDOMAIN", 0, 1, 4, 4, 1e4f);
    rope_bad("vik_rope_table: npos 0 -> VIK_EDOMAIN", 0, 0, 0, 4, 1e4f);
    rope_bad("vik_rope_table: npos 2^20 + 1 -> VIK_EDOMAIN, nothing written", 0, 0, VIK_ROPE_NPOS_MAX + 1u, 4, 1e4f);
    rope_bad("vik_rope_table: npos UINT32_MAX -> VIK_EDOMAIN, nothing written", 0, 0, UINT32_MAX, 4, 1e4f);
    rope_bad("vik_rope_table: D 0 -> VIK_EDOMAIN", 0, 0, 4, 0, 1e4f);
    rope_bad("vik_rope_table: D 1 -> VIK_EDOMAIN", 0, 0, 4, 1, 1e4f);
    rope_bad("vik_rope_table: D 3 (odd) -> VIK_EDOMAIN", 0, 0, 4, 3, 1e4f);
    rope_bad("vik_rope_table: D 1026 -> VIK_EDOMAIN", 0, 0, 1, 1026, 1e4f);
    rope_bad("vik_rope_table: D UINT32_MAX -> VIK_EDOMAIN", 0, 0, 1, UINT32_MAX, 1e4f);
    rope_bad("vik_rope_table: theta NaN -> VIK_EDOMAIN", 0, 0, 4, 4, NAN);
    rope_bad("vik_rope_table: theta +inf -> VIK_EDOMAIN", 0, 0, 4, 4, INFINITY);
    rope_bad("vik_rope_table: theta -inf -> VIK_EDOMAIN", 0, 0, 4, 4, -INFINITY);
    rope_bad("vik_rope_table: theta 0 -> VIK_EDOMAIN", 0, 0, 4, 4, 0.0f);
    rope_bad("vik_rope_table: theta 0.5 -> VIK_EDOMAIN", 0, 0, 4, 4, 0.5f);
    rope_bad("vik_rope_table: theta -1 -> VIK_EDOMAIN", 0, 0, 4, 4, -1.0f);
    /* the boundaries are accepted */
    rc = vik_rope_table(c, s, 8, 2, 1.0f);
    for (i = 0; i < 8; i++)
        ok &= isfinite(c[i]) && isfinite(s[i]) && fabsf(c[i]) <= 1.0f && fabsf(s[i]) <= 1.0f;
    check(rc == VIK_OK && ok && c[0] == 1.0f && s[0] == 0.0f, "vik_rope_table: npos 8, D 2, theta 1 -> VIK_OK");
    rc = vik_rope_table(c, s, 1, 32, FLT_MAX);
    check(rc == VIK_OK, "vik_rope_table: theta FLT_MAX -> VIK_OK");
    bc = malloc(sizeof(float) * 512u);
    bs = malloc(sizeof(float) * 512u);
    if (bc && bs)
        check(vik_rope_table(bc, bs, 1, 1024, 1e4f) == VIK_OK, "vik_rope_table: D 1024 -> VIK_OK");
    free(bc);
    free(bs);
    bc = malloc(sizeof(float) * n);
    bs = malloc(sizeof(float) * n);
    if (bc && bs) {
        rc = vik_rope_table(bc, bs, n, 2, 1e4f);
        for (ok = 1, i = 0; i < n; i++)
            ok &= isfinite(bc[i]) && isfinite(bs[i]) && fabsf(bc[i]) <= 1.0f && fabsf(bs[i]) <= 1.0f;
        check(rc == VIK_OK && ok, "vik_rope_table: npos 2^20 -> VIK_OK, every entry finite in [-1, 1]");
    }
    free(bc);
    free(bs);
}

/* ---- harness/npy.h ---- */

/* tmpdir/name: a .npy file with descr and shape text, then n zero data bytes. */
static int npy_file(const char *name, const char *descr, const char *shape, size_t n)
{
    char p[256], h[256];
    unsigned char *b;
    int len = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
    size_t hl = (size_t)len, pad = 63u - (10u + hl) % 64u, tot = 10u + hl + pad + 1u, i;
    int ok;
    b = calloc(tot + n + 1u, 1);
    if (!b || len < 0 || !tpath(p, sizeof p, name)) {
        free(b);
        return 0;
    }
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (unsigned char)((tot - 10u) & 0xFF);
    b[9] = (unsigned char)((tot - 10u) >> 8);
    memcpy(b + 10, h, hl);
    for (i = 0; i < pad; i++)
        b[10 + hl + i] = ' ';
    b[tot - 1u] = '\n';
    ok = write_bytes(p, b, tot + n);
    free(b);
    return ok;
}

static void read_case(const char *desc, const char *name, int want)
{
    char p[256], err[512];
    npy_array a;
    int rc;
    tpath(p, sizeof p, name);
    memset(&a, 0x5A, sizeof a);
    rc = npy_read(p, &a, err, sizeof err);
    check_msg(rc == want && (rc == NPY_OK || (all_zero(&a, sizeof a) && strstr(err, p))), desc,
              "rc %d (%s), want %d; \"%s\"", rc, npy_strerror(rc), want, err);
    if (rc == NPY_OK)
        npy_free(&a);
}

static void test_npy_read(void)
{
    char err[512], p[256];
    npy_array a;
    int rc;
    memset(&a, 0x5A, sizeof a);
    rc = npy_read(NULL, &a, err, sizeof err);
    check_msg(rc == NPY_EARG && all_zero(&a, sizeof a) && strstr(err, "(null): bad argument: path is NULL"),
              "npy_read: path NULL -> NPY_EARG, output zeroed, message", "rc %d, \"%s\"", rc, err);
    rc = npy_read("x.npy", NULL, err, sizeof err);
    check_msg(rc == NPY_EARG && strstr(err, "x.npy: bad argument: out is NULL"), "npy_read: out NULL -> NPY_EARG",
              "rc %d, \"%s\"", rc, err);
    check(npy_read(NULL, NULL, NULL, 0) == NPY_EARG, "npy_read: everything NULL -> NPY_EARG");
    tpath(p, sizeof p, "missing.npy");
    check(npy_read(p, &a, NULL, sizeof err) == NPY_EOPEN && all_zero(&a, sizeof a),
          "npy_read: err NULL with errlen 512 -> code only");
    memset(err, 'x', sizeof err);
    check(npy_read(p, &a, err, 0) == NPY_EOPEN && all_byte(err, sizeof err, 'x'),
          "npy_read: errlen 0 -> code, err untouched");
    rc = npy_read(p, &a, err, SIZE_MAX);
    check_msg(rc == NPY_EOPEN && strstr(err, p) && strstr(err, "cannot open"),
              "npy_read: errlen SIZE_MAX -> code and the whole message", "rc %d, \"%s\"", rc, err);
    rc = npy_read("", &a, err, sizeof err);
    check_msg(rc == NPY_EOPEN && all_zero(&a, sizeof a), "npy_read: path \"\" -> NPY_EOPEN", "rc %d", rc);
    /* glibc opens a directory for reading; its read fails (EISDIR) */
    rc = npy_read("tests", &a, err, sizeof err);
    check_msg((rc == NPY_EMAGIC || rc == NPY_EOPEN) && all_zero(&a, sizeof a),
              "npy_read: a directory -> NPY_EMAGIC (or NPY_EOPEN)", "rc %d, \"%s\"", rc, err);

    if (!check(npy_file("smax.npy", "|u1", "(18446744073709551615,)", 0) &&
                   npy_file("smax0.npy", "<f4", "(18446744073709551615, 0)", 0) &&
                   npy_file("pmax1.npy", "<f4", "(9223372036854775808, 0)", 0) &&
                   npy_file("pmax.npy", "<f4", "(9223372036854775807, 0)", 0) &&
                   npy_file("bytes.npy", "<f4", "(2305843009213693952,)", 0) &&
                   npy_file("empty.npy", "<f4", "(0,)", 0),
               "npy files with huge shapes written"))
        return;
    read_case("npy_read: shape (SIZE_MAX,) u1 -> NPY_ESHAPE", "smax.npy", NPY_ESHAPE);
    read_case("npy_read: shape (SIZE_MAX, 0) -> NPY_ESHAPE (dim past PTRDIFF_MAX)", "smax0.npy", NPY_ESHAPE);
    read_case("npy_read: shape (PTRDIFF_MAX + 1, 0) -> NPY_ESHAPE", "pmax1.npy", NPY_ESHAPE);
    read_case("npy_read: shape (PTRDIFF_MAX, 0) -> NPY_OK (0 elements)", "pmax.npy", NPY_OK);
    read_case("npy_read: shape (2^61,) f4, 2^63 bytes -> NPY_ESHAPE", "bytes.npy", NPY_ESHAPE);
    read_case("npy_read: shape (0,) -> NPY_OK", "empty.npy", NPY_OK);
    remove(p);
}

static int no_file(const char *p)
{
    return access(p, F_OK) != 0;
}

static void write_bad(const char *desc, const char *p, int dtype, int ndim, const size_t *shape, const void *data,
                      int want)
{
    char err[512];
    int rc = npy_write(p, dtype, ndim, shape, data, err, sizeof err);
    check_msg(rc == want && (!p || (strstr(err, p) && no_file(p))), desc, "rc %d (%s), want %d; \"%s\"", rc,
              npy_strerror(rc), want, err);
}

static void test_npy_write(void)
{
    char p[256], err[512];
    size_t sh1[1] = {2}, big[2];
    float x[2] = {0.0f, 0.0f};
    float fv[7];
    double dv[4];
    npy_array a;
    int rc;
    tpath(p, sizeof p, "w.npy");
    rc = npy_write(NULL, NPY_F32, 1, sh1, x, err, sizeof err);
    check_msg(rc == NPY_EARG && strstr(err, "(null): bad argument: path is NULL"), "npy_write: path NULL -> NPY_EARG",
              "rc %d, \"%s\"", rc, err);
    write_bad("npy_write: dtype 0 -> NPY_EARG, no file", p, 0, 1, sh1, x, NPY_EARG);
    write_bad("npy_write: dtype INT_MAX -> NPY_EARG", p, INT_MAX, 1, sh1, x, NPY_EARG);
    write_bad("npy_write: dtype INT_MIN -> NPY_EARG", p, INT_MIN, 1, sh1, x, NPY_EARG);
    write_bad("npy_write: ndim -1 -> NPY_EARG", p, NPY_F32, -1, sh1, x, NPY_EARG);
    write_bad("npy_write: ndim INT_MIN -> NPY_EARG", p, NPY_F32, INT_MIN, sh1, x, NPY_EARG);
    write_bad("npy_write: ndim 9 -> NPY_EARG", p, NPY_F32, 9, sh1, x, NPY_EARG);
    write_bad("npy_write: ndim INT_MAX -> NPY_EARG", p, NPY_F32, INT_MAX, sh1, x, NPY_EARG);
    write_bad("npy_write: shape NULL with ndim 1 -> NPY_EARG", p, NPY_F32, 1, NULL, x, NPY_EARG);
    write_bad("npy_write: data NULL -> NPY_EARG", p, NPY_F32, 1, sh1, NULL, NPY_EARG);
    big[0] = SIZE_MAX;
    write_bad("npy_write: shape (SIZE_MAX,) u1 -> NPY_ESHAPE, no file (not a read past data)", p, NPY_U8, 1, big, x,
              NPY_ESHAPE);
    big[1] = 0;
    write_bad("npy_write: shape (SIZE_MAX, 0) -> NPY_ESHAPE", p, NPY_F32, 2, big, x, NPY_ESHAPE);
    big[0] = (size_t)PTRDIFF_MAX + 1u;
    write_bad("npy_write: shape (PTRDIFF_MAX + 1, 0) -> NPY_ESHAPE", p, NPY_F32, 2, big, x, NPY_ESHAPE);
    big[0] = (size_t)PTRDIFF_MAX / 4u + 1u;
    write_bad("npy_write: shape (PTRDIFF_MAX / 4 + 1,) f4 -> NPY_ESHAPE", p, NPY_F32, 1, big, x, NPY_ESHAPE);
    big[0] = (size_t)PTRDIFF_MAX;
    rc = npy_write(p, NPY_F32, 2, big, x, err, sizeof err);
    check_msg(rc == NPY_OK, "npy_write: shape (PTRDIFF_MAX, 0) -> NPY_OK", "rc %d, \"%s\"", rc, err);
    big[0] = 0;
    rc = npy_write(p, NPY_F32, 1, big, x, NULL, 0);
    rc = rc == NPY_OK ? npy_read(p, &a, err, sizeof err) : rc;
    check_msg(rc == NPY_OK && a.count == 0 && a.ndim == 1 && a.data != NULL, "npy_write: shape (0,) round trip, err NULL",
              "rc %d", rc);
    npy_free(&a);
    tpath(p, sizeof p, "no-such-dir/w.npy");
    rc = npy_write(p, NPY_F32, 1, sh1, x, err, SIZE_MAX);
    check_msg(rc == NPY_EOPEN && strstr(err, p), "npy_write: errlen SIZE_MAX -> code and the whole message",
              "rc %d, \"%s\"", rc, err);
    memset(err, 'x', sizeof err);
    rc = npy_write(p, NPY_F32, 1, sh1, x, err, 0);
    check_msg(rc == NPY_EOPEN && all_byte(err, sizeof err, 'x'), "npy_write: errlen 0 -> code, err untouched",
              "rc %d", rc);
    /* NaN and inf are data: kept bit for bit, both ways */
    tpath(p, sizeof p, "nan.npy");
    fv[0] = NAN; fv[1] = -NAN; fv[2] = INFINITY; fv[3] = -INFINITY; fv[4] = -0.0f; fv[5] = FLT_MAX;
    fv[6] = u2f(0x7FC12345u);
    sh1[0] = 7;
    rc = npy_write(p, NPY_F32, 1, sh1, fv, err, sizeof err);
    rc = rc == NPY_OK ? npy_read(p, &a, err, sizeof err) : rc;
    check_msg(rc == NPY_OK && a.count == 7 && memcmp(a.data, fv, sizeof fv) == 0,
              "npy: f4 NaN (payload, sign), +-inf, -0 round trip bit for bit", "rc %d, \"%s\"", rc, err);
    npy_free(&a);
    dv[0] = NAN; dv[1] = INFINITY; dv[2] = -INFINITY; dv[3] = -0.0;
    sh1[0] = 4;
    rc = npy_write(p, NPY_F64, 1, sh1, dv, err, sizeof err);
    rc = rc == NPY_OK ? npy_read(p, &a, err, sizeof err) : rc;
    check_msg(rc == NPY_OK && a.count == 4 && memcmp(a.data, dv, sizeof dv) == 0,
              "npy: f8 NaN, +-inf, -0 round trip bit for bit", "rc %d, \"%s\"", rc, err);
    npy_free(&a);
    remove(p);
    tpath(p, sizeof p, "w.npy");
    remove(p);
}

static void test_npy_misc(void)
{
    npy_array a;
    int c, ok = 1;
    memset(&a, 0, sizeof a);
    npy_free(NULL);
    npy_free(&a);
    npy_free(&a);
    check(all_zero(&a, sizeof a), "npy_free: NULL, zeroed and twice are safe");
    check(npy_itemsize(0) == 0 && npy_itemsize(-1) == 0 && npy_itemsize(NPY_I32 + 1) == 0 &&
              npy_itemsize(INT_MAX) == 0 && npy_itemsize(INT_MIN) == 0 && npy_itemsize(NPY_F64) == 8,
          "npy_itemsize: unknown dtypes (0, -1, 5, INT_MAX, INT_MIN) -> 0");
    check(strcmp(npy_dtype_name(0), "?") == 0 && strcmp(npy_dtype_name(INT_MAX), "?") == 0 &&
              strcmp(npy_dtype_name(INT_MIN), "?") == 0 && strcmp(npy_dtype_name(NPY_U8), "|u1") == 0,
          "npy_dtype_name: unknown dtypes -> \"?\"");
    for (c = NPY_EARG; c <= NPY_OK; c++)
        ok &= strcmp(npy_strerror(c), "unknown error") != 0;
    check(ok && strcmp(npy_strerror(1), "unknown error") == 0 && strcmp(npy_strerror(NPY_EARG - 1), "unknown error") == 0 &&
              strcmp(npy_strerror(INT_MAX), "unknown error") == 0 && strcmp(npy_strerror(INT_MIN), "unknown error") == 0,
          "npy_strerror: each code its text; 1, -12, INT_MAX, INT_MIN -> \"unknown error\"");
}

/* ---- harness/model.h ---- */

static void test_plan(const vik_config *c)
{
    vik_plan p;
    check(vik_model_plan(c, 0, 1, &p) == VIK_EARG, "vik_model_plan: S = 0 -> VIK_EARG");
    check(vik_model_plan(c, 8, 0, &p) == VIK_EARG, "vik_model_plan: Tmax = 0 -> VIK_EARG");
    check(vik_model_plan(c, 8, 9, &p) == VIK_EARG, "vik_model_plan: Tmax = S + 1 -> VIK_EARG");
    check(vik_model_plan(c, 8, UINT32_MAX, &p) == VIK_EARG, "vik_model_plan: Tmax = UINT32_MAX -> VIK_EARG");
    check(vik_model_plan(c, VIK_CTX_MAX + 1u, 1, &p) == VIK_EARG, "vik_model_plan: S = VIK_CTX_MAX + 1 -> VIK_EARG");
    check(vik_model_plan(c, UINT32_MAX, 1, &p) == VIK_EARG, "vik_model_plan: S = UINT32_MAX -> VIK_EARG");
    check(vik_model_plan(c, UINT32_MAX, UINT32_MAX, &p) == VIK_EARG,
          "vik_model_plan: S = Tmax = UINT32_MAX -> VIK_EARG");
    p.S = 77u;
    check(vik_model_plan(NULL, 8, 8, &p) == VIK_EARG && p.S == 77u, "vik_model_plan: c NULL -> VIK_EARG, *p untouched");
    check(vik_model_plan(c, 8, 8, NULL) == VIK_EARG, "vik_model_plan: p NULL -> VIK_EARG");
    check(vik_model_plan(c, 8, 8, &p) == VIK_OK && p.S == 8 && p.Tmax == 8, "vik_model_plan: S = Tmax = 8 -> VIK_OK");
    check(vik_model_plan(c, VIK_CTX_MAX, VIK_CTX_MAX, &p) == VIK_OK,
          "vik_model_plan: S = Tmax = VIK_CTX_MAX -> VIK_OK");
}

typedef struct {
    vik_model m;
    const vik_plan *p;
    float *fa, *logits;
    uint32_t *fu;
    unsigned char *snap;
    size_t fbytes, ubytes;      /* of the arena's two parts */
    uint32_t V;
} fwd;

/* A copy of the arena's two parts, and whether they are as copied. */
static void snap_take(fwd *f)
{
    memcpy(f->snap, f->fa, f->fbytes);
    memcpy(f->snap + f->fbytes, f->fu, f->ubytes);
}

static int snap_same(const fwd *f)
{
    return memcmp(f->snap, f->fa, f->fbytes) == 0 && memcmp(f->snap + f->fbytes, f->fu, f->ubytes) == 0;
}

/* vik_forward refuses with want, arena and logits as they were. */
static void fwd_bad(fwd *f, const char *desc, const uint32_t *tok, uint32_t T, uint32_t pos0, int want)
{
    uint32_t i, kept = 1;
    int rc;
    for (i = 0; i < f->V; i++)
        f->logits[i] = 7.0f;
    snap_take(f);
    rc = vik_forward(&f->m, f->p, f->fa, f->fu, tok, T, pos0, f->logits, 0);
    for (i = 0; i < f->V; i++)
        kept &= f->logits[i] == 7.0f;
    check_msg(rc == want && kept && snap_same(f), desc, "rc %d (%s), logits %s, arena %s", rc, vik_model_strerror(rc),
              kept ? "untouched" : "written", snap_same(f) ? "untouched" : "written");
}

static int fwd_ok(fwd *f, const uint32_t *tok, uint32_t T, uint32_t pos0)
{
    uint32_t i, fin = 1;
    int rc;
    vik_model_reset(&f->m, f->p, f->fa);
    rc = vik_forward(&f->m, f->p, f->fa, f->fu, tok, T, pos0, f->logits, 0);
    for (i = 0; i < f->V; i++)
        fin &= isfinite(f->logits[i]) != 0;
    return rc == VIK_OK && fin;
}

/* A value v in token 3's embedding row stops the pass: VIK_ERANGE. */
static void embed_bad(fwd *f, float *emb, const float *orig, float v, const char *what)
{
    char desc[160];
    uint32_t tok = 3, dim = f->m.cfg.dim;
    memcpy(emb, orig, sizeof(float) * (size_t)f->V * dim);
    emb[(size_t)tok * dim + 5u] = v;
    vik_model_reset(&f->m, f->p, f->fa);
    snprintf(desc, sizeof desc, "vik_forward: %s in the embedding row of a token -> VIK_ERANGE, logits untouched",
             what);
    {
        uint32_t i, kept = 1;
        int rc;
        for (i = 0; i < f->V; i++)
            f->logits[i] = 7.0f;
        rc = vik_forward(&f->m, f->p, f->fa, f->fu, &tok, 1, 0, f->logits, 0);
        for (i = 0; i < f->V; i++)
            kept &= f->logits[i] == 7.0f;
        check_msg(rc == VIK_ERANGE && kept, desc, "rc %d (%s)", rc, vik_model_strerror(rc));
    }
    tok = 4;
    snprintf(desc, sizeof desc, "vik_forward: %s in token 3's row; token 4 -> VIK_OK", what);
    check(fwd_ok(f, &tok, 1, 0), desc);
}

static void test_forward(void)
{
    char err[1024];
    vik_loaded L;
    fwd f;
    void *arena;
    float *emb;
    uint32_t tok[5] = {1, 2, 3, 4, 5}, S, Tmax;
    int rc;
    rc = vik_load(TINY, 8, 4, &L, err, sizeof err);
    if (!check_msg(rc == VIK_LOAD_OK, "vik_forward: the tiny model loads (ctx 8, Tmax 4)", "%s", err))
        return;
    test_plan(&L.m.cfg);
    memset(&f, 0, sizeof f);
    arena = vik_arena_alloc(&L.plan, &f.fa, &f.fu);
    f.m = L.m;
    f.p = &L.plan;
    f.V = L.m.cfg.vocab;
    f.fbytes = (size_t)L.plan.nf * 4u;
    f.ubytes = (size_t)L.plan.nu * 4u;
    f.logits = malloc(sizeof(float) * f.V);
    f.snap = malloc(f.fbytes + f.ubytes);
    emb = malloc(sizeof(float) * (size_t)f.V * L.m.cfg.dim);
    if (!check(arena && f.logits && f.snap && emb, "vik_forward: arena and buffers allocated"))
        goto out;
    memset(f.fa, 0, f.fbytes);   /* defined bytes to compare, the routing part too */
    memset(f.fu, 0, f.ubytes);
    S = L.plan.S;
    Tmax = L.plan.Tmax;
    fwd_bad(&f, "vik_forward: T = 0 -> VIK_EARG, nothing written", tok, 0, 0, VIK_EARG);
    fwd_bad(&f, "vik_forward: T = Tmax + 1 -> VIK_EARG, nothing written", tok, Tmax + 1u, 0, VIK_EARG);
    /* tok holds 5 ids: T is checked before any is read, as the error list says */
    fwd_bad(&f, "vik_forward: T = UINT32_MAX -> VIK_EARG, nothing written", tok, UINT32_MAX, 0, VIK_EARG);
    tok[1] = f.V;
    fwd_bad(&f, "vik_forward: token id = vocab -> VIK_ETOKEN, nothing written", tok, 2, 0, VIK_ETOKEN);
    tok[1] = UINT32_MAX;
    fwd_bad(&f, "vik_forward: token id UINT32_MAX -> VIK_ETOKEN, nothing written", tok, 2, 0, VIK_ETOKEN);
    tok[1] = f.V - 1u;
    fwd_bad(&f, "vik_forward: pos0 = S -> VIK_ECTX, nothing written", tok, 1, S, VIK_ECTX);
    fwd_bad(&f, "vik_forward: pos0 = S - 1, T = 2 -> VIK_ECTX, nothing written", tok, 2, S - 1u, VIK_ECTX);
    fwd_bad(&f, "vik_forward: pos0 = UINT32_MAX -> VIK_ECTX, nothing written", tok, 1, UINT32_MAX, VIK_ECTX);
    fwd_bad(&f, "vik_forward: pos0 = UINT32_MAX - 1, T = 4 -> VIK_ECTX, nothing written", tok, 4, UINT32_MAX - 1u,
            VIK_ECTX);
    {
        /* each NULL refused before anything is written (logits: the pass
           used to run to the LM head first) */
        vik_model m0 = f.m;
        const vik_plan *p0 = f.p;
        float *fa0 = f.fa, *lg0 = f.logits;
        uint32_t *fu0 = f.fu;
        uint32_t i, kept = 1;
        int r[6];
        for (i = 0; i < f.V; i++)
            f.logits[i] = 7.0f;
        snap_take(&f);
        r[0] = vik_forward(NULL, p0, fa0, fu0, tok, 1, 0, lg0, 0);
        r[1] = vik_forward(&m0, NULL, fa0, fu0, tok, 1, 0, lg0, 0);
        r[2] = vik_forward(&m0, p0, NULL, fu0, tok, 1, 0, lg0, 0);
        r[3] = vik_forward(&m0, p0, fa0, NULL, tok, 1, 0, lg0, 0);
        r[4] = vik_forward(&m0, p0, fa0, fu0, NULL, 1, 0, lg0, 0);
        r[5] = vik_forward(&m0, p0, fa0, fu0, tok, 1, 0, NULL, 0);
        for (i = 0; i < f.V; i++)
            kept &= f.logits[i] == 7.0f;
        for (i = 0; i < 6; i++)
            check_msg(r[i] == VIK_EARG && kept && snap_same(&f),
                      "vik_forward: a NULL m, p, fa, fu, tok or logits -> VIK_EARG, nothing written", "argument %u: rc %d",
                      i, r[i]);
        vik_model_reset(&m0, NULL, fa0);
        vik_model_reset(&m0, p0, NULL);
        check(snap_same(&f), "vik_model_reset: p or fa NULL -> nothing done");
    }
    check(fwd_ok(&f, tok, Tmax, 0), "vik_forward: T = Tmax, the last id vocab - 1 -> VIK_OK, finite logits");
    check(fwd_ok(&f, tok, 2, S - 2u), "vik_forward: pos0 + T = S -> VIK_OK, finite logits");
    check(strcmp(vik_model_strerror(VIK_EARG), "unknown error") != 0 &&
              strcmp(vik_model_strerror(VIK_ETOKEN), "unknown error") != 0 &&
              strcmp(vik_model_strerror(VIK_ECTX), "unknown error") != 0 &&
              strcmp(vik_model_strerror(VIK_ERANGE), "unknown error") != 0 &&
              strcmp(vik_model_strerror(INT_MIN), "unknown error") == 0,
          "vik_model_strerror: each code its text, INT_MIN -> \"unknown error\"");
    /* a copy of the embedding table with one bad value (weights from
       vik_load are checked; a model built by hand is not) */
    f.m.embed = emb;
    embed_bad(&f, emb, L.m.embed, NAN, "NaN");
    embed_bad(&f, emb, L.m.embed, INFINITY, "+inf");
    embed_bad(&f, emb, L.m.embed, -INFINITY, "-inf");
    embed_bad(&f, emb, L.m.embed, 0x1p21f, "2^21 (finite, past the proven 2^20)");
out:
    free(emb);
    free(f.snap);
    free(f.logits);
    vik_arena_free(arena);
    vik_unload(&L);
}

int main(void)
{
    if (!tmpdir_make("api")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    test_load();
    test_dtype_name();
    test_arena();
    test_argmax();
    test_rope();
    test_npy_read();
    test_npy_write();
    test_npy_misc();
    test_forward();
    rm_tree(tmpdir);
    return check_done();
}
