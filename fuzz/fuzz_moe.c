/* libFuzzer target: the MoE routers and vik_topk (kernels/moe.c) on
   arbitrary float32 bits, against the brute-force oracles of
   tests/oracle_moe.h where the input is in the domain and the error
   contract of moe.h where it is not.

   Input: byte 0 picks the function (value % 5: 0 vik_topk, 1
   vik_route_softmax_topk without and 2 with renormalising, 3
   vik_route_topk_softmax, 4 vik_route_deepseek); byte 1 the k (1 + byte %
   min(E, 32), so the contract's requires on k hold); for DeepSeek, byte 2
   the group count (bit 7 set: the (byte & 127) % D-th of the D divisors of
   E with groups of >= 2, so that the dimensions are valid; clear: n_group =
   byte % 80, mostly invalid), byte 3 topk_group (1 + byte % n_group in the
   first case, byte % 70 in the second) and byte 4 the routed scaling factor
   (one of six in (0, 1024]); then little-endian float32 words (a trailing
   partial word zero-padded), at most 512 logits: for DeepSeek the first
   half are the logits, the second the biases (E = words / 2, at least 2).
   Any violation prints the case and aborts (a crash for libFuzzer):
   - vik_topk (finite scores only: its requires): idx equal to the
     oracle's (sort by (score desc, index asc), take k);
   - every router: VIK_OK iff the input is in its domain (softmax-top-k:
     each logit -inf or finite with |x| <= 2^100; gpt-oss: finite, |x| <=
     2^100; DeepSeek: that, biases finite with |b| <= 2^20, and ds_dims);
     otherwise VIK_EDOMAIN with idx[j] == j and w[j] == +0 (outputs start
     as canaries);
   - on VIK_OK: indices distinct and in range; softmax-top-k: score
     bit-equal to vik_softmax, idx the oracle's top-k of score, weights in
     [0, 1], without renormalising w[j] == score[idx[j]], with it the
     weights sum to within (1 +- u)/(1 -+ gamma_(k-1)) of 1 (k 2^-149
     slack) unless every chosen probability is below 2^-100 (then all 0);
     gpt-oss: idx the oracle's top-k of the logits, w bit-equal to
     vik_softmax of the chosen logits; DeepSeek: score bit-equal to
     vik_sigmoid, idx and groups[] equal to the oracle's on sel =
     fl(score + bias), every chosen expert in a kept group, weights in
     [0, rsf]. */
#include "bits.h"
#include "moe.h"
#include "nn.h"
#include "oracle_moe.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXW 512
#define CANARY 0x7FA5A5A5u

static float in[MAXW], score[VIK_MOE_EMAX], sel[VIK_MOE_EMAX], ref[VIK_MOE_EMAX];
static float w[VIK_MOE_KMAX], sw[VIK_MOE_KMAX], sx[VIK_MOE_KMAX];
static uint32_t idx[VIK_MOE_KMAX], want[VIK_MOE_KMAX], groups[VIK_MOE_GMAX];
static uint32_t wgroups[VIK_MOE_GMAX];

static const float RSF[] = {1.0f, 2.5f, 16.0f, 1024.0f, 0x1p-10f, 0.7f};

static void die(const char *what, int fn, uint32_t E, uint32_t k, uint32_t ng, uint32_t tg,
                int rc)
{
    uint32_t j;
    fprintf(stderr, "fuzz_moe: %s (function %d, E %u, k %u, n_group %u, topk_group %u, rc "
            "%d)\n  idx:", what, fn, E, k, ng, tg, rc);
    for (j = 0; j < k; j++)
        fprintf(stderr, " %u", idx[j]);
    fprintf(stderr, "\n  want:");
    for (j = 0; j < k; j++)
        fprintf(stderr, " %u", want[j]);
    fprintf(stderr, "\n  w:");
    for (j = 0; j < k; j++)
        fprintf(stderr, " %08X", (unsigned)f2u(w[j]));
    fprintf(stderr, "\n  input:");
    for (j = 0; j < E && j < 64; j++)
        fprintf(stderr, "%s%08X", j % 8 ? " " : "\n  ", (unsigned)f2u(in[j]));
    fprintf(stderr, "\n");
    abort();
}

static int logit_fin(float v)
{
    return v >= -0x1p100f && v <= 0x1p100f;
}

static int distinct_in_range(uint32_t E, uint32_t k)
{
    uint32_t a, b;
    for (a = 0; a < k; a++) {
        if (idx[a] >= E)
            return 0;
        for (b = 0; b < a; b++)
            if (idx[a] == idx[b])
                return 0;
    }
    return 1;
}

/* VIK_EDOMAIN with idx[j] == j, w[j] == +0. */
static int rejected(int rc, uint32_t k)
{
    uint32_t j;
    if (rc != VIK_EDOMAIN)
        return 0;
    for (j = 0; j < k; j++)
        if (idx[j] != j || f2u(w[j]) != 0u)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fn = size > 0 ? data[0] % 5 : 0, rc = 0, ok = 1;
    uint32_t n = 0, E, k, j, i, ng = 0, tg = 0, kmax;
    float rsf = RSF[size > 4 ? data[4] % 6u : 0u];
    size_t p;
    for (p = 5; p < size && n < MAXW; p += 4, n++) {
        uint32_t b = 0, q;
        for (q = 0; q < 4 && p + q < size; q++)
            b |= (uint32_t)data[p + q] << (8 * q);
        in[n] = u2f(b);
    }
    E = fn == 4 ? n / 2 : n;
    if (E < (fn == 4 ? 2u : 1u))
        return 0;
    kmax = E < VIK_MOE_KMAX ? E : VIK_MOE_KMAX;
    k = 1 + (size > 1 ? data[1] : 0u) % kmax;
    for (j = 0; j < k; j++) {
        idx[j] = 0xDEADBEEFu;
        w[j] = u2f(CANARY);
    }

    if (fn == 0) {                      /* vik_topk: finite scores only */
        for (i = 0; i < E; i++)
            if (!(in[i] - in[i] == 0.0f))
                return 0;
        vik_topk(idx, in, E, k);
        oracle_topk(want, in, E, k);
        if (memcmp(idx, want, k * sizeof *idx) != 0)
            die("vik_topk differs from the oracle", fn, E, k, 0, 0, 0);
        return 0;
    }

    if (fn == 1 || fn == 2) {           /* softmax-top-k */
        int renorm = fn == 2;
        double s = 0, S = 0, g = k * 0x1p-24 / (1 - k * 0x1p-24);
        for (i = 0; i < E; i++)
            ok &= logit_fin(in[i]) || in[i] < -0x1.fffffep127f;
        rc = vik_route_softmax_topk(idx, w, score, in, E, k, renorm);
        if (!ok) {
            if (!rejected(rc, k))
                die("out of the domain but not the error contract", fn, E, k, 0, 0, rc);
            return 0;
        }
        if (rc != VIK_OK)
            die("VIK_EDOMAIN in the domain", fn, E, k, 0, 0, rc);
        (void)vik_softmax(ref, in, E);
        if (memcmp(ref, score, E * sizeof *ref) != 0)
            die("score differs from vik_softmax", fn, E, k, 0, 0, rc);
        oracle_topk(want, ref, E, k);
        if (memcmp(idx, want, k * sizeof *idx) != 0)
            die("idx differs from the oracle's top-k of score", fn, E, k, 0, 0, rc);
        for (j = 0; j < k; j++) {
            if (!(w[j] >= 0.0f && w[j] <= 1.0f))
                die("weight outside [0, 1]", fn, E, k, 0, 0, rc);
            if (!renorm && f2u(w[j]) != f2u(score[idx[j]]))
                die("w[j] != score[idx[j]] without renormalising", fn, E, k, 0, 0, rc);
            s += w[j];
            S += score[idx[j]];
        }
        if (renorm && S >= 0x1p-100 &&
            !(s <= (1 + 0x1p-24) / (1 - g) + k * 0x1p-149 &&
              s >= (1 - 0x1p-24) / (1 + g) - k * 0x1p-149))
            die("renormalised weights do not sum to 1", fn, E, k, 0, 0, rc);
        if (renorm && S < 0x1p-100 && s != 0)
            die("chosen probabilities below 2^-100 but weights not 0", fn, E, k, 0, 0, rc);
        if (!distinct_in_range(E, k))
            die("indices not distinct or out of range", fn, E, k, 0, 0, rc);
        return 0;
    }

    if (fn == 3) {                      /* gpt-oss */
        for (i = 0; i < E; i++)
            ok &= logit_fin(in[i]);
        rc = vik_route_topk_softmax(idx, w, in, E, k);
        if (!ok) {
            if (!rejected(rc, k))
                die("out of the domain but not the error contract", fn, E, k, 0, 0, rc);
            return 0;
        }
        if (rc != VIK_OK)
            die("VIK_EDOMAIN in the domain", fn, E, k, 0, 0, rc);
        oracle_topk(want, in, E, k);
        if (memcmp(idx, want, k * sizeof *idx) != 0)
            die("idx differs from the oracle's top-k of the logits", fn, E, k, 0, 0, rc);
        for (j = 0; j < k; j++)
            sx[j] = in[want[j]];
        (void)vik_softmax(sw, sx, k);
        if (memcmp(sw, w, k * sizeof *w) != 0)
            die("w differs from vik_softmax of the chosen logits", fn, E, k, 0, 0, rc);
        return 0;
    }

    /* DeepSeek-V3: logits in[0 .. E-1], biases in[E .. 2E-1] */
    {
        const float *x = in, *bias = in + E;
        uint32_t dims_ok, G, a;
        uint8_t gb = size > 2 ? data[2] : 0, tb = size > 3 ? data[3] : 0;
        if (gb & 0x80u) {               /* a valid n_group: a divisor with G >= 2 */
            uint32_t div[VIK_MOE_GMAX], nd = 0, d;
            for (d = 1; d <= VIK_MOE_GMAX && d <= E / 2; d++)
                if (E % d == 0)
                    div[nd++] = d;
            ng = div[(gb & 0x7Fu) % nd];
            tg = 1 + tb % ng;
        } else {
            ng = gb % 80u;
            tg = tb % 70u;
        }
        dims_ok = ng >= 1 && ng <= VIK_MOE_GMAX && E % ng == 0 && E / ng >= 2 && tg >= 1 &&
                  tg <= ng && k <= tg * (E / ng);
        for (i = 0; i < E; i++)
            ok &= logit_fin(x[i]) && bias[i] >= -0x1p20f && bias[i] <= 0x1p20f;
        rc = vik_route_deepseek(idx, w, score, groups, x, bias, E, k, ng, tg, rsf);
        if (!ok || !dims_ok) {
            if (!rejected(rc, k))
                die("out of the domain but not the error contract", fn, E, k, ng, tg, rc);
            return 0;
        }
        if (rc != VIK_OK)
            die("VIK_EDOMAIN in the domain", fn, E, k, ng, tg, rc);
        for (i = 0; i < E; i++) {
            float s = vik_sigmoid(x[i]);
            if (f2u(s) != f2u(score[i]))
                die("score differs from vik_sigmoid", fn, E, k, ng, tg, rc);
            sel[i] = s + bias[i];
        }
        oracle_deepseek(want, wgroups, sel, E, k, ng, tg);
        if (memcmp(idx, want, k * sizeof *idx) != 0)
            die("idx differs from the DeepSeek oracle", fn, E, k, ng, tg, rc);
        if (memcmp(groups, wgroups, tg * sizeof *groups) != 0)
            die("groups differ from the DeepSeek oracle", fn, E, k, ng, tg, rc);
        if (!distinct_in_range(E, k))
            die("indices not distinct or out of range", fn, E, k, ng, tg, rc);
        G = E / ng;
        for (j = 0; j < k; j++) {
            for (a = 0; a < tg && groups[a] != idx[j] / G; a++)
                ;
            if (a == tg)
                die("a chosen expert outside the kept groups", fn, E, k, ng, tg, rc);
            if (!(w[j] >= 0.0f && w[j] <= rsf))
                die("weight outside [0, rsf]", fn, E, k, ng, tg, rc);
        }
    }
    return 0;
}
