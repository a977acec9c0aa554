/* MXFP4- and MXFP8-weight products (kernels/linear.c): vik_dot_mxfp4/8 form
   each weight as vik_mxfp4/8_dequantize does and sum in vik_dot_f32's lane
   order, so each must equal, bit for bit, vik_dot_f32 of the dequantized row.
   Checked on random codes/scales/activations of many lengths, on the vendored
   mx references quantized by vik, and for the matmuls' row ranges (same bits
   however the rows are split, entries outside the range untouched). */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "linear.h"
#include "mx.h"
#include "npy.h"
#include "rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A finite float in (-2^20, 2^20) of widely varying magnitude. */
static float ract(void)
{
    float v = (float)(rnd() % 2000001u) / 1000000.0f;   /* [0, 2] */
    int e = (int)(rnd() % 40u) - 20;
    while (e > 0) { v *= 2.0f; e--; }
    while (e < 0) { v *= 0.5f; e++; }
    if (v >= 1048576.0f) v = 1048575.0f;
    return rnd() % 2u ? -v : v;
}

static int same_bits(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

/* One block format: its quantizer, dequantizer, products and limits. */
typedef struct {
    const char *name;
    uint32_t code_bytes2;   /* code bytes per 2 elements: 1 (MXFP4), 2 (MXFP8) */
    uint32_t smax;          /* largest scale code the products take */
    void (*quantize)(const float *, uint32_t, uint8_t *, uint8_t *);
    void (*dequantize)(const uint8_t *, const uint8_t *, uint32_t, float *);
    float (*dot)(const uint8_t *, const uint8_t *, const float *, uint32_t);
    void (*matmul)(float *, const float *, const uint8_t *, const uint8_t *, uint32_t, uint32_t,
                   uint32_t, uint32_t, uint32_t);
} fmt;

static const fmt FMTS[2] = {
    {"mxfp4", 1, VIK_MXFP4_DOT_SMAX, vik_mxfp4_quantize, vik_mxfp4_dequantize, vik_dot_mxfp4,
     vik_matmul_mxfp4},
    {"mxfp8", 2, VIK_MXFP8_DOT_SMAX, vik_mxfp8_quantize, vik_mxfp8_dequantize, vik_dot_mxfp8,
     vik_matmul_mxfp8},
};

/* A random code byte; for MXFP8 never a NaN code (the products' contract). */
static uint8_t rcode(const fmt *f)
{
    uint8_t c = (uint8_t)rnd();
    return f->code_bytes2 == 2 && c % 128u == 127u ? (uint8_t)(c - 1u) : c;
}

static void test_random_dots(const fmt *f)
{
    enum { NMAX = 4096 };
    static uint8_t codes[NMAX], scales[NMAX / 32];
    static float x[NMAX], w[NMAX];
    int bad = 0, runs = 0, nonzero = 0;
    char detail[200] = "", desc[200];
    for (int it = 0; it < 3000; it++) {
        uint32_t n = 32u * (1u + rnd() % (NMAX / 32u));
        for (uint32_t i = 0; i < n / 2 * f->code_bytes2; i++) codes[i] = rcode(f);
        for (uint32_t i = 0; i < n / 32; i++)   /* up to the format's product SMAX */
            scales[i] = (uint8_t)(it % 7 == 0 ? f->smax - rnd() % 3u : 90u + rnd() % (f->smax - 89u));
        for (uint32_t i = 0; i < n; i++) x[i] = ract();
        f->dequantize(codes, scales, n, w);
        float a = f->dot(codes, scales, x, n), b = vik_dot_f32(w, x, n);
        runs++;
        nonzero += a != 0.0f;
        if (!same_bits(a, b) && bad++ == 0)
            snprintf(detail, sizeof detail, "n=%u: %s %a, f32 of dequantized %a", n, f->name, a, b);
    }
    snprintf(desc, sizeof desc, "vik_dot_%s == vik_dot_f32(dequantized row), 3000 random rows", f->name);
    check_msg(bad == 0 && runs == 3000, desc, "%d mismatches; first %s", bad, detail);
    snprintf(desc, sizeof desc, "random %s dots are mostly nonzero (the comparison means something)", f->name);
    check_msg(nonzero > 2900, desc, "%d of %d nonzero", nonzero, runs);
}

/* W = an mx reference input quantized by vik; x random; all rows in one call
   vs per-row dots and vs several row ranges. */
static void test_matmul_case(const fmt *f, const char *cdir)
{
    char p[256], err[256], desc[300];
    npy_array in;
    snprintf(p, sizeof p, "%s/input.npy", cdir);
    if (npy_read(p, &in, err, sizeof err) != NPY_OK || in.ndim != 2 || in.dtype != NPY_F32) {
        snprintf(desc, sizeof desc, "load %s", p);
        check_msg(0, desc, "%s", err);
        return;
    }
    uint32_t m = (uint32_t)in.shape[0], n = (uint32_t)in.shape[1], T = 5;
    uint8_t *codes = malloc(m * n / 2 * f->code_bytes2), *scales = malloc(m * n / 32);
    float *x = malloc(sizeof(float) * T * n), *y = malloc(sizeof(float) * T * m),
          *y2 = malloc(sizeof(float) * T * m), *wd = malloc(sizeof(float) * m * n);
    f->quantize((const float *)in.data, m * n, codes, scales);
    f->dequantize(codes, scales, m * n, wd);
    for (uint32_t i = 0; i < T * n; i++) x[i] = ract();
    int nan_codes = 0;   /* the MXFP8 products' contract excludes NaN codes */
    for (uint32_t i = 0; f->code_bytes2 == 2 && i < m * n; i++) nan_codes += codes[i] % 128u == 127u;
    int ok_scales = vik_mx_scales_ok(scales, m * n / 32, f->smax) && nan_codes == 0;
    snprintf(desc, sizeof desc, "%s %s: quantized scales within the product SMAX, no NaN codes", cdir, f->name);
    check(ok_scales, desc);
    if (ok_scales) {
        f->matmul(y, x, codes, scales, T, n, m, 0, m);
        int bad = 0;
        for (uint32_t t = 0; t < T; t++)
            for (uint32_t o = 0; o < m; o++)
                bad += !same_bits(y[t * m + o], vik_dot_f32(wd + o * n, x + t * n, n));
        snprintf(desc, sizeof desc, "%s: vik_matmul_%s == fp32 products of the dequantized W", cdir, f->name);
        check_msg(bad == 0, desc, "%d of %u entries differ", bad, T * m);
        for (uint32_t i = 0; i < T * m; i++) y2[i] = -1234.5f;   /* sentinel */
        uint32_t a = m / 3, b = m - m / 4;
        f->matmul(y2, x, codes, scales, T, n, m, 0, a);
        f->matmul(y2, x, codes, scales, T, n, m, b, m);
        int moved = 0, split = 0;
        for (uint32_t t = 0; t < T; t++)
            for (uint32_t o = 0; o < m; o++) {
                float v = y2[t * m + o];
                if (o >= a && o < b) moved += v != -1234.5f;
                else split += !same_bits(v, y[t * m + o]);
            }
        snprintf(desc, sizeof desc, "%s %s: row ranges give the same bits and leave other rows alone", cdir, f->name);
        check_msg(moved == 0 && split == 0, desc, "%d untouched rows written, %d split rows differ", moved, split);
    }
    free(codes); free(scales); free(x); free(y); free(y2); free(wd);
    npy_free(&in);
}

int main(void)
{
    rnd_seed(0x2545F4914F6CDD1Du);
    for (int k = 0; k < 2; k++) {
        test_random_dots(&FMTS[k]);
        test_matmul_case(&FMTS[k], "tests/data/mx/case1");
        test_matmul_case(&FMTS[k], "tests/data/mx/case2");
    }
    return check_done();
}
