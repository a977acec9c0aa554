/* Throughput of the attention and elementwise kernels, single thread.

   1. Read bandwidth (bench.h): the sum of a 256 MiB float array, best of 5.
   2. Decode attention, vik_attention with one query token (Tq = 1) at
      position 4095 over a KV cache of S = 4096 positions, Hq = 32 query
      heads, Hkv = 8 KV heads, D = 128: K and V are 2 x 8 x 4096 x 128
      float32 = 32 MiB, read once per token by the kernel's contract (each KV
      head's 4 MiB of K and V serves its 4 query heads, the later 3 from
      cache). Reported: time per token, GB/s of KV traffic (the 32 MiB of
      K and V over the time) and its ratio to the read bandwidth. "cold":
      a 128 MiB buffer is read between runs so the cache starts in memory
      (the decode case); "warm": back-to-back runs (part of the 32 MiB may
      stay in the last-level cache).
   3. vik_softmax on 1024 rows of 4096 logits (16 MiB in, 16 MiB out), and
      vik_rmsnorm on 1024 rows of n = 4096 (x 16 MiB read, y 16 MiB
      written, w 16 KiB read per row from cache), the caches flushed before
      each run as above: elements/s, and GB/s of x read + y written (reads
      and writes together can pass the read-only bandwidth).
   GB = 1e9 bytes; each figure the best of several runs, timed with
   clock_gettime(CLOCK_MONOTONIC); results are folded into a volatile sink.
   `make bench` builds it with BENCHFLAGS (-O3 -march=native
   -ffp-contract=off, no fast-math) and runs it; about 10 s. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attn.h"
#include "bench.h"
#include "nn.h"

#define HQ 32u
#define HKV 8u
#define HD 128u
#define CTX 4096u
#define ROWS 1024u
#define N 4096u
#define FLUSH_FLOATS ((size_t)32 << 20)   /* 128 MiB */

static volatile float sink;
static double bw_gbs;

/* Uniform in [-s, s), 24 random bits. */
static float rnd_unit(float s)
{
    return s * (float)((double)(rnd() >> 8) / 8388608.0 - 1.0);
}

static void row(const char *name, const char *shape, double secs, const char *thr,
                double gbs, int runs)
{
    char t[32], g[32], p[32];
    snprintf(t, sizeof t, "%.3f ms", secs * 1e3);
    snprintf(g, sizeof g, "%.2f GB/s", gbs);
    snprintf(p, sizeof p, "%.0f%%", 100 * gbs / bw_gbs);
    printf("| %-27s | %-28s | %10s | %-22s | %11s | %6s | %4d |\n", name, shape, t, thr, g,
           p, runs);
}

/* Best of runs decode steps; flush: read a 128 MiB buffer before each. */
static double time_decode(float *out, const float *q, const float *k, const float *v,
                          float *w, const float *flush, int runs)
{
    double best = 1e30;
    int r;
    for (r = 0; r < runs; r++) {
        double t0, t;
        if (flush)
            sink += bw_read_sum(flush, FLUSH_FLOATS);
        t0 = now();
        if (vik_attention(out, q, k, v, HQ, HKV, HD, 1u, CTX - 1u, CTX, 0u, NULL, w) != VIK_OK)
            fprintf(stderr, "bench_nn: vik_attention refused the case\n");
        t = now() - t0;
        sink += out[(unsigned)r % (HQ * HD)];
        if (t < best)
            best = t;
    }
    return best;
}

int main(void)
{
    size_t kvn = (size_t)HKV * CTX * HD, i;
    float *k = malloc(kvn * sizeof *k), *v = malloc(kvn * sizeof *v);
    float *q = malloc((size_t)HQ * HD * sizeof *q), *out = malloc((size_t)HQ * HD * sizeof *out);
    float *w = malloc(VIK_ATTN_SCRATCH(CTX) * sizeof *w);
    float *flush = malloc(FLUSH_FLOATS * sizeof *flush);
    float *x = malloc((size_t)ROWS * N * sizeof *x), *y = malloc((size_t)ROWS * N * sizeof *y);
    float *g = malloc(N * sizeof *g);
    double bw_best, best, kvbytes = 2.0 * (double)kvn * sizeof(float), gbs;
    char thr[64];
    uint32_t r;
    int run;

    if (!k || !v || !q || !out || !w || !flush || !x || !y || !g) {
        fprintf(stderr, "bench_nn: out of memory\n");
        return 1;
    }
    bw_gbs = bw_measure(&bw_best);
    if (bw_gbs <= 0) {
        fprintf(stderr, "bench_nn: out of memory\n");
        return 1;
    }
    printf("vik nn/attention: single thread; read bandwidth %.2f GB/s (sum of %zu MiB, %d "
           "lanes, best of %d)\n\n", bw_gbs, BW_FLOATS * sizeof(float) >> 20, BW_LANES,
           BW_RUNS);
    printf("| %-27s | %-28s | %10s | %-22s | %11s | %6s | %4s |\n", "kernel", "shape", "time",
           "throughput", "traffic", "of bw", "runs");
    printf("| --- | --- | --- | --- | --- | --- | --- |\n");

    /* ---- decode attention ---- */
    for (i = 0; i < kvn; i++) {
        k[i] = rnd_unit(1.0f);
        v[i] = rnd_unit(1.0f);
    }
    for (i = 0; i < (size_t)HQ * HD; i++)
        q[i] = rnd_unit(1.0f);
    for (i = 0; i < FLUSH_FLOATS; i++)
        flush[i] = (float)(i & 255);
    best = time_decode(out, q, k, v, w, flush, 10);
    gbs = kvbytes / best * 1e-9;
    snprintf(thr, sizeof thr, "%.1f tokens/s", 1.0 / best);
    row("vik_attention decode, cold", "Hq 32 Hkv 8 D 128 ctx 4096", best, thr, gbs, 10);
    best = time_decode(out, q, k, v, w, NULL, 20);
    gbs = kvbytes / best * 1e-9;
    snprintf(thr, sizeof thr, "%.1f tokens/s", 1.0 / best);
    row("vik_attention decode, warm", "Hq 32 Hkv 8 D 128 ctx 4096", best, thr, gbs, 20);

    /* ---- softmax ---- */
    for (i = 0; i < (size_t)ROWS * N; i++)
        x[i] = rnd_unit(10.0f);
    best = 1e30;
    for (run = 0; run < 5; run++) {
        double t0, t;
        sink += bw_read_sum(flush, FLUSH_FLOATS);
        t0 = now();
        for (r = 0; r < ROWS; r++)
            if (vik_softmax(y + (size_t)r * N, x + (size_t)r * N, N) != VIK_OK)
                fprintf(stderr, "bench_nn: vik_softmax refused a row\n");
        t = now() - t0;
        sink += y[(size_t)run * 7];
        if (t < best)
            best = t;
    }
    snprintf(thr, sizeof thr, "%.1f Melem/s", (double)ROWS * N / best * 1e-6);
    row("vik_softmax", "1024 rows x 4096", best, thr,
        2.0 * ROWS * N * sizeof(float) / best * 1e-9, 5);

    /* ---- RMSNorm ---- */
    for (i = 0; i < N; i++)
        g[i] = rnd_unit(2.0f);
    best = 1e30;
    for (run = 0; run < 5; run++) {
        double t0, t;
        sink += bw_read_sum(flush, FLUSH_FLOATS);
        t0 = now();
        for (r = 0; r < ROWS; r++)
            vik_rmsnorm(y + (size_t)r * N, x + (size_t)r * N, g, N, 1e-5f);
        t = now() - t0;
        sink += y[(size_t)run * 7];
        if (t < best)
            best = t;
    }
    snprintf(thr, sizeof thr, "%.1f Melem/s", (double)ROWS * N / best * 1e-6);
    row("vik_rmsnorm", "1024 rows x 4096", best, thr,
        2.0 * ROWS * N * sizeof(float) / best * 1e-9, 5);

    printf("\nattention traffic: K and V, %.0f MiB per token; softmax and RMSNorm: x read "
           "+ y written (sink %g)\n", kvbytes / (1 << 20), (double)sink);
    free(flush);
    free(k);
    free(v);
    free(q);
    free(out);
    free(w);
    free(x);
    free(y);
    free(g);
    return 0;
}
