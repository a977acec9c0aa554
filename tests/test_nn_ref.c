/* The elementwise kernels of kernels/nn.h (and the RoPE table builder of
   harness/rope_table.h) against the vendored references in tests/data/ops
   (copied from shared/reference/ops; y64 computed by PyTorch in float64 from
   the float32 inputs), within error bounds derived below from u = 2^-24 (one
   float32 rounding) and the stated accuracy of vik_exp_neg; each check
   prints the measured max |err| and the worst err/bound. Then properties:

   (a) vik_exp_neg: exactly 1 at 0 and -0, exactly 0 at -inf; every 61st
       float32 bit pattern of [-104, 0] (and every 61st below -104) within
       1 ulp of double exp, output in [0, 1] (the whole range is swept by
       tests/exhaustive.c); vik_sigmoid in [0, 1] and within its bound on
       every 4099th finite float32.
   (b) softmax0..2 within the softmax bound; -inf entries exactly 0; a fully
       masked row all zeros with VIK_OK (with and without a sink); NaN, +inf,
       |x| > 2^100 in x or in the sink (and a -inf sink) give VIK_EDOMAIN and
       all zeros; +-2^100 accepted; random rows (masks, sinks, n up to
       4096): within the bound, outputs in [0, 1], with a sink the sum below 1
       wherever the bound implies it, in place (y == x) bit-equal.
   (c) rmsnorm0..1, silu, swiglu within their bounds; SiLU/SwiGLU in place
       bit-equal, vik_silu bit-equal to vik_silu1.
   (d) the RoPE table (theta 10000) against long double cos/sin within its
       bound, |c|, |s| <= 1, row 0 exactly (1, 0); rope halves and
       interleaved within the rotation bound.
   (e) vik-ref on every vendored case writes exactly the reference's output
       names, float32, bit-equal to the direct kernel calls. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "nn.h"
#include "npy.h"
#include "rope_table.h"
#include "util.h"
#include "rng.h"
#include "nnref.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define DATA "tests/data/ops"

/* ================================================================ exp */

/* |got - e^x| in units of the last place of the true result e^x (double
   exp, whose own error, ~2^-53 relative, is 2^-29 of a float ulp): ulp(v) =
   2^(floor(log2 v) - 23) for v >= 2^-126, and 2^-149 below (subnormals, and
   results that round to 0). */
static double exp_ulp_err(float x, float got)
{
    double e = exp((double)x), ulp;
    int k;
    if (e >= 0x1p-126) {
        (void)frexp(e, &k);             /* e = f 2^k, f in [0.5, 1) */
        ulp = ldexp(1.0, k - 24);
    } else {
        ulp = TINY;
    }
    return dabs((double)got - e) / ulp;
}

static void test_exp(void)
{
    uint32_t b, worst_b = 0;
    size_t n = 0, bad = 0, range = 0, over = 0;
    double worst = 0, wrel = 0;
    char desc[300], det[600] = "";
    float e0 = vik_exp_neg(0.0f), em0 = vik_exp_neg(-0.0f), ei = vik_exp_neg(-INFINITY);
    check_msg(f2u(e0) == f2u(1.0f) && f2u(em0) == f2u(1.0f) && f2u(ei) == 0u,
              "vik_exp_neg(0) == 1, vik_exp_neg(-0) == 1, vik_exp_neg(-inf) == +0 "
              "exactly", "got 0x%08x 0x%08x 0x%08x", (unsigned)f2u(e0),
              (unsigned)f2u(em0), (unsigned)f2u(ei));

    /* [-104, 0]: bit patterns 0x80000000 .. 0xC2D00000 (-104), every 61st,
       then every 61st below -104 down to -FLT_MAX (true result < 2^-150:
       the only answer within 1 ulp is 0 or 2^-149) */
    for (b = 0x80000000u; b <= 0xFF7FFFFFu; b += 61u) {
        float x = u2f(b), e = vik_exp_neg(x);
        double r = exp_ulp_err(x, e);
        /* the proven clause (nn.h, acc): |e - e^x| <= 2^-21 e^x + 2^-150,
           checked in double (exp's own error, 2^-53 relative, is far below
           the gap between ~1 ulp measured and the bound's 8 ulp) */
        double E = exp((double)x), d = fabs((double)e - E);
        n++;
        if (!(d <= 0x1p-21 * E + 0x1p-150))
            over++;
        if (E >= 0x1p-126 && d / E > wrel)
            wrel = d / E;
        if (!(e >= 0.0f && e <= 1.0f))
            range++;
        if (r > worst) {
            worst = r;
            worst_b = b;
        }
        if (!(r < 1.0) && bad++ < SHOW)
            append(det, sizeof det, "x = %a: got %a, exp %a (%.3f ulp); ", (double)x,
                   (double)e, exp((double)x), r);
        if (b > 0xFF7FFFFFu - 61u)
            break;
    }
    snprintf(desc, sizeof desc, "vik_exp_neg on %zu sampled x <= 0 (every 61st "
             "float32): error < 1 ulp of the true result (2^-149 floor): max %.4f ulp "
             "at x = %a", n, worst, (double)u2f(worst_b));
    check_msg(bad == 0, desc, "%zu at or above 1 ulp: %s", bad, det);
    snprintf(desc, sizeof desc, "vik_exp_neg on %zu sampled x <= 0: within the proven "
             "bound 2^-21 e^x + 2^-150 (2^-21 = %.3g; measured max relative error %.3g, "
             "normal range)", n, 0x1p-21, wrel);
    check_msg(over == 0, desc, "%zu outside", over);
    snprintf(desc, sizeof desc, "vik_exp_neg on %zu sampled x <= 0: result in [0, 1]", n);
    check_msg(range == 0, desc, "%zu outside", range);
}

/* Sigmoid bound. x >= 0: y = 1 / fl(1 + e), e = vik_exp_neg(-x) with
   |e - E| <= 2u E + 2^-149 (< 1 ulp), E = e^-x <= 1, so 1 + e = (1 + E)(1 + t),
   |t| <= (2u E + 2^-149) / (1 + E) <= u + 2^-149; with the rounding of the
   sum and of the division: |y / Y - 1| <= (1 + u) / ((1 - u - 2^-149)(1 - u)) - 1.
   x < 0: y = fl(e / fl(1 + e)), e = vik_exp_neg(x): one more relative 2u
   from e in the numerator, and e's absolute 2^-149 plus a subnormal
   quotient's 2^-150 as an absolute term:
     |y - Y| <= Y ((1 + 2u)(1 + u) / ((1 - u - 2^-149)(1 - u)) - 1) + 2^-148,
   used for both signs. */
static double sigmoid_bound(double Y)
{
    double rel = (1 + 2 * U) * (1 + U) / ((1 - U - TINY) * (1 - U)) - 1;
    return Y * rel + 2 * TINY;
}

static void test_sigmoid(void)
{
    uint64_t b;
    size_t n = 0, bad = 0, range = 0;
    double worst = 0, maxerr = 0;
    char desc[300], det[600] = "";
    for (b = 0; b <= 0xFFFFFFFFu; b += 4099u) {
        float x = u2f((uint32_t)b), y;
        double Y, e, bd;
        if (!(x - x == 0.0f))           /* NaN, inf: outside the contract */
            continue;
        y = vik_sigmoid(x);
        Y = 1.0 / (1.0 + exp(-(double)x));
        e = dabs((double)y - Y);
        bd = sigmoid_bound(Y);
        n++;
        if (!(y >= 0.0f && y <= 1.0f))
            range++;
        if (e > maxerr)
            maxerr = e;
        if (e / bd > worst)
            worst = e / bd;
        if (!(e <= bd) && bad++ < SHOW)
            append(det, sizeof det, "x = %a: got %a, want %a; ", (double)x, (double)y, Y);
    }
    snprintf(desc, sizeof desc, "vik_sigmoid on %zu finite float32 (every 4099th): "
             "result in [0, 1]", n);
    check_msg(range == 0, desc, "%zu outside", range);
    snprintf(desc, sizeof desc, "vik_sigmoid on %zu finite float32: within the bound "
             "Y ((1+2u)(1+u)/((1-u-2^-149)(1-u)) - 1) + 2^-148: max |err| %.3g, worst "
             "err/bound %.3f", n, maxerr, worst);
    check_msg(bad == 0, desc, "%zu outside: %s", bad, det);
}

/* ============================================================ softmax */

/* 1 when y is what nn.h documents for vik_softmax_sink on an in-domain
   row, computed here one entry at a time with the scalar vik_exp_neg: the
   max m of the finite entries and the sink; e_i = 0 for -inf, else
   vik_exp_neg(x_i - m); the sum in index order after the sink's term;
   y_i = e_i / sum; a row of -inf alone without a sink gives zeros.
   This checks the order and the kernel's terms against vik_exp_neg in the
   build under test; that the vectorised build (-O3 -march=native) gives
   the same bits as the scalar one is tests/determinism.sh's check. */
static int same_as_documented(const float *y, const float *x, uint32_t n, int has_sink,
                              float sink)
{
    float m = -INFINITY, s, e;
    uint32_t i;
    for (i = 0; i < n; i++)
        if (x[i] > -FLT_MAX && x[i] > m)
            m = x[i];
    if (has_sink && sink > m)
        m = sink;
    if (m < -FLT_MAX) {
        for (i = 0; i < n; i++)
            if (f2u(y[i]) != 0u)
                return 0;
        return 1;
    }
    s = has_sink ? vik_exp_neg(sink - m) : 0.0f;
    for (i = 0; i < n; i++)
        s += x[i] < -FLT_MAX ? 0.0f : vik_exp_neg(x[i] - m);
    for (i = 0; i < n; i++) {
        e = x[i] < -FLT_MAX ? 0.0f : vik_exp_neg(x[i] - m);
        if (f2u(y[i]) != f2u(e / s))
            return 0;
    }
    return 1;
}

/* Softmax bound, per entry, for a row x[0..n-1] (and a sink when has_sink),
   in-domain. m = the largest finite logit (the sink included), E_i =
   e^(x_i - m) (0 for -inf), S = sum E_j (the sink's term included), Y_i =
   E_i / S (what y64 is). The kernel computes
     d_i = fl(x_i - m):  d_i = (x_i - m)(1 + d), |d| <= u, so e^(d_i) is
                         E_i e^t with |t| <= u |x_i - m|;
     e_i = vik_exp_neg(d_i):  |e_i - e^(d_i)| < 1 ulp <= 2u e^(d_i) + 2^-149;
       together: |e_i - E_i| <= b_i = E_i r_i + 2^-149,
       r_i = e^(u |x_i - m|)(1 + 2u) - 1 (for |x_i - m| > 128, d_i <= -128 <
       -104 so e_i = 0 and |e_i - E_i| = E_i: then b_i = E_i); b_i = 0 for a
       masked entry (e_i = 0 = E_i exactly);
     s = the N = n + has_sink terms summed in order, all >= 0:
       |s - sum e_j| <= gamma_N sum e_j, so with B = sum b_j,
       |s - S| <= B + gamma_N (S + B), and s >= 1 (the max's term is exactly
       1, sums of non-negative terms round monotonically), so
       s >= s_lo = max(1, (S - B)(1 - gamma_N));
     y_i = fl(e_i / s) = (e_i / s)(1 + d) (+ 2^-150 if subnormal).
   |y_i - Y_i| <= |e_i - E_i| / s + E_i |S - s| / (s S) + u e_i / s + 2^-149
              <= (b_i + Y_i (B + gamma_N (S + B)) + u (E_i + b_i)) / s_lo + 2^-149.
   Written into bnd[i]; E_i / S into Y[i]. The reference y64 is itself a
   float64 computation (error ~n 2^-52 Y_i): REF_SLACK adds n 2^-50 Y_i +
   2^-1000 to the comparison, not to the printed ratios. */
static void softmax_bound(const float *x, uint32_t n, int has_sink, float sink,
                          double *Y, double *bnd)
{
    double m = -INFINITY, S = 0, B = 0, g, slo, Es = 0, bs = 0;
    uint32_t i, N = n + (has_sink != 0);
    for (i = 0; i < n; i++)
        if (x[i] > -FLT_MAX && (double)x[i] > m)
            m = x[i];
    if (has_sink && (double)sink > m)
        m = sink;
    if (m == -INFINITY) {               /* every entry masked, no sink */
        for (i = 0; i < n; i++)
            Y[i] = bnd[i] = 0;
        return;
    }
    for (i = 0; i < n; i++) {
        double d = (double)x[i] - m, E = exp(d);
        Y[i] = E;
        bnd[i] = x[i] < -FLT_MAX ? 0 : -d > 128 ? E : E * (exp(U * -d) * (1 + 2 * U) - 1) + TINY;
        S += E;
        B += bnd[i];
    }
    if (has_sink) {
        double d = (double)sink - m;
        Es = exp(d);
        bs = -d > 128 ? Es : Es * (exp(U * -d) * (1 + 2 * U) - 1) + TINY;
        S += Es;
        B += bs;
    }
    g = gamma_n(N);
    slo = (S - B) * (1 - g);
    if (slo < 1)
        slo = 1;
    for (i = 0; i < n; i++) {
        double E = Y[i];
        Y[i] = E / S;
        bnd[i] = (bnd[i] + Y[i] * (B + g * (S + B)) + U * (E + bnd[i])) / slo + TINY;
    }
}

#define REF_SLACK(n, y) ((double)(n) * 0x1p-50 * dabs(y) + 0x1p-1000)

typedef struct {
    size_t n, bad;
    double maxerr, worst;
    char det[600];
} tally;

static void tally_init(tally *t)
{
    memset(t, 0, sizeof *t);
}

/* One output: got against the exact want, bound bd (slack added for the
   float64 reference, not in the ratio). */
static void tally_add(tally *t, const char *what, size_t i, double got, double want,
                      double bd, double slack)
{
    double e = dabs(got - want);
    t->n++;
    if (e > t->maxerr)
        t->maxerr = e;
    if (bd > 0 && e / bd > t->worst)
        t->worst = e / bd;
    if (!(e <= bd + slack) && t->bad++ < SHOW)
        append(t->det, sizeof t->det, "%s[%zu] = %.9g, want %.17g, |err| %.3g > bound "
               "%.3g; ", what, i, got, want, e, bd);
}

static void tally_check(const tally *t, const char *desc)
{
    char d[800];
    snprintf(d, sizeof d, "%s: %zu outputs within the bound: max |err| %.3g, worst "
             "err/bound %.3f", desc, t->n, t->maxerr, t->worst);
    check_msg(t->bad == 0, d, "%zu outside: %s", t->bad, t->det);
}

/* nn.h's sum clauses: the outputs' real sum within VIK_SM_EB(n) = (n + 1)
   2^-23 of 1 (no sink, an entry finite), at most 1 + VIK_SM_EB(n) (a sink).
   The sum is taken here in double, in index order: n floats in [0, 1] add
   to within n 2^-53 of their real sum, so the check asks the double sum to
   lie within VIK_SM_EB(n) - n 2^-53 of the bound (a pass implies the real
   sum satisfies the clause). Returns 1 when the row satisfies it; *dev is
   |sum - 1| where the two-sided clause applies, else 0. */
static int sum_clause(const float *y, const float *x, uint32_t n, int has_sink, double *dev)
{
    double sum = 0, tol = VIK_SM_EB((double)n) - n * 0x1p-53;
    int finite = 0;
    uint32_t i;
    for (i = 0; i < n; i++) {
        sum += y[i];
        finite |= x[i] > -FLT_MAX;
    }
    *dev = !has_sink && finite ? fabs(sum - 1) : 0;
    if (has_sink)
        return sum <= 1 + tol;
    return !finite || fabs(sum - 1) <= tol;
}

static void test_softmax_refs(void)
{
    static const char *const CASES[] = {"softmax0", "softmax1", "softmax2"};
    static const char *const names[] = {"y64.npy"};
    size_t c, r, i;
    for (c = 0; c < COUNT(CASES); c++) {
        char dir[256], desc[400];
        npy_array x, y64;
        size_t masked = 0, notzero = 0, rows, n, bad_rc = 0, sum_bad = 0;
        double worst = 0, dev;
        float *y;
        double *Y, *bd;
        tally t;
        snprintf(dir, sizeof dir, "%s/%s", DATA, CASES[c]);
        if (!load_arr(dir, "x.npy", NPY_F32, 2, NULL, &x))
            continue;
        if (!load_arr(dir, "y64.npy", NPY_F64, 2, x.shape, &y64)) {
            npy_free(&x);
            continue;
        }
        rows = x.shape[0];
        n = x.shape[1];
        y = malloc(x.count * sizeof *y);
        Y = malloc(n * sizeof *Y);
        bd = malloc(n * sizeof *bd);
        if (!y || !Y || !bd) {
            check(0, "allocate");
            goto next;
        }
        tally_init(&t);
        for (r = 0; r < rows; r++) {
            const float *xr = (const float *)x.data + r * n;
            const double *yr = (const double *)y64.data + r * n;
            bad_rc += vik_softmax(y + r * n, xr, (uint32_t)n) != VIK_OK;
            softmax_bound(xr, (uint32_t)n, 0, 0.0f, Y, bd);
            sum_bad += !sum_clause(y + r * n, xr, (uint32_t)n, 0, &dev);
            if (dev > worst)
                worst = dev;
            for (i = 0; i < n; i++) {
                tally_add(&t, "y", r * n + i, y[r * n + i], yr[i], bd[i],
                          REF_SLACK(n, yr[i]));
                if (xr[i] < -FLT_MAX) {
                    masked++;
                    notzero += f2u(y[r * n + i]) != 0u;
                }
            }
        }
        snprintf(desc, sizeof desc, "%s [%zu rows, n %zu]: vik_softmax returns VIK_OK "
                 "on every row", CASES[c], rows, n);
        check_msg(bad_rc == 0, desc, "%zu rows refused", bad_rc);
        snprintf(desc, sizeof desc, "%s [%zu rows, n %zu]: the outputs' sum within "
                 "VIK_SM_EB(n) = %.3g of 1 (nn.h's sum clause; worst %.3g)", CASES[c], rows, n,
                 VIK_SM_EB((double)n), worst);
        check_msg(sum_bad == 0, desc, "%zu rows outside", sum_bad);
        snprintf(desc, sizeof desc, "%s [%zu rows, n %zu] vs y64 (softmax bound, "
                 "gamma_%zu)", CASES[c], rows, n, n);
        tally_check(&t, desc);
        if (masked) {
            snprintf(desc, sizeof desc, "%s: the %zu -inf entries give exactly +0",
                     CASES[c], masked);
            check_msg(notzero == 0, desc, "%zu nonzero", notzero);
        }
        {
            const float *want[1];
            want[0] = y;
            vikref_same(dir, CASES[c], 1, names, want, &x.count);
        }
    next:
        free(y);
        free(Y);
        free(bd);
        npy_free(&x);
        npy_free(&y64);
    }
}

#define CANARY 0x7FA5A5A5u      /* a NaN no kernel produces */

/* vik_softmax_sink(x, n) must return want with y all +0 (from a canary
   fill) when want is VIK_EDOMAIN or the row is all masked. */
static int softmax_zeros(const float *x, uint32_t n, int has_sink, float sink,
                         int want, char *det, size_t cap)
{
    float y[64];
    uint32_t i;
    int rc, ok;
    for (i = 0; i < n; i++)
        y[i] = u2f(CANARY);
    rc = vik_softmax_sink(y, x, n, has_sink, sink);
    ok = rc == want;
    for (i = 0; i < n; i++)
        ok &= f2u(y[i]) == 0u;
    if (!ok)
        append(det, cap, "n %u sink %d (%a): rc %d, y[0] 0x%08x; ", n, has_sink,
               (double)sink, rc, (unsigned)f2u(y[0]));
    return ok;
}

static void test_softmax_domain(void)
{
    static const uint32_t BAD[] = {
        0x7FC00000u, 0xFFC00000u, 0x7F800001u,     /* NaNs (quiet, -quiet, signalling) */
        0x7F800000u,                               /* +inf */
        0x71800001u, 0xF1800001u,                  /* +-2^100 (1 + 2^-23) */
        0x7F7FFFFFu, 0xFF7FFFFFu,                  /* +-FLT_MAX */
    };
    float x[64];
    char det[800] = "";
    size_t b;
    uint32_t i, n, pos;
    int ok = 1, ok_sink = 1, ok_mask = 1, ok_edge = 1;
    float y[64], y2[64];

    /* all -inf: zeros and VIK_OK, without and with a (finite) sink */
    for (n = 1; n <= 64; n += 21) {
        for (i = 0; i < n; i++)
            x[i] = -INFINITY;
        ok_mask &= softmax_zeros(x, n, 0, 0.0f, VIK_OK, det, sizeof det);
        ok_mask &= softmax_zeros(x, n, 1, -3.5f, VIK_OK, det, sizeof det);
        ok_mask &= softmax_zeros(x, n, 1, 0x1p100f, VIK_OK, det, sizeof det);
    }
    check_msg(ok_mask, "vik_softmax(_sink) of a fully masked row (all -inf): VIK_OK "
              "and all +0, with or without a sink", "%s", det);

    /* one bad entry anywhere in an otherwise fine row (with -inf and
       finite entries): VIK_EDOMAIN and all zeros */
    det[0] = '\0';
    for (b = 0; b < COUNT(BAD); b++)
        for (pos = 0; pos < 40; pos += 13) {
            for (i = 0; i < 40; i++)
                x[i] = i % 3 == 0 ? -INFINITY : (float)i - 20.0f;
            x[pos] = u2f(BAD[b]);
            ok &= softmax_zeros(x, 40, 0, 0.0f, VIK_EDOMAIN, det, sizeof det);
            ok &= softmax_zeros(x, 40, 1, 1.0f, VIK_EDOMAIN, det, sizeof det);
        }
    check_msg(ok, "vik_softmax(_sink): NaN, +inf, |x| = 2^100 (1 + 2^-23), +-FLT_MAX "
              "at any position: VIK_EDOMAIN and all +0 (canary overwritten)", "%s", det);

    /* a bad sink (NaN, +-inf, |sink| > 2^100) with a fine row */
    det[0] = '\0';
    for (i = 0; i < 40; i++)
        x[i] = (float)i * 0.25f;
    for (b = 0; b < COUNT(BAD); b++)
        ok_sink &= softmax_zeros(x, 40, 1, u2f(BAD[b]), VIK_EDOMAIN, det, sizeof det);
    ok_sink &= softmax_zeros(x, 40, 1, -INFINITY, VIK_EDOMAIN, det, sizeof det);
    check_msg(ok_sink, "vik_softmax_sink with a NaN, +-inf or |sink| > 2^100 sink: "
              "VIK_EDOMAIN and all +0", "%s", det);

    /* the edges of the domain are accepted: +-2^100 */
    det[0] = '\0';
    x[0] = 0x1p100f;
    x[1] = -0x1p100f;
    x[2] = 0x1p100f;
    x[3] = -INFINITY;
    i = (uint32_t)vik_softmax(y, x, 4);
    ok_edge = i == VIK_OK && y[0] == 0.5f && y[1] == 0.0f && y[2] == 0.5f && f2u(y[3]) == 0u;
    i = (uint32_t)vik_softmax_sink(y2, x, 4, 1, -0x1p100f);
    ok_edge &= i == VIK_OK && y2[0] == 0.5f && y2[2] == 0.5f;
    i = (uint32_t)vik_softmax_sink(y2, x + 1, 1, 1, 0x1p100f);
    ok_edge &= i == VIK_OK && f2u(y2[0]) == 0u;
    check_msg(ok_edge, "vik_softmax(_sink) accepts +-2^100 exactly: [2^100, -2^100, "
              "2^100, -inf] -> [0.5, 0, 0.5, 0]; a sink of -2^100 changes nothing; a "
              "sink of 2^100 takes all the weight from -2^100", "y %a %a %a %a, y2[0] %a",
              (double)y[0], (double)y[1], (double)y[2], (double)y[3], (double)y2[0]);
}

/* Random rows: logits of a random spread (up to +-2^14), a random fraction
   masked, sometimes a sink; n from 1 to 4096. */
static void test_softmax_random(void)
{
    enum { TRIALS = 300 };
    static float x[4096], y[4096], yi[4096];
    static double Y[4096], bd[4096];
    tally t;
    size_t range = 0, notzero = 0, inplace = 0, sumbad = 0, sumchecked = 0, rcbad = 0, order = 0;
    size_t clause_bad = 0, top_bad = 0, top_rows = 0;
    double worst = 0, dev;
    int trial;
    char desc[400], det[400] = "";
    tally_init(&t);
    rnd_seed(0x5EED50F7u);
    for (trial = 0; trial < TRIALS; trial++) {
        uint32_t n = trial % 5 == 0 ? 1u + rnd() % 8u : 1u + rnd() % 4096u, i;
        double spread = ldexp(1.0, (int)(rnd() % 15u) - 1), off = (double)(rnd() % 2001u) - 1000.0;
        uint32_t maskp = rnd() % 4u == 0 ? rnd() % 100u : 0u;
        int has_sink = rnd() % 2u == 0;
        float sink = (float)(off + spread * ((double)(rnd() >> 8) * 0x1p-23 - 1.0));
        double sum = 0, bsum = 0, psink;
        int rc;
        for (i = 0; i < n; i++)
            x[i] = rnd() % 100u < maskp ? -INFINITY
                   : (float)(off + spread * ((double)(rnd() >> 8) * 0x1p-23 - 1.0));
        rc = vik_softmax_sink(y, x, n, has_sink, sink);
        order += !same_as_documented(y, x, n, has_sink, sink);
        memcpy(yi, x, n * sizeof *x);
        rcbad += rc != VIK_OK || vik_softmax_sink(yi, yi, n, has_sink, sink) != VIK_OK;
        inplace += memcmp(y, yi, n * sizeof *y) != 0;
        softmax_bound(x, n, has_sink, sink, Y, bd);
        clause_bad += !sum_clause(y, x, n, has_sink, &dev);
        if (!has_sink) {                   /* nn.h's top: an output >= 2^-17 */
            float top = 0.0f;
            int finite = 0;
            for (i = 0; i < n; i++) {
                top = y[i] > top ? y[i] : top;
                finite |= x[i] > -FLT_MAX;
            }
            if (finite) {
                top_rows++;
                top_bad += !(top >= 0x1p-17f);
            }
        }
        if (dev > worst)
            worst = dev;
        for (i = 0; i < n; i++) {
            tally_add(&t, "y", i, y[i], Y[i], bd[i], 0x1p-1000);
            range += !(y[i] >= 0.0f && y[i] <= 1.0f);
            if (x[i] < -FLT_MAX)
                notzero += f2u(y[i]) != 0u;
            sum += y[i];
            bsum += bd[i];
        }
        /* the true weights sum to 1 - p_sink; the computed ones to within
           sum bnd_i of that (and the double sum of n floats in [0, 1] is off
           by at most n 2^-53): so sum < 1 is implied when p_sink exceeds
           that; rows whose sink weight drowns in rounding are not claimed */
        if (has_sink) {
            double m = sink, S = 0;
            for (i = 0; i < n; i++)
                if (x[i] > -FLT_MAX && (double)x[i] > m)
                    m = x[i];
            for (i = 0; i < n; i++)
                S += exp((double)x[i] - m);
            psink = exp((double)sink - m) / (S + exp((double)sink - m));
            if (psink > bsum + n * 0x1p-53) {
                sumchecked++;
                if (!(sum < 1.0) && sumbad++ < SHOW)
                    append(det, sizeof det, "trial %d n %u: sum %.17g, p_sink %.3g; ",
                           trial, n, sum, psink);
            }
        }
    }
    snprintf(desc, sizeof desc, "vik_softmax_sink on %d random rows (n 1..4096, spread "
             "up to 2^13, masks, sinks) vs a double softmax (softmax bound)", TRIALS);
    tally_check(&t, desc);
    check_msg(rcbad == 0 && range == 0, "random rows: VIK_OK, every output in [0, 1]",
              "%zu bad codes, %zu outside [0, 1]", rcbad, range);
    check_msg(notzero == 0, "random rows: every -inf entry gives exactly +0",
              "%zu nonzero", notzero);
    check_msg(inplace == 0, "random rows: in place (y == x) bit-equal to out of place",
              "%zu rows differ", inplace);
    check_msg(order == 0, "random rows: bit-equal to the documented order (max, terms "
              "e_i = vik_exp_neg(x_i - max) one by one, sum in index order after the "
              "sink's, e_i / sum)",
              "%zu rows differ", order);
    snprintf(desc, sizeof desc, "random rows: the outputs' sum within VIK_SM_EB(n) of 1, "
             "at most 1 + VIK_SM_EB(n) with a sink (nn.h's sum clauses; worst |sum - 1| "
             "without a sink %.3g)", worst);
    check_msg(clause_bad == 0, desc, "%zu rows outside", clause_bad);
    snprintf(desc, sizeof desc, "random rows without a sink, with a finite entry (%zu): the "
             "largest output at least 2^-17 (nn.h's top clause)", top_rows);
    check_msg(top_bad == 0 && top_rows > 20, desc, "%zu rows below", top_bad);
    snprintf(desc, sizeof desc, "random rows with a sink: sum of y < 1 on the %zu rows "
             "where p_sink exceeds the bound's sum", sumchecked);
    check_msg(sumbad == 0 && sumchecked > 20, desc, "%zu rows not below 1: %s", sumbad, det);
}

/* ============================================================ RMSNorm */

/* RMSNorm bound. y_i = fl(w_i fl(x_i r)), r = fl(1 / fl(sqrt(v))),
   v = fl(fl(ss / n) + eps), ss the sum of squares in vik_dot_f32's lane
   order: |ss_hat - ss| <= gamma_k ss + n 2^-149, k = ceil(n/16) + 5
   (linear.h). All terms positive, so relative errors carry:
     |v / V - 1| <= rho_v = (1 + gamma_k)(1 + u)^2 - 1 + 2^-148 / eps,
       V = ss / n + eps (the 2^-148/eps: the underflow term over V >= eps);
     sqrt: |sqrt(1 + t) - 1| <= rho_v / (1 + sqrt(1 - rho_v)), then one
       rounding: rho_q = (1 + that)(1 + u) - 1;
     1 / q: rho_r = (1 + rho_q / (1 - rho_q))(1 + u) - 1;
     two products: rho_y = (1 + rho_r)(1 + u)^2 - 1, plus (|w_i| + 1) 2^-149
       for subnormal products.
   |y_i - Y_i| <= rho_y |Y_i| + (|w_i| + 1) 2^-149, Y_i = w_i x_i / sqrt(V). */
static double rms_rho(uint32_t n, double eps)
{
    double gk = gamma_n((double)((n + 15u) / 16u + 5u));
    double rv = (1 + gk) * (1 + U) * (1 + U) - 1 + 2 * TINY / eps;
    double rq = (1 + rv / (1 + sqrt(1 - rv))) * (1 + U) - 1;
    double rr = (1 + rq / (1 - rq)) * (1 + U) - 1;
    return (1 + rr) * (1 + U) * (1 + U) - 1;
}

static void test_rmsnorm_refs(void)
{
    static const char *const CASES[] = {"rmsnorm0", "rmsnorm1"};
    static const char *const names[] = {"y64.npy"};
    size_t c, t, i;
    for (c = 0; c < COUNT(CASES); c++) {
        char dir[256], desc[400];
        npy_array x, w, y64;
        size_t wn[1];
        float *y;
        double rho;
        tally tl;
        snprintf(dir, sizeof dir, "%s/%s", DATA, CASES[c]);
        if (!load_arr(dir, "x.npy", NPY_F32, 2, NULL, &x))
            continue;
        wn[0] = x.shape[1];
        if (!load_arr(dir, "w.npy", NPY_F32, 1, wn, &w)) {
            npy_free(&x);
            continue;
        }
        if (!load_arr(dir, "y64.npy", NPY_F64, 2, x.shape, &y64)) {
            npy_free(&x);
            npy_free(&w);
            continue;
        }
        y = malloc(x.count * sizeof *y);
        if (!y) {
            check(0, "allocate");
        } else {
            uint32_t n = (uint32_t)x.shape[1];
            const float *wv = w.data;
            tally_init(&tl);
            rho = rms_rho(n, 1e-5f);
            for (t = 0; t < x.shape[0]; t++) {
                vik_rmsnorm(y + t * n, (const float *)x.data + t * n, wv, n, 1e-5f);
                for (i = 0; i < n; i++) {
                    double Y = ((const double *)y64.data)[t * n + i];
                    tally_add(&tl, "y", t * n + i, y[t * n + i], Y,
                              rho * dabs(Y) + (dabs(wv[i]) + 1) * TINY, REF_SLACK(n, Y));
                }
            }
            snprintf(desc, sizeof desc, "%s [%zu, %u] vs y64 (RMSNorm bound, rho_y = "
                     "%.3g = %.1f u)", CASES[c], x.shape[0], n, rho, rho / U);
            tally_check(&tl, desc);
            {
                const float *want[1];
                want[0] = y;
                vikref_same(dir, CASES[c], 1, names, want, &x.count);
            }
        }
        free(y);
        npy_free(&x);
        npy_free(&w);
        npy_free(&y64);
    }
}

/* ========================================================= SiLU, SwiGLU */

/* SiLU bound, from the same steps as the sigmoid's. x >= 0: y = fl(x /
   fl(1 + e)), e = vik_exp_neg(-x): |y / Y - 1| <= (1 + u) / ((1 - u -
   2^-149)(1 - u)) - 1. x < 0: y = fl(fl(x e) / fl(1 + e)), e =
   vik_exp_neg(x) = E (1 + 2u) + 2^-149: relative (1 + 2u)(1 + u)^2 /
   ((1 - u - 2^-149)(1 - u)) - 1, absolute |x| 2^-149 (e's floor, times x)
   plus subnormal roundings, at most (|x| + 1) 2^-148:
     |y - Y| <= rel_s |Y| + (|x| + 1) 2^-148, for both signs. */
static const double REL_S = (1 + 2 * U) * (1 + U) * (1 + U) / ((1 - U - TINY) * (1 - U)) - 1;

static double silu_bound(double x, double Y)
{
    return REL_S * dabs(Y) + (dabs(x) + 1) * 2 * TINY;
}

static void test_silu_swiglu(void)
{
    static const char *const names[] = {"y64.npy"};
    char dir[256], desc[400];
    npy_array x, g, up, y64;
    float *y, *yi;
    size_t i, inplace, one;
    tally t;

    snprintf(dir, sizeof dir, "%s/silu", DATA);
    if (load_arr(dir, "x.npy", NPY_F32, 2, NULL, &x)) {
        if (load_arr(dir, "y64.npy", NPY_F64, 2, x.shape, &y64)) {
            const float *xv = x.data;
            y = malloc(x.count * sizeof *y);
            yi = malloc(x.count * sizeof *yi);
            if (y && yi) {
                tally_init(&t);
                vik_silu(y, xv, (uint32_t)x.count);
                memcpy(yi, xv, x.count * sizeof *yi);
                vik_silu(yi, yi, (uint32_t)x.count);
                for (i = inplace = one = 0; i < x.count; i++) {
                    double Y = ((const double *)y64.data)[i];
                    tally_add(&t, "y", i, y[i], Y, silu_bound(xv[i], Y), REF_SLACK(1, Y));
                    inplace += f2u(y[i]) != f2u(yi[i]);
                    one += f2u(y[i]) != f2u(vik_silu1(xv[i]));
                }
                snprintf(desc, sizeof desc, "silu [%zu, %zu] vs y64 (SiLU bound, rel %.2f u "
                         "+ (|x|+1) 2^-148)", x.shape[0], x.shape[1], REL_S / U);
                tally_check(&t, desc);
                check_msg(inplace == 0 && one == 0, "silu: vik_silu in place bit-equal, "
                          "each output bit-equal to vik_silu1", "%zu, %zu differ",
                          inplace, one);
                {
                    const float *want[1];
                    want[0] = y;
                    vikref_same(dir, "silu", 1, names, want, &x.count);
                }
            } else {
                check(0, "allocate");
            }
            free(y);
            free(yi);
            npy_free(&y64);
        }
        npy_free(&x);
    }

    /* SwiGLU: y = fl(silu1(g) up): one more rounding and up times silu's
       absolute term: |y - Y| <= ((1 + rel_s)(1 + u) - 1)|Y| + |up|(|g| + 1)
       2^-148 + 2^-149. */
    snprintf(dir, sizeof dir, "%s/swiglu", DATA);
    if (!load_arr(dir, "gate.npy", NPY_F32, 2, NULL, &g))
        return;
    if (load_arr(dir, "up.npy", NPY_F32, 2, g.shape, &up)) {
        if (load_arr(dir, "y64.npy", NPY_F64, 2, g.shape, &y64)) {
            const float *gv = g.data, *uv = up.data;
            double rel = (1 + REL_S) * (1 + U) - 1;
            y = malloc(g.count * sizeof *y);
            yi = malloc(g.count * sizeof *yi);
            if (y && yi) {
                tally_init(&t);
                vik_swiglu(y, gv, uv, (uint32_t)g.count);
                memcpy(yi, gv, g.count * sizeof *yi);
                vik_swiglu(yi, yi, uv, (uint32_t)g.count);
                for (i = inplace = 0; i < g.count; i++) {
                    double Y = ((const double *)y64.data)[i];
                    tally_add(&t, "y", i, y[i], Y,
                              rel * dabs(Y) + dabs(uv[i]) * (dabs(gv[i]) + 1) * 2 * TINY + TINY,
                              REF_SLACK(1, Y));
                    inplace += f2u(y[i]) != f2u(yi[i]);
                }
                memcpy(yi, uv, g.count * sizeof *yi);
                vik_swiglu(yi, gv, yi, (uint32_t)g.count);
                inplace += memcmp(y, yi, g.count * sizeof *y) != 0;
                snprintf(desc, sizeof desc, "swiglu [%zu, %zu] vs y64 (SwiGLU bound, rel "
                         "%.2f u + |up|(|g|+1) 2^-148 + 2^-149)", g.shape[0], g.shape[1],
                         rel / U);
                tally_check(&t, desc);
                check_msg(inplace == 0, "swiglu: in place (y == gate, y == up) bit-equal",
                          "%zu differ", inplace);
                {
                    const float *want[1];
                    want[0] = y;
                    vikref_same(dir, "swiglu", 1, names, want, &g.count);
                }
            } else {
                check(0, "allocate");
            }
            free(y);
            free(yi);
            npy_free(&y64);
        }
        npy_free(&up);
    }
    npy_free(&g);
}

/* ================================================================ RoPE */

/* The table: c = fl(cos(a~)), a~ = p f~ with f~ = exp(-(2i/D) log theta),
   all in double. log, the quotient, the product: |z~ - z| <= |z| 2^-51 with
   |z| <= log theta < 10; exp's 1 ulp: |f~ / f - 1| <= 10 * 2^-51 + 2^-52 <
   2^-47; a~ = p f~ rounded: |a~ - a| <= |a| 2^-46; cos within 1 ulp: 2^-52;
   one rounding to float: u |c|. So |c_hat - cos(a)| <= tau = u |cos a| +
   |a| 2^-46 + 2^-52 (2^-150 for a subnormal c is below 2^-52). The
   reference computes its angles in float64 too (another |a| 2^-46 + 2^-52
   at most), so comparisons with y64 use tau_ref = u |c| + |a| 2^-45 + 2^-51.
   Checked here against long double cos/sin (64-bit significand). */
static double rope_angle(uint32_t p, uint32_t i, uint32_t D)
{
    return (double)((long double)p * expl(-((long double)(2u * i) / (long double)D) *
                                          logl(10000.0L)));
}

/* Rotation bound for one output y = fl(fl(a c) - fl(b s)) (and b c + a s
   the same way): |y - (a c - b s)| <= |a| tau_c + |b| tau_s + gamma_2 (|a|
   (|c| + tau_c) + |b| (|s| + tau_s)) + 2^-148 (subnormal products); the
   float64 reference adds 2^-50 (|a| + |b|) (REF). */
static void test_rope(void)
{
    static const char *const names[] = {"y64_halves.npy", "y64_interleaved.npy"};
    char dir[256], desc[400], det[600] = "";
    npy_array x, pos, ref[2];
    size_t want3[3], wantT[1];
    float *ct = NULL, *st = NULL, *y[2] = {NULL, NULL};
    uint32_t T, H, D, h, npos = 4096, p, i, t, k;
    size_t tbad = 0, trange = 0;
    double tworst = 0, g2 = gamma_n(2);
    int hv;

    /* the table on its own */
    D = 16;
    h = D / 2;
    ct = malloc((size_t)npos * h * sizeof *ct);
    st = malloc((size_t)npos * h * sizeof *st);
    if (!ct || !st) {
        check(0, "allocate");
        goto out;
    }
    vik_rope_table(ct, st, npos, D, 10000.0f);
    for (p = 0; p < npos; p++)
        for (i = 0; i < h; i++) {
            double a = rope_angle(p, i, D);
            long double al = (long double)p * expl(-((long double)(2u * i) / (long double)D) *
                                                   logl(10000.0L));
            double c = (double)cosl(al), s = (double)sinl(al);
            double tc = U * dabs(c) + dabs(a) * 0x1p-46 + 0x1p-52;
            double ts = U * dabs(s) + dabs(a) * 0x1p-46 + 0x1p-52;
            double ec = dabs(ct[p * h + i] - c), es = dabs(st[p * h + i] - s);
            if (ec / tc > tworst)
                tworst = ec / tc;
            if (es / ts > tworst)
                tworst = es / ts;
            trange += !(ct[p * h + i] >= -1.0f && ct[p * h + i] <= 1.0f &&
                        st[p * h + i] >= -1.0f && st[p * h + i] <= 1.0f);
            if (!(ec <= tc && es <= ts) && tbad++ < SHOW)
                append(det, sizeof det, "p %u i %u: cos %a (want %a), sin %a (want %a); ",
                       p, i, (double)ct[p * h + i], c, (double)st[p * h + i], s);
        }
    snprintf(desc, sizeof desc, "vik_rope_table 4096 positions x D/2 = 8, theta 1e4, vs "
             "long double cos/sin: within tau = u|c| + |a| 2^-46 + 2^-52 (worst err/tau "
             "%.3f), every entry in [-1, 1]", tworst);
    check_msg(tbad == 0 && trange == 0, desc, "%zu outside the bound, %zu outside [-1, 1]: %s",
              tbad, trange, det);
    det[0] = '\0';
    for (i = k = 0; i < h; i++)
        k += f2u(ct[i]) != f2u(1.0f) || f2u(st[i]) != 0u;
    check_msg(k == 0, "vik_rope_table position 0: cos exactly 1, sin exactly +0",
              "%u entries differ", k);
    free(ct);
    free(st);
    ct = st = NULL;

    /* the reference case */
    snprintf(dir, sizeof dir, "%s/rope", DATA);
    memset(ref, 0, sizeof ref);
    if (!load_arr(dir, "x.npy", NPY_F32, 3, NULL, &x))
        return;
    T = (uint32_t)x.shape[0];
    H = (uint32_t)x.shape[1];
    D = (uint32_t)x.shape[2];
    h = D / 2;
    wantT[0] = T;
    memcpy(want3, x.shape, sizeof want3);
    if (!load_arr(dir, "pos.npy", NPY_I32, 1, wantT, &pos))
        goto out1;
    if (!load_arr(dir, names[0], NPY_F64, 3, want3, &ref[0]) ||
        !load_arr(dir, names[1], NPY_F64, 3, want3, &ref[1]))
        goto out2;
    npos = 0;
    for (t = 0; t < T; t++) {
        int32_t pt = ((const int32_t *)pos.data)[t];
        if (pt >= 0 && (uint32_t)pt + 1u > npos)
            npos = (uint32_t)pt + 1u;
    }
    ct = malloc((size_t)npos * h * sizeof *ct);
    st = malloc((size_t)npos * h * sizeof *st);
    y[0] = malloc(x.count * sizeof(float));
    y[1] = malloc(x.count * sizeof(float));
    if (!ct || !st || !y[0] || !y[1]) {
        check(0, "allocate");
        goto out2;
    }
    vik_rope_table(ct, st, npos, D, 10000.0f);
    for (hv = 0; hv < 2; hv++) {
        tally tl;
        const double *R = ref[hv].data;
        tally_init(&tl);
        memcpy(y[hv], x.data, x.count * sizeof(float));
        for (t = 0; t < T; t++) {
            uint32_t pt = (uint32_t)((const int32_t *)pos.data)[t];
            vik_rope(y[hv] + (size_t)t * H * D, H, D, ct + (size_t)pt * h, st + (size_t)pt * h,
                     hv == 0);
            for (k = 0; k < H; k++)
                for (i = 0; i < h; i++) {
                    /* the pair (ia, ib): out[ia] = a c - b s, out[ib] = b c + a s */
                    size_t base = ((size_t)t * H + k) * D;
                    size_t ia = base + (hv == 0 ? i : 2 * i), ib = base + (hv == 0 ? i + h : 2 * i + 1);
                    double a = ((const float *)x.data)[ia], b = ((const float *)x.data)[ib];
                    double ang = rope_angle(pt, i, D), c = cos(ang), s = sin(ang);
                    double tc = U * dabs(c) + dabs(ang) * 0x1p-45 + 0x1p-51;
                    double ts = U * dabs(s) + dabs(ang) * 0x1p-45 + 0x1p-51;
                    double bnd_a = dabs(a) * tc + dabs(b) * ts +
                                   g2 * (dabs(a) * (dabs(c) + tc) + dabs(b) * (dabs(s) + ts)) +
                                   2 * TINY;
                    double bnd_b = dabs(b) * tc + dabs(a) * ts +
                                   g2 * (dabs(b) * (dabs(c) + tc) + dabs(a) * (dabs(s) + ts)) +
                                   2 * TINY;
                    double slack = 0x1p-50 * (dabs(a) + dabs(b));
                    tally_add(&tl, "y", ia, y[hv][ia], R[ia], bnd_a, slack);
                    tally_add(&tl, "y", ib, y[hv][ib], R[ib], bnd_b, slack);
                }
        }
        snprintf(desc, sizeof desc, "rope %s [T %u, H %u, D %u], positions to %u, vs %s "
                 "(rotation bound with the table's tau)", hv == 0 ? "halves" : "interleaved",
                 T, H, D, npos - 1, names[hv]);
        tally_check(&tl, desc);
    }
    {
        const float *want[2];
        size_t cnt[2];
        want[0] = y[0];
        want[1] = y[1];
        cnt[0] = cnt[1] = x.count;
        vikref_same(dir, "rope", 2, names, want, cnt);
    }
out2:
    npy_free(&ref[0]);
    npy_free(&ref[1]);
    npy_free(&pos);
out1:
    npy_free(&x);
out:
    free(ct);
    free(st);
    free(y[0]);
    free(y[1]);
}

int main(void)
{
    if (!tmpdir_make("nn")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    test_exp();
    test_sigmoid();
    test_softmax_refs();
    test_softmax_domain();
    test_softmax_random();
    test_rmsnorm_refs();
    test_silu_swiglu();
    test_rope();
    rm_tree(tmpdir);
    return check_done();
}
