/* libFuzzer target: the matrix products of kernels/linear.c (float32, MXFP4,
   MXFP8-E4M3 and NVFP4 weights) on arbitrary shapes, row ranges and data
   within their contracts. These functions check nothing at run time (their
   domain is their ACSL requires, proved at every call inside kernels/), so
   every input is mapped into the domain rather than refused.
   Input: byte 0 the weight kind (% 4), bytes 1..3 T = 1 + b % 5, the
   length (n = 1 + b % 300 for float32, blocks of 32 or 16 for the others)
   and m = 1 + b % 20 (so 8-row tiles, 2-token tiles and their remainders
   all come up), bytes 4..5 the row range o0 <= o1 <= m, byte 6 the scales
   of x and w (float32 data: 2^-130 (subnormal), 2^-20, 1 or 2^5 times an
   int16, so |data| <= 2^20), byte 7 the NVFP4 global scale; then the data
   (x, then weights or codes and scales) are the remaining bytes, cycled
   with a position-dependent offset. Every buffer is malloc'ed at the size
   the contract gives, so ASan reports any read or write past it.
   Checks, any violation printing the shape and aborting:
   - y entries outside rows o0 .. o1 - 1 keep their canary (the threads'
     row ranges write disjoint entries);
   - every entry inside is, bit for bit, vik_dot_f32 of its x row and its
     weight row (the quantized kinds: the row as vik_*_dequantize gives it),
     whatever the tiling (linear.h);
   - every entry is within vik_dot_f32's proven error bound (ensures
     error) of the exact sum: |y - dot| <= ((k + 6) U) dot_abs + (k + 1)
     2^-143, k = ceil(n / 16), U = VIK_U. The exact sum is taken in double
     (each product of two floats is exact in double; the n - 1 double sums
     add at most n 2^-53 dot_abs, allowed on top and 2^-28 of the bound). */
#include "bits.h"
#include "fuzz_data.h"
#include "linear.h"
#include "mx.h"
#include "nvfp4.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANARY 0x7FA5A5A5u

/* a float32 datum: an int16 of two data bytes times the scale */
static float val(size_t *at, float scale)
{
    return (float)int16_at(at) * scale;
}

static void die(const char *what, const uint8_t *d, uint32_t t, uint32_t o)
{
    fprintf(stderr, "fuzz_linear: %s (kind %u T %u n-byte %u m %u o0-byte %u o1-byte %u scales %u g %u; token %u row %u)\n",
            what, d[0] % 4u, 1u + d[1] % 5u, d[2], 1u + d[3] % 20u, d[4], d[5], d[6], d[7], t, o);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const float scales[4] = {0x1p-130f, 0x1p-20f, 1.0f, 0x1p5f};
    uint8_t d[8] = {0};
    uint32_t kind, T, n, m, o0, o1, t, o, i, nb = 0, blk = 1;
    size_t at = 0;
    float *x, *w, *y, g = 0.0f;
    uint8_t *codes = NULL, *sc = NULL;
    memcpy(d, data, size < 8 ? size : 8);
    in = size > 8 ? data + 8 : NULL;
    nin = size > 8 ? size - 8 : 0;
    kind = d[0] % 4u;
    T = 1u + d[1] % 5u;
    m = 1u + d[3] % 20u;
    o0 = d[4] % (m + 1u);
    o1 = o0 + d[5] % (m - o0 + 1u);
    switch (kind) {
    case 0: n = 1u + d[2] % 300u; break;
    case 3: blk = VIK_NV_BLOCK_DOT; n = blk * (1u + d[2] % 12u); break;
    default: blk = VIK_MX_BLOCK; n = blk * (1u + d[2] % 8u); break;
    }
    x = alloc((size_t)T * n * sizeof *x);
    for (i = 0; i < T * n; i++)
        x[i] = val(&at, scales[d[6] & 3u]);
    /* w: the weights as floats (float32: the data; quantized: dequantized) */
    w = alloc((size_t)m * n * sizeof *w);
    if (kind == 0) {
        for (i = 0; i < m * n; i++)
            w[i] = val(&at, scales[(d[6] >> 2) & 3u]);
    } else {
        size_t nc = kind == 2 ? (size_t)m * n : (size_t)m * n / 2u;
        nb = m * (n / blk);
        codes = alloc(nc);
        sc = alloc(nb);
        for (i = 0; i < nc; i++) {
            codes[i] = byte(at++);
            if (kind == 2 && codes[i] % 128u == 127u)   /* E4M3 NaN codes: outside the contract */
                codes[i] ^= 1u;
        }
        for (i = 0; i < nb; i++) {
            uint8_t b = byte(at++);
            sc[i] = kind == 1 ? (uint8_t)(b % (VIK_MXFP4_DOT_SMAX + 1u))
                  : kind == 2 ? (uint8_t)(b % (VIK_MXFP8_DOT_SMAX + 1u))
                  : (uint8_t)(b % 128u == 127u ? b ^ 1u : b);
        }
        /* g in [0, 2^8]: 0, or (1 + j/16) 2^e with e in -16 .. 7 */
        g = d[7] < 8u ? 0.0f : ldexpf(1.0f + (float)(d[7] % 16u) / 16.0f, (int)(d[7] / 16u % 24u) - 16);
        for (o = 0; o < m; o++) {
            if (kind == 1)
                vik_mxfp4_dequantize(codes + (size_t)o * n / 2u, sc + (size_t)o * (n / blk), n, w + (size_t)o * n);
            else if (kind == 2)
                vik_mxfp8_dequantize(codes + (size_t)o * n, sc + (size_t)o * (n / blk), n, w + (size_t)o * n);
            else
                vik_nvfp4_dequantize(codes + (size_t)o * n / 2u, sc + (size_t)o * (n / blk), g, n, w + (size_t)o * n);
        }
    }
    y = alloc((size_t)T * m * sizeof *y);
    for (i = 0; i < T * m; i++)
        y[i] = u2f(CANARY);
    switch (kind) {
    case 0: vik_matmul_f32(y, x, w, T, n, m, o0, o1); break;
    case 1: vik_matmul_mxfp4(y, x, codes, sc, T, n, m, o0, o1); break;
    case 2: vik_matmul_mxfp8(y, x, codes, sc, T, n, m, o0, o1); break;
    default: vik_matmul_nvfp4(y, x, codes, sc, g, T, n, m, o0, o1); break;
    }
    for (t = 0; t < T; t++)
        for (o = 0; o < m; o++) {
            float yy = y[(size_t)t * m + o];
            const float *xr = x + (size_t)t * n, *wr = w + (size_t)o * n;
            double dot = 0.0, dabs = 0.0, k = (double)((n + 15u) / 16u), err;
            if (o < o0 || o >= o1) {
                if (f2u(yy) != CANARY)
                    die("an entry outside the row range written", d, t, o);
                continue;
            }
            if (f2u(yy) != f2u(vik_dot_f32(xr, wr, n)))
                die("an entry differs from vik_dot_f32 of its rows", d, t, o);
            for (i = 0; i < n; i++) {
                double p = (double)xr[i] * (double)wr[i];
                dot += p;
                dabs += fabs(p);
            }
            err = ((k + 6.0) * (double)VIK_U + (double)n * 0x1p-53) * dabs + (k + 1.0) * 0x1p-143;
            if (!(fabs((double)yy - dot) <= err))
                die("an entry past vik_dot_f32's proven error bound", d, t, o);
        }
    free(x);
    free(w);
    free(y);
    free(codes);
    free(sc);
    return 0;
}
