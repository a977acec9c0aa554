/* libFuzzer target: the MoE and activation steps of kernels/ffn.c on
   arbitrary shapes and data: vik_moe_group, vik_gather_rows /
   vik_scatter_rows, vik_moe_combine, vik_check_f32 and vik_residual.
   Input: bytes 0..3 give E = 1 + b % 80, k = 1 + b % 9, T = 1 + b % 13 and
   dim = 1 + b % 24, byte 4 the checked length (% 64), byte 5 the bound of
   vik_check_f32 (% 4: 0, 1, 2^20, FLT_MAX); the data are the remaining
   bytes, cycled with a position-dependent offset: expert ids (byte % E),
   weights (byte / 255, in [0, 1]), activations (an int16 times 2^5, so
   |x| <= 2^20, the contracts' bound), and vik_check_f32's input as raw
   float32 bits (NaN, inf and subnormals included). Every buffer is
   malloc'ed at the size the contract gives, so ASan reports any access
   past it. Checks, any violation printing the shape and aborting:
   - vik_moe_group: VIK_OK, and offsets and lists equal to a counting sort's
     (each expert's slots in increasing slot order);
   - gather then scatter through the lists gives every slot its token's row;
   - vik_moe_combine: each output the rank-order sum from 0 of w x, bit for
     bit as plain C computes it (the contract's order), and within 2^26;
   - vik_check_f32: the code and the first bad index of a scan;
   - vik_residual: VIK_OK iff every x + y is within 2^20, and then x holds
     the float sums. */
#include "bits.h"
#include "fuzz_data.h"
#include "ffn.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* an activation: an int16 of two data bytes times 2^5 (|x| <= 2^20) */
static float act(size_t *at)
{
    return (float)int16_at(at) * 0x1p5f;
}

static void die(const char *what, const uint8_t *d)
{
    fprintf(stderr, "fuzz_ffn: %s (E %u k %u T %u dim %u n %u bound %u)\n", what, 1u + d[0] % 80u,
            1u + d[1] % 9u, 1u + d[2] % 13u, 1u + d[3] % 24u, d[4] % 64u, d[5] % 4u);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const float bounds[4] = {0.0f, 1.0f, 0x1p20f, FLT_MAX};
    uint8_t d[8] = {0};
    uint32_t E, k, T, dim, S, n, e, s, r, i, j, at32, bad, *idx, *off, *list, *ref;
    size_t at = 0;
    float *x, *g, *sc, *w, *eo, *y, *cx, *rx, *ry, bound;
    int rc;
    memcpy(d, data, size < 8 ? size : 8);
    in = size > 8 ? data + 8 : NULL;
    nin = size > 8 ? size - 8 : 0;
    E = 1u + d[0] % 80u;
    k = 1u + d[1] % 9u;
    T = 1u + d[2] % 13u;
    dim = 1u + d[3] % 24u;
    S = T * k;

    /* the grouping, against a counting sort */
    idx = alloc(S * sizeof *idx);
    off = alloc((E + 1u) * sizeof *off);
    list = alloc(S * sizeof *list);
    ref = alloc(S * sizeof *ref);
    for (s = 0; s < S; s++)
        idx[s] = byte(at++) % E;
    if (vik_moe_group(off, list, idx, E, k, T) != VIK_OK)
        die("vik_moe_group refused a valid routing", d);
    r = 0;
    for (e = 0; e < E; e++) {
        if (off[e] != r)
            die("an offset differs from the counting sort's", d);
        for (s = 0; s < S; s++)
            if (idx[s] == e)
                ref[r++] = s;
    }
    if (off[E] != S || memcmp(list, ref, S * sizeof *list) != 0)
        die("a list differs from the counting sort's", d);

    /* gather the tokens' rows per expert group, scatter them back to slots */
    x = alloc((size_t)T * dim * sizeof *x);
    for (i = 0; i < T * dim; i++)
        x[i] = act(&at);
    g = alloc((size_t)S * dim * sizeof *g);
    sc = alloc((size_t)S * dim * sizeof *sc);
    for (e = 0; e < E; e++) {
        uint32_t cnt = off[e + 1] - off[e];
        vik_gather_rows(g + (size_t)off[e] * dim, x, list + off[e], cnt, k, T, dim);
    }
    vik_scatter_rows(sc, g, list, S, S, dim);
    for (s = 0; s < S; s++)
        if (memcmp(sc + (size_t)s * dim, x + (size_t)(s / k) * dim, dim * sizeof *x) != 0)
            die("gather then scatter did not give a slot its token's row", d);

    /* the combine: rank order from 0, bit for bit */
    w = alloc(S * sizeof *w);
    eo = alloc((size_t)S * dim * sizeof *eo);
    y = alloc((size_t)T * dim * sizeof *y);
    for (s = 0; s < S; s++)
        w[s] = (float)byte(at++) / 255.0f;
    for (i = 0; i < S * dim; i++)
        eo[i] = act(&at);
    vik_moe_combine(y, eo, w, T, k, dim);
    for (i = 0; i < T; i++)
        for (j = 0; j < dim; j++) {
            float acc = 0.0f;
            for (r = 0; r < k; r++) {
                float p = w[i * k + r] * eo[(size_t)(i * k + r) * dim + j];
                acc = acc + p;
            }
            if (f2u(acc) != f2u(y[(size_t)i * dim + j]))
                die("a combined output differs from the rank-order sum", d);
            if (!(fabsf(acc) <= 0x1p26f))
                die("a combined output past 2^26", d);
        }

    /* vik_check_f32 on raw float bits */
    n = d[4] % 64u;
    bound = bounds[d[5] % 4u];
    cx = alloc(n * sizeof *cx);
    for (i = 0; i < n; i++) {
        uint32_t b = (uint32_t)byte(at) | (uint32_t)byte(at + 1) << 8 | (uint32_t)byte(at + 2) << 16 |
                     (uint32_t)byte(at + 3) << 24;
        at += 4;
        cx[i] = u2f(b);
    }
    for (at32 = 0; at32 < n; at32++)
        if (!(isfinite(cx[at32]) && fabsf(cx[at32]) <= bound))
            break;
    bad = 0xFFFFFFFFu;
    rc = vik_check_f32(cx, n, bound, &bad);
    if (rc != (at32 < n ? VIK_ERANGE : VIK_OK))
        die("vik_check_f32's code differs from the scan's", d);
    if (rc == VIK_ERANGE && bad != at32)
        die("vik_check_f32's index is not the first bad one", d);

    /* vik_residual */
    rx = alloc((size_t)T * dim * sizeof *rx);
    ry = alloc((size_t)T * dim * sizeof *ry);
    memcpy(rx, x, (size_t)T * dim * sizeof *rx);
    for (i = 0; i < T * dim; i++)
        ry[i] = act(&at);
    rc = vik_residual(rx, ry, T * dim);
    for (i = 0; i < T * dim; i++)
        if (!(fabsf(x[i] + ry[i]) <= 0x1p20f))
            break;
    if (rc != (i < T * dim ? VIK_ERANGE : VIK_OK))
        die("vik_residual's code differs from the sums' range", d);
    if (rc == VIK_OK)
        for (i = 0; i < T * dim; i++)
            if (f2u(rx[i]) != f2u(x[i] + ry[i]))
                die("vik_residual's x is not the float sums", d);

    free(idx);
    free(off);
    free(list);
    free(ref);
    free(x);
    free(g);
    free(sc);
    free(w);
    free(eo);
    free(y);
    free(cx);
    free(rx);
    free(ry);
    return 0;
}
