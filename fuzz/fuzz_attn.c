/* libFuzzer target: vik_attention (kernels/attn.c) on arbitrary shapes and
   in-bound data. Input: bytes 0..6 give Hq % 17, Hkv % 17, D % 41, Tq % 41,
   qpos0 % 41, S % 41 and W % 41 (zeros and non-divisors included, so both
   the refused and the accepted shapes come up); byte 7 bit 0: sinks; bits
   1..2: the data's scale (2^-3, 2^3, 2^9 or 2^12 per step). The data
   (q, k, v, sinks in turn) are the remaining bytes as int8 steps, cycled
   with a position-dependent offset, so every value is finite with |x| <=
   2^20 (q, k, v) and |sink| <= 2^60, vik_attention's data bounds. Every
   buffer is malloc'ed at exactly the size the contract gives (the scratch
   at VIK_ATTN_SCRATCH(S)), so ASan reports any read or write past it.
   Checks, any violation printing the shape and aborting:
   - the code: VIK_OK iff attn_dims_ok (attn.h); on VIK_EDOMAIN out and the
     scratch keep their canary (nothing written);
   - on VIK_OK every output finite, and within the largest |v| of its KV
     head's rows times (1 + 2^-10) (the weights are at most 1 in sum up to
     rounding, and a sum of at most 40 terms rounds by far less);
   - decode equals prefill: each query row recomputed alone (Tq = 1, qpos0
     its position, the same cache) gives the same bits; with 4 or more
     query heads per KV head this is the 4-head decode path against the
     prefill's head-by-head path. */
#include "bits.h"
#include "fuzz_data.h"
#include "attn.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANARY 0x7FA5A5A5u

/* data value number i: an int8 step of the input (cycled) plus an offset
   from i, times the scale */
static float val(size_t i, float scale)
{
    int b = nin > 0 ? (int)(int8_t)in[i % nin] : 0;
    return (float)(b + (int)(i * 37u % 11u) - 5) * scale;
}

/* n floats (the data reader's alloc counts bytes) */
static float *floats(size_t n)
{
    return alloc(n * sizeof(float));
}

static float *fill(size_t n, size_t *at, float scale)
{
    float *p = floats(n);
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = val((*at)++, scale);
    return p;
}

static int dims_ok(uint64_t Hq, uint64_t Hkv, uint64_t D, uint64_t Tq, uint64_t qpos0, uint64_t S)
{
    return Hq >= 1 && Hq <= 1024 && Hkv >= 1 && D >= 1 && D <= VIK_HEAD_DIM_MAX && Tq >= 1 &&
           S <= VIK_CTX_MAX && Hq * Tq * D <= VIK_MAT_MAX && Hkv * S * D <= VIK_MAT_MAX &&
           Hq % Hkv == 0 && qpos0 < S && Tq <= S - qpos0;
}

static void die(const char *what, const uint8_t *d)
{
    fprintf(stderr, "fuzz_attn: %s (Hq %u Hkv %u D %u Tq %u qpos0 %u S %u W %u flags %u)\n", what,
            d[0] % 17u, d[1] % 17u, d[2] % 41u, d[3] % 41u, d[4] % 41u, d[5] % 41u, d[6] % 41u,
            d[7]);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const float scales[4] = {0x1p-3f, 0x1p3f, 0x1p9f, 0x1p12f};
    uint8_t d[8] = {0};
    uint32_t Hq, Hkv, D, Tq, qpos0, S, W, h, t, j, x;
    size_t nq, nkv, nw, at = 0, i;
    float *q, *k, *v, *sk, *out, *w, *q1, *o1, scale;
    int rc, ok;
    memcpy(d, data, size < 8 ? size : 8);
    in = size > 8 ? data + 8 : NULL;
    nin = size > 8 ? size - 8 : 0;
    Hq = d[0] % 17u;
    Hkv = d[1] % 17u;
    D = d[2] % 41u;
    Tq = d[3] % 41u;
    qpos0 = d[4] % 41u;
    S = d[5] % 41u;
    W = d[6] % 41u;
    scale = scales[(d[7] >> 1) & 3u];   /* steps of at most 133: |x| <= 133 2^12 < 2^20 */
    nq = (size_t)Hq * Tq * D;
    nkv = (size_t)Hkv * S * D;
    nw = VIK_ATTN_SCRATCH(S);
    q = fill(nq, &at, scale);
    k = fill(nkv, &at, scale);
    v = fill(nkv, &at, scale);
    sk = (d[7] & 1u) ? fill(Hq, &at, 0x1p40f) : NULL;   /* |sink| <= 133 2^40 < 2^60 */
    out = floats(nq);
    w = floats(nw);
    for (i = 0; i < nq; i++)
        out[i] = u2f(CANARY);
    for (i = 0; i < nw; i++)
        w[i] = u2f(CANARY);
    ok = dims_ok(Hq, Hkv, D, Tq, qpos0, S);
    rc = vik_attention(out, q, k, v, Hq, Hkv, D, Tq, qpos0, S, W, sk, w);
    if (rc != (ok ? VIK_OK : VIK_EDOMAIN))
        die(ok ? "VIK_EDOMAIN on a valid shape" : "VIK_OK on a refused shape", d);
    if (!ok) {
        for (i = 0; i < nq; i++)
            if (f2u(out[i]) != CANARY)
                die("out written on VIK_EDOMAIN", d);
        for (i = 0; i < nw; i++)
            if (f2u(w[i]) != CANARY)
                die("scratch written on VIK_EDOMAIN", d);
    } else {
        uint32_t g = Hq / Hkv;
        for (h = 0; h < Hq; h++) {
            float vmax = 0.0f;
            const float *vh = v + (size_t)(h / g) * S * D;
            for (i = 0; i < (size_t)S * D; i++)
                vmax = vh[i] > vmax ? vh[i] : -vh[i] > vmax ? -vh[i] : vmax;
            for (i = 0; i < (size_t)Tq * D; i++) {
                float y = out[(size_t)h * Tq * D + i];
                if (!(y - y == 0.0f))
                    die("an output not finite", d);
                if ((y > 0 ? y : -y) > vmax * (1.0f + 0x1p-10f))
                    die("an output past the largest |v| of its KV head", d);
            }
        }
        q1 = floats((size_t)Hq * D);
        o1 = floats((size_t)Hq * D);
        for (t = 0; t < Tq; t++) {
            for (h = 0; h < Hq; h++)
                memcpy(q1 + (size_t)h * D, q + ((size_t)h * Tq + t) * D, D * sizeof *q1);
            if (vik_attention(o1, q1, k, v, Hq, Hkv, D, 1u, qpos0 + t, S, W, sk, w) != VIK_OK)
                die("a decode row refused", d);
            for (h = 0; h < Hq; h++)
                for (j = 0; j < D; j++) {
                    x = f2u(o1[(size_t)h * D + j]);
                    if (x != f2u(out[((size_t)h * Tq + t) * D + j]))
                        die("decode differs from prefill", d);
                }
        }
        free(q1);
        free(o1);
    }
    free(q);
    free(k);
    free(v);
    free(sk);
    free(out);
    free(w);
    return 0;
}
