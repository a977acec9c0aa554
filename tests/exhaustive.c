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
   first mismatches, and the elapsed time; exits 1 on any failure.

   Then vik_exp_neg (kernels/nn.h) on every float32 in [-104, 0] (bit
   patterns 0x80000000 .. 0xC2D00000, -0 to -104, about 1.1e9 inputs; below
   -104 it returns 0 by a branch) against double exp: error below 1 ulp of
   the true result (ulp(v) = 2^(floor(log2 v) - 23), 2^-149 for v < 2^-126),
   and every result in [0, 1]; two threads, each half of the range. Prints
   the largest error in ulp and where. */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats.h"
#include "nn.h"
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

/* ------------------------------------------------------------ vik_exp_neg */

#define EXP_LO 0x80000000u      /* -0 */
#define EXP_HI 0xC2D00000u      /* -104 */

typedef struct {
    uint32_t lo, hi;            /* bit patterns lo .. hi, inclusive */
    uint64_t checked, bad, range;
    double worst;
    uint32_t worst_bits;
    uint32_t show[NSHOW];
} exp_work_t;

/* |got - e^x| in ulps of the true result (double exp: its own error,
   ~2^-53 relative, is 2^-29 of a float ulp). */
static double exp_ulp_err(float x, float got)
{
    double e = exp((double)x), d = (double)got - e, ulp;
    int k;
    if (e >= 0x1p-126) {
        (void)frexp(e, &k);         /* e = f 2^k, f in [0.5, 1) */
        ulp = ldexp(1.0, k - 24);
    } else {
        ulp = 0x1p-149;
    }
    return (d < 0 ? -d : d) / ulp;
}

static void *exp_sweep(void *arg)
{
    exp_work_t *w = arg;
    uint32_t b = w->lo;
    for (;;) {
        float x = u2f(b), e = vik_exp_neg(x);
        double r = exp_ulp_err(x, e);
        w->checked++;
        if (!(e >= 0.0f && e <= 1.0f))
            w->range++;
        if (r > w->worst) {
            w->worst = r;
            w->worst_bits = b;
        }
        if (!(r < 1.0)) {
            if (w->bad < NSHOW)
                w->show[w->bad] = b;
            w->bad++;
        }
        if (b == w->hi)
            break;
        b++;
    }
    return NULL;
}

static void check_exp(void)
{
    static exp_work_t w[2];
    pthread_t th[2];
    uint32_t mid = EXP_LO + (EXP_HI - EXP_LO) / 2u;
    uint64_t checked, bad, range;
    double worst;
    uint32_t worst_bits;
    int t;
    uint64_t n;
    char desc[300], msg[200];
    float one = vik_exp_neg(0.0f), zero = vik_exp_neg(-INFINITY);

    if (f2u(one) == f2u(1.0f) && f2u(zero) == 0u)
        pass("vik_exp_neg(0) == 1 and vik_exp_neg(-inf) == +0 exactly");
    else
        fail("vik_exp_neg(0) == 1 and vik_exp_neg(-inf) == +0 exactly", "differ");
    w[0].lo = EXP_LO;
    w[0].hi = mid;
    w[1].lo = mid + 1u;
    w[1].hi = EXP_HI;
    printf("exhaustive: vik_exp_neg on every float32 in [-104, 0], 2 threads\n");
    for (t = 0; t < 2; t++)
        if (pthread_create(&th[t], NULL, exp_sweep, &w[t]) != 0) {
            fail("pthread_create", "cannot start a thread");
            return;
        }
    for (t = 0; t < 2; t++) pthread_join(th[t], NULL);
    checked = w[0].checked + w[1].checked;
    bad = w[0].bad + w[1].bad;
    range = w[0].range + w[1].range;
    t = w[1].worst > w[0].worst;
    worst = w[t].worst;
    worst_bits = w[t].worst_bits;
    for (t = 0; t < 2; t++)
        for (n = 0; n < w[t].bad && n < NSHOW; n++) {
            float x = u2f(w[t].show[n]);
            printf("  vik_exp_neg(%a) = %a, exp = %a: %.4f ulp\n", (double)x,
                   (double)vik_exp_neg(x), exp((double)x), exp_ulp_err(x, vik_exp_neg(x)));
        }
    snprintf(desc, sizeof desc, "vik_exp_neg on all %llu float32 in [-104, 0]: error < 1 "
             "ulp of e^x (2^-149 floor), result in [0, 1]; max %.4f ulp at x = %a",
             (unsigned long long)checked, worst, (double)u2f(worst_bits));
    if (bad != 0 || range != 0 || checked != (uint64_t)(EXP_HI - EXP_LO) + 1u) {
        snprintf(msg, sizeof msg, "%llu at or above 1 ulp, %llu outside [0, 1]",
                 (unsigned long long)bad, (unsigned long long)range);
        fail(desc, msg);
    } else {
        pass(desc);
    }
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
    check_exp();
    printf("exhaustive: elapsed %.1f s\n", now() - t0);
    return g_failures ? 1 : 0;
}
