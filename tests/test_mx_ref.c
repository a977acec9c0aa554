/* MX block formats (MXFP4, MXFP8-E4M3) against the vendored references in
   tests/data/mx/caseK (copied from shared/reference/mx; the NVFP4 kernels are
   checked against the nvfp4_* files in tests/test_nvfp4.c, vik-ref's nvfp4_*
   outputs here):
   (a) the kernels called directly: codes and scales byte for byte, and the
       dequantization of the reference codes bit for bit;
   (b) build/vik-ref (or $VIK_REF) on each case: every file it writes equals
       the reference of the same name byte for byte, and it writes exactly the
       six MX and four NVFP4 outputs, nothing else;
   (c) bad cases (K % 32 != 0, int32 or 1-D input, ambiguous case dir, a
       failing last output) exit 2 and leave no output file behind;
   (d) properties on synthetic blocks against an independent brute-force
       oracle in double arithmetic (tests/oracle_mx.h): all-zero blocks,
       NaN/inf blocks, subnormal inputs and the scale clamp, 200 random
       blocks with exact ties and saturation, and that the kernels write
       nothing out of range. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "mx.h"
#include "npy.h"
#include "util.h"
#include "rng.h"
#include "oracle_mx.h"
#include <math.h>
#include <stdint.h>

#define DATA "tests/data/mx"
#define SHOW 4          /* mismatches listed per failing check */

static const char *const CASES[] = {"case0", "case1", "case2"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- loading ---- */

typedef struct {
    size_t rows, K, n;
    npy_array input;
} mx_case;

/* Load dir/name, require dtype and shape [rows, cols]; FAIL line if not. */
static int load_2d(const char *dir, const char *name, int dtype, size_t rows,
                   size_t cols, npy_array *a)
{
    char p[512], err[512], desc[600];
    int rc;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    rc = npy_read(p, a, err, sizeof err);
    if (rc == NPY_OK && a->dtype == dtype && a->ndim == 2 && a->shape[0] == rows &&
        a->shape[1] == cols)
        return 1;
    snprintf(desc, sizeof desc, "load %s as %s [%zu, %zu]", p, npy_dtype_name(dtype),
             rows, cols);
    check_msg(0, desc, "%s", rc ? err : "unexpected dtype or shape");
    npy_free(a);
    return 0;
}

/* ---- (a) kernels against the references ---- */

/* Our codes and scales for the case's input against the reference files,
   then our dequantization of the reference codes/scales against the
   reference dequantization. */
static void check_case_format(const char *cname, const mx_case *c, const mx_fmt *f)
{
    char dir[256], name[128], desc[256], det[768];
    npy_array rc, rs, rd;
    const float *x = c->input.data;
    size_t n = c->n, i, bad;
    int scales_ok;
    uint8_t *codes = malloc(code_bytes(f, n) + 1), *scales = malloc(n / BLK + 1);
    float *y = malloc((n + 1) * sizeof *y);
    snprintf(dir, sizeof dir, "%s/%s", DATA, cname);
    snprintf(name, sizeof name, "%s_codes.npy", f->name);
    if (!load_2d(dir, name, NPY_U8, c->rows, f->fp8 ? c->K : c->K / 2, &rc))
        goto out0;
    snprintf(name, sizeof name, "%s_scales.npy", f->name);
    if (!load_2d(dir, name, NPY_U8, c->rows, c->K / BLK, &rs))
        goto out1;
    snprintf(name, sizeof name, "%s_dequant.npy", f->name);
    if (!load_2d(dir, name, NPY_F32, c->rows, c->K, &rd))
        goto out2;
    if (!codes || !scales || !y) {
        check(0, "allocate buffers");
        goto out3;
    }
    f->quantize(x, (uint32_t)n, codes, scales);

    det[0] = '\0';
    for (i = bad = 0; i < n / BLK; i++)
        if (scales[i] != ((const uint8_t *)rs.data)[i] && bad++ < SHOW)
            append(det, sizeof det, "block %zu (row %zu, block %zu): want %u got %u; ",
                   i, i * BLK / c->K, i % (c->K / BLK),
                   ((const uint8_t *)rs.data)[i], scales[i]);
    snprintf(desc, sizeof desc, "%s %s: %zu scales byte-equal to reference", cname,
             f->name, n / BLK);
    check_msg(bad == 0, desc, "%zu mismatches: %s", bad, det);

    det[0] = '\0';
    for (i = bad = 0; i < n; i++) {
        unsigned want = code_at(f, rc.data, i), got = code_at(f, codes, i);
        if (want != got && bad++ < SHOW)
            append(det, sizeof det, "element %zu [%zu, %zu] x=%.9g (0x%08x): want 0x%02x "
                   "got 0x%02x; ", i, i / c->K, i % c->K, (double)x[i],
                   (unsigned)f2u(x[i]), want, got);
    }
    snprintf(desc, sizeof desc, "%s %s: %zu codes (%zu bytes) equal to reference", cname,
             f->name, n, code_bytes(f, n));
    check_msg(bad == 0 && memcmp(codes, rc.data, code_bytes(f, n)) == 0, desc,
              "%zu mismatching elements: %s", bad, det);

    det[0] = '\0';
    for (i = bad = 0; i < n / BLK; i++) {  /* dequantize's precondition */
        unsigned s = ((const uint8_t *)rs.data)[i];
        if (s > f->smax && s != 255 && bad++ < SHOW)
            append(det, sizeof det, "block %zu scale %u > %u; ", i, s, f->smax);
    }
    scales_ok = bad == 0;
    if (scales_ok)
        f->dequantize(rc.data, rs.data, (uint32_t)n, y);
    for (i = 0; scales_ok && i < n; i++) {
        float want = ((const float *)rd.data)[i];
        if (f2u(want) != f2u(y[i]) && bad++ < SHOW)
            append(det, sizeof det, "element %zu [%zu, %zu] code 0x%02x scale %u: want "
                   "0x%08x (%.9g) got 0x%08x (%.9g); ", i, i / c->K, i % c->K,
                   code_at(f, rc.data, i), ((const uint8_t *)rs.data)[i / BLK],
                   (unsigned)f2u(want), (double)want, (unsigned)f2u(y[i]), (double)y[i]);
    }
    snprintf(desc, sizeof desc, "%s %s: dequantize(reference codes, scales) bit-equal "
             "to reference, %zu values", cname, f->name, n);
    check_msg(bad == 0, desc, "%zu mismatches: %s", bad, det);
out3:
    npy_free(&rd);
out2:
    npy_free(&rs);
out1:
    npy_free(&rc);
out0:
    free(codes);
    free(scales);
    free(y);
}

static void test_case_kernels(const char *cname)
{
    char dir[256], desc[400], err[512], p[300];
    mx_case c;
    size_t k;
    int rc;
    snprintf(dir, sizeof dir, "%s/%s", DATA, cname);
    snprintf(p, sizeof p, "%s/input.npy", dir);
    rc = npy_read(p, &c.input, err, sizeof err);
    snprintf(desc, sizeof desc, "load %s (float32 [rows, K], K %% 32 == 0)", p);
    if (!check_msg(rc == NPY_OK && c.input.dtype == NPY_F32 && c.input.ndim == 2 &&
                   c.input.shape[1] % BLK == 0 && c.input.count > 0 &&
                   c.input.count <= VIK_MX_NMAX, desc, "%s",
                   rc ? err : "wrong dtype or shape")) {
        npy_free(&c.input);
        return;
    }
    c.rows = c.input.shape[0];
    c.K = c.input.shape[1];
    c.n = c.input.count;
    for (k = 0; k < COUNT(FMTS); k++)
        check_case_format(cname, &c, &FMTS[k]);
    npy_free(&c.input);
}

/* ---- (b) vik-ref on the cases ---- */

static const char *const OUTPUTS[] = {
    "mxfp4_codes.npy", "mxfp4_scales.npy", "mxfp4_dequant.npy",
    "mxfp8_e4m3_codes.npy", "mxfp8_e4m3_scales.npy", "mxfp8_e4m3_dequant.npy",
    "nvfp4_global_scale.npy", "nvfp4_codes.npy", "nvfp4_scales.npy", "nvfp4_dequant.npy",
};

static void test_vikref_case(const char *cname)
{
    char casedir[256], out[400], sub[500], log[400], label[64], desc[400],
        det[512] = "";
    int rc, n, lines, entries, missing = 0;
    size_t i;
    struct stat st;
    snprintf(casedir, sizeof casedir, "%s/%s", DATA, cname);
    snprintf(sub, sizeof sub, "out/%s", cname);
    tpath(out, sizeof out, sub);
    tpath(log, sizeof log, "stdout.log");
    rc = run_vikref(casedir, out);
    snprintf(desc, sizeof desc, "vik-ref on %s exits 0", casedir);
    check_msg(rc == 0, desc, "exit %d (%s)", rc, vikref());
    snprintf(label, sizeof label, "%s/", cname);
    n = compare_outputs(out, casedir, label);
    for (i = 0; i < COUNT(OUTPUTS); i++) {
        snprintf(sub, sizeof sub, "%s/%s", out, OUTPUTS[i]);
        if (stat(sub, &st) != 0) {
            missing++;
            append(det, sizeof det, "%s ", OUTPUTS[i]);
        }
    }
    entries = count_entries(out);
    snprintf(desc, sizeof desc, "vik-ref %s: wrote the %zu MX and NVFP4 outputs and nothing else",
             cname, COUNT(OUTPUTS));
    check_msg(missing == 0 && n == (int)COUNT(OUTPUTS) && entries == n, desc,
              "%d files written, %d entries, missing: %s", n, entries, det);
    lines = count_lines(log, "wrote ");
    snprintf(desc, sizeof desc, "vik-ref %s: one 'wrote' line per file", cname);
    check_msg(lines == n, desc, "%d lines for %d files", lines, n);
}

/* A NaN in the input: MX gives its block scale 255; NVFP4's global scale
   refuses the tensor, and vik-ref writes the recipe's NaN form (g NaN, every
   block scale 0x7F, codes 0, dequantized NaN) instead of failing the case. */
static void test_vikref_nan(void)
{
    float v[2 * 32];
    size_t s2x32[2] = {2, 32};
    char d[256], p[400], out[300], err[512];
    npy_array g, sc, cd, dq, ms;
    for (int i = 0; i < 64; i++) v[i] = (float)(i % 7) - 3.0f;
    v[40] = NAN;
    tpath(d, sizeof d, "nancase");
    mkdir(d, 0777);
    snprintf(p, sizeof p, "%s/input.npy", d);
    if (npy_write(p, NPY_F32, 2, s2x32, v, err, sizeof err) != NPY_OK) {
        check_msg(0, "write the NaN case", "%s", err);
        return;
    }
    tpath(out, sizeof out, "nanout");
    int rc = run_vikref(d, out);
    if (!check_msg(rc == 0, "vik-ref on an input with a NaN exits 0", "exit %d", rc)) return;
    int ok = 1;
    snprintf(p, sizeof p, "%s/nvfp4_global_scale.npy", out);
    ok &= npy_read(p, &g, err, sizeof err) == NPY_OK && g.count == 1 && isnan(((float *)g.data)[0]);
    snprintf(p, sizeof p, "%s/nvfp4_scales.npy", out);
    ok &= npy_read(p, &sc, err, sizeof err) == NPY_OK && sc.count == 4;
    for (size_t i = 0; ok && i < sc.count; i++) ok &= ((uint8_t *)sc.data)[i] == 0x7F;
    snprintf(p, sizeof p, "%s/nvfp4_codes.npy", out);
    ok &= npy_read(p, &cd, err, sizeof err) == NPY_OK && cd.count == 32;
    for (size_t i = 0; ok && i < cd.count; i++) ok &= ((uint8_t *)cd.data)[i] == 0;
    snprintf(p, sizeof p, "%s/nvfp4_dequant.npy", out);
    ok &= npy_read(p, &dq, err, sizeof err) == NPY_OK && dq.count == 64;
    for (size_t i = 0; ok && i < dq.count; i++) ok &= isnan(((float *)dq.data)[i]);
    check(ok, "vik-ref NaN input: nvfp4 g NaN, block scales 0x7F, codes 0, dequantized NaN");
    snprintf(p, sizeof p, "%s/mxfp4_scales.npy", out);
    ok = npy_read(p, &ms, err, sizeof err) == NPY_OK && ms.count == 2 && ((uint8_t *)ms.data)[0] != 255 &&
         ((uint8_t *)ms.data)[1] == 255;
    check(ok, "vik-ref NaN input: mxfp4 the NaN's block scale 255, the other block finite");
    npy_free(&g); npy_free(&sc); npy_free(&cd); npy_free(&dq); npy_free(&ms);
}

/* ---- (c) bad cases ---- */

/* tmpdir/name/file holding a zero array of the given dtype and shape. */
static void make_input(const char *name, const char *file, int dtype, int ndim,
                       const size_t *shape)
{
    char d[256], p[400], err[512];
    static const int32_t zeros[2 * 33] = {0};
    tpath(d, sizeof d, name);
    mkdir(d, 0777);
    snprintf(p, sizeof p, "%s/%s", d, file);
    if (npy_write(p, dtype, ndim, shape, zeros, err, sizeof err) != NPY_OK)
        check_msg(0, "write a bad case", "%s", err);
}

static void test_vikref_bad(void)
{
    char c[256], o[256], q[400];
    size_t s2x33[2] = {2, 33}, s2x32[2] = {2, 32}, s64[1] = {64};
    tpath(o, sizeof o, "badout");

    make_input("k33", "input.npy", NPY_F32, 2, s2x33);
    tpath(c, sizeof c, "k33");
    expect_fail("vik-ref on input.npy [2, 33] (K % 32 != 0) exits 2, creates nothing",
                c, o, -1, "multiple");
    mkdir(o, 0777);
    expect_fail("vik-ref on input.npy [2, 33] leaves an existing out dir empty",
                c, o, 0, "multiple");
    rmdir(o);

    make_input("i32", "input.npy", NPY_I32, 2, s2x32);
    tpath(c, sizeof c, "i32");
    expect_fail("vik-ref on an int32 input.npy exits 2 naming it, creates nothing",
                c, o, -1, "input.npy");

    make_input("1d", "input.npy", NPY_F32, 1, s64);
    tpath(c, sizeof c, "1d");
    expect_fail("vik-ref on a 1-D input.npy exits 2 naming it, creates nothing",
                c, o, -1, "input.npy");

    /* the inputs of two kinds in one dir: refused, not guessed */
    make_input("both", "input.npy", NPY_F32, 2, s2x32);
    make_input("both", "encode_input.npy", NPY_F32, 1, s64);
    tpath(c, sizeof c, "both");
    expect_fail("vik-ref on a dir with input.npy and encode_input.npy exits 2 "
                "(ambiguous kind), creates nothing", c, o, -1, "ambiguous");

    /* The last output cannot be staged (a directory occupies its temporary
       name): the nine staged before it must be removed, none renamed. */
    mkdir(o, 0777);
    snprintf(q, sizeof q, "%s/.nvfp4_dequant.npy.tmp", o);
    mkdir(q, 0777);
    expect_fail("vik-ref failing on its last output leaves no output file",
                DATA "/case0", o, 1, "nvfp4_dequant.npy");
    rm_tree(o);
}

/* ---- (d) properties against the oracle ---- */

/* Quantize x (nb blocks) with the kernel and the oracle; compare scales and
   codes exactly, and the kernel's dequantization of the oracle's codes with
   the oracle's. Mismatches are listed in det. Returns the mismatch count. */
static size_t vs_oracle(const mx_fmt *f, const float *x, size_t nb, char *det, size_t cap)
{
    size_t n = nb * BLK, i, bad = 0;
    uint8_t *kc = malloc(code_bytes(f, n)), *ks = malloc(nb);
    uint8_t *oc = malloc(code_bytes(f, n)), *os = malloc(nb);
    float *ky = malloc(n * sizeof *ky), *oy = malloc(n * sizeof *oy);
    if (!kc || !ks || !oc || !os || !ky || !oy) {
        append(det, cap, "out of memory");
        bad = 1;
        goto done;
    }
    f->quantize(x, (uint32_t)n, kc, ks);
    oracle_quantize(f, x, n, oc, os);
    f->dequantize(oc, os, (uint32_t)n, ky);
    for (i = 0; i < n; i++)
        oy[i] = oracle_deq1(f, code_at(f, oc, i), os[i / BLK]);
    for (i = 0; i < nb; i++)
        if (ks[i] != os[i] && bad++ < SHOW)
            append(det, cap, "block %zu scale want %u got %u; ", i, os[i], ks[i]);
    for (i = 0; i < n; i++)
        if (code_at(f, kc, i) != code_at(f, oc, i) && bad++ < SHOW)
            append(det, cap, "element %zu x=%.9g (0x%08x) scale %u: code want 0x%02x "
                   "got 0x%02x; ", i, (double)x[i], (unsigned)f2u(x[i]), os[i / BLK],
                   code_at(f, oc, i), code_at(f, kc, i));
    for (i = 0; i < n; i++)
        if (!same_float(ky[i], oy[i]) && bad++ < SHOW)
            append(det, cap, "dequant element %zu code 0x%02x scale %u: want 0x%08x "
                   "got 0x%08x; ", i, code_at(f, oc, i), os[i / BLK],
                   (unsigned)f2u(oy[i]), (unsigned)f2u(ky[i]));
done:
    free(kc);
    free(ks);
    free(oc);
    free(os);
    free(ky);
    free(oy);
    return bad;
}

/* The oracle itself on hand-computed values, so that agreeing with it
   means something. */
static void test_oracle_sanity(void)
{
    static const struct { int fp8; double q; int neg; unsigned want; } T[] = {
        {0, 0.25, 0, 0x0}, {0, 0.75, 0, 0x2}, {0, 1.25, 0, 0x2}, {0, 1.75, 0, 0x4},
        {0, 2.5, 0, 0x4}, {0, 3.5, 0, 0x6}, {0, 5.0, 0, 0x6}, {0, 5.0001, 0, 0x7},
        {0, 7.9, 1, 0xF}, {0, 0.0, 1, 0x8}, {0, 0.2, 1, 0x8}, {0, 2.75, 0, 0x5},
        {1, 1.0, 0, 0x38}, {1, 448.0, 0, 0x7E}, {1, 511.0, 0, 0x7E}, {1, 464.0, 1, 0xFE},
        {1, 1.0625, 0, 0x38}, {1, 1.1875, 0, 0x3A}, {1, 0.001953125, 0, 0x01},
        {1, 0.0009765625, 0, 0x00}, {1, 0.0029296875, 0, 0x02}, {1, 0.75, 0, 0x34},
        {1, 0.015625, 0, 0x08}, {1, 0.013671875, 0, 0x07}, {1, 240.0, 0, 0x77},
    };
    float blk[BLK];
    char det[512] = "";
    size_t i, bad = 0;
    for (i = 0; i < COUNT(T); i++) {
        unsigned got = oracle_elem(T[i].fp8, T[i].q, T[i].neg);
        if (got != T[i].want && bad++ < SHOW)
            append(det, sizeof det, "%s %g: want 0x%02x got 0x%02x; ",
                   T[i].fp8 ? "E4M3" : "E2M1", T[i].q, T[i].want, got);
    }
    memset(blk, 0, sizeof blk);
    if (oracle_scale(blk, 2) != 0)
        bad++, append(det, sizeof det, "zero block scale; ");
    blk[3] = -6.0f;                     /* floor(log2 6) = 2: e = 0 / -6 */
    if (oracle_scale(blk, 2) != 127 || oracle_scale(blk, 8) != 121)
        bad++, append(det, sizeof det, "scale of 6; ");
    blk[3] = u2f(0x00400000u);          /* 2^-127: e clamps to -127 */
    if (oracle_scale(blk, 2) != 0 || oracle_scale(blk, 8) != 0)
        bad++, append(det, sizeof det, "subnormal scale; ");
    blk[3] = u2f(0x7F7FFFFFu);          /* FLT_MAX: 127 - emax */
    if (oracle_scale(blk, 2) != 252 || oracle_scale(blk, 8) != 246)
        bad++, append(det, sizeof det, "FLT_MAX scale; ");
    check_msg(bad == 0, "oracle agrees with hand-computed E2M1/E4M3 codes and E8M0 scales",
              "%zu wrong: %s", bad, det);
}

static void fill(float *b, float v)
{
    int j;
    for (j = 0; j < BLK; j++)
        b[j] = v;
}

/* An all-zero block between two ordinary ones: scale 0, every code 0, and it
   dequantizes to +0. */
static void test_zero_block(const mx_fmt *f)
{
    float x[3 * BLK], y[3 * BLK];
    uint8_t codes[3 * BLK], scales[3];
    char desc[200], det[512] = "";
    size_t i, bad;
    int j;
    for (j = 0; j < BLK; j++) {
        x[j] = (float)(j - 13) * 0.37f;
        x[2 * BLK + j] = (float)(j + 1) * -1.0e5f;
    }
    fill(x + BLK, 0.0f);
    memset(codes, 0xA5, sizeof codes);
    f->quantize(x, 3 * BLK, codes, scales);
    f->dequantize(codes, scales, 3 * BLK, y);
    bad = scales[1] != 0;
    for (i = BLK; i < 2 * BLK; i++)
        if ((code_at(f, codes, i) != 0 || f2u(y[i]) != 0) && bad++ < SHOW)
            append(det, sizeof det, "element %zu code 0x%02x dequant 0x%08x; ", i,
                   code_at(f, codes, i), (unsigned)f2u(y[i]));
    bad += vs_oracle(f, x, 3, det, sizeof det);
    snprintf(desc, sizeof desc, "%s: all-zero block -> scale 0, codes 0, dequant +0 "
             "(neighbours as the oracle)", f->name);
    check_msg(bad == 0, desc, "scale %u, %zu bad: %s", scales[1], bad, det);
}

/* Blocks holding a NaN, -NaN, +inf or -inf (once each, at varying places,
   between ordinary blocks): scale 255, element codes 0 (mx.h), all 32
   elements dequantize to NaN; the ordinary blocks are untouched. */
static void test_nonfinite_blocks(const mx_fmt *f)
{
    enum { NB = 9 };
    static const uint32_t bad_bits[4] = {0x7FC00000u, 0xFFC00001u, 0x7F800000u, 0xFF800000u};
    static const int where[4] = {5, 0, 31, 17};
    float x[NB * BLK], y[NB * BLK];
    uint8_t codes[NB * BLK], scales[NB];
    char desc[200], det[512] = "";
    size_t i, bad = 0;
    int b, j;
    for (b = 0; b < NB; b++)
        for (j = 0; j < BLK; j++)
            x[b * BLK + j] = (float)((j * 7 + b * 3) % 23 - 11) * (float)(1 << b) * 0.125f;
    for (b = 0; b < 4; b++)
        x[(2 * b + 1) * BLK + where[b]] = u2f(bad_bits[b]);
    f->quantize(x, NB * BLK, codes, scales);
    f->dequantize(codes, scales, NB * BLK, y);
    for (b = 1; b < NB; b += 2) {
        if (scales[b] != 255 && bad++ < SHOW)
            append(det, sizeof det, "block %d scale %u; ", b, scales[b]);
        for (i = (size_t)b * BLK; i < (size_t)(b + 1) * BLK; i++)
            if ((code_at(f, codes, i) != 0 || !is_nan(y[i])) && bad++ < SHOW)
                append(det, sizeof det, "element %zu code 0x%02x dequant 0x%08x; ", i,
                       code_at(f, codes, i), (unsigned)f2u(y[i]));
    }
    bad += vs_oracle(f, x, NB, det, sizeof det);
    snprintf(desc, sizeof desc, "%s: blocks with NaN, -NaN, +inf, -inf -> scale 255, "
             "codes 0, all 32 dequantize to NaN; other blocks as the oracle", f->name);
    check_msg(bad == 0, desc, "%zu bad: %s", bad, det);
}

/* Subnormal inputs and the scale clamp at -127:
   block 0: only subnormals (2^-127, 3*2^-140, 2^-149, ties 0.25/0.75/1.25
            after scaling, the largest subnormal) -> scale code 0;
   block 1: amax 1.5*2^-121 (normal), clamped for E4M3 (e = -129 -> -127);
   block 2: amax 2^-126 with subnormals. */
static void test_subnormal_blocks(const mx_fmt *f)
{
    static const uint32_t sub[] = {
        0x00400000u, 0x00000600u, 0x00000001u, 0x80600000u, 0x00200000u,
        0x00300000u, 0x00100000u, 0x00500000u, 0x807FFFFFu, 0x00000000u,
        0x80000000u, 0x00280000u, 0x00380000u, 0x00700000u, 0x00180000u,
        0x00080000u,
    };
    float x[3 * BLK];
    uint8_t codes[3 * BLK], scales[3];
    char desc[300], det[768] = "";
    unsigned want0 = f->fp8 ? 0x38 : 0x2, want1 = 0;
    size_t bad;
    int j;
    for (j = 0; j < BLK; j++) {
        x[j] = u2f(sub[j % COUNT(sub)] ^ (j >= 16 ? 0x80000000u : 0));
        x[BLK + j] = u2f(sub[j % COUNT(sub)] + (uint32_t)j * 0x1357u);
        x[2 * BLK + j] = u2f(sub[(j + 3) % COUNT(sub)] | 0x00000100u);
    }
    x[BLK + 9] = u2f(0x03400000u);      /* 1.5 * 2^-121 */
    x[BLK + 20] = u2f(0x82C00000u);     /* -1.5 * 2^-122 */
    x[2 * BLK + 31] = u2f(0x00800000u); /* 2^-126 */
    f->quantize(x, 3 * BLK, codes, scales);
    /* by hand: 2^-127 / 2^-127 = 1.0, 3*2^-140 / 2^-127 = 3*2^-13 -> 0 */
    bad = (scales[0] != 0) + (code_at(f, codes, 0) != want0) +
          (code_at(f, codes, 1) != want1);
    if (bad)
        append(det, sizeof det, "block 0 by hand: scale %u (want 0), 2^-127 -> 0x%02x "
               "(want 0x%02x), 3*2^-140 -> 0x%02x (want 0); ", scales[0],
               code_at(f, codes, 0), want0, code_at(f, codes, 1));
    bad += vs_oracle(f, x, 3, det, sizeof det);
    snprintf(desc, sizeof desc, "%s: subnormal inputs (2^-127 -> scale 0, code 0x%02x; "
             "3*2^-140 -> 0) and the -127 clamp equal the oracle", f->name, want0);
    check_msg(bad == 0, desc, "%zu bad: %s", bad, det);
}

/* ---- random blocks ---- */

/* One block aimed at format fp8/emax with unit 2^u: the largest element is
   in [2^(u+emax), 2^(u+emax+1)), so the scale is 2^u (unless clamped), and
   t * 2^u with t a grid midpoint is an exact tie whenever representable. */
static void random_block(float *x, int fp8, int emax)
{
    int u = -150 + (int)(rnd() % (unsigned)(127 - emax + 150 + 1));
    unsigned nc = fp8 ? 126 : 7;
    int j;
    for (j = 0; j < BLK; j++) {
        double t;
        unsigned c;
        switch (rnd() % 8) {
        case 0:
        case 1:                         /* midpoint of two neighbouring codes */
            c = rnd() % nc;
            t = (mag(fp8, c) + mag(fp8, c + 1)) / 2;
            break;
        case 2:                         /* a grid value */
            t = mag(fp8, rnd() % (nc + 1));
            break;
        case 3:
            t = 0;
            break;
        case 4:                         /* past the largest element: saturates */
            t = (fp8 ? 448.0 : 6.0) + (double)(rnd() % 1024) / 1024.0 * (fp8 ? 63.0 : 1.9);
            break;
        case 5:                         /* much smaller than the block */
            t = mant() * pow2(-(int)(rnd() % 40));
            break;
        default:                        /* anywhere in the top binades */
            t = mant() * pow2(emax - (int)(rnd() % 5));
            break;
        }
        x[j] = (float)((rnd() & 1 ? -t : t) * pow2(u));
    }
    x[rnd() % BLK] = (float)(mant() * pow2(u + emax));
    if (rnd() % 40 == 0)                /* now and then a non-finite block */
        x[rnd() % BLK] = u2f((rnd() & 1 ? 0x7F800000u : 0x7FC00000u) |
                             (rnd() & 0x80000000u));
}

/* Elements of x whose scaled value is exactly halfway between two codes of
   f, or beyond the largest: how much the random input exercises. */
static void count_cases(const mx_fmt *f, const float *x, size_t nb, size_t *ties,
                        size_t *sats, size_t *nonfin, size_t *clamped)
{
    size_t b, i;
    unsigned c, nc = f->fp8 ? 126 : 7;
    *ties = *sats = *nonfin = *clamped = 0;
    for (b = 0; b < nb; b++) {
        unsigned s = oracle_scale(x + b * BLK, f->emax);
        if (s == 255) {
            ++*nonfin;
            continue;
        }
        for (i = b * BLK; i < (b + 1) * BLK; i++) {
            double q = dabs(x[i] * pow2(127 - (int)s));
            if (q > mag(f->fp8, nc))
                ++*sats;
            for (c = 0; c < nc; c++)
                if (q == (mag(f->fp8, c) + mag(f->fp8, c + 1)) / 2)
                    ++*ties;
        }
        if (s == 0 && x[b * BLK] == x[b * BLK])     /* clamped or tiny */
            ++*clamped;
    }
}

static void test_random(void)
{
    enum { NB = 200 };
    static float x[NB * BLK];
    size_t b, k;
    for (b = 0; b < NB; b++)
        random_block(x + b * BLK, (int)(b % 2), b % 2 ? VIK_MX_EMAX_E4M3 : VIK_MX_EMAX_E2M1);
    for (k = 0; k < COUNT(FMTS); k++) {
        const mx_fmt *f = &FMTS[k];
        char desc[300], det[768] = "";
        size_t ties, sats, nonfin, clamped, bad;
        count_cases(f, x, NB, &ties, &sats, &nonfin, &clamped);
        bad = vs_oracle(f, x, NB, det, sizeof det);
        snprintf(desc, sizeof desc, "%s: %d random blocks (fixed seed) equal the oracle: "
                 "scales, codes, dequant; %zu exact ties, %zu saturating, %zu non-finite "
                 "blocks, %zu scale-0 blocks", f->name, NB, ties, sats, nonfin, clamped);
        check_msg(bad == 0, desc, "%zu mismatches: %s", bad, det);
        snprintf(desc, sizeof desc, "%s: the random input exercises >= 100 ties, >= 50 "
                 "saturations, >= 1 non-finite and >= 1 scale-0 block", f->name);
        check_msg(ties >= 100 && sats >= 50 && nonfin >= 1 && clamped >= 1, desc,
                  "%zu ties, %zu saturations, %zu non-finite, %zu scale-0", ties, sats,
                  nonfin, clamped);
    }
}

/* The kernels write codes[0 .. bytes-1], scales[0 .. n/32-1], y[0 .. n-1]
   and nothing past them; n = 0 writes nothing. */
static void test_bounds(const mx_fmt *f)
{
    enum { N = 2 * BLK, G = 16 };
    float x[N], y[N + G];
    uint8_t codes[N + G], scales[N / BLK + G];
    char desc[200];
    size_t i, cb = code_bytes(f, N), bad = 0;
    for (i = 0; i < N; i++)
        x[i] = (float)i - 20.5f;
    memset(codes, 0xA5, sizeof codes);
    memset(scales, 0xA5, sizeof scales);
    for (i = 0; i < N + G; i++)
        y[i] = -3.25f;
    f->quantize(x, 0, codes, scales);
    f->dequantize(codes, scales, 0, y);
    for (i = 0; i < N + G; i++)
        bad += codes[i] != 0xA5 || y[i] != -3.25f || (i < N / BLK + G && scales[i] != 0xA5);
    f->quantize(x, N, codes, scales);
    f->dequantize(codes, scales, N, y);
    for (i = cb; i < N + G; i++)
        bad += codes[i] != 0xA5;
    for (i = N / BLK; i < N / BLK + G; i++)
        bad += scales[i] != 0xA5;
    for (i = N; i < N + G; i++)
        bad += y[i] != -3.25f;
    snprintf(desc, sizeof desc, "%s: n = 0 writes nothing; n = 64 writes nothing past "
             "codes[%zu], scales[2], y[64]", f->name, cb);
    check_msg(bad == 0, desc, "%zu guard bytes/values changed", bad);
}

int main(void)
{
    rnd_seed(0x2545F4914F6CDD1Du);
    size_t i;
    for (i = 0; i < COUNT(CASES); i++)
        test_case_kernels(CASES[i]);
    test_oracle_sanity();
    for (i = 0; i < COUNT(FMTS); i++) {
        test_zero_block(&FMTS[i]);
        test_nonfinite_blocks(&FMTS[i]);
        test_subnormal_blocks(&FMTS[i]);
        test_bounds(&FMTS[i]);
    }
    test_random();
    if (!tmpdir_make("mx")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    for (i = 0; i < COUNT(CASES); i++)
        test_vikref_case(CASES[i]);
    test_vikref_nan();
    test_vikref_bad();
    rm_tree(tmpdir);
    return check_done();
}
