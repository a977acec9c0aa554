/* Exhaustive test of the vik number-format encoders: every one of the 2^32
   float32 bit patterns goes through

     vik_e4m3_encode (VIK_NONSAT, VIK_SAT), vik_e5m2_encode (VIK_NONSAT, VIK_SAT),
     vik_e2m1_encode, vik_e8m0_encode, vik_e8m0_floor

   (and the same through the _bits API, vik_e4m3_encode_bits etc.)
   and is compared with a brute-force oracle that shares none of the kernels'
   bit manipulation: the oracle builds the table of finite values of each
   format from first principles (in double, with ldexp), sorts it, and finds the
   nearest table value of |x| by binary search and a comparison with the exact
   midpoint of the two neighbouring values (ties: the even code). Every value
   involved is a dyadic rational with few significant bits, so all of these
   double computations and comparisons are exact.

   Overflow: each FP grid is extended by one point past its maximum, in the
   same spacing (E4M3 480, E5M2 65536, E2M1 8), whose code is one past the
   maximum code (for the parity of ties). If the nearest-even choice is that
   point, the input overflowed: NONSAT gives NaN (E4M3) / inf (E5M2), SAT and
   E2M1 give the maximum.

   The semantics are those of ml_dtypes' casts (see kernels/formats.h):
     NaN  -> E4M3 0x7F|s, E5M2 0x7E|s, E2M1 0x8 ^ (s<<3)
     inf  -> E4M3 NONSAT 0x7F|s, SAT 0x7E|s; E5M2 NONSAT 0x7C|s, SAT 0x7B|s;
             E2M1 0x7|(s<<3)
     +-0 and values that round to zero keep their sign.
   E8M0 (code c = 2^(c-127), 0xFF = NaN): NaN, inf, zero and every negative
   input give 0xFF. Encode (ml_dtypes cast): for a float32 normal x with
   2^k <= x < 2^(k+1), code k+127 if x < 1.5*2^k else k+128 (the tie goes
   up), 0xFF past 254; for a float32 subnormal, 0 if x <= 2^-127 else 1.
   Floor (OCP MX scale rule): clamp(floor(log2 x) + 127, 0, 254).

   Two threads, one per sign (disjoint halves of the bit space). Prints one
   `PASS: <desc>` / `FAIL: <desc> (<detail>)` line per encoder and mode, the
   first mismatches, and the elapsed time; exits 1 on any failure. */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats.h"

/* ---------------------------------------------------------------- reporting */

static int g_failures = 0;

static void pass(const char *desc) { printf("PASS: %s\n", desc); }

static void fail(const char *desc, const char *detail)
{
    printf("FAIL: %s (%s)\n", desc, detail);
    g_failures++;
}

static float from_bits(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static uint32_t to_bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* ------------------------------------------------------------ value tables */

/* Magnitude (sign bit clear) of an FP code, from first principles; returns 0
   and sets *finite = 0 for codes that are not finite numbers. */
static double e4m3_value(int c, int *finite)
{
    int e = c >> 3, m = c & 7;
    *finite = !(e == 15 && m == 7); /* S.1111.111 is NaN; no inf in E4M3 fn */
    if (!*finite) return 0.0;
    return e == 0 ? ldexp((double)m, -9) : ldexp((double)(8 + m), e - 10);
}

static double e5m2_value(int c, int *finite)
{
    int e = c >> 2, m = c & 3;
    *finite = e != 31; /* IEEE-like: exponent all ones is inf / NaN */
    if (!*finite) return 0.0;
    return e == 0 ? ldexp((double)m, -16) : ldexp((double)(4 + m), e - 17);
}

static double e2m1_value(int c, int *finite)
{
    int e = c >> 1, m = c & 1;
    *finite = 1;
    return e == 0 ? ldexp((double)m, -1) : ldexp((double)(2 + m), e - 2);
}

#define GRID_MAX 128

typedef struct {
    const char *name;
    int size;              /* power of two >= last + 1; padding is +inf */
    int last;              /* index of the extra point past the maximum */
    int maxcode;           /* magnitude code of the largest finite value */
    double val[GRID_MAX];  /* sorted non-negative finite values, then extra */
    double mid[GRID_MAX];  /* mid[i] = (val[i] + val[i+1]) / 2 for i < last */
    int code[GRID_MAX];    /* magnitude code of val[i] */
} grid_t;

typedef struct { double v; int code; } entry_t;

static int entry_cmp(const void *pa, const void *pb)
{
    const entry_t *a = pa, *b = pb;
    return (a->v > b->v) - (a->v < b->v);
}

/* Build the grid of a format with `ncodes` magnitude codes. Returns 0 and
   prints a FAIL line if the table is not what first principles say. */
static int grid_build(grid_t *g, const char *name, int ncodes,
                      double (*value)(int, int *), int expect_n, double expect_max,
                      double expect_extra)
{
    entry_t t[GRID_MAX];
    int n = 0, c, i, ok = 1;
    char msg[200];

    memset(g, 0, sizeof *g);
    g->name = name;
    for (c = 0; c < ncodes; c++) {
        int finite;
        double v = value(c, &finite);
        if (finite) { t[n].v = v; t[n].code = c; n++; }
    }
    qsort(t, (size_t)n, sizeof t[0], entry_cmp);
    for (i = 0; i < n; i++) {
        g->val[i] = t[i].v;
        g->code[i] = t[i].code;
        if (i > 0 && !(t[i].v > t[i - 1].v)) ok = 0; /* strictly increasing */
    }
    if (n < 2 || t[0].v != 0.0) ok = 0;
    g->maxcode = t[n - 1].code;
    /* The extra point: one more step of the top binade's spacing. */
    g->val[n] = t[n - 1].v + (t[n - 1].v - t[n - 2].v);
    g->code[n] = g->maxcode + 1;
    g->last = n;
    for (g->size = 1; g->size < n + 1; g->size <<= 1) {}
    for (i = n + 1; i < g->size; i++) { g->val[i] = HUGE_VAL; g->code[i] = -1; }
    for (i = 0; i < n; i++) g->mid[i] = (g->val[i] + g->val[i + 1]) / 2;

    if (!ok || n != expect_n || g->val[n - 1] != expect_max || g->val[n] != expect_extra) {
        snprintf(msg, sizeof msg, "%d finite magnitudes, max %g, extra %g; expected %d, %g, %g",
                 n, g->val[n - 1], g->val[n], expect_n, expect_max, expect_extra);
        fail(name, msg);
        return 0;
    }
    return 1;
}

/* Index of the nearest grid value to a >= 0 (ties to the even code). */
static inline int grid_round(const grid_t *g, double a)
{
    int i = 0, step;
    for (step = g->size >> 1; step; step >>= 1)
        if (g->val[i + step] <= a) i += step;
    if (i == g->last) return i; /* at or beyond the extra point */
    if (a < g->mid[i]) return i;
    if (a > g->mid[i]) return i + 1;
    return (g->code[i] & 1) ? i + 1 : i;
}

/* Powers of two for E8M0: p2[i] = 2^(i - P2_OFF), p15[i] = 1.5 * 2^(i - P2_OFF). */
#define P2_N 512
#define P2_OFF 256

static grid_t G_E4M3, G_E5M2, G_E2M1;
static double P2[P2_N], P15[P2_N];
static double TWO_M126, TWO_M127;

static void pow2_build(void)
{
    int i;
    for (i = 0; i < P2_N; i++) {
        P2[i] = ldexp(1.0, i - P2_OFF);
        P15[i] = ldexp(1.5, i - P2_OFF);
    }
    TWO_M126 = ldexp(1.0, -126);
    TWO_M127 = ldexp(1.0, -127);
}

/* k with 2^k <= a < 2^(k+1), for a > 0 finite (2^-149 <= a < 2^128). */
static inline int floor_log2(double a)
{
    int i = 0, step;
    for (step = P2_N >> 1; step; step >>= 1)
        if (P2[i + step] <= a) i += step;
    return i - P2_OFF;
}

/* ------------------------------------------------------------------ oracle */

enum { T_E4M3_NONSAT, T_E4M3_SAT, T_E5M2_NONSAT, T_E5M2_SAT, T_E2M1, T_E8M0, T_E8M0_FLOOR, NT };

/* Each encoder is checked twice: through the float API and the _bits API. */
#define NCHK (2 * NT)
static const char *const T_DESC[NCHK] = {
    "e4m3_encode VIK_NONSAT", "e4m3_encode VIK_SAT", "e5m2_encode VIK_NONSAT",
    "e5m2_encode VIK_SAT", "e2m1_encode", "e8m0_encode", "e8m0_floor",
    "e4m3_encode_bits VIK_NONSAT", "e4m3_encode_bits VIK_SAT", "e5m2_encode_bits VIK_NONSAT",
    "e5m2_encode_bits VIK_SAT", "e2m1_encode_bits", "e8m0_encode_bits", "e8m0_floor_bits",
};

/* Expected codes of all encoders for the float32 bit pattern b. */
static inline void oracle(uint32_t b, uint8_t exp[NT])
{
    uint32_t s = b >> 31, mag = b & 0x7FFFFFFFu;
    uint8_t s8 = (uint8_t)(s << 7), s4 = (uint8_t)(s << 3);
    double a;
    int i, k, c;

    if (mag > 0x7F800000u) { /* NaN */
        exp[T_E4M3_NONSAT] = exp[T_E4M3_SAT] = (uint8_t)(0x7F | s8);
        exp[T_E5M2_NONSAT] = exp[T_E5M2_SAT] = (uint8_t)(0x7E | s8);
        exp[T_E2M1] = (uint8_t)(0x8 ^ s4);
        exp[T_E8M0] = exp[T_E8M0_FLOOR] = 0xFF;
        return;
    }
    if (mag == 0x7F800000u) { /* inf */
        exp[T_E4M3_NONSAT] = (uint8_t)(0x7F | s8);
        exp[T_E4M3_SAT] = (uint8_t)(0x7E | s8);
        exp[T_E5M2_NONSAT] = (uint8_t)(0x7C | s8);
        exp[T_E5M2_SAT] = (uint8_t)(0x7B | s8);
        exp[T_E2M1] = (uint8_t)(0x7 | s4);
        exp[T_E8M0] = exp[T_E8M0_FLOOR] = 0xFF;
        return;
    }
    a = (double)from_bits(mag); /* |x|, exact */

    i = grid_round(&G_E4M3, a);
    if (i == G_E4M3.last) {
        exp[T_E4M3_NONSAT] = (uint8_t)(0x7F | s8);
        exp[T_E4M3_SAT] = (uint8_t)(0x7E | s8);
    } else {
        exp[T_E4M3_NONSAT] = exp[T_E4M3_SAT] = (uint8_t)(G_E4M3.code[i] | s8);
    }
    i = grid_round(&G_E5M2, a);
    if (i == G_E5M2.last) {
        exp[T_E5M2_NONSAT] = (uint8_t)(0x7C | s8);
        exp[T_E5M2_SAT] = (uint8_t)(0x7B | s8);
    } else {
        exp[T_E5M2_NONSAT] = exp[T_E5M2_SAT] = (uint8_t)(G_E5M2.code[i] | s8);
    }
    i = grid_round(&G_E2M1, a);
    exp[T_E2M1] = (uint8_t)((i == G_E2M1.last ? 0x7 : G_E2M1.code[i]) | s4);

    if (s || a == 0.0) {
        exp[T_E8M0] = exp[T_E8M0_FLOOR] = 0xFF;
        return;
    }
    k = floor_log2(a);
    if (a < TWO_M126) /* float32 subnormal */
        c = a <= TWO_M127 ? 0 : 1;
    else
        c = a < P15[k + P2_OFF] ? k + 127 : k + 128;
    exp[T_E8M0] = (uint8_t)(c > 254 ? 0xFF : c);
    c = k + 127;
    exp[T_E8M0_FLOOR] = (uint8_t)(c < 0 ? 0 : c > 254 ? 254 : c);
}

/* ----------------------------------------------------------------- sweep */

#define NSHOW 5

typedef struct {
    uint32_t sign;                 /* 0 or 1: this thread's half */
    uint64_t checked;
    uint64_t bad[NCHK];
    uint32_t show_bits[NCHK][NSHOW];
    uint8_t show_exp[NCHK][NSHOW], show_got[NCHK][NSHOW];
} work_t;

static void *sweep(void *arg)
{
    work_t *w = arg;
    uint32_t u, sbit = w->sign << 31;
    uint8_t exp[NCHK], got[NCHK];
    int t;

    for (u = 0; u < 0x80000000u; u++) {
        uint32_t b = sbit | u;
        float x = from_bits(b);
        oracle(b, exp);
        got[T_E4M3_NONSAT] = vik_e4m3_encode(x, VIK_NONSAT);
        got[T_E4M3_SAT] = vik_e4m3_encode(x, VIK_SAT);
        got[T_E5M2_NONSAT] = vik_e5m2_encode(x, VIK_NONSAT);
        got[T_E5M2_SAT] = vik_e5m2_encode(x, VIK_SAT);
        got[T_E2M1] = vik_e2m1_encode(x);
        got[T_E8M0] = vik_e8m0_encode(x);
        got[T_E8M0_FLOOR] = vik_e8m0_floor(x);
        got[NT + T_E4M3_NONSAT] = vik_e4m3_encode_bits(b, VIK_NONSAT);
        got[NT + T_E4M3_SAT] = vik_e4m3_encode_bits(b, VIK_SAT);
        got[NT + T_E5M2_NONSAT] = vik_e5m2_encode_bits(b, VIK_NONSAT);
        got[NT + T_E5M2_SAT] = vik_e5m2_encode_bits(b, VIK_SAT);
        got[NT + T_E2M1] = vik_e2m1_encode_bits(b);
        got[NT + T_E8M0] = vik_e8m0_encode_bits(b);
        got[NT + T_E8M0_FLOOR] = vik_e8m0_floor_bits(b);
        memcpy(exp + NT, exp, NT);
        for (t = 0; t < NCHK; t++) {
            if (got[t] != exp[t]) {
                uint64_t n = w->bad[t]++;
                if (n < NSHOW) {
                    w->show_bits[t][n] = b;
                    w->show_exp[t][n] = exp[t];
                    w->show_got[t][n] = got[t];
                }
            }
        }
    }
    w->checked = 0x80000000u;
    return NULL;
}

/* --------------------------------------------------------- decoder check */

/* The decoders against the same first-principles tables (256 codes each). */
static void check_decoders(void)
{
    int c, bad;
    char msg[200];

    bad = 0;
    for (c = 0; c < 256 && !bad; c++) {
        int finite;
        double v = e4m3_value(c & 0x7F, &finite);
        float d = vik_e4m3_decode((uint8_t)c);
        if (!finite) bad = !isnan(d) || to_bits(d) != (((uint32_t)(c >> 7) << 31) | 0x7FC00000u);
        else bad = (double)d != ((c & 0x80) ? -v : v) || (to_bits(d) >> 31) != (uint32_t)(c >> 7);
        if (bad) snprintf(msg, sizeof msg, "code 0x%02X -> %a (0x%08X)", c, (double)d, (unsigned)to_bits(d));
    }
    if (bad) fail("e4m3_decode, 256 codes", msg); else pass("e4m3_decode, 256 codes");

    bad = 0;
    for (c = 0; c < 256 && !bad; c++) {
        int finite, m = c & 0x7F;
        double v = e5m2_value(m, &finite);
        float d = vik_e5m2_decode((uint8_t)c);
        uint32_t sb = (uint32_t)(c >> 7) << 31;
        if (m == 0x7C) bad = to_bits(d) != (sb | 0x7F800000u);
        else if (!finite) bad = to_bits(d) != (sb | 0x7FC00000u);
        else bad = (double)d != ((c & 0x80) ? -v : v) || (to_bits(d) >> 31) != (uint32_t)(c >> 7);
        if (bad) snprintf(msg, sizeof msg, "code 0x%02X -> %a (0x%08X)", c, (double)d, (unsigned)to_bits(d));
    }
    if (bad) fail("e5m2_decode, 256 codes", msg); else pass("e5m2_decode, 256 codes");

    bad = 0;
    for (c = 0; c < 16 && !bad; c++) {
        int finite;
        double v = e2m1_value(c & 7, &finite);
        float d = vik_e2m1_decode((uint8_t)c);
        bad = (double)d != ((c & 8) ? -v : v) || (to_bits(d) >> 31) != (uint32_t)(c >> 3);
        if (bad) snprintf(msg, sizeof msg, "code 0x%X -> %a (0x%08X)", c, (double)d, (unsigned)to_bits(d));
    }
    if (bad) fail("e2m1_decode, 16 codes", msg); else pass("e2m1_decode, 16 codes");

    bad = 0;
    for (c = 0; c < 256 && !bad; c++) {
        float d = vik_e8m0_decode((uint8_t)c);
        if (c == 0xFF) bad = to_bits(d) != 0x7FC00000u;
        else bad = (double)d != ldexp(1.0, c - 127);
        if (bad) snprintf(msg, sizeof msg, "code 0x%02X -> %a (0x%08X)", c, (double)d, (unsigned)to_bits(d));
    }
    if (bad) fail("e8m0_decode, 256 codes", msg); else pass("e8m0_decode, 256 codes");
}

/* ------------------------------------------------------------------- main */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    static work_t w[2];
    pthread_t th[2];
    double t0 = now();
    int t, j, ok = 1;
    char desc[200], msg[200];

    setvbuf(stdout, NULL, _IOLBF, 0);
    ok &= grid_build(&G_E4M3, "oracle table E4M3", 128, e4m3_value, 127, 448.0, 480.0);
    ok &= grid_build(&G_E5M2, "oracle table E5M2", 128, e5m2_value, 124, 57344.0, 65536.0);
    ok &= grid_build(&G_E2M1, "oracle table E2M1", 8, e2m1_value, 8, 6.0, 8.0);
    pow2_build();
    if (!ok) return 1;
    pass("oracle tables (E4M3 127, E5M2 124, E2M1 8 finite magnitudes)");

    check_decoders();

    printf("exhaustive: 2^32 float32 inputs x %d encoders (float and _bits API), 2 threads\n", NT);
    for (t = 0; t < 2; t++) {
        w[t].sign = (uint32_t)t;
        if (pthread_create(&th[t], NULL, sweep, &w[t]) != 0) {
            fail("pthread_create", "cannot start a thread");
            return 1;
        }
    }
    for (t = 0; t < 2; t++) pthread_join(th[t], NULL);

    for (j = 0; j < NCHK; j++) {
        uint64_t checked = w[0].checked + w[1].checked, bad = w[0].bad[j] + w[1].bad[j];
        for (t = 0; t < 2; t++) {
            uint64_t n;
            for (n = 0; n < w[t].bad[j] && n < NSHOW; n++)
                printf("  %s: bits 0x%08X (%a = %.9g): expected 0x%02X, got 0x%02X\n", T_DESC[j],
                       (unsigned)w[t].show_bits[j][n], (double)from_bits(w[t].show_bits[j][n]),
                       (double)from_bits(w[t].show_bits[j][n]), w[t].show_exp[j][n], w[t].show_got[j][n]);
        }
        snprintf(desc, sizeof desc, "%s, %llu inputs", T_DESC[j], (unsigned long long)checked);
        if (bad != 0 || checked != 0x100000000ull) {
            snprintf(msg, sizeof msg, "%llu mismatches", (unsigned long long)bad);
            fail(desc, msg);
        } else {
            pass(desc);
        }
    }
    printf("exhaustive: elapsed %.1f s\n", now() - t0);
    return g_failures ? 1 : 0;
}
