/* NVFP4 (kernels/nvfp4.c) and its products (kernels/linear.c):
   (a) vik_f32_div_bits, the integer division the quantizer uses, against the
       hardware float32 division: every pair of exponent fields (0..254, so
       subnormals, overflow to inf and underflow to 0 included) with random
       significands, 4M random pairs, and the inputs it refuses (0);
   (b) the vendored references tests/data/mx/caseK/nvfp4_*: global scale,
       block scales and codes byte for byte, dequantization bit for bit, and
       the dequantization of the reference codes;
   (c) an independent oracle, the recipe written in plain float arithmetic
       (shared/reference/README.md), on random tensors whose magnitudes span
       2^-149 .. 2^127, where the kernels' overflow guards act;
   (d) the documented domain: all-zero tensor -> g = 0, scale and codes 0;
       NaN, inf or |x| > 2^127 -> VIK_NV_ERANGE with g untouched; a NaN
       scale code dequantizes to NaN; nothing written out of range;
   (e) vik_dot_nvfp4 / vik_matmul_nvfp4 bit for bit equal to vik_dot_f32 of
       the dequantized row, row ranges included. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "formats.h"
#include "linear.h"
#include "nvfp4.h"
#include "npy.h"
#include "rng.h"
#include "oracle_nvfp4.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA "tests/data/mx"

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* ---- (a) ---- */
static int div_ok(uint32_t a, uint32_t b, char *det, size_t len, int *shown)
{
    uint32_t want = f2u(u2f(a) / u2f(b)), got = vik_f32_div_bits(a, b);
    if (want == got) return 1;
    if ((*shown)++ == 0)
        snprintf(det, len, "0x%08x / 0x%08x: hardware 0x%08x, vik 0x%08x", a, b, want, got);
    return 0;
}

static void test_div_bits(void)
{
    char det[200] = "";
    int shown = 0;
    long bad = 0, n = 0;
    for (uint32_t ea = 0; ea < 255; ea++)
        for (uint32_t eb = 0; eb < 255; eb++)
            for (int k = 0; k < 8; k++) {
                uint32_t a = ea << 23 | (rnd() & 0x7FFFFFu), b = eb << 23 | (rnd() & 0x7FFFFFu);
                if (k == 0) a = ea << 23;              /* exact powers and ties */
                if (b == 0) b = 1;
                n++;
                bad += !div_ok(a, b, det, sizeof det, &shown);
            }
    check_msg(bad == 0, "vik_f32_div_bits == float32 division, 8 pairs for every pair of exponent fields",
              "%ld of %ld differ; first %s", bad, n, det);
    bad = n = 0;
    for (long i = 0; i < 4000000; i++) {
        uint32_t a = rnd() % 0x7F800000u, b = 1u + rnd() % (0x7F800000u - 1u);
        n++;
        bad += !div_ok(a, b, det, sizeof det, &shown);
    }
    check_msg(bad == 0, "vik_f32_div_bits == float32 division, 4M random finite pairs",
              "%ld of %ld differ; first %s", bad, n, det);
    int refused = vik_f32_div_bits(0x3F800000u, 0u) == 0u && vik_f32_div_bits(0x7F800000u, 0x3F800000u) == 0u &&
                  vik_f32_div_bits(0x3F800000u, 0x7FC00000u) == 0u && vik_f32_div_bits(0xBF800000u, 0x3F800000u) == 0u &&
                  vik_f32_div_bits(0u, 0x3F800000u) == 0u;
    check(refused, "vik_f32_div_bits: zero divisor, inf/NaN operand, sign bit set, zero dividend give 0");
}

/* ---- (b) ---- */
static int load(const char *dir, const char *name, npy_array *a)
{
    char p[300], err[300], desc[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int rc = npy_read(p, a, err, sizeof err);
    snprintf(desc, sizeof desc, "load %s", p);
    if (rc != NPY_OK) check_msg(0, desc, "%s", err);
    return rc == NPY_OK;
}

static void test_ref(const char *cname)
{
    char dir[200], desc[300];
    npy_array in, gs, sc, cd, dq;
    snprintf(dir, sizeof dir, "%s/%s", DATA, cname);
    if (!load(dir, "input.npy", &in)) return;
    if (!load(dir, "nvfp4_global_scale.npy", &gs) || !load(dir, "nvfp4_scales.npy", &sc) ||
        !load(dir, "nvfp4_codes.npy", &cd) || !load(dir, "nvfp4_dequant.npy", &dq)) return;
    uint32_t n = (uint32_t)in.count;
    int shapes = in.ndim == 2 && in.shape[1] % 16 == 0 && gs.count == 1 && gs.dtype == NPY_F32 &&
                 sc.count == n / 16 && cd.count == n / 2 && dq.count == n && dq.dtype == NPY_F32;
    snprintf(desc, sizeof desc, "%s nvfp4: reference shapes and dtypes", cname);
    if (!check(shapes, desc)) return;
    uint8_t *codes = malloc(n / 2), *scales = malloc(n / 16);
    float *y = malloc(4 * n), g = -1.0f;
    int rc = vik_nvfp4_global_scale(in.data, n, &g);
    snprintf(desc, sizeof desc, "%s nvfp4: global scale bit-equal to reference", cname);
    check_msg(rc == VIK_NV_OK && f2u(g) == f2u(*(float *)gs.data), desc, "rc %d, g %a, want %a", rc,
              (double)g, (double)*(float *)gs.data);
    vik_nvfp4_quantize(in.data, n, g, codes, scales);
    vik_nvfp4_dequantize(codes, scales, g, n, y);
    size_t bs = 0, bc = 0, bd = 0, br = 0;
    for (uint32_t i = 0; i < n / 16; i++) bs += scales[i] != ((uint8_t *)sc.data)[i];
    for (uint32_t i = 0; i < n / 2; i++) bc += codes[i] != ((uint8_t *)cd.data)[i];
    for (uint32_t i = 0; i < n; i++) bd += f2u(y[i]) != f2u(((float *)dq.data)[i]);
    snprintf(desc, sizeof desc, "%s nvfp4: %u block scales byte-equal to reference", cname, n / 16);
    check_msg(bs == 0, desc, "%zu differ", bs);
    snprintf(desc, sizeof desc, "%s nvfp4: %u code bytes equal to reference", cname, n / 2);
    check_msg(bc == 0, desc, "%zu differ", bc);
    snprintf(desc, sizeof desc, "%s nvfp4: %u dequantized values bit-equal to reference", cname, n);
    check_msg(bd == 0, desc, "%zu differ", bd);
    vik_nvfp4_dequantize(cd.data, sc.data, *(float *)gs.data, n, y);
    for (uint32_t i = 0; i < n; i++) br += f2u(y[i]) != f2u(((float *)dq.data)[i]);
    snprintf(desc, sizeof desc, "%s nvfp4: dequantize(reference codes, scales, g) bit-equal", cname);
    check_msg(br == 0, desc, "%zu differ", br);
    free(codes); free(scales); free(y);
    npy_free(&in); npy_free(&gs); npy_free(&sc); npy_free(&cd); npy_free(&dq);
}

/* ---- (c) ---- */
static float rmag(int lo, int hi)   /* a random float32 with exponent in [lo, hi), either sign */
{
    float v = (float)ldexp(mant(), lo + (int)(rnd() % (uint32_t)(hi - lo)));
    return rnd() % 2u ? -v : v;
}

static void test_oracle(void)
{
    enum { N = 256 };
    static float x[N], y[N], yo[N];
    static uint8_t c[N / 2 + 1], s[N / 16 + 1], co[N / 2], so[N / 16];
    long bad = 0, runs = 0, sat = 0;
    char det[300] = "";
    for (int it = 0; it < 20000; it++) {
        /* a tensor-wide range [lo, hi): narrow or very wide, anywhere in float32 */
        int lo = -149 + (int)(rnd() % 270u), span = 1 + (int)(rnd() % (it % 3 ? 8u : 120u));
        int hi = lo + span > 127 ? 127 : lo + span;
        if (hi <= lo) lo = hi - 1;
        for (int i = 0; i < N; i++) x[i] = rnd() % 9u == 0 ? 0.0f : rmag(lo, hi);
        if (it % 5 == 0) x[rnd() % N] = u2f((rnd() % 2u) << 31 | 0x7E800000u | (rnd() & 0x7FFFFFu));   /* near 2^127 */
        float g = 0.0f, go = oracle_nvfp4(x, N, co, so, yo);
        c[N / 2] = s[N / 16] = 0xA5;
        int rc = vik_nvfp4_global_scale(x, N, &g);
        if (rc != VIK_NV_OK) {
            if (bad++ == 0) snprintf(det, sizeof det, "iteration %d: input refused", it);
            continue;
        }
        vik_nvfp4_quantize(x, N, g, c, s);
        vik_nvfp4_dequantize(c, s, g, N, y);
        runs++;
        for (int b = 0; b < N / 16; b++) sat += s[b] == 0x7E;
        int same = f2u(g) == f2u(go) && memcmp(c, co, N / 2) == 0 && memcmp(s, so, N / 16) == 0 &&
                   memcmp(y, yo, sizeof y) == 0 && c[N / 2] == 0xA5 && s[N / 16] == 0xA5;
        if (!same && bad++ == 0)
            snprintf(det, sizeof det, "iteration %d (exponents %d..%d): g %a vs %a", it, lo, hi,
                     (double)g, (double)go);
    }
    check_msg(bad == 0 && runs == 20000,
              "NVFP4 == the recipe in plain float32 arithmetic, 20000 random tensors over 2^-149..2^127",
              "%ld differ; first %s", bad, det);
    check_msg(sat > 0, "random NVFP4 tensors reach the saturated block scale 448 (guard exercised)",
              "%ld saturated blocks", sat);
}

/* ---- (d) ---- */
static void test_domain(void)
{
    float x[32] = {0}, y[32], g = 5.0f;
    uint8_t c[16], s[2];
    int rc = vik_nvfp4_global_scale(x, 32, &g);
    vik_nvfp4_quantize(x, 32, g, c, s);
    vik_nvfp4_dequantize(c, s, g, 32, y);
    int zero = 1;
    for (int i = 0; i < 32; i++) zero &= y[i] == 0.0f;
    for (int i = 0; i < 16; i++) zero &= c[i] == 0;
    check(rc == VIK_NV_OK && g == 0.0f && s[0] == 0 && s[1] == 0 && zero,
          "all-zero tensor: g = 0, block scales 0, codes 0, dequantized zeros");
    const uint32_t badv[] = {0x7FC00000u, 0x7F800000u, 0xFF800000u, 0x7F000001u, 0xFF7FFFFFu};
    for (size_t k = 0; k < sizeof badv / sizeof badv[0]; k++) {
        char desc[200];
        for (int i = 0; i < 32; i++) x[i] = (float)i;
        x[7 + k] = u2f(badv[k]);
        g = 5.0f;
        rc = vik_nvfp4_global_scale(x, 32, &g);
        snprintf(desc, sizeof desc, "global scale refuses 0x%08x with VIK_NV_ERANGE, g untouched", badv[k]);
        check_msg(rc == VIK_NV_ERANGE && g == 5.0f, desc, "rc %d g %g", rc, (double)g);
    }
    x[0] = 0x1p127f;
    for (int i = 1; i < 32; i++) x[i] = -0x1p127f + (float)i * 0x1p100f;
    rc = vik_nvfp4_global_scale(x, 32, &g);
    check(rc == VIK_NV_OK && g <= VIK_NV_GMAX, "|x| = 2^127 is accepted, g <= 2^116");
    uint8_t cs[8] = {0x21, 0x43, 0x65, 0x87, 0xA9, 0xCB, 0xED, 0x0F}, ss[1] = {0x7F};
    float yn[16];
    vik_nvfp4_dequantize(cs, ss, 1.0f, 16, yn);
    int nan = 1;
    for (int i = 0; i < 16; i++) nan &= yn[i] != yn[i];
    check(nan, "a NaN block scale code (0x7F) dequantizes to NaN");
}

/* ---- (e) ---- */
static float ract(void)
{
    float v = (float)ldexp(mant(), (int)(rnd() % 36u) - 16);
    return rnd() % 2u ? -v : v;
}

static void test_products(void)
{
    enum { NMAX = 4096, M = 24, T = 3 };
    static uint8_t codes[M * NMAX / 2], scales[M * NMAX / 16];
    static float x[T * NMAX], w[M * NMAX], y[T * M], y2[T * M];
    int bad = 0, nonzero = 0;
    char det[200] = "";
    for (int it = 0; it < 2000; it++) {
        uint32_t n = 16u * (1u + rnd() % (NMAX / 16u));
        float g = it % 4 == 0 ? VIK_NVFP4_DOT_GMAX : (float)ldexp(mant(), -(int)(rnd() % 30u));
        for (uint32_t i = 0; i < n / 2; i++) codes[i] = (uint8_t)rnd();
        for (uint32_t i = 0; i < n / 16; i++) {
            scales[i] = (uint8_t)rnd();
            if (scales[i] % 128u == 127u) scales[i]--;
        }
        for (uint32_t i = 0; i < n; i++) x[i] = ract();
        vik_nvfp4_dequantize(codes, scales, g, n, w);
        float a = vik_dot_nvfp4(codes, scales, g, x, n), b = vik_dot_f32(w, x, n);
        nonzero += a != 0.0f;
        if (f2u(a) != f2u(b) && bad++ == 0)
            snprintf(det, sizeof det, "n=%u g=%a: nvfp4 %a, f32 of dequantized %a", n, (double)g, (double)a, (double)b);
    }
    check_msg(bad == 0, "vik_dot_nvfp4 == vik_dot_f32(dequantized row), 2000 random rows", "%d differ; %s", bad, det);
    check_msg(nonzero > 1900, "random NVFP4 dots are mostly nonzero", "%d", nonzero);
    /* a matrix quantized by vik, all rows in one call vs split row ranges */
    uint32_t n = 512;
    for (uint32_t i = 0; i < M * n; i++) w[i] = ract() * 0x1p-14f;   /* |w| < 2^6: g < 2^8 */
    for (uint32_t i = 0; i < T * n; i++) x[i] = ract();
    float g;
    int rc = vik_nvfp4_global_scale(w, M * n, &g);
    vik_nvfp4_quantize(w, M * n, g, codes, scales);
    vik_nvfp4_dequantize(codes, scales, g, M * n, w);
    check(rc == VIK_NV_OK && g <= VIK_NVFP4_DOT_GMAX, "quantized test matrix is within the product's g bound");
    vik_matmul_nvfp4(y, x, codes, scales, g, T, n, M, 0, M);
    bad = 0;
    for (uint32_t t = 0; t < T; t++)
        for (uint32_t o = 0; o < M; o++) bad += f2u(y[t * M + o]) != f2u(vik_dot_f32(w + o * n, x + t * n, n));
    check_msg(bad == 0, "vik_matmul_nvfp4 == fp32 products of the dequantized W", "%d differ", bad);
    for (uint32_t i = 0; i < T * M; i++) y2[i] = -1234.5f;
    vik_matmul_nvfp4(y2, x, codes, scales, g, T, n, M, 0, 7);
    vik_matmul_nvfp4(y2, x, codes, scales, g, T, n, M, 15, M);
    int moved = 0, split = 0;
    for (uint32_t t = 0; t < T; t++)
        for (uint32_t o = 0; o < M; o++) {
            float v = y2[t * M + o];
            if (o >= 7 && o < 15) moved += v != -1234.5f;
            else split += f2u(v) != f2u(y[t * M + o]);
        }
    check_msg(moved == 0 && split == 0, "vik_matmul_nvfp4 row ranges: same bits, other rows untouched",
              "%d written outside, %d differ", moved, split);
}

int main(void)
{
    rnd_seed(0x9E3779B97F4A7C15u);
    test_div_bits();
    test_ref("case0");
    test_ref("case1");
    test_ref("case2");
    test_oracle();
    test_domain();
    test_products();
    return check_done();
}
