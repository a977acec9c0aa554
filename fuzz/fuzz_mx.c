/* libFuzzer target, differential: MX block quantization (kernels/mx.c)
   against the brute-force OCP MX v1.0 oracle of tests/oracle_mx.h (the one
   tests/test_mx_ref.c uses). The input is read as little-endian float32 bit
   patterns, finite and non-finite alike, zero-padded up to a whole number of
   32-element blocks (1 to 4 blocks; bytes past 4 blocks are ignored). For
   MXFP4 and MXFP8-E4M3 (and NVFP4 against the plain-float recipe, q8
   against rint, tests/oracle_nvfp4.h):
   - quantize: codes and scales byte for byte equal to the oracle's (a block
     holding NaN or inf: scale 255, codes 0), and vik_mx_scale_bits on each
     block's bits equal to the oracle's scale;
   - dequantize: vik_mx_scales_ok accepts the quantizer's own scales; every
     element bit-equal to the oracle's value * 2^(scale - 127) (NaN for scale
     255); finite for finite blocks, with the input's sign unless zero;
   - idempotence: quantizing the dequantized values of a finite block gives
     back the same codes and scales.
   Any violation prints the block and aborts (a crash for libFuzzer). */
#include "mx.h"
#include "oracle_mx.h"
#include "nvfp4.h"
#include "q8.h"
#include "oracle_nvfp4.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXB 4
#define MAXN (MAXB * BLK)

static void die(const mx_fmt *f, const char *what, const float *x, size_t i)
{
    size_t b0 = i / BLK * BLK, j;
    fprintf(stderr, "fuzz_mx: %s: %s at element %zu; its block's bits:\n", f->name, what, i);
    for (j = b0; j < b0 + BLK; j++)
        fprintf(stderr, "%08X%c", (unsigned)f2u(x[j]), j % 8 == 7 ? '\n' : ' ');
    abort();
}

static void check_fmt(const mx_fmt *f, const float *x, size_t n)
{
    uint8_t codes[MAXN], scales[MAXB], oc[MAXN], os[MAXB], rc[MAXN], rs[MAXB];
    uint32_t xb[BLK];
    float y[MAXN];
    size_t nb = n / BLK, b, i, j;

    memset(codes, 0xA5, sizeof codes);
    memset(oc, 0, sizeof oc);
    f->quantize(x, (uint32_t)n, codes, scales);
    oracle_quantize(f, x, n, oc, os);
    for (i = 0; i < n; i++)
        if (code_at(f, codes, i) != code_at(f, oc, i))
            die(f, "code differs from the oracle", x, i);
    for (i = code_bytes(f, n); i < sizeof codes; i++)
        if (codes[i] != 0xA5)
            die(f, "quantize wrote past its codes", x, 0);
    for (b = 0; b < nb; b++) {
        if (scales[b] != os[b])
            die(f, "scale differs from the oracle", x, b * BLK);
        for (j = 0; j < BLK; j++)
            xb[j] = f2u(x[b * BLK + j]);
        if (vik_mx_scale_bits(xb, (uint32_t)f->emax) != os[b])
            die(f, "vik_mx_scale_bits differs from the oracle", x, b * BLK);
    }

    if (vik_mx_scales_ok(scales, (uint32_t)nb, f->smax) != 1)
        die(f, "vik_mx_scales_ok refuses the quantizer's own scales", x, 0);
    f->dequantize(codes, scales, (uint32_t)n, y);
    for (i = 0; i < n; i++) {
        unsigned s = scales[i / BLK];
        if (!same_float(y[i], oracle_deq1(f, code_at(f, codes, i), s)))
            die(f, "dequantized value differs from the oracle", x, i);
        if (s == 255 ? !is_nan(y[i]) : !is_finite(y[i]))
            die(f, "dequantized value not NaN (scale 255) / finite (else)", x, i);
        if (s != 255 && y[i] != 0 && (f2u(y[i]) >> 31) != (f2u(x[i]) >> 31))
            die(f, "dequantized value has the wrong sign", x, i);
    }

    f->quantize(y, (uint32_t)n, rc, rs);
    for (b = 0; b < nb; b++) {
        if (scales[b] == 255)
            continue;
        if (rs[b] != scales[b])
            die(f, "requantized scale differs", x, b * BLK);
        for (i = b * BLK; i < (b + 1) * BLK; i++)
            if (code_at(f, rc, i) != code_at(f, codes, i))
                die(f, "requantized code differs", x, i);
    }
}

/* NVFP4: refused iff some element is not finite or above 2^127; else equal
   to the plain-float recipe, dequantized values finite. */
static void check_nvfp4(const float *x, size_t n)
{
    static uint8_t c[MAXN / 2], s[MAXN / 16], co[MAXN / 2], so[MAXN / 16];
    static float y[MAXN], yo[MAXN];
    float g = -1.0f;
    int out = 0;
    size_t i;
    for (i = 0; i < n; i++) out |= !(fabsf(x[i]) <= 0x1p127f);
    int rc = vik_nvfp4_global_scale(x, (uint32_t)n, &g);
    if (rc != (out ? VIK_NV_ERANGE : VIK_NV_OK) || (out && g != -1.0f)) {
        fprintf(stderr, "fuzz_mx: nvfp4 global scale rc %d for an input %s\n", rc, out ? "out of range" : "in range");
        abort();
    }
    if (out) return;
    vik_nvfp4_quantize(x, (uint32_t)n, g, c, s);
    vik_nvfp4_dequantize(c, s, g, (uint32_t)n, y);
    float go = oracle_nvfp4(x, (uint32_t)n, co, so, yo);
    if (f2u(g) != f2u(go) || memcmp(c, co, n / 2) || memcmp(s, so, n / 16) || memcmp(y, yo, n * 4)) {
        fprintf(stderr, "fuzz_mx: nvfp4 differs from the plain-float recipe\n");
        abort();
    }
    for (i = 0; i < n; i++)
        if (!is_finite(y[i])) {
            fprintf(stderr, "fuzz_mx: nvfp4 dequantized value not finite at %zu\n", i);
            abort();
        }
}

/* q8: scale code as MX with emax 6, each code the oracle's rint. */
static void check_q8(const float *x, size_t n)
{
    static int8_t q[MAXN];
    static uint8_t s[MAXN / 32];
    vik_q8_quantize(x, (uint32_t)n, q, s);
    for (size_t i = 0; i < n; i++) {
        int want = s[i / 32] == 255 ? 0 : oracle_q8(x[i], s[i / 32]);
        if (q[i] != want) {
            fprintf(stderr, "fuzz_mx: q8 code %d, oracle %d at %zu (x %a, s %u)\n", q[i], want, i,
                    (double)x[i], s[i / 32]);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    float x[MAXN];
    size_t n, i, k;
    if (size > MAXN * 4)
        size = MAXN * 4;
    n = (size + 4 * BLK - 1) / (4 * BLK) * BLK;
    if (n == 0)
        n = BLK;
    for (i = 0; i < n; i++) {
        uint32_t b = 0;
        for (k = 0; k < 4 && 4 * i + k < size; k++)
            b |= (uint32_t)data[4 * i + k] << (8 * k);
        x[i] = u2f(b);
    }
    for (k = 0; k < sizeof FMTS / sizeof FMTS[0]; k++)
        check_fmt(&FMTS[k], x, n);
    check_nvfp4(x, n);
    check_q8(x, n);
    return 0;
}
