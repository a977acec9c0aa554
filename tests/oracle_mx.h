/* Brute-force oracle of OCP MX v1.0 block quantization (MXFP4, MXFP8-E4M3),
   in double arithmetic, independent of kernels/mx.c: element magnitudes from
   the OCP tables, the nearest code by a linear search over all of them (ties
   to the even code, saturation falls out of the search), the scale from
   floor(log2 amax) taken from the double's exponent field. Shared by
   tests/test_mx_ref.c and fuzz/fuzz_mx.c. Header-only; needs f2u/u2f
   (tests/bits.h) and no libm. */
#ifndef VIK_ORACLE_MX_H
#define VIK_ORACLE_MX_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "bits.h"
#include "mx.h"

#define BLK VIK_MX_BLOCK

/* ---- float bits and powers of two, without libm (tests link no -lm) ---- */

static inline int is_nan(float x) { return x != x; }
static inline int is_finite(float x) { return (f2u(x) & 0x7F800000u) != 0x7F800000u; }
static inline double dabs(double x) { return x < 0 ? -x : x; }

/* 2^k as a double, exact for -1022 <= k <= 1023 (built from the bits). */
static inline double pow2(int k)
{
    uint64_t u = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* floor(log2 a) for a positive normal double: its unbiased exponent. Every
   float32, subnormals included, is a normal double. */
static inline int floor_log2(double a)
{
    uint64_t u;
    memcpy(&u, &a, sizeof u);
    return (int)((u >> 52) & 0x7FF) - 1023;
}

/* ---- the formats under test ---- */

typedef struct {
    const char *name;       /* reference file prefix */
    int fp8;                /* 1: E4M3 one byte per element; 0: E2M1 packed */
    int emax;               /* emax of the element format */
    unsigned smax;          /* largest finite scale code dequantize takes */
    void (*quantize)(const float *, uint32_t, uint8_t *, uint8_t *);
    void (*dequantize)(const uint8_t *, const uint8_t *, uint32_t, float *);
} mx_fmt;

static const mx_fmt FMTS[] = {
    {"mxfp4", 0, 2, VIK_MXFP4_SMAX, vik_mxfp4_quantize, vik_mxfp4_dequantize},
    {"mxfp8_e4m3", 1, 8, VIK_MXFP8_SMAX, vik_mxfp8_quantize, vik_mxfp8_dequantize},
};

static inline size_t code_bytes(const mx_fmt *f, size_t n)
{
    return f->fp8 ? n : n / 2;
}

/* Element i's code: E2M1 element 2i is the low nibble of byte i. */
static inline unsigned code_at(const mx_fmt *f, const uint8_t *codes, size_t i)
{
    return f->fp8 ? codes[i] : (unsigned)(codes[i / 2] >> (4 * (i % 2))) & 0xF;
}

static inline void put_code(const mx_fmt *f, uint8_t *codes, size_t i, unsigned c)
{
    if (f->fp8)
        codes[i] = (uint8_t)c;
    else if (i % 2 == 0)
        codes[i / 2] = (uint8_t)c;
    else
        codes[i / 2] = (uint8_t)(codes[i / 2] | (c << 4));
}

/* ---- the oracle: OCP MX v1.0 by brute force, in double ---- */

/* Magnitude of element code c (sign bit ignored), from the OCP tables:
   E2M1 by hand; E4M3 from its fields (bias 7, subnormals m * 2^-9). */
static inline double mag(int fp8, unsigned c)
{
    static const double e2m1[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    unsigned e, m;
    if (!fp8)
        return e2m1[c & 7];
    e = (c >> 3) & 0xF;
    m = c & 7;
    return e == 0 ? m * pow2(-9) : (8 + m) * pow2((int)e - 10);
}

/* Nearest code to q among all non-NaN magnitudes (E2M1 0..7, E4M3 0..126),
   a tie to the even code, then q's sign bit: saturation and ties fall out of
   the search. */
static inline unsigned oracle_elem(int fp8, double q, int negative)
{
    unsigned c, best = 0, ncodes = fp8 ? 127 : 8;
    double a = dabs(q), bd = 0;
    for (c = 0; c < ncodes; c++) {
        double d = dabs(mag(fp8, c) - a);
        if (c == 0 || d < bd || (d == bd && c % 2 == 0)) {
            best = c;
            bd = d;
        }
    }
    return best | (negative ? (fp8 ? 0x80u : 0x8u) : 0u);
}

/* E8M0 scale code of one block: 255 if any element is NaN or inf (mx.h),
   0 for an all-zero block, else floor(log2 amax) - emax clamped to
   [-127, 127], plus 127. */
static inline unsigned oracle_scale(const float *x, int emax)
{
    double amax = 0;
    int j, e;
    for (j = 0; j < BLK; j++) {
        if (!is_finite(x[j]))
            return 255;
        if (dabs(x[j]) > amax)
            amax = dabs(x[j]);
    }
    if (amax == 0)
        return 0;
    e = floor_log2(amax) - emax;
    e = e < -127 ? -127 : e > 127 ? 127 : e;
    return (unsigned)(e + 127);
}

static inline void oracle_quantize(const mx_fmt *f, const float *x, size_t n,
                            uint8_t *codes, uint8_t *scales)
{
    size_t b, i;
    for (b = 0; b < n / BLK; b++) {
        unsigned s = oracle_scale(x + b * BLK, f->emax);
        scales[b] = (uint8_t)s;
        for (i = b * BLK; i < (b + 1) * BLK; i++) {
            /* x / 2^e is exact in double */
            unsigned c = s == 255 ? 0 : oracle_elem(f->fp8, x[i] * pow2(127 - (int)s),
                                                   (f2u(x[i]) >> 31) != 0);
            put_code(f, codes, i, c);
        }
    }
}

/* value * 2^(s - 127): exact in double, and exact again in float32 for every
   code/scale pair a quantization produces. */
static inline float oracle_deq1(const mx_fmt *f, unsigned c, unsigned s)
{
    double v = mag(f->fp8, c) * pow2((int)s - 127);
    if (s == 255)
        return u2f(0x7FC00000u);
    return (float)((c & (f->fp8 ? 0x80u : 0x8u)) ? -v : v);
}

/* Same float bits, or both NaN (the NaN payload is not specified). */
static inline int same_float(float a, float b)
{
    return f2u(a) == f2u(b) || (is_nan(a) && is_nan(b));
}

#endif
