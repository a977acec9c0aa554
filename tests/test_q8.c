/* int8 activations and the exact-block products (kernels/q8.c):
   (a) vik_q8_round_bits against rint() in double for every exponent field
       with random significands and both signs (ties included);
   (b) vik_q8_quantize: the scale code is max(0, E - 6) (E the block's largest
       exponent field), |q| <= 127, and every element's error against x is
       within half a step 2^(s-128) (one step when clamped); NaN/inf blocks
       get scale 255 and codes 0;
   (c) vik_dot_mxfp4_q8 / vik_dot_nvfp4_q8: equal, bit for bit, to an
       independent transcription (block sums in int64, block values and their
       running sum in float, the order of q8.h), and within the error bound
       of q8.h of the exact product of the dequantized weights and the real
       activations, computed in long double;
   (d) the matmuls: every entry equals the row's dot, row ranges leave the
       other rows alone. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "formats.h"
#include "linear.h"
#include "mx.h"
#include "nvfp4.h"
#include "q8.h"
#include "rng.h"
#include "oracle_nvfp4.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* ---- (a) ---- */
static void test_round(void)
{
    long bad = 0, n = 0;
    char det[200] = "";
    for (uint32_t e = 0; e < 255; e++)
        for (int k = 0; k < 4000; k++) {
            uint32_t v = (rnd() & 0x80000000u) | e << 23 | (k < 8 ? (uint32_t)k << 20 : rnd() & 0x7FFFFFu);
            double a = fabs((double)u2f(v)), r = nearbyint(a);
            int32_t want = r > 127.0 ? 127 : (int32_t)r;
            if (v >= 0x80000000u) want = -want;
            int32_t got = vik_q8_round_bits(v);
            n++;
            if (got != want && bad++ == 0)
                snprintf(det, sizeof det, "bits 0x%08x (%.9g): want %d got %d", v, (double)u2f(v), want, got);
        }
    check_msg(bad == 0, "vik_q8_round_bits == rint (ties to even), clamped to 127, every exponent field",
              "%ld of %ld differ; first %s", bad, n, det);
}

/* ---- (b) ---- */
static float ract(int lo, int hi)
{
    float v = (float)ldexp(mant(), lo + (int)(rnd() % (uint32_t)(hi - lo)));
    return rnd() % 2u ? -v : v;
}

static void test_quantize(void)
{
    enum { N = 32 * 64 };
    static float x[N];
    static int8_t q[N];
    static uint8_t s[N / 32];
    long bad_s = 0, bad_e = 0, clamped = 0;
    char det[200] = "";
    for (int it = 0; it < 300; it++) {
        int lo = -149 + (int)(rnd() % 260u), span = 1 + (int)(rnd() % 30u);
        int hi = lo + span > 21 ? 21 : lo + span;
        if (hi <= lo) lo = hi - 1;
        for (int i = 0; i < N; i++) x[i] = rnd() % 7u == 0 ? 0.0f : ract(lo, hi);
        if (it % 3 == 0) x[rnd() % N] = 127.75f * (float)ldexp(1.0, lo);   /* a likely clamp */
        vik_q8_quantize(x, N, q, s);
        for (int b = 0; b < N / 32; b++) {
            uint32_t E = 0;
            for (int j = 0; j < 32; j++) {
                uint32_t ej = f2u(x[b * 32 + j]) >> 23 & 255u;
                E = ej > E ? ej : E;
            }
            bad_s += s[b] != (E > 6 ? E - 6 : 0);
            double step = ldexp(1.0, (int)s[b] - 127);
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                double err = fabs((double)x[i] - q[i] * step);
                int cl = q[i] == 127 || q[i] == -127;
                clamped += cl && fabs((double)x[i]) > 127.5 * step;
                if ((q[i] == -128 || q[i] != oracle_q8(x[i], s[b]) || err > (cl ? step : step / 2)) &&
                    bad_e++ == 0)
                    snprintf(det, sizeof det, "x=%a s=%u q=%d err=%g step=%g", (double)x[i], s[b], q[i], err, step);
            }
        }
    }
    check_msg(bad_s == 0, "q8 scale code == max(0, largest exponent field - 6), 19200 blocks", "%ld differ", bad_s);
    check_msg(bad_e == 0, "q8 codes == rint(x / 2^(s-127)) clamped; error <= half a step (one when clamped)", "%ld; first %s", bad_e, det);
    check_msg(clamped > 0, "some q8 elements clamp to 127 (the clamp is exercised)", "%ld", clamped);
    for (int i = 0; i < 64; i++) x[i] = (float)i;
    x[3] = u2f(0x7FC00000u);
    x[40] = u2f(0xFF800000u);
    vik_q8_quantize(x, 64, q, s);
    int nz = 0;
    for (int i = 0; i < 64; i++) nz += q[i] != 0;
    check(s[0] == 255 && s[1] == 255 && nz == 0, "q8 blocks with NaN or inf: scale 255, codes 0");
}

/* The products' precondition: |x| <= 2^20 gives codes <= VIK_Q8_SMAX; a
   block with NaN or inf (255) or with values of 2^21 and more is refused. */
static void test_scales_ok(void)
{
    float x[96];
    int8_t q[96];
    uint8_t s[3];
    for (int i = 0; i < 96; i++) x[i] = ract(-30, 20);
    x[5] = 0x1p20f; x[40] = -0x1p20f; x[64] = 0x1.fffffep20f;
    vik_q8_quantize(x, 96, q, s);
    check(vik_q8_scales_ok(s, 3) == 1 && s[0] == VIK_Q8_SMAX && s[1] == VIK_Q8_SMAX,
          "vik_q8_scales_ok: |x| <= 2^20 blocks pass, at the largest code VIK_Q8_SMAX");
    x[70] = 0x1p21f;
    vik_q8_quantize(x, 96, q, s);
    check(vik_q8_scales_ok(s, 3) == 0 && vik_q8_scales_ok(s, 2) == 1, "vik_q8_scales_ok: a block with 2^21 is refused");
    x[70] = NAN;
    vik_q8_quantize(x, 96, q, s);
    check(s[2] == 255 && vik_q8_scales_ok(s, 3) == 0, "vik_q8_scales_ok: a NaN block (code 255) is refused");
}

/* ---- (c) ---- */
static int e2m1x2(unsigned c)
{
    static const int v[8] = {0, 1, 2, 3, 4, 6, 8, 12};
    return c & 8u ? -v[c & 7u] : v[c & 7u];
}

/* the transcription: int64 block sums, float block values in q8.h's order */
static float ref_dot(int nv, const uint8_t *codes, const uint8_t *sc, float g, const int8_t *q,
                     const uint8_t *qs, uint32_t n, long double *exact, long double *absb)
{
    float acc = 0.0f;
    *exact = 0.0L;
    *absb = 0.0L;
    for (uint32_t b = 0; b < n / 32; b++) {
        long long S[2] = {0, 0};
        for (int i = 0; i < 32; i++) {
            unsigned c = codes[b * 16 + i / 2];
            S[i / 16] += (long long)e2m1x2(i % 2 ? c >> 4 : c & 15u) * q[b * 32 + i];
        }
        float xs = vik_e8m0_decode(qs[b]), v;
        if (!nv) {
            float ws = vik_e8m0_decode(sc[b]);
            v = (float)(S[0] + S[1]) * ws * xs * 0.5f;
            *exact += (long double)(S[0] + S[1]) * ws * xs * 0.5L;
        } else {
            float d0 = vik_e4m3_decode(sc[2 * b]) * g, d1 = vik_e4m3_decode(sc[2 * b + 1]) * g;
            v = (float)S[0] * d0 * xs * 0.5f + (float)S[1] * d1 * xs * 0.5f;
            *exact += ((long double)S[0] * d0 + (long double)S[1] * d1) * xs * 0.5L;
        }
        *absb += fabsl((long double)v);
        acc += v;
    }
    return acc;
}

static void test_dots(int nv)
{
    enum { NMAX = 4096 };
    static uint8_t codes[NMAX / 2], sc[NMAX / 16], qs[NMAX / 32];
    static int8_t q[NMAX];
    static float x[NMAX], w[NMAX];
    const char *name = nv ? "nvfp4" : "mxfp4";
    int bad = 0, over = 0, nonzero = 0;
    double worst = 0.0;
    char det[300] = "", desc[200];
    for (int it = 0; it < 2000; it++) {
        uint32_t n = 32u * (1u + rnd() % (NMAX / 32u));
        float g = nv ? (float)ldexp(mant(), -(int)(rnd() % 20u)) : 0.0f;
        for (uint32_t i = 0; i < n / 2; i++) codes[i] = (uint8_t)rnd();
        for (uint32_t i = 0; i < n / (nv ? 16 : 32); i++) {
            sc[i] = nv ? (uint8_t)rnd() : (uint8_t)(100u + rnd() % (VIK_MXFP4_DOT_SMAX - 99u));
            if (nv && sc[i] % 128u == 127u) sc[i]--;
        }
        int lo = -30 + (int)(rnd() % 40u);
        for (uint32_t i = 0; i < n; i++) x[i] = rnd() % 5u == 0 ? 0.0f : ract(lo, lo + 1 + (int)(rnd() % 12u));
        vik_q8_quantize(x, n, q, qs);
        if (nv) vik_nvfp4_dequantize(codes, sc, g, n, w);
        else vik_mxfp4_dequantize(codes, sc, n, w);
        float y = nv ? vik_dot_nvfp4_q8(codes, sc, g, q, qs, n) : vik_dot_mxfp4_q8(codes, sc, q, qs, n);
        long double ex, absb;
        float r = ref_dot(nv, codes, sc, g, q, qs, n, &ex, &absb);
        nonzero += y != 0.0f;
        if (f2u(y) != f2u(r) && bad++ == 0)
            snprintf(det, sizeof det, "n=%u: kernel %a, transcription %a", n, (double)y, (double)r);
        /* q8.h's bound against the real product sum W x: the activation
           quantization sum |W| |x - q 2^(s-127)| plus (nb - 1) u sum |block|
           plus per-block products' rounding (NVFP4: 2 u |block| per half) */
        long double real = 0.0L, qerr = 0.0L;
        for (uint32_t i = 0; i < n; i++) {
            long double step = ldexpl(1.0L, (int)qs[i / 32] - 127);
            real += (long double)w[i] * x[i];
            qerr += fabsl((long double)w[i]) * fabsl((long double)x[i] - q[i] * step);
        }
        long double u = 0x1p-24L, nb = n / 32;
        long double bound = qerr + (nb - 1) * u * absb + (nv ? 4 * u * absb : 0) + nb * 0x1p-149L;
        long double e = fabsl((long double)y - real);
        if (bound > 0 && e / bound > worst) worst = (double)(e / bound);
        if (e > bound && over++ == 0)
            snprintf(det, sizeof det, "n=%u: |y - Wx| = %Lg > bound %Lg", n, e, bound);
    }
    snprintf(desc, sizeof desc, "vik_dot_%s_q8 == the transcription of q8.h's order, 2000 random rows", name);
    check_msg(bad == 0, desc, "%d differ; first %s", bad, det);
    snprintf(desc, sizeof desc, "vik_dot_%s_q8 within q8.h's error bound of the real product (worst %.3f of it)",
             name, worst);
    check_msg(over == 0, desc, "%d over; %s", over, det);
    snprintf(desc, sizeof desc, "random %s q8 dots are mostly nonzero", name);
    check_msg(nonzero > 1900, desc, "%d", nonzero);
}

/* ---- (d) ---- */
static void test_matmuls(int nv)
{
    enum { M = 20, T = 3, N = 256 };
    static uint8_t codes[M * N / 2], sc[M * N / 16], qs[T * N / 32];
    static int8_t q[T * N];
    static float x[T * N], y[T * M], y2[T * M];
    const char *name = nv ? "nvfp4" : "mxfp4";
    char desc[200];
    float g = 0.01f;
    for (int i = 0; i < M * N / 2; i++) codes[i] = (uint8_t)rnd();
    for (int i = 0; i < M * N / (nv ? 16 : 32); i++) {
        sc[i] = nv ? (uint8_t)(rnd() % 127u) : (uint8_t)(110u + rnd() % 30u);
    }
    for (int i = 0; i < T * N; i++) x[i] = ract(-4, 4);
    vik_q8_quantize(x, T * N, q, qs);
    if (nv) vik_matmul_nvfp4_q8(y, q, qs, codes, sc, g, T, N, M, 0, M);
    else vik_matmul_mxfp4_q8(y, q, qs, codes, sc, T, N, M, 0, M);
    int bad = 0;
    for (int t = 0; t < T; t++)
        for (int o = 0; o < M; o++) {
            float d = nv ? vik_dot_nvfp4_q8(codes + o * N / 2, sc + o * N / 16, g, q + t * N, qs + t * N / 32, N)
                         : vik_dot_mxfp4_q8(codes + o * N / 2, sc + o * N / 32, q + t * N, qs + t * N / 32, N);
            bad += f2u(d) != f2u(y[t * M + o]);
        }
    snprintf(desc, sizeof desc, "vik_matmul_%s_q8: every entry is its row's dot", name);
    check_msg(bad == 0, desc, "%d differ", bad);
    for (int i = 0; i < T * M; i++) y2[i] = -1234.5f;
    if (nv) {
        vik_matmul_nvfp4_q8(y2, q, qs, codes, sc, g, T, N, M, 0, 6);
        vik_matmul_nvfp4_q8(y2, q, qs, codes, sc, g, T, N, M, 13, M);
    } else {
        vik_matmul_mxfp4_q8(y2, q, qs, codes, sc, T, N, M, 0, 6);
        vik_matmul_mxfp4_q8(y2, q, qs, codes, sc, T, N, M, 13, M);
    }
    int moved = 0, split = 0;
    for (int t = 0; t < T; t++)
        for (int o = 0; o < M; o++) {
            float v = y2[t * M + o];
            if (o >= 6 && o < 13) moved += v != -1234.5f;
            else split += f2u(v) != f2u(y[t * M + o]);
        }
    snprintf(desc, sizeof desc, "vik_matmul_%s_q8 row ranges: same bits, other rows untouched", name);
    check_msg(moved == 0 && split == 0, desc, "%d written outside, %d differ", moved, split);
}

int main(void)
{
    rnd_seed(0xD1B54A32D192ED03u);
    test_round();
    test_quantize();
    test_scales_ok();
    test_dots(0);
    test_dots(1);
    test_matmuls(0);
    test_matmuls(1);
    return check_done();
}
