/* Throughput of the matrix products against the machine's streaming read
   bandwidth, single thread.

   1. Read bandwidth (bench.h): the sum of a 256 MiB float array (64
      independent lanes, which gcc vectorises without reassociation), best
      of 5.
   2. vik_matmul_f32 with W 4096 x 4096 float32 (64 MiB, far past the caches)
      for T = 1, 64 and 128 tokens: GFLOP/s (2 T m n / time), GB/s of weight
      traffic and its ratio to the read bandwidth. T = 1 (decode) reads W
      once and is bound by memory; for T > 1 the kernel computes tiles of 8
      rows x 2 tokens with 16 lane sets in registers, each weight load serving
      two tokens (prefill, bound by compute).
   3. The same kernel called once per output row (one vik_dot_f32 per entry,
      no tiles), to show what the tiles bring, and bit-compared with 2.
   4. A naive loop (one accumulator per output, sequential i), the obvious
      scalar code, for comparison.
   5. MXFP4, MXFP8-E4M3 and NVFP4 weights (W quantized once) at T = 1 and
      T = 64, GFLOP/s-equivalent and GB/s of the quantized weight bytes.
   6. 2 threads (harness/par.h: the output rows cut in two ranges, one per
      thread) for fp32 at T = 1 and T = 128 and MXFP4 at T = 1, each
      bit-compared with the single-thread result; the bandwidth ratio is
      still against the one-thread read bandwidth of 1.
   GB = 1e9 bytes. Timed with clock_gettime(CLOCK_MONOTONIC); results are
   folded into a volatile sink so that nothing is optimised away. `make
   bench` builds it with BENCHFLAGS (-O3 -march=native -ffp-contract=off
   -flto, no fast-math; -flto lets gcc inline formats.c's scale decoders into
   the block loops) and runs it; about 20-30 s. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "linear.h"
#include "mx.h"
#include "nvfp4.h"
#include "par.h"
#include "q8.h"

#define DIM 4096u
#define TMID 64u    /* prefill sizes: T = 64 for every format, */
#define TMAX 128u   /* T = 128 for float32 (the 70 GFLOP/s target) */

static volatile float sink;

/* Uniform in [-1, 1), 24 random bits. */
static float rnd_unit(void)
{
    return (float)((double)(rnd() >> 8) / 8388608.0 - 1.0);
}

/* The obvious loop: one accumulator, i in order (cannot be vectorised
   without reassociation, so it runs at the latency of one add). */
static void naive_matmul(float *y, const float *x, const float *w, uint32_t T,
                         uint32_t n, uint32_t m)
{
    uint32_t t, o, i;
    for (t = 0; t < T; t++)
        for (o = 0; o < m; o++) {
            const float *wr = w + (size_t)o * n, *xr = x + (size_t)t * n;
            float acc = 0;
            for (i = 0; i < n; i++)
                acc += wr[i] * xr[i];
            y[(size_t)t * m + o] = acc;
        }
}

static double bw_gbs;   /* measured read bandwidth, GB/s */

/* One line: time, GFLOP/s, and the weight traffic from memory: W is read
   wreads times per product (T for the token-outer loops, 1 when each row is
   reused across the tokens), as GB/s and as a share of the read bandwidth. */
static double wbytes_per_read = (double)DIM * DIM * sizeof(float);

static void report(const char *name, uint32_t T, uint32_t wreads, int runs, double best)
{
    double wbytes = wbytes_per_read * wreads;
    double gflops = 2.0 * T * DIM * DIM / best * 1e-9, gbs = wbytes / best * 1e-9;
    printf("%-22s T=%-3u %9.2f ms %8.2f GFLOP/s  W read %2ux: %6.2f GB/s = %5.1f%% of "
           "read bandwidth  (best of %d)\n", name, T, best * 1e3, gflops, wreads, gbs,
           100 * gbs / bw_gbs, runs);
}

enum { VIK, VIK_PER_ROW, NAIVE, VIK_2T };

static vik_par *par2;   /* 2 threads, for VIK_2T and the MXFP4 row */

typedef struct {
  float *y;
  const float *x;
  const float *w;
  const uint8_t *codes, *scales;
  uint32_t T;
} job;

static void f32_rows(void *a, uint32_t o0, uint32_t o1)
{
    const job *j = a;
    vik_matmul_f32(j->y, j->x, j->w, j->T, DIM, DIM, o0, o1);
}

static void mxfp4_rows(void *a, uint32_t o0, uint32_t o1)
{
    const job *j = a;
    vik_matmul_mxfp4(j->y, j->x, j->codes, j->scales, j->T, DIM, DIM, o0, o1);
}

/* Best of runs timings of one product y = x W^T, T tokens: one vik call for
   all rows, one vik call per row (row o's 16 KiB stay in L1 while the T
   tokens pass, x stays in L2: W is read once), or the naive loop. */
static double time_matmul(int how, float *y, const float *x, const float *w,
                          uint32_t T, int runs)
{
    double best = 1e30;
    uint32_t o;
    int r;
    for (r = 0; r < runs; r++) {
        double t0 = now(), t;
        if (how == NAIVE)
            naive_matmul(y, x, w, T, DIM, DIM);
        else if (how == VIK_2T) {
            job j = {y, x, w, NULL, NULL, T};
            vik_par_rows(par2, f32_rows, &j, DIM, (uint64_t)T * DIM * DIM);
        } else if (how == VIK_PER_ROW)
            for (o = 0; o < DIM; o++)
                vik_matmul_f32(y, x, w, T, DIM, DIM, o, o + 1u);
        else
            vik_matmul_f32(y, x, w, T, DIM, DIM, 0u, DIM);
        t = now() - t0;
        sink += y[(size_t)(T - 1) * DIM + (uint32_t)r];
        if (t < best)
            best = t;
    }
    return best;
}

/* Block-quantized weights: quantize W once, then time the matmul at T = 1 and
   T = TMID. The q8 kinds quantize the activations inside the timed call
   (vik_q8_quantize of x, then the exact-block product), as a caller does. */
enum { MXFP4, MXFP8, NVFP4, MXFP4_Q8, NVFP4_Q8 };
static const char *const QNAME[] = {"vik_matmul_mxfp4", "vik_matmul_mxfp8", "vik_matmul_nvfp4",
                                    "mxfp4_q8 (+quantize x)", "nvfp4_q8 (+quantize x)"};

static int bench_quant(int kind, const float *w, const float *x, float *y)
{
    int fp8 = kind == MXFP8, nv = kind == NVFP4 || kind == NVFP4_Q8;
    size_t nw = (size_t)DIM * DIM, nsc = nw / (nv ? 16 : 32);
    uint8_t *codes = malloc(fp8 ? nw : nw / 2), *scales = malloc(nsc), *qs = malloc(TMID * DIM / 32);
    int8_t *q = malloc(TMID * DIM);
    float g = 0.0f;
    if (!codes || !scales || !q || !qs) {
        fprintf(stderr, "bench_linear: out of memory\n");
        free(codes); free(scales); free(q); free(qs);
        return 1;
    }
    if (nv) {
        if (vik_nvfp4_global_scale(w, DIM * DIM, &g) != VIK_NV_OK || g > VIK_NVFP4_DOT_GMAX) {
            fprintf(stderr, "bench_linear: W outside NVFP4's product domain\n");
            return 1;
        }
        vik_nvfp4_quantize(w, DIM * DIM, g, codes, scales);
    } else if (fp8) {
        vik_mxfp8_quantize(w, DIM * DIM, codes, scales);
    } else {
        vik_mxfp4_quantize(w, DIM * DIM, codes, scales);
    }
    wbytes_per_read = (double)(fp8 ? nw : nw / 2) + (double)nsc;
    for (uint32_t k = 0; k < 2; k++) {
        uint32_t T = k == 0 ? 1u : TMID;
        int runs = k == 0 ? 10 : 3;
        double best = 1e30;
        for (int r = 0; r < runs; r++) {
            double t0 = now(), t;
            switch (kind) {
            case MXFP4: vik_matmul_mxfp4(y, x, codes, scales, T, DIM, DIM, 0u, DIM); break;
            case MXFP8: vik_matmul_mxfp8(y, x, codes, scales, T, DIM, DIM, 0u, DIM); break;
            case NVFP4: vik_matmul_nvfp4(y, x, codes, scales, g, T, DIM, DIM, 0u, DIM); break;
            case MXFP4_Q8:
                vik_q8_quantize(x, T * DIM, q, qs);
                vik_matmul_mxfp4_q8(y, q, qs, codes, scales, T, DIM, DIM, 0u, DIM);
                break;
            default:
                vik_q8_quantize(x, T * DIM, q, qs);
                vik_matmul_nvfp4_q8(y, q, qs, codes, scales, g, T, DIM, DIM, 0u, DIM);
            }
            t = now() - t0;
            sink += y[r];
            if (t < best)
                best = t;
        }
        report(QNAME[kind], T, 1, runs, best);
        if (kind == MXFP4 && T == 1 && par2) {
            float *y2 = malloc(DIM * sizeof *y2);
            job j = {y2, x, NULL, codes, scales, 1u};
            if (!y2)
                return 1;
            best = 1e30;
            for (int r = 0; r < runs; r++) {
                double t0 = now(), t;
                vik_par_rows(par2, mxfp4_rows, &j, DIM, (uint64_t)DIM * DIM);
                t = now() - t0;
                if (t < best)
                    best = t;
            }
            report("mxfp4, 2 threads", 1, 1, runs, best);
            if (memcmp(y, y2, DIM * sizeof *y) != 0)
                printf("!! 2 threads are not bit-equal to 1 thread (MXFP4)\n");
            free(y2);
        }
    }
    free(codes); free(scales); free(q); free(qs);
    return 0;
}

int main(void)
{
    float *w = malloc((size_t)DIM * DIM * sizeof *w);
    float *x = malloc((size_t)TMAX * DIM * sizeof *x);
    float *y = malloc((size_t)TMAX * DIM * sizeof *y);
    float *y2 = malloc((size_t)TMAX * DIM * sizeof *y2);
    double best = 1e30, maxdiff = 0;
    size_t i;

    if (!w || !x || !y || !y2) {
        fprintf(stderr, "bench_linear: out of memory\n");
        return 1;
    }
    /* ---- read bandwidth (bench.h) ---- */
    bw_gbs = bw_measure(&best);
    if (bw_gbs <= 0) {
        fprintf(stderr, "bench_linear: out of memory\n");
        return 1;
    }
    printf("vik linear: single thread (2 where marked), W %u x %u float32 (%.0f MiB)\n", DIM, DIM,
           (double)DIM * DIM * sizeof(float) / (1 << 20));
    printf("%-22s %9.2f ms %8.2f GB/s  (sum of %zu MiB, %d lanes, best of %d)\n",
           "read bandwidth", best * 1e3, bw_gbs, BW_FLOATS * sizeof(float) >> 20, BW_LANES,
           BW_RUNS);

    /* ---- matmul ---- */
    for (i = 0; i < (size_t)DIM * DIM; i++)
        w[i] = rnd_unit();
    for (i = 0; i < (size_t)TMAX * DIM; i++)
        x[i] = rnd_unit();
    report("vik_matmul_f32", 1, 1, 10, time_matmul(VIK, y, x, w, 1, 10));
    report("naive (1 accumulator)", 1, 1, 5, time_matmul(NAIVE, y2, x, w, 1, 5));
    report("vik_matmul_f32", TMID, 1, 3, time_matmul(VIK, y, x, w, TMID, 3));
    report("vik_matmul_f32", TMAX, 1, 3, time_matmul(VIK, y, x, w, TMAX, 3));
    report("vik, one call per row", TMAX, 1, 3,
           time_matmul(VIK_PER_ROW, y2, x, w, TMAX, 3));
    if (memcmp(y, y2, (size_t)TMAX * DIM * sizeof *y) != 0)
        printf("!! one call per row is not bit-equal to one call for all rows\n");
    par2 = vik_par_start(2);
    if (par2) {
        uint32_t T;
        for (T = 1; T <= TMAX; T += TMAX - 1) {
            time_matmul(VIK, y, x, w, T, 1);
            report("vik_matmul_f32 2 thr", T, 1, T == 1 ? 10 : 3, time_matmul(VIK_2T, y2, x, w, T, T == 1 ? 10 : 3));
            if (memcmp(y, y2, (size_t)T * DIM * sizeof *y) != 0)
                printf("!! 2 threads are not bit-equal to 1 thread (fp32, T = %u)\n", T);
        }
    }
    report("naive (1 accumulator)", TMID, TMID, 2, time_matmul(NAIVE, y2, x, w, TMID, 2));
    time_matmul(VIK, y, x, w, TMID, 1);

    /* the two agree to rounding (different orders, not bit-equal) */
    for (i = 0; i < (size_t)TMID * DIM; i++) {
        double d = (double)y[i] - (double)y2[i];
        if (d < 0)
            d = -d;
        if (d > maxdiff)
            maxdiff = d;
    }
    printf("max |vik - naive| over %u x %u outputs: %.3g (sink %g)\n", TMID, DIM,
           maxdiff, (double)sink);

    /* ---- block-quantized weights: MXFP4 4.25 bits, MXFP8 8.25 bits, NVFP4
       4.5 bits per weight ---- */
    for (int k = MXFP4; k <= NVFP4_Q8; k++)
        if (bench_quant(k, w, x, y))
            return 1;
    vik_par_stop(par2);
    free(w);
    free(x);
    free(y);
    free(y2);
    return 0;
}
