/* Throughput of the vik number-format kernels (values/s).

   Decoders run over a buffer of random codes; encoders over random float32
   values whose magnitudes span the format's range (from below its smallest
   subnormal to past its maximum, log-uniform) with some specials (+-0, +-inf,
   NaN) mixed in. Every encoder is measured through the float API
   (vik_e4m3_encode, ...) and the _bits API (vik_e4m3_encode_bits, ...).
   16 Mi values per run; each figure is the best of 3 runs, timed with
   clock_gettime(CLOCK_MONOTONIC). Results are xor-folded into a volatile sink
   so that nothing is optimised away. `make bench` builds and runs it. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "bits.h"
#include "formats.h"

#define N ((size_t)16 << 20)
#define RUNS 3

static volatile uint32_t sink;


static void report(const char *name, double best)
{
    printf("%-28s %10.1f %10.3f\n", name, (double)N / best * 1e-6, best * 1e9 / (double)N);
}

/* Best of RUNS timings of `body` over i = 0..N-1; body folds into acc. */
#define BENCH(name, body)                                         \
    do {                                                          \
        double best_ = 1e30;                                      \
        int r_;                                                   \
        for (r_ = 0; r_ < RUNS; r_++) {                           \
            uint32_t acc = 0;                                     \
            size_t i;                                             \
            double t0_ = now(), t_;                               \
            for (i = 0; i < N; i++) {                             \
                body;                                             \
            }                                                     \
            t_ = now() - t0_;                                     \
            sink ^= acc;                                          \
            if (t_ < best_) best_ = t_;                           \
        }                                                         \
        report(name, best_);                                      \
    } while (0)


/* Fill buf with float32 bit patterns: biased exponents uniform in
   [emin, emax] (0 = float32 subnormals), random fraction and sign, and
   about 1/64 specials: +-0, +-inf, NaN. */
static void fill_floats(uint32_t *buf, int emin, int emax)
{
    static const uint32_t specials[8] = {
        0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u,
        0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0x00000001u,
    };
    size_t i;
    uint32_t span = (uint32_t)(emax - emin + 1);
    for (i = 0; i < N; i++) {
        uint32_t r = rnd();
        if ((r & 63) == 0) {
            buf[i] = specials[(r >> 6) & 7];
        } else {
            uint32_t e = (uint32_t)emin + rnd() % span;
            buf[i] = (r & 0x80000000u) | (e << 23) | (rnd() & 0x7FFFFFu);
        }
    }
}

int main(void)
{
    uint8_t *codes = malloc(N);
    uint32_t *in = malloc(N * sizeof *in);
    size_t k;

    if (!codes || !in) {
        fprintf(stderr, "bench_formats: out of memory\n");
        return 1;
    }
    printf("vik number formats: %zu values per run, best of %d\n", N, RUNS);
    printf("%-28s %10s %10s\n", "name", "Mvalues/s", "ns/value");

    /* ---- decoders over random codes ---- */
    for (k = 0; k < N; k++) codes[k] = (uint8_t)rnd();
    BENCH("e4m3_decode", acc ^= f2u(vik_e4m3_decode(codes[i])));
    BENCH("e5m2_decode", acc ^= f2u(vik_e5m2_decode(codes[i])));
    BENCH("e8m0_decode", acc ^= f2u(vik_e8m0_decode(codes[i])));
    for (k = 0; k < N; k++) codes[k] &= 15;
    BENCH("e2m1_decode", acc ^= f2u(vik_e2m1_decode(codes[i])));

    /* ---- E4M3: 2^-12 .. 2^9 (subnormals from 2^-9, max 448) ---- */
    fill_floats(in, 127 - 12, 127 + 9);
    BENCH("e4m3_encode NONSAT", acc ^= vik_e4m3_encode(u2f(in[i]), VIK_NONSAT));
    BENCH("e4m3_encode SAT", acc ^= vik_e4m3_encode(u2f(in[i]), VIK_SAT));
    BENCH("e4m3_encode_bits NONSAT", acc ^= vik_e4m3_encode_bits(in[i], VIK_NONSAT));
    BENCH("e4m3_encode_bits SAT", acc ^= vik_e4m3_encode_bits(in[i], VIK_SAT));

    /* ---- E5M2: 2^-19 .. 2^16 (subnormals from 2^-16, max 57344) ---- */
    fill_floats(in, 127 - 19, 127 + 16);
    BENCH("e5m2_encode NONSAT", acc ^= vik_e5m2_encode(u2f(in[i]), VIK_NONSAT));
    BENCH("e5m2_encode SAT", acc ^= vik_e5m2_encode(u2f(in[i]), VIK_SAT));
    BENCH("e5m2_encode_bits NONSAT", acc ^= vik_e5m2_encode_bits(in[i], VIK_NONSAT));
    BENCH("e5m2_encode_bits SAT", acc ^= vik_e5m2_encode_bits(in[i], VIK_SAT));

    /* ---- E2M1: 2^-3 .. 2^3 (0.5 .. 6) ---- */
    fill_floats(in, 127 - 3, 127 + 3);
    BENCH("e2m1_encode", acc ^= vik_e2m1_encode(u2f(in[i])));
    BENCH("e2m1_encode_bits", acc ^= vik_e2m1_encode_bits(in[i]));

    /* ---- E8M0: the whole float32 range, subnormals included ---- */
    fill_floats(in, 0, 254);
    BENCH("e8m0_encode", acc ^= vik_e8m0_encode(u2f(in[i])));
    BENCH("e8m0_encode_bits", acc ^= vik_e8m0_encode_bits(in[i]));
    BENCH("e8m0_floor", acc ^= vik_e8m0_floor(u2f(in[i])));
    BENCH("e8m0_floor_bits", acc ^= vik_e8m0_floor_bits(in[i]));

    printf("(sink %08x)\n", (unsigned)sink);
    free(codes);
    free(in);
    return 0;
}
