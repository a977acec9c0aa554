/* Brute-force oracle of the vik number-format codecs, shared by the
   exhaustive test (tests/exhaustive.c) and the differential fuzz target
   (fuzz/fuzz_formats.c). It shares none of the kernels' bit manipulation:
   it builds the table of finite values of each format from first principles
   (in double, with ldexp), sorts it, and finds the nearest table value of |x|
   by binary search and a comparison with the exact midpoint of the two
   neighbouring values (ties: the even code). Every value involved is a
   dyadic rational with few significant bits, so all of these double
   computations and comparisons are exact.

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

   Use: oracle_init() once, then oracle(b, exp) for the expected codes of
   every encoder on the float32 bits b, and oracle_decode(fmt, c) for the
   expected float32 bits of a decoded code. Header-only, static state: include
   it in one translation unit of a program. */
#ifndef VIK_ORACLE_FORMATS_H
#define VIK_ORACLE_FORMATS_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bits.h"

/* ------------------------------------------------------------ value tables */

/* Magnitude (sign bit clear) of an FP code, from first principles; returns 0
   and sets *finite = 0 for codes that are not finite numbers. */
static inline double e4m3_value(int c, int *finite)
{
    int e = c >> 3, m = c & 7;
    *finite = !(e == 15 && m == 7); /* S.1111.111 is NaN; no inf in E4M3 fn */
    if (!*finite) return 0.0;
    return e == 0 ? ldexp((double)m, -9) : ldexp((double)(8 + m), e - 10);
}

static inline double e5m2_value(int c, int *finite)
{
    int e = c >> 2, m = c & 3;
    *finite = e != 31; /* IEEE-like: exponent all ones is inf / NaN */
    if (!*finite) return 0.0;
    return e == 0 ? ldexp((double)m, -16) : ldexp((double)(4 + m), e - 17);
}

static inline double e2m1_value(int c, int *finite)
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

static inline int entry_cmp(const void *pa, const void *pb)
{
    const entry_t *a = pa, *b = pb;
    return (a->v > b->v) - (a->v < b->v);
}

/* Build the grid of a format with `ncodes` magnitude codes. Returns 0 and
   puts the reason in msg[cap] if the table is not what first principles say. */
static inline int grid_build(grid_t *g, const char *name, int ncodes,
                             double (*value)(int, int *), int expect_n, double expect_max,
                             double expect_extra, char *msg, size_t cap)
{
    entry_t t[GRID_MAX];
    int n = 0, c, i, ok = 1;

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
        snprintf(msg, cap, "%s: %d finite magnitudes, max %g, extra %g; expected %d, %g, %g",
                 name, n, g->val[n - 1], g->val[n], expect_n, expect_max, expect_extra);
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

static inline void pow2_build(void)
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
    a = (double)u2f(mag); /* |x|, exact */

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

/* Expected float32 bits of decoding code c (0..255; E2M1 0..15) of format
   fmt: the signed table value (exact in float32: at most 4 significant bits,
   E8M0 code 0 is the subnormal 2^-127), sign|0x7FC00000 for NaN codes, and
   sign|0x7F800000 for the E5M2 infinities. */
enum { D_E4M3, D_E5M2, D_E2M1, D_E8M0 };

static inline uint32_t oracle_decode(int fmt, int c)
{
    int finite = 1, neg;
    double v;
    uint32_t sb;
    switch (fmt) {
    case D_E4M3:
        v = e4m3_value(c & 0x7F, &finite);
        neg = (c & 0x80) != 0;
        break;
    case D_E5M2:
        if ((c & 0x7F) == 0x7C)
            return ((uint32_t)(c >> 7) << 31) | 0x7F800000u;
        v = e5m2_value(c & 0x7F, &finite);
        neg = (c & 0x80) != 0;
        break;
    case D_E2M1:
        v = e2m1_value(c & 7, &finite);
        neg = (c & 8) != 0;
        break;
    default:
        if (c == 0xFF)
            return 0x7FC00000u;
        v = ldexp(1.0, c - 127);
        neg = 0;
        break;
    }
    sb = (uint32_t)neg << 31;
    if (!finite)
        return sb | 0x7FC00000u;
    return sb | f2u((float)v);  /* v >= 0 exact in float32; the sign by hand (-0) */
}

/* Build the tables; 0 and a reason in msg[cap] if they are not what first
   principles say. */
static inline int oracle_init(char *msg, size_t cap)
{
    if (!grid_build(&G_E4M3, "oracle table E4M3", 128, e4m3_value, 127, 448.0, 480.0, msg, cap) ||
        !grid_build(&G_E5M2, "oracle table E5M2", 128, e5m2_value, 124, 57344.0, 65536.0, msg, cap) ||
        !grid_build(&G_E2M1, "oracle table E2M1", 8, e2m1_value, 8, 6.0, 8.0, msg, cap))
        return 0;
    pow2_build();
    return 1;
}

#endif
