/* Routing throughput of the MoE routers (kernels/moe.h), single thread:
   tokens routed per second, one router call per token on 4096 tokens of
   random logits (uniform in [-4, 4), 24 random bits, no ties) that stay in
   the cache (16 KiB to 4 MiB), best of 7 runs.

   - DeepSeek-V3 shape: E = 256, k = 8, vik_route_deepseek with n_group 8,
     topk_group 4, rsf 2.5, bias uniform in [-0.1, 0.1); and the
     softmax-top-k rule (vik_route_softmax_topk, renormalised) and
     vik_topk alone at the same E and k.
   - gpt-oss-120b shape: E = 128, k = 4, vik_route_topk_softmax.
   - Mixtral shape: E = 8, k = 2, vik_route_softmax_topk, renormalised.
   Timed with clock_gettime(CLOCK_MONOTONIC) (bench.h); the weights are
   folded into a volatile sink. `make bench` builds it with BENCHFLAGS
   (-O3 -march=native -ffp-contract=off, no fast-math); about 2 s. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "moe.h"
#include "nn.h"

#define TOKENS 4096u
#define RUNS 7

enum { B_DEEPSEEK, B_SOFTMAX_TOPK, B_TOPK_SOFTMAX, B_TOPK };

static volatile float sink;

/* Uniform in [-s, s), 24 random bits. */
static float rnd_unit(float s)
{
    return s * (float)((double)(rnd() >> 8) / 8388608.0 - 1.0);
}

/* Best of RUNS passes over the T tokens; seconds per pass. */
static double time_router(int which, const float *x, const float *bias, uint32_t E, uint32_t k,
                          uint32_t ng, uint32_t tg)
{
    static float score[VIK_MOE_EMAX], w[VIK_MOE_KMAX];
    static uint32_t idx[VIK_MOE_KMAX], groups[VIK_MOE_GMAX];
    double best = 1e30;
    size_t bad = 0;
    uint32_t t;
    int r;
    for (r = 0; r < RUNS; r++) {
        double t0 = now(), dt;
        float acc = 0;
        for (t = 0; t < TOKENS; t++) {
            const float *row = x + (size_t)t * E;
            if (which == B_DEEPSEEK)
                bad += vik_route_deepseek(idx, w, score, groups, row, bias, E, k, ng, tg,
                                          2.5f) != VIK_OK;
            else if (which == B_SOFTMAX_TOPK)
                bad += vik_route_softmax_topk(idx, w, score, row, E, k, 1) != VIK_OK;
            else if (which == B_TOPK_SOFTMAX)
                bad += vik_route_topk_softmax(idx, w, row, E, k) != VIK_OK;
            else {
                vik_topk(idx, row, E, k);
                w[0] = (float)idx[0];
            }
            acc += w[0] + (float)idx[k - 1];
        }
        dt = now() - t0;
        sink += acc;
        if (dt < best)
            best = dt;
    }
    if (bad)
        fprintf(stderr, "bench_moe: %zu tokens refused\n", bad);
    return best;
}

static void row(const char *name, const char *shape, double secs)
{
    char tps[32], per[32];
    snprintf(tps, sizeof tps, "%.3g", TOKENS / secs);
    snprintf(per, sizeof per, "%.0f ns", secs / TOKENS * 1e9);
    printf("| %-24s | %-34s | %14s | %9s |\n", name, shape, tps, per);
}

int main(void)
{
    float *x = malloc((size_t)TOKENS * 256u * sizeof *x), bias[256];
    size_t i;
    if (!x) {
        fprintf(stderr, "bench_moe: out of memory\n");
        return 1;
    }
    for (i = 0; i < (size_t)TOKENS * 256u; i++)
        x[i] = rnd_unit(4.0f);
    for (i = 0; i < 256u; i++)
        bias[i] = rnd_unit(0.1f);
    printf("vik moe routing: single thread, %u tokens of random logits (in cache), best of "
           "%d\n\n", TOKENS, RUNS);
    printf("| %-24s | %-34s | %14s | %9s |\n", "router", "shape", "tokens/s", "per token");
    printf("| --- | --- | --- | --- |\n");
    row("vik_route_deepseek", "E 256 k 8, n_group 8, topk_group 4",
        time_router(B_DEEPSEEK, x, bias, 256u, 8u, 8u, 4u));
    row("vik_route_softmax_topk", "E 256 k 8, renormalised",
        time_router(B_SOFTMAX_TOPK, x, NULL, 256u, 8u, 0u, 0u));
    row("vik_topk", "E 256 k 8", time_router(B_TOPK, x, NULL, 256u, 8u, 0u, 0u));
    row("vik_route_topk_softmax", "E 128 k 4 (gpt-oss-120b)",
        time_router(B_TOPK_SOFTMAX, x, NULL, 128u, 4u, 0u, 0u));
    row("vik_route_softmax_topk", "E 8 k 2, renormalised (Mixtral)",
        time_router(B_SOFTMAX_TOPK, x, NULL, 8u, 2u, 0u, 0u));
    printf("\n(sink %g)\n", (double)sink);
    free(x);
    return 0;
}
