/* Exhaustive test of the vik number-format encoders: every one of the 2^32
   float32 bit patterns goes through

     vik_e4m3_encode (VIK_NONSAT, VIK_SAT), vik_e5m2_encode (VIK_NONSAT, VIK_SAT),
     vik_e2m1_encode, vik_e8m0_encode, vik_e8m0_floor

   (and the same through the _bits API, vik_e4m3_encode_bits etc.)
   and is compared with the brute-force oracle of tests/oracle_formats.h (value
   tables from first principles, nearest value by exact midpoints, ties to the
   even code; the header states the NaN/inf/overflow/E8M0 semantics). The
   decoders are checked on every code against the same tables.

   Two threads, one per sign (disjoint halves of the bit space). Prints one
   `PASS: <desc>` / `FAIL: <desc> (<detail>)` line per encoder and mode, the
   first mismatches, and the elapsed time; exits 1 on any failure. */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats.h"
#include "oracle_formats.h"

/* ---------------------------------------------------------------- reporting */

static int g_failures = 0;

static void pass(const char *desc) { printf("PASS: %s\n", desc); }

static void fail(const char *desc, const char *detail)
{
    printf("FAIL: %s (%s)\n", desc, detail);
    g_failures++;
}

/* Each encoder is checked twice: through the float API and the _bits API. */
#define NCHK (2 * NT)
static const char *const T_DESC[NCHK] = {
    "e4m3_encode VIK_NONSAT", "e4m3_encode VIK_SAT", "e5m2_encode VIK_NONSAT",
    "e5m2_encode VIK_SAT", "e2m1_encode", "e8m0_encode", "e8m0_floor",
    "e4m3_encode_bits VIK_NONSAT", "e4m3_encode_bits VIK_SAT", "e5m2_encode_bits VIK_NONSAT",
    "e5m2_encode_bits VIK_SAT", "e2m1_encode_bits", "e8m0_encode_bits", "e8m0_floor_bits",
};

/* ----------------------------------------------------------------- sweep */

#define NSHOW 5

typedef struct {
    uint32_t sign;                 /* 0 or 1: this thread's half */
    uint64_t checked;
    uint64_t bad[NCHK];
    uint32_t show_bits[NCHK][NSHOW];
    uint8_t show_exp[NCHK][NSHOW], show_got[NCHK][NSHOW];
} work_t;

static void *sweep(void *arg)
{
    work_t *w = arg;
    uint32_t u, sbit = w->sign << 31;
    uint8_t exp[NCHK], got[NCHK];
    int t;

    for (u = 0; u < 0x80000000u; u++) {
        uint32_t b = sbit | u;
        float x = u2f(b);
        oracle(b, exp);
        got[T_E4M3_NONSAT] = vik_e4m3_encode(x, VIK_NONSAT);
        got[T_E4M3_SAT] = vik_e4m3_encode(x, VIK_SAT);
        got[T_E5M2_NONSAT] = vik_e5m2_encode(x, VIK_NONSAT);
        got[T_E5M2_SAT] = vik_e5m2_encode(x, VIK_SAT);
        got[T_E2M1] = vik_e2m1_encode(x);
        got[T_E8M0] = vik_e8m0_encode(x);
        got[T_E8M0_FLOOR] = vik_e8m0_floor(x);
        got[NT + T_E4M3_NONSAT] = vik_e4m3_encode_bits(b, VIK_NONSAT);
        got[NT + T_E4M3_SAT] = vik_e4m3_encode_bits(b, VIK_SAT);
        got[NT + T_E5M2_NONSAT] = vik_e5m2_encode_bits(b, VIK_NONSAT);
        got[NT + T_E5M2_SAT] = vik_e5m2_encode_bits(b, VIK_SAT);
        got[NT + T_E2M1] = vik_e2m1_encode_bits(b);
        got[NT + T_E8M0] = vik_e8m0_encode_bits(b);
        got[NT + T_E8M0_FLOOR] = vik_e8m0_floor_bits(b);
        memcpy(exp + NT, exp, NT);
        for (t = 0; t < NCHK; t++) {
            if (got[t] != exp[t]) {
                uint64_t n = w->bad[t]++;
                if (n < NSHOW) {
                    w->show_bits[t][n] = b;
                    w->show_exp[t][n] = exp[t];
                    w->show_got[t][n] = got[t];
                }
            }
        }
    }
    w->checked = 0x80000000u;
    return NULL;
}

/* --------------------------------------------------------- decoder check */

/* The decoders against the same first-principles tables: every code, bit for
   bit (sign of zero and the NaN pattern included). */
static void check_decoder(const char *desc, int fmt, int ncodes, float (*decode)(uint8_t))
{
    int c;
    char msg[200];
    for (c = 0; c < ncodes; c++) {
        uint32_t want = oracle_decode(fmt, c), got = f2u(decode((uint8_t)c));
        if (got != want) {
            snprintf(msg, sizeof msg, "code 0x%02X -> 0x%08X, expected 0x%08X", c,
                     (unsigned)got, (unsigned)want);
            fail(desc, msg);
            return;
        }
    }
    pass(desc);
}

static void check_decoders(void)
{
    check_decoder("e4m3_decode, 256 codes", D_E4M3, 256, vik_e4m3_decode);
    check_decoder("e5m2_decode, 256 codes", D_E5M2, 256, vik_e5m2_decode);
    check_decoder("e2m1_decode, 16 codes", D_E2M1, 16, vik_e2m1_decode);
    check_decoder("e8m0_decode, 256 codes", D_E8M0, 256, vik_e8m0_decode);
}

/* ------------------------------------------------------------------- main */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    static work_t w[2];
    pthread_t th[2];
    double t0 = now();
    int t, j;
    char desc[200], msg[200];

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!oracle_init(msg, sizeof msg)) {
        fail("oracle tables", msg);
        return 1;
    }
    pass("oracle tables (E4M3 127, E5M2 124, E2M1 8 finite magnitudes)");

    check_decoders();

    printf("exhaustive: 2^32 float32 inputs x %d encoders (float and _bits API), 2 threads\n", NT);
    for (t = 0; t < 2; t++) {
        w[t].sign = (uint32_t)t;
        if (pthread_create(&th[t], NULL, sweep, &w[t]) != 0) {
            fail("pthread_create", "cannot start a thread");
            return 1;
        }
    }
    for (t = 0; t < 2; t++) pthread_join(th[t], NULL);

    for (j = 0; j < NCHK; j++) {
        uint64_t checked = w[0].checked + w[1].checked, bad = w[0].bad[j] + w[1].bad[j];
        for (t = 0; t < 2; t++) {
            uint64_t n;
            for (n = 0; n < w[t].bad[j] && n < NSHOW; n++)
                printf("  %s: bits 0x%08X (%a = %.9g): expected 0x%02X, got 0x%02X\n", T_DESC[j],
                       (unsigned)w[t].show_bits[j][n], (double)u2f(w[t].show_bits[j][n]),
                       (double)u2f(w[t].show_bits[j][n]), w[t].show_exp[j][n], w[t].show_got[j][n]);
        }
        snprintf(desc, sizeof desc, "%s, %llu inputs", T_DESC[j], (unsigned long long)checked);
        if (bad != 0 || checked != 0x100000000ull) {
            snprintf(msg, sizeof msg, "%llu mismatches", (unsigned long long)bad);
            fail(desc, msg);
        } else {
            pass(desc);
        }
    }
    printf("exhaustive: elapsed %.1f s\n", now() - t0);
    return g_failures ? 1 : 0;
}
