/* Shared by the benchmark programs: a monotonic clock, deterministic inputs
   (xorshift64*, the same from run to run) and the machine's streaming read
   bandwidth, the yardstick for memory-bound kernels. Header-only. */
#ifndef VIK_BENCH_H
#define VIK_BENCH_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static inline uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* ---- streaming read bandwidth ---- */

#define BW_FLOATS ((size_t)64 << 20)        /* 256 MiB, far past the caches */
#define BW_RUNS 5
#define BW_LANES 64

/* Sum of a[0 .. n-1] (n a multiple of BW_LANES) in BW_LANES lanes: gcc
   vectorises it without reassociation, so it runs at the memory's pace. */
static inline float bw_read_sum(const float *a, size_t n)
{
    float acc[BW_LANES], s = 0;
    size_t i, l;
    for (l = 0; l < BW_LANES; l++)
        acc[l] = 0;
    for (i = 0; i < n; i += BW_LANES)
        for (l = 0; l < BW_LANES; l++)
            acc[l] += a[i + l];
    for (l = 0; l < BW_LANES; l++)
        s += acc[l];
    return s;
}

/* Read bandwidth in GB/s (1e9 bytes): the sum of a 256 MiB float array,
   best of BW_RUNS; *best gets that run's seconds. 0 if out of memory. */
static inline double bw_measure(double *best)
{
    float *a = malloc(BW_FLOATS * sizeof *a);
    volatile float fold = 0;
    size_t i;
    int r;
    *best = 1e30;
    if (!a)
        return 0;
    for (i = 0; i < BW_FLOATS; i++)         /* touches every page first */
        a[i] = (float)(i & 1023) * 0x1p-10f;
    for (r = 0; r < BW_RUNS; r++) {
        double t0 = now(), t;
        fold += bw_read_sum(a, BW_FLOATS);
        t = now() - t0;
        if (t < *best)
            *best = t;
    }
    free(a);
    return (double)BW_FLOATS * sizeof(float) / *best * 1e-9;
}
#endif
